// The warehouse catalog through the stdio server: each document's dg.config.json, its catalog loaded
// once in the background (diagnostics first, the warehouse checks when it arrives), DG607 when it
// fails, completion and hover from it, and dg/refreshCatalog. No sleeps: every wait is for a condition.
// (test/lsp/warehouses.test.ts does the same with a dbt catalog and a live Postgres.)
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CompletionItemKind,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { positionAt, type LspClient } from '../support/lspClient';
import { codes, has, lspProjects, RefreshCatalog } from '../support/lspProject';
import { WAREHOUSE_SNAPSHOT } from '../support/warehouse';
import { CATALOG_GRAPH as GRAPH } from './texts';

const fixture = WAREHOUSE_SNAPSHOT;


const lsp = lspProjects('dg-lsp-catalog-');

/** A project directory with dg.config.json and a copy of the fixture snapshot. */
const project = (config: Record<string, unknown> = { catalog: 'dg-catalog.json' }) =>
  lsp.project(config, { 'dg-catalog.json': readFileSync(fixture, 'utf8') });

const start = (workspace: string, settings: Record<string, unknown> = {}) => lsp.start(workspace, { settings });

const offsetOf = (text: string, marker: string) => {
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`no ${marker}`);
  return at;
};
const catalogLogs = (client: LspClient) => client.logs.filter((l) => l.message.startsWith('dg: catalog for '));

