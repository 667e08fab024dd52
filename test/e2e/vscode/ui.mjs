// The VS Code UI suite: installs the built .vsix into code-server (VS Code 1.139 in the browser, with a
// real Node extension host), opens a copy of examples/ in Debian's chromium driven by playwright-core,
// and checks through the UI what a user sees: the language mode "Data Graph", an error squiggle on a
// known mistake, Ctrl+Space in related_entity listing the entity slugs, F12 jumping to the entity, and
// the hover showing its table. Screenshots go to test-results/e2e/screenshots/ (also on failure).
// Run by test/e2e/run.sh; alone: node test/e2e/vscode/ui.mjs (after setup.sh and npm run package).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  TIMEOUT, checkInstalled, cleanup, copyExamples, freePort, isolatedEnv, launchChromium, makeTmp, paths,
  positionOf, repoRoot, runner, slugsOf, startServer, stopServer, writeSettings, zipEntries, zipEntry,
} from './harness.mjs';

const r = runner('vscode-ui');
const shotsDir = path.join(paths.results, 'screenshots');
let tmp, server, browser, page;

async function shot(name) {
  if (!page) return;
  mkdirSync(shotsDir, { recursive: true });
  await page.screenshot({ path: path.join(shotsDir, `${name}.png`) });
}
const failShot = (name) => () => shot(`fail-${name}`);

const statusText = (id) => page.locator(`[id="${id}"]`).first().innerText();

/** Ctrl+G "line:col" (1-based) and wait until the status bar shows the cursor there. */
async function gotoPos({ line, character }) {
  await page.locator('.monaco-editor textarea').first().focus();
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').fill(`:${line + 1}:${character + 1}`); // Ctrl+G prefills ":"; fill replaces it
  await page.keyboard.press('Enter');
  await waitForSelection(line, character);
}

async function waitForSelection(line, character) {
  await page.waitForFunction((want) => new RegExp(`^${want}\\b`).test(document.querySelector('[id="status.editor.selection"]')?.innerText.trim() || ''),
    `Ln ${line + 1}, Col ${character + 1}`, { timeout: TIMEOUT });
}

/** Quick open (Ctrl+P) a workspace file and wait until its text shows in the editor. */
async function openFile(rel, visibleText) {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill(rel);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(rel) }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.monaco-editor .view-lines', { hasText: visibleText }).first().waitFor();
  await page.waitForFunction((name) => document.title.split(' - ')[0].replace(/^[●*] /, '') === name, path.basename(rel));
}

/** Ctrl+K Ctrl+I (show hover) and the text of the visible hover. */
async function showHover() {
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  const hover = page.locator('.monaco-hover:not(.hidden) .hover-contents').first();
  await hover.waitFor();
  return hover;
}

