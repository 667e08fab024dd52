// dg/runDataChecks through the stdio server, on a copy of examples/retail (an embedded DuckDB warehouse
// built from warehouse.sql): the summary, work-done progress, DG605/DG606 published with the document's
// other diagnostics until the next edit, and restricted mode (initializationOptions.untrusted): DG607
// and no warehouse connection. No sleeps: every wait is for a condition.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestType, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { ensureBuilt, LspClient, VSCODE_CAPABILITIES } from '../support/lspClient';
import { repoRoot } from '../support/wasm';

interface DataChecksSummary {
  uri: string;
  config?: string;
  ran: boolean;
  queries: number;
  counts: Record<string, number>;
  problems: string[];
  cancelled: boolean;
}
const RunDataChecks = new RequestType<{ uri: string }, DataChecksSummary, void>('dg/runDataChecks');

const retail = join(repoRoot, 'examples', 'retail');
/** examples/retail with a primary key that repeats (DG605) and an identity type no profile has (DG606). */
const GRAPH = readFileSync(join(retail, 'retail.dg'), 'utf8')
  .replace('primary_key = "order_item_id"', 'primary_key = "order_id"')
  .replace('type     = "user_id"', 'type     = "fax_number"');

let root: string;
let counter = 0;
const clients: LspClient[] = [];

/** A copy of the retail project (without its built database: warehouse.sql builds it when connected). */
function project(): { dir: string; uri: string; database: string } {
  const dir = mkdtempSync(join(root, `retail-${++counter}-`));
  copyFileSync(join(retail, 'dg.config.json'), join(dir, 'dg.config.json'));
  copyFileSync(join(retail, 'warehouse.sql'), join(dir, 'warehouse.sql'));
  writeFileSync(join(dir, 'retail.dg'), GRAPH);
  return { dir, uri: pathToFileURL(join(dir, 'retail.dg')).href, database: join(dir, 'retail.duckdb') };
}

async function start(workspace: string, initializationOptions?: unknown): Promise<LspClient> {
  const client = await LspClient.start({
    settings: {},
    capabilities: { ...VSCODE_CAPABILITIES, window: { workDoneProgress: true } },
    workspaceFolders: [workspace],
    timeoutMs: 60_000,
    ...(initializationOptions !== undefined ? { initializationOptions } : {}),
  });
  clients.push(client);
  return client;
}

const codes = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => String(d.code));
const without = (list: string[], ...drop: string[]) => list.filter((c) => !drop.includes(c));

beforeAll(() => {
  ensureBuilt();
  root = mkdtempSync(join(tmpdir(), 'dg-lsp-data-'));
}, 180_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  rmSync(root, { recursive: true, force: true });
});

describe('dg/runDataChecks', () => {
  it('runs the data checks on the warehouse, reports progress, and publishes DG605/DG606 until the next edit', async () => {
    const { dir, uri } = project();
    const client = await start(dir);
    await client.open(uri, GRAPH);
    // The checks before: no data findings (they run on demand only).
    const before = await client.waitForDiagnostics(uri, (p) => p.version === 1);
    expect(codes(before)).not.toContain('DG605');
    expect(codes(before)).not.toContain('DG606');

    const since = client.mark();
    const summary = await client.request(RunDataChecks, { uri });
    expect(summary).toMatchObject({ uri, config: join(dir, 'dg.config.json'), ran: true, cancelled: false, problems: [] });
    expect(summary.queries).toBeGreaterThan(0);
    expect(summary.counts).toEqual({ DG605: 1, DG606: 1 });

    const after = await client.waitForDiagnostics(uri, (p) => codes(p).includes('DG605'), { since });
    expect(after.version).toBe(1);
    const dg605 = after.diagnostics.find((d) => d.code === 'DG605')!;
    expect(dg605.message).toContain('primary_key "order_id" is not unique in retail.sales.order_items');
    const dg606 = after.diagnostics.find((d) => d.code === 'DG606')!;
    expect(dg606.message).toContain('identity type "fax_number" never appears');
    // Merged with the document's other diagnostics (settled: the catalog was loaded for the run).
    const settled = await client.waitForDiagnostics(uri, (p) => codes(p).includes('DG405'));
    expect(without(codes(after), 'DG605', 'DG606').sort()).toEqual(codes(settled).sort());

    // Work-done progress: created by the server, begun, reported per query, ended.
    expect(client.progressTokens).toHaveLength(1);
    const kinds = client.progress.filter((p) => p.token === client.progressTokens[0]).map((p) => (p.value as { kind: string }).kind);
    expect(kinds[0]).toBe('begin');
    expect(kinds).toContain('report');
    expect(kinds.at(-1)).toBe('end');

    // An edit drops them (they were about the previous version).
    const edited = client.mark();
    await client.change(uri, 2, [{ text: GRAPH + '\n' }]);
    const next = await client.diagnosticsOf(uri, 2, { since: edited });
    expect(codes(next)).not.toContain('DG605');
    expect(codes(next)).not.toContain('DG606');
  }, 120_000);

  it('in an untrusted workspace connects to no warehouse and reports DG607 saying why', async () => {
    const { dir, uri, database } = project();
    const client = await start(dir, { untrusted: true });
    await client.open(uri, GRAPH);
    const published = await client.waitForDiagnostics(uri, (p) => codes(p).includes('DG607'));
    const dg607 = published.diagnostics.find((d) => d.code === 'DG607')!;
    expect(dg607.message).toContain('the workspace is not trusted');

    const summary = await client.request(RunDataChecks, { uri });
    expect(summary).toMatchObject({ uri, ran: false, queries: 0, cancelled: false });
    expect(summary.problems.join('\n')).toContain('the workspace is not trusted');
    expect(summary.counts['DG605'] ?? 0).toBe(0);
    expect(summary.counts['DG606'] ?? 0).toBe(0);
    await client.roundTrip();
    const latest = client.published.filter((p) => p.uri === uri).at(-1)!;
    expect(codes(latest)).toContain('DG607');
    expect(codes(latest)).not.toContain('DG605');
    // warehouse.sql was never run: nothing connected to (or created) the DuckDB database.
    expect(existsSync(database)).toBe(false);
  }, 60_000);

  it('answers an error for a document that is not open', async () => {
    const { dir } = project();
    const client = await start(dir);
    await expect(client.request(RunDataChecks, { uri: pathToFileURL(join(dir, 'missing.dg')).href })).rejects.toThrow(/not open/);
  }, 60_000);
});