describe('warehouse catalog in the language server', () => {
  it('publishes at once, then again with DG600–DG604 once the catalog loads (once for every document of the project)', async () => {
    const { dir, uri } = project({ catalog: 'dg-catalog.json', severities: { DG112: 'off' } });
    const client = await start(dir);
    const [a, b] = [uri('a.dg'), uri('b.dg')];
    await client.open(a, GRAPH);
    await client.open(b, GRAPH);
    for (const document of [a, b]) {
      const published = await client.waitForDiagnostics(document, has('DG600'));
      expect(codes(published)).toEqual(['DG600']);
      const [d] = published.diagnostics as [Diagnostic];
      expect(d.message).toContain('table_ref "prod.crm.cartz" not found');
      const at = offsetOf(GRAPH, 'prod.crm.cartz');
      expect(d.range).toEqual({ start: positionAt(GRAPH, at), end: positionAt(GRAPH, at + 'prod.crm.cartz'.length) });
      expect(published.version).toBe(1);
    }
    // The project's severities apply (DG112 is off), and the catalog was loaded once for both.
    await client.roundTrip();
    expect(catalogLogs(client).map((l) => l.message)).toEqual([
      `dg: catalog for ${join(dir, 'dg.config.json')}: catalog snapshot dg-catalog.json (test fixture, 2025-06-01), 11 tables, 31 columns`,
    ]);
    // Edits are checked against the cached catalog, synchronously with the edit.
    const since = client.mark();
    const fixed = GRAPH.replace('prod.crm.cartz', 'prod.crm.carts');
    await client.change(a, 2, [{ text: fixed }]);
    expect(codes(await client.diagnosticsOf(a, 2, { since }))).toEqual([]);
    expect(catalogLogs(client)).toHaveLength(1);
  });

  it('completes columns from the catalog with their types, tables part by part, and hovers a table card', async () => {
    const { dir, uri } = project();
    const client = await start(dir);
    const document = uri('complete.dg');
    const text = GRAPH.replace('primary_key = "id"\n  }\n  entity "cart"', 'primary_key = ""\n  }\n  entity "cart"');
    await client.open(document, text);
    await client.waitForDiagnostics(document, has('DG600'));

    const columns = (await client.completion(document, positionAt(text, offsetOf(text, 'primary_key = ""') + 15))) as CompletionList;
    expect(columns.items.map((i) => [i.label, i.detail, i.kind])).toEqual([
      ['id', 'INTEGER · not null · prod.crm.accounts', CompletionItemKind.Field],
      ['name', 'VARCHAR · prod.crm.accounts', CompletionItemKind.Field],
      ['email', 'VARCHAR · prod.crm.accounts', CompletionItemKind.Field],
      ['created_at', 'TIMESTAMP WITH TIME ZONE · prod.crm.accounts', CompletionItemKind.Field],
    ]);

    const tables = (await client.completion(document, positionAt(text, offsetOf(text, 'crm.cartz') + 4))) as CompletionList;
    const table = (label: string) => tables.items.find((i) => i.label === label) as CompletionItem;
    expect(tables.items.map((i) => i.label)).toEqual(['accounts', 'carts', 'products', 'cart_products', 'Orders', 'v_accounts']);
    expect([table('carts').kind, table('v_accounts').kind, table('v_accounts').detail]).toEqual([CompletionItemKind.Struct, CompletionItemKind.Interface, 'view · 2 columns']);
    const part = offsetOf(text, 'cartz');
    expect(table('carts').textEdit).toEqual({ range: { start: positionAt(text, part), end: positionAt(text, part + 5) }, newText: 'carts' });

    const hover = await client.hover(document, positionAt(text, offsetOf(text, 'prod.crm.accounts') + 3));
    expect((hover!.contents as MarkupContent).value).toContain('**table** `prod.crm.accounts` — One row per customer account.\n\n| column | type | null |');
    const column = await client.hover(document, positionAt(text, offsetOf(text, 'join_key = "email"') + 13));
    expect((column!.contents as MarkupContent).value).toContain('`VARCHAR` · nullable');
  });

  it('gives one DG607 per document when the catalog cannot be loaded, keeping every other diagnostic', async () => {
    const { dir, uri } = project({ catalog: 'missing-catalog.json' });
    const client = await start(dir);
    const document = uri('broken.dg');
    const broken = GRAPH.replace('"segment:materialized"', 'segment:materialized');
    await client.open(document, broken);
    const published = await client.waitForDiagnostics(document, has('DG607'));
    expect(codes(published).sort()).toEqual(['DG004', 'DG112', 'DG607']);
    const dg607 = published.diagnostics.find((d) => d.code === 'DG607')!;
    expect(dg607.severity).toBe(3); // information
    expect(dg607.message).toBe(
      'Warehouse checks (DG600–DG604) skipped: The catalog file missing-catalog.json does not exist. ' +
        'Run `dbt docs generate` or `dg catalog pull`, or fix "catalog" in dg.config.json.',
    );
    expect(dg607.range).toEqual({ start: { line: 0, character: 0 }, end: { line: 0, character: 10 } });
    // Still there after an edit (the failure is cached, not retried on a keystroke), once.
    const since = client.mark();
    await client.change(document, 2, [{ text: GRAPH }]);
    expect(codes(await client.diagnosticsOf(document, 2, { since })).sort()).toEqual(['DG112', 'DG607']);
    expect(client.logs.filter((l) => l.message.includes('missing-catalog.json'))).toHaveLength(1);
  });

  it('dg/refreshCatalog re-reads dg.config.json and the snapshot, and re-checks the open documents', async () => {
    const { dir, uri } = project({ catalog: 'dg-catalog.json', severities: { DG112: 'off' } });
    const client = await start(dir);
    const [a, b] = [uri('one.dg'), uri('two.dg')];
    await client.open(a, GRAPH);
    await client.open(b, GRAPH);
    await client.waitForDiagnostics(a, has('DG600'));
    await client.waitForDiagnostics(b, has('DG600'));

    // The snapshot gains prod.crm.cartz (with account_id): DG600 goes away after a refresh.
    const snapshot = JSON.parse(readFileSync(join(dir, 'dg-catalog.json'), 'utf8'));
    snapshot.databases[0].schemas[0].tables.push({ name: 'cartz', kind: 'table', columns: [{ name: 'id', type: 'INTEGER' }, { name: 'account_id', type: 'INTEGER' }] });
    writeFileSync(join(dir, 'dg-catalog.json'), JSON.stringify(snapshot));
    let since = client.mark();
    const result = await client.request(RefreshCatalog, { uri: a });
    expect(result).toEqual({
      catalogs: [{ config: join(dir, 'dg.config.json'), origin: 'catalog snapshot dg-catalog.json (test fixture, 2025-06-01)', tables: 12, columns: 33, problems: [] }],
    });
    for (const document of [a, b]) expect(codes(await client.waitForDiagnostics(document, (p) => !has('DG600')(p), { since }))).toEqual([]);

    // dg.config.json changes too: a refresh without a URI reads it again (DG112 back on, a broken catalog path).
    writeFileSync(join(dir, 'dg.config.json'), JSON.stringify({ catalog: 'nope.json' }));
    since = client.mark();
    const again = await client.request(RefreshCatalog, {});
    expect(again.catalogs).toHaveLength(1);
    expect(again.catalogs[0]!.problems[0]).toContain('The catalog file nope.json does not exist.');
    for (const document of [a, b]) {
      const published = await client.waitForDiagnostics(document, has('DG607'), { since });
      expect(codes(published).sort()).toEqual(['DG112', 'DG607']);
    }
  });

  it('the client\'s dataGraph.severities override dg.config.json\'s; a document outside any project gets no DG607', async () => {
    const { dir, uri } = project({ catalog: 'dg-catalog.json', severities: { DG600: 'off', DG112: 'off' } });
    const client = await start(dir, { severities: { DG600: 'hint' } });
    const document = uri('override.dg');
    await client.open(document, GRAPH);
    const published = await client.waitForDiagnostics(document, has('DG600'));
    expect(published.diagnostics.map((d) => [d.code, d.severity])).toEqual([['DG600', 4]]);

    const root = lsp.root;
    const outside = pathToFileURL(join(root, 'outside', 'lonely.dg')).href;
    const other = await lsp.start();
    await other.open(outside, GRAPH);
    await other.diagnosticsOf(outside, 1);
    await other.roundTrip();
    // Its project lookup found nothing: no second publication, no DG607.
    await other.request(RefreshCatalog, { uri: outside });
    await other.roundTrip();
    const all = other.published.filter((p) => p.uri === outside);
    expect(all.every((p) => !has('DG607')(p) && !has('DG600')(p))).toBe(true);

    // A dg.config.json created since is found on refresh.
    mkdirSync(join(root, 'outside'), { recursive: true });
    writeFileSync(join(root, 'outside', 'dg.config.json'), JSON.stringify({ catalog: 'snapshot.json' }));
    copyFileSync(fixture, join(root, 'outside', 'snapshot.json'));
    const since = other.mark();
    const result = await other.request(RefreshCatalog, { uri: outside });
    expect(result.catalogs.map((c) => [c.config, c.tables])).toEqual([[join(root, 'outside', 'dg.config.json'), 11]]);
    expect(codes(await other.waitForDiagnostics(outside, has('DG600'), { since })).sort()).toEqual(['DG112', 'DG600']);
  });
});