async function main() {
  checkInstalled();
  rmSync(shotsDir, { recursive: true, force: true });
  tmp = makeTmp('ui');
  const ws = path.join(tmp, 'examples');
  copyExamples(ws);
  writeSettings(tmp);
  const broken = readFileSync(path.join(ws, 'broken', 'broken.dg'), 'utf8');
  const complete = readFileSync(path.join(ws, 'complete.dg'), 'utf8');
  const slugs = slugsOf(complete);
  const common = ['--user-data-dir', path.join(tmp, 'user-data'), '--extensions-dir', path.join(tmp, 'extensions')];
  const procEnv = isolatedEnv(tmp);

  await r.test('the .vsix holds what runs, and nothing else', () => {
    const got = zipEntries(paths.vsix).filter((e) => e.startsWith('extension/')).map((e) => e.slice('extension/'.length));
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    const c = manifest.contributes || {};
    const rel = (p) => path.posix.normalize(p.replace(/^\.\//, ''));
    const needed = [manifest.main.replace(/^\.\//, '').replace(/(\.js)?$/, '.js'), manifest.icon,
      'server/out/server.js', 'server/out/web-tree-sitter.wasm', 'server/out/tree-sitter-dg.wasm',
      ...(c.languages || []).map((l) => l.configuration), ...(c.grammars || []).map((g) => g.path),
      ...(c.jsonValidation || []).map((j) => j.url), ...(c.snippets || []).map((s) => s.path),
      'package.json', 'readme.md', 'changelog.md', 'LICENSE.txt'].filter(Boolean).map(rel);
    // DuckDB's runtime for the package's target, staged by server/scripts/package.mjs beside the server
    // bundle: its package.json files, JavaScript, native binding and shared library (and licenses) only.
    const target = /TargetPlatform="([^"]+)"/.exec(zipEntry(paths.vsix, 'extension.vsixmanifest').toString('utf8'))?.[1];
    if (!target) throw new Error('the .vsix has no target platform (npm run package builds one per platform)');
    const duckdb = 'server/out/node_modules/@duckdb/';
    needed.push(`${duckdb}node-api/package.json`, `${duckdb}node-api/lib/index.js`, `${duckdb}node-bindings/duckdb.js`);
    const bindings = got.filter((f) => f.startsWith(`${duckdb}node-bindings-`) && f.endsWith('/duckdb.node'));
    if (bindings.length !== 1) throw new Error(`one DuckDB binding for ${target} expected, found: ${bindings.join(', ') || 'none'}`);
    const runtime = (f) => f.startsWith('server/out/node_modules/') && /(^|\/)(package\.json|LICENSE)$|\.(js|node|so|dylib|dll)$/.test(f)
      && !/(^|\/)(src|test|tests)\//.test(f);
    const missing = needed.filter((f) => !got.includes(f));
    const unwanted = got.filter((f) => (/\.(map|ts|mts|cts|tsbuildinfo)$|(^|\/)(src|test|tests|node_modules|examples|grammar|scripts|\.ci)\//.test(f) && !runtime(f))
      || f === 'server/out/cli.js');
    if (missing.length || unwanted.length) throw new Error(`missing: ${missing.join(', ') || '-'}; unwanted: ${unwanted.join(', ') || '-'}\n${got.join('\n')}`);
    r.note(`${path.relative(repoRoot, paths.vsix)} (${target}, ${bindings[0].split('/')[4]}): ${got.length} files, ${(statSync(paths.vsix).size / 1048576).toFixed(1)} MB`);
  });

  await r.test('the .vsix installs with code-server --install-extension', () => {
    const res = spawnSync(paths.node24, [paths.codeServer, ...common, '--install-extension', paths.vsix],
      { encoding: 'utf8', env: procEnv, timeout: 120000 });
    if (res.status !== 0) throw new Error(`exit ${res.status}\n${res.stdout}\n${res.stderr}`);
    r.note(res.stdout.trim().split('\n').pop());
  });

  const port = await freePort();
  server = await startServer(paths.node24, [paths.codeServer, ...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', ws],
  { env: procEnv, ready: /HTTP server listening/ });
  r.note(`code-server listening on 127.0.0.1:${port} (pid ${server.proc.pid})`);
  browser = await launchChromium(tmp);
  page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  page.setDefaultTimeout(TIMEOUT);
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}`);
  await page.locator('.monaco-workbench .part.editor').waitFor({ timeout: 90000 });
  // the explorer shows the workspace once the remote file system answers
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'complete.dg' }).first().waitFor({ timeout: 90000 });
  r.note('workbench loaded');

  // 1. broken.dg: the language mode, and an error squiggle under the related_entity typo
  const typo = positionOf(broken, 'related_entity = "houshold"', 'related_entity = "'.length);
  await r.test('opening broken.dg selects the language mode "Data Graph"', async () => {
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => {});
    await openFile('broken/broken.dg', 'data_graph');
    await page.waitForFunction(() => document.querySelector('[id="status.editor.mode"]')?.innerText.trim() === 'Data Graph');
  }, failShot('language'));

  await r.test('an error squiggle appears under the unknown entity "houshold" (DG300)', async () => {
    await page.locator('.monaco-editor .squiggly-error').first().waitFor(); // diagnostics arrived
    await gotoPos(typo);
    // the overlay line that holds the cursor-line highlight must hold an error squiggle too
    await page.waitForFunction(() => [...document.querySelectorAll('.monaco-editor .view-overlays > div')]
      .some((line) => line.querySelector('.current-line') && line.querySelector('.squiggly-error')));
    const hover = await showHover();
    await page.waitForFunction((el) => /DG300/.test(el.innerText), await hover.elementHandle());
    const text = await hover.innerText();
    r.note(`hover on the typo: ${JSON.stringify(text.replace(/\s+/g, ' ').slice(0, 160))}`);
    if (!text.includes('unknown entity "houshold"')) throw new Error(`hover text: ${text}`);
    const problems = await page.locator('[id="status.problems"]').first().getAttribute('aria-label');
    r.note(`status.problems: ${problems}`);
    await shot('01-diagnostics');
    await page.keyboard.press('Escape');
  }, failShot('squiggle'));

  // 2. complete.dg: completion, definition, hover
  const ref = positionOf(complete, 'related_entity = "cart-entity"', 'related_entity = "'.length);
  const entity = positionOf(complete, 'entity "cart-entity"', 'entity "'.length);
  await r.test('opening complete.dg: no error squiggles on a valid graph', async () => {
    await openFile('complete.dg', 'data_graph');
    await page.waitForFunction(() => document.querySelector('[id="status.editor.mode"]')?.innerText.trim() === 'Data Graph');
    await gotoPos(ref);
    // the server has answered for this document once a hover over a reference comes back
    await showHover();
    await page.keyboard.press('Escape');
    const squiggles = await page.locator('.monaco-editor .squiggly-error').count();
    if (squiggles !== 0) throw new Error(`${squiggles} error squiggles`);
  }, failShot('complete'));

  await r.test(`Ctrl+Space in related_entity lists the ${slugs.length} entity slugs`, async () => {
    await gotoPos(positionOf(complete, 'related_entity = "brand-entity"', 'related_entity = "'.length));
    await page.keyboard.press('Control+Space');
    const labels = page.locator('.suggest-widget.visible .monaco-list-row .label-name');
    await page.waitForFunction((want) => {
      const got = [...document.querySelectorAll('.suggest-widget.visible .monaco-list-row .label-name')].map((e) => e.innerText.trim());
      return want.every((s) => got.includes(s));
    }, slugs);
    const got = (await labels.allInnerTexts()).map((s) => s.trim()).sort();
    r.note(`completion labels: ${JSON.stringify(got)}`);
    await shot('02-completion');
    await page.keyboard.press('Escape');
    await page.locator('.suggest-widget.visible').waitFor({ state: 'detached' }).catch(() => page.locator('.suggest-widget.visible').waitFor({ state: 'hidden' }));
    if (got.length !== slugs.length) throw new Error(`expected exactly ${JSON.stringify(slugs)}, got ${JSON.stringify(got)}`);
  }, failShot('completion'));

  await r.test('hover on related_entity "cart-entity" shows its table', async () => {
    await gotoPos({ line: ref.line, character: ref.character + 2 });
    const hover = await showHover();
    await page.waitForFunction((el) => el.innerText.includes('PRODUCTION.CUST.CART'), await hover.elementHandle());
    r.note(`hover: ${JSON.stringify((await hover.innerText()).replace(/\s+/g, ' ').slice(0, 160))}`);
    await shot('03-hover');
    await page.keyboard.press('Escape');
  }, failShot('hover'));

  await r.test('F12 on related_entity "cart-entity" jumps to the entity', async () => {
    await gotoPos({ line: ref.line, character: ref.character + 2 });
    await page.keyboard.press('F12');
    await waitForSelection(entity.line, entity.character);
    r.note(`selection after F12: ${await statusText('status.editor.selection')}`);
    await shot('04-definition');
  }, failShot('definition'));

  await r.test('Data Graph: Show Graph (palette and editor title button) draws the graph beside the editor', async () => {
    await page.locator('.editor-actions [aria-label^="Show Graph"]').first().waitFor(); // the title bar button of a dg editor
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').fill('>Data Graph: Show Graph');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Data Graph: Show Graph' }).first().waitFor();
    await page.keyboard.press('Enter');
    // The webview's content sits in two nested iframes; the server's SVG is inline in it.
    const view = page.frameLocator('iframe.webview').frameLocator('#active-frame');
    for (const slug of slugs) await view.locator('svg.dg-graph .dg-node .dg-title', { hasText: slug }).first().waitFor();
    const header = await view.locator('header').innerText();
    r.note(`graph panel: ${JSON.stringify(header)}, ${await view.locator('svg.dg-graph .dg-edge-path').count()} edges`);
    // The theme reaches the SVG: its text takes the editor foreground, not the default black.
    const color = await view.locator('svg.dg-graph').evaluate((svg) => getComputedStyle(svg).color);
    r.note(`svg text colour: ${color}`);
    await shot('05-graph');
    if (!/^complete\.dg · version \d+$/.test(header)) throw new Error(`header: ${header}`);
  }, failShot('graph'));
}

let code = 1;
try {
  await main();
} catch (e) {
  r.fail('setup', (e && e.stack) || e);
  await shot('fail-setup').catch(() => {});
} finally {
  await browser?.close().catch(() => {});
  await stopServer(server);
  const left = await cleanup(tmp);
  if (left.length) r.fail('no processes left behind', `killed:\n${left.join('\n')}`);
  code = r.finish();
}
process.exit(code);
