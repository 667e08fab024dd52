// The project settings through the stdio server: `dataGraph.configPath` (an explicit dg.config.json
// instead of walking up), `dataGraph.catalog.loadOnStartup` (off: only dg/refreshCatalog loads the
// catalog), and the `dg/status` notification the status bar shows. No sleeps: every wait is for a condition.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestType, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { ensureBuilt, LspClient, VSCODE_CAPABILITIES } from '../support/lspClient';
import { WAREHOUSE_SNAPSHOT } from '../support/warehouse';
import { CATALOG_GRAPH } from './texts';

const RefreshCatalog = new RequestType<{ uri?: string }, { catalogs: { config: string; tables?: number }[] }, void>('dg/refreshCatalog');
const fixture = WAREHOUSE_SNAPSHOT;

/** `prod.crm.cartz` is not in the fixture warehouse: DG600 once the catalog is loaded; no unused entity. */
const GRAPH = CATALOG_GRAPH.replace(/  entity "unused" \{[^}]*\}\n/, '');

let root: string;
let counter = 0;
const clients: LspClient[] = [];
const codes = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => d.code);
const has = (code: string) => (p: PublishDiagnosticsParams) => codes(p).includes(code);

/** A workspace with the fixture snapshot and a dg.config.json naming it at `configAt` (relative). */
function workspace(configAt: string): { dir: string; uri: string } {
  const dir = join(root, `workspace-${++counter}`);
  const configDir = join(dir, configAt, '..');
  mkdirSync(join(dir, 'graphs'), { recursive: true });
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(dir, configAt), JSON.stringify({ catalog: 'dg-catalog.json', severities: { DG112: 'off' } }));
  copyFileSync(fixture, join(configDir, 'dg-catalog.json'));
  return { dir, uri: pathToFileURL(join(dir, 'graphs', 'graph.dg')).href };
}

async function start(dir: string, settings: Record<string, unknown>): Promise<LspClient> {
  const client = await LspClient.start({ settings, capabilities: VSCODE_CAPABILITIES, workspaceFolders: [dir] });
  clients.push(client);
  return client;
}

beforeAll(() => {
  ensureBuilt();
  root = mkdtempSync(join(tmpdir(), 'dg-lsp-project-settings-'));
}, 180_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  rmSync(root, { recursive: true, force: true });
});

describe('project settings in the language server', () => {
  it('dataGraph.configPath names the dg.config.json (relative to the workspace folder) instead of walking up', async () => {
    // conf/ is not above graphs/: walking up finds nothing.
    const { dir, uri } = workspace(join('conf', 'custom.config.json'));
    const client = await start(dir, { configPath: 'conf/custom.config.json' });
    await client.open(uri, GRAPH);
    expect(codes(await client.waitForDiagnostics(uri, has('DG600')))).toEqual(['DG600']);
    const status = await client.waitForStatus(uri, (s) => s.catalog.state === 'loaded');
    expect(status).toMatchObject({ server: 'ready', config: join(dir, 'conf', 'custom.config.json'), catalog: { state: 'loaded', detail: 'conf: 11 tables' } });

    // Without the setting the same document has no configuration (and says so).
    const plain = await start(dir, {});
    await plain.open(uri, GRAPH);
    expect((await plain.waitForStatus(uri)).catalog.state).toBe('none');
    await plain.roundTrip();
    expect(plain.published.filter((p) => p.uri === uri).flatMap(codes)).toEqual([]);
  });

  it('dataGraph.catalog.loadOnStartup off: no catalog until dg/refreshCatalog', async () => {
    const { dir, uri } = workspace('dg.config.json');
    const client = await start(dir, { catalog: { loadOnStartup: false } });
    await client.open(uri, GRAPH);
    const idle = await client.waitForStatus(uri, (s) => s.catalog.state === 'none');
    expect(idle.catalog.detail).toContain('loadOnStartup is off');
    await client.roundTrip();
    expect(client.published.filter((p) => p.uri === uri).flatMap(codes)).toEqual([]);
    expect(client.logs.filter((l) => l.message.startsWith('dg: catalog for '))).toEqual([]);

    const since = client.mark();
    const result = await client.request(RefreshCatalog, { uri });
    expect(result.catalogs).toMatchObject([{ config: join(dir, 'dg.config.json'), tables: 11 }]);
    expect(codes(await client.waitForDiagnostics(uri, has('DG600'), { since }))).toEqual(['DG600']);
    expect((await client.waitForStatus(uri, (s) => s.catalog.state === 'loaded')).catalog.detail).toMatch(/: 11 tables$/);
  });
});
