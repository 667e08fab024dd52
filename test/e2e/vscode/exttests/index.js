// Extension-host tests through the VS Code API, run inside code-server's real extension host by
// ../run-exttests.mjs (the @vscode/test-electron `extensionTestsPath` contract: export run()).
// The workspace is a copy of examples/. Positions are found by searching the files' text.
// Prints "ok   - ..." / "FAIL - ..." lines and "N passed, N failed" (relayed by the page console);
// run() rejects when anything failed, which makes the test host exit with code 1.
const assert = require('assert');
const vscode = require('vscode');

const EXTENSION_ID = 'dg-tools.dg-data-graph';
const TIMEOUT = Number(process.env.DG_E2E_TIMEOUT_MS || 30000);

/** Resolves with `value()` once it is truthy, re-checking whenever `event` fires; rejects after TIMEOUT. */
function when(event, value, what) {
  return new Promise((resolve, reject) => {
    let sub;
    const timer = setTimeout(() => { sub?.dispose(); reject(new Error(`timed out waiting for ${what}`)); }, TIMEOUT);
    const check = () => {
      const v = value();
      if (v) { clearTimeout(timer); sub?.dispose(); resolve(v); }
    };
    sub = event(check);
    check();
  });
}
/** Resolves with `value()` once it is truthy, asking again every 200 ms (state with no event); rejects after TIMEOUT. */
async function poll(value, what) {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const v = await value();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
const diagnosticsOf = (uri, pred = (ds) => ds.length > 0) =>
  when(vscode.languages.onDidChangeDiagnostics, () => { const ds = vscode.languages.getDiagnostics(uri); return pred(ds) && ds; },
    `diagnostics of ${uri.path.split('/').pop()}`);

const codeOf = (d) => (typeof d.code === 'object' && d.code !== null ? d.code.value : d.code);
const labelOf = (i) => (typeof i.label === 'string' ? i.label : i.label.label);
const hoverText = (hovers) => hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
const slugsOf = (text) => [...text.matchAll(/^\s*entity\s+"([^"]+)"/gm)].map((m) => m[1]).sort();
function positionOf(doc, needle, offset = 0) {
  const i = doc.getText().indexOf(needle);
  assert.ok(i >= 0, `not found in ${doc.uri.path}: ${needle}`);
  return doc.positionAt(i + offset);
}

exports.run = async function run() {
  let passed = 0, failed = 0;
  const it = async (name, fn) => {
    try { await fn(); passed++; console.log(`ok   - vscode-api: ${name}`); }
    catch (e) { failed++; console.log(`FAIL - vscode-api: ${name} :: ${(e && e.stack) || e}`); }
  };
  const root = vscode.workspace.workspaceFolders[0].uri;
  const brokenUri = vscode.Uri.joinPath(root, 'broken', 'broken.dg');
  const completeUri = vscode.Uri.joinPath(root, 'complete.dg');

  await it('the extension is installed and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} present`);
    await ext.activate();
    assert.ok(ext.isActive);
    const commands = await vscode.commands.getCommands(true);
    for (const c of ['dataGraph.restartServer', 'dataGraph.showOutput']) assert.ok(commands.includes(c), `command ${c}`);
  });

  const broken = await vscode.workspace.openTextDocument(brokenUri);
  await vscode.window.showTextDocument(broken);
  await it('a .dg file gets the language id dg', () => assert.equal(broken.languageId, 'dg'));

  await it('languages.getDiagnostics: DG300 on the related_entity typo in broken.dg', async () => {
    const ds = await diagnosticsOf(brokenUri, (all) => all.some((d) => codeOf(d) === 'DG300'));
    const d = ds.find((x) => codeOf(x) === 'DG300');
    const at = positionOf(broken, 'related_entity = "houshold"', 'related_entity = "'.length);
    assert.deepEqual([d.range.start.line, d.range.start.character], [at.line, at.character]);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.match(d.message, /unknown entity "houshold"/);
    assert.equal(d.source, 'dg');
    const codes = new Set(ds.map(codeOf));
    for (const c of ['DG003', 'DG004', 'DG200', 'DG203']) assert.ok(codes.has(c), `${c} in ${[...codes]}`);
  });

  await it('settings apply without a restart: dataGraph.severities { DG300: "off" } hides DG300', async () => {
    const config = vscode.workspace.getConfiguration('dataGraph');
    await config.update('severities', { DG300: 'off' }, vscode.ConfigurationTarget.Global);
    try {
      await diagnosticsOf(brokenUri, (all) => all.length > 0 && !all.some((d) => codeOf(d) === 'DG300'));
    } finally {
      await config.update('severities', undefined, vscode.ConfigurationTarget.Global);
    }
    await diagnosticsOf(brokenUri, (all) => all.some((d) => codeOf(d) === 'DG300'));
  });

  const complete = await vscode.workspace.openTextDocument(completeUri);
  await vscode.window.showTextDocument(complete);
  const slugs = slugsOf(complete.getText());
  const ref = positionOf(complete, 'related_entity = "cart-entity"', 'related_entity = "'.length);

  await it('languages.getDiagnostics: complete.dg has no errors', async () => {
    // an answered request proves the server has the document; its diagnostics are published before that
    await vscode.commands.executeCommand('vscode.executeHoverProvider', completeUri, ref);
    const errors = vscode.languages.getDiagnostics(completeUri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.deepEqual(errors.map((d) => `${codeOf(d)} ${d.message}`), []);
  });

  await it(`vscode.executeCompletionItemProvider in related_entity lists the ${slugs.length} entity slugs`, async () => {
    const list = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', completeUri, ref);
    const labels = list.items.map(labelOf).sort();
    assert.deepEqual(labels, slugs);
  });

  await it('vscode.executeDefinitionProvider goes from related_entity to the entity', async () => {
    const defs = await vscode.commands.executeCommand('vscode.executeDefinitionProvider', completeUri, ref.translate(0, 2));
    assert.equal(defs.length, 1);
    const d = defs[0];
    const range = d.targetSelectionRange || d.range;
    const at = positionOf(complete, 'entity "cart-entity"', 'entity "'.length);
    assert.equal((d.targetUri || d.uri).toString(), completeUri.toString());
    assert.deepEqual([range.start.line, range.start.character], [at.line, at.character]);
  });

  await it('vscode.executeHoverProvider on related_entity shows the table', async () => {
    const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', completeUri, ref.translate(0, 2));
    const text = hoverText(hovers);
    assert.match(text, /PRODUCTION\.CUST\.CART/);
    assert.match(text, /cart-entity/);
  });

  await it('dataGraph.showGraph opens the picture of the graph in a webview beside the editor', async () => {
    const editor = await vscode.window.showTextDocument(complete);
    await vscode.commands.executeCommand('dataGraph.showGraph');
    const isGraph = (t) => t.input instanceof vscode.TabInputWebview && /dataGraph\.graph$/.test(t.input.viewType) && t.label === 'Graph: complete.dg';
    const tab = await poll(() => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find(isGraph), 'the "Graph: complete.dg" tab');
    assert.notEqual(tab.group.viewColumn, editor.viewColumn, 'beside the editor');
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), completeUri.toString(), 'the editor keeps the focus');
    await vscode.window.tabGroups.close(tab);
  });

  await it('an untitled dg document gets diagnostics too', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'dg', content: 'data_graph {\n  entity "Bad" {\n  }\n}\n' });
    await vscode.window.showTextDocument(doc);
    const ds = await diagnosticsOf(doc.uri);
    assert.ok(ds.some((d) => codeOf(d) === 'DG200'), ds.map((d) => `${codeOf(d)} ${d.message}`).join('\n'));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  // retail/dg.config.json: an embedded DuckDB warehouse, built from warehouse.sql on first use. The server
  // runs from the installed .vsix, so @duckdb/node-api and its native binding come from the runtime staged
  // in its server/out/node_modules (without it: one DG607 "driver missing" and no warehouse checks).
  await it('DuckDB in the extension: retail/ builds its warehouse and gets DG600/DG601 on a wrong table and column, no DG607; identity types complete from its Profiles Sync tables', async () => {
    const retailUri = vscode.Uri.joinPath(root, 'retail', 'retail.dg');
    const retail = await vscode.workspace.openTextDocument(retailUri);
    await vscode.window.showTextDocument(retail);
    const rangeOf = (needle) => new vscode.Range(positionOf(retail, needle), positionOf(retail, needle, needle.length));
    const table = rangeOf('"retail.crm.customers"');
    const column = rangeOf('primary_key = "order_id"');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(retailUri, table, '"retail.crm.customerz"');
    edit.replace(retailUri, column, 'primary_key = "order_number"');
    assert.ok(await vscode.workspace.applyEdit(edit), 'edit applied');
    try {
      const has = (all, code) => all.some((d) => codeOf(d) === code);
      const ds = await diagnosticsOf(retailUri, (all) => has(all, 'DG607') || (has(all, 'DG600') && has(all, 'DG601')));
      const all = ds.map((d) => `${codeOf(d)} ${d.message}`).join('\n');
      assert.ok(!has(ds, 'DG607'), `the DuckDB warehouse did not load:\n${all}`);
      const dg600 = ds.find((d) => codeOf(d) === 'DG600');
      assert.equal(dg600.range.start.line, table.start.line, all);
      assert.match(dg600.message, /retail\.crm\.customerz/);
      const dg601 = ds.find((d) => codeOf(d) === 'DG601');
      assert.equal(dg601.range.start.line, column.start.line, all);
      assert.match(dg601.message, /order_number/);
      // the database was built inside the workspace copy, from its warehouse.sql
      const built = await vscode.workspace.fs.stat(vscode.Uri.joinPath(root, 'retail', 'retail.duckdb'));
      assert.ok(built.size > 0, 'retail.duckdb built');
      // The identity types the profiles have, sampled in the background once the catalog is in use.
      const typeAt = positionOf(retail, 'type     = "user_id"', 'type     = "'.length);
      const items = await poll(async () => {
        const list = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', retailUri, typeAt);
        return list.items.some((i) => /rows? in user_identifiers\.type/.test(i.detail ?? '')) && list.items;
      }, 'identity types sampled from retail.segment_profiles.user_identifiers');
      assert.deepEqual(items.slice(0, 3).map((i) => [labelOf(i), i.detail]), [
        ['user_id', '3 rows in user_identifiers.type'],
        ['email', '2 rows in user_identifiers.type'],
        ['anonymous_id', '1 row in user_identifiers.type'],
      ]);
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  await it('dataGraph.restartServer: the server answers again after a restart', async () => {
    await vscode.commands.executeCommand('dataGraph.restartServer');
    const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', completeUri, ref.translate(0, 2));
    assert.match(hoverText(hovers), /PRODUCTION\.CUST\.CART/);
  });

  console.log(`${passed} passed, ${failed} failed`);
  if (failed) throw new Error(`${failed} extension test(s) failed`);
};
