// Files on disk through the stdio server and the client's file watchers (workspace/didChangeWatchedFiles,
// registered dynamically after `initialized`): dg.config.json created, changed and deleted, a catalog
// file rewritten, `.dg` files created and deleted (workspace symbols), bursts folded into one reload,
// workspace folders added and removed, and a client that cannot watch files. The test writes the disk,
// then sends the events a watching client would. No sleeps: every wait is for a condition.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FileChangeType, type FileEvent, type PublishDiagnosticsParams, type SymbolInformation } from 'vscode-languageserver-protocol/node';
import { VSCODE_CAPABILITIES, type DgStatus, type LspClient } from '../support/lspClient';
import { codes, lspProjects, RefreshCatalog } from '../support/lspProject';
import { WAREHOUSE_SNAPSHOT } from '../support/warehouse';
import { CATALOG_GRAPH as GRAPH } from './texts';

const lsp = lspProjects('dg-lsp-watched-');


const SNAPSHOT = readFileSync(WAREHOUSE_SNAPSHOT, 'utf8');

/** The fixture snapshot with prod.crm.cartz added: no DG600 for GRAPH. */
function snapshotWithCartz(): string {
  const snapshot = JSON.parse(SNAPSHOT);
  snapshot.databases[0].schemas[0].tables.push({
    name: 'cartz',
    kind: 'table',
    columns: [{ name: 'id', type: 'INTEGER' }, { name: 'account_id', type: 'INTEGER' }],
  });
  return JSON.stringify(snapshot);
}

const WATCHED_FILES = 'workspace/didChangeWatchedFiles';
const event = (path: string, type: FileChangeType): FileEvent => ({ uri: pathToFileURL(path).href, type });
const { Created, Changed, Deleted } = FileChangeType;

/** The reload lines (one per reload caused by a file change) logged from index `since` on. */
const reloads = (client: LspClient, since = 0) => client.logs.slice(since).filter((l) => l.message.includes(' changed on disk: reloading '));

/** Where the client's records stand, to wait only for what comes later. */
const mark = (client: LspClient) => ({ logs: client.logs.length, statuses: client.statuses.length, published: client.mark() });
/** Everything received. */
const START = { logs: 0, statuses: 0, published: 0 };

/** The latest publication for `uri`. */
function latest(client: LspClient, uri: string): PublishDiagnosticsParams {
  const found = client.published.filter((p) => p.uri === uri).at(-1);
  if (!found) throw new Error(`nothing published for ${uri}`);
  return found;
}

/**
 * Waits for `uri`'s configuration to settle in `state` after `since` (its documents are re-checked
 * before the status goes out), then returns its latest diagnostics' codes, sorted.
 */
async function settled(client: LspClient, uri: string, since: ReturnType<typeof mark>, state: DgStatus['catalog']['state'] = 'loaded') {
  await client.waitForStatus(uri, (s) => s.catalog.state === state, { since: since.statuses });
  await client.roundTrip();
  return codes(latest(client, uri)).sort();
}

const watcherRegistrations = (client: LspClient) => client.registrations.filter((r) => r.method === WATCHED_FILES);
const projectRegistration = (client: LspClient, predicate: (watchers: unknown[]) => boolean) =>
  client.waitForRegistration((r) => r.id.startsWith('dg-watch-project-files-') && predicate((r.registerOptions as { watchers: unknown[] }).watchers));

describe('watched files in the language server', () => {
  it('registers its watchers after initialized: dg.config.json, .dg files, and the catalog a configuration names (never a database file)', async () => {
    const { dir, uri } = lsp.project(
      { warehouse: { type: 'duckdb', path: 'missing.duckdb' }, catalog: 'target/dg-catalog.json' },
      { 'target/dg-catalog.json': SNAPSHOT },
    );
    const client = await lsp.start(dir);
    const workspace = await client.waitForRegistration((r) => r.id === 'dg-watch-workspace');
    expect(workspace).toEqual({
      id: 'dg-watch-workspace',
      method: WATCHED_FILES,
      registerOptions: { watchers: [{ globPattern: '**/dg.config.json' }, { globPattern: '**/*.dg', kind: 5 }] },
    });

    await client.open(uri('graph.dg'), GRAPH);
    // The catalog is under the configuration's directory: watched from there, so that a target/ created later is seen.
    const project = await projectRegistration(client, (w) => w.length > 0);
    expect(project.registerOptions).toEqual({
      watchers: [{ globPattern: { baseUri: pathToFileURL(dir).href, pattern: 'target/dg-catalog.json' } }],
    });
    await client.waitForStatus(uri('graph.dg'), (s) => s.catalog.state === 'loaded');
    expect(JSON.stringify(watcherRegistrations(client))).not.toContain('duckdb');

    // A database file the warehouse driver creates is no project file: an event for it reloads nothing.
    const before = mark(client);
    await client.filesChanged([event(join(dir, 'missing.duckdb'), Created), event(join(dir, 'missing.duckdb'), Changed)]);
    await client.roundTrip();
    expect(reloads(client, before.logs)).toEqual([]);

    // Without relativePatternSupport: a glob on the catalog's name (the server compares exact paths).
    const plain = await lsp.start(dir, {
      capabilities: { ...VSCODE_CAPABILITIES, workspace: { ...VSCODE_CAPABILITIES.workspace, didChangeWatchedFiles: { dynamicRegistration: true } } },
    });
    await plain.open(uri('graph.dg'), GRAPH);
    const glob = await projectRegistration(plain, (w) => w.length > 0);
    expect(glob.registerOptions).toEqual({ watchers: [{ globPattern: '**/dg-catalog.json' }] });
  });

  it('the configuration dataGraph.configPath names is watched under its own name, and editing it reloads', async () => {
    const { dir, uri } = lsp.project({}, { 'conf/custom.json': JSON.stringify({ catalog: 'dg-catalog.json' }), 'conf/dg-catalog.json': SNAPSHOT });
    const config = join(dir, 'conf', 'custom.json');
    const client = await lsp.start(dir, { settings: { configPath: 'conf/custom.json' } });
    const document = uri('graph.dg');
    await client.open(document, GRAPH);
    expect(await settled(client, document, START)).toEqual(['DG112', 'DG600']);
    const base = pathToFileURL(join(dir, 'conf')).href;
    const registration = await projectRegistration(client, (w) => w.length > 0);
    expect(registration.registerOptions).toEqual({
      watchers: [{ globPattern: { baseUri: base, pattern: 'custom.json' } }, { globPattern: { baseUri: base, pattern: 'dg-catalog.json' } }],
    });

    writeFileSync(config, JSON.stringify({ catalog: 'dg-catalog.json', severities: { DG112: 'off' } }));
    const since = mark(client);
    await client.filesChanged([event(config, Changed)]);
    expect(await settled(client, document, since)).toEqual(['DG600']);
    expect(reloads(client, since.logs).map((l) => l.message)).toEqual([`dg: custom.json changed on disk: reloading ${config}`]);
  });

  it('dg.config.json edited on disk: its severities apply, and another "catalog" is loaded and watched instead', async () => {
    const { dir, uri } = lsp.project({ catalog: 'dg-catalog.json' }, { 'dg-catalog.json': SNAPSHOT, 'fixed.json': snapshotWithCartz() });
    const config = join(dir, 'dg.config.json');
    const client = await lsp.start(dir);
    const document = uri('graph.dg');
    await client.open(document, GRAPH);
    expect(await settled(client, document, START)).toEqual(['DG112', 'DG600']);
    const first = await projectRegistration(client, (w) => JSON.stringify(w).includes('"pattern":"dg-catalog.json"'));

    // DG112 turned off.
    writeFileSync(config, JSON.stringify({ catalog: 'dg-catalog.json', severities: { DG112: 'off' } }));
    let since = mark(client);
    await client.filesChanged([event(config, Changed)]);
    expect((await client.waitForLog((m) => m.includes(' changed on disk: reloading '), { since: since.logs })).message).toBe(
      `dg: dg.config.json changed on disk: reloading ${config}`,
    );
    expect(await settled(client, document, since)).toEqual(['DG600']);

    // "catalog" names a snapshot that has prod.crm.cartz: DG600 goes; the new file is watched, the old registration dropped.
    writeFileSync(config, JSON.stringify({ catalog: 'fixed.json', severities: { DG112: 'off' } }));
    since = mark(client);
    await client.filesChanged([event(config, Changed)]);
    expect(await settled(client, document, since)).toEqual([]);
    const second = await projectRegistration(client, (w) => JSON.stringify(w).includes('"pattern":"fixed.json"'));
    expect(second.registerOptions).toEqual({ watchers: [{ globPattern: { baseUri: pathToFileURL(dir).href, pattern: 'fixed.json' } }] });
    await client.waitForUnregistration(first.id);
    expect(reloads(client)).toHaveLength(2);
  });

  it('a dg.config.json created above an open document brings its warehouse checks; deleting it takes them away', async () => {
    const { dir, uri } = lsp.project({}, { 'dg-catalog.json': SNAPSHOT });
    const config = join(dir, 'dg.config.json');
    rmSync(config);
    const client = await lsp.start(dir);
    const document = uri('graph.dg');
    await client.open(document, GRAPH);
    expect(await settled(client, document, START, 'none')).toEqual(['DG112']);

    writeFileSync(config, JSON.stringify({ catalog: 'dg-catalog.json' }));
    let since = mark(client);
    await client.filesChanged([event(config, Created)]);
    expect(await settled(client, document, since)).toEqual(['DG112', 'DG600']);
    expect((await client.waitForStatus(document, () => true, { since: since.statuses })).config).toBe(config);

    rmSync(config);
    since = mark(client);
    await client.filesChanged([event(config, Deleted)]);
    const published = await client.waitForDiagnostics(document, (p) => !codes(p).includes('DG600'), { since: since.published });
    expect(codes(published)).toEqual(['DG112']);
    expect((await client.waitForStatus(document, () => true, { since: since.statuses })).catalog.state).toBe('none');
  });

  it('a catalog file rewritten on disk is reloaded, also when it is the fallback behind a warehouse; other projects are left alone', async () => {
    const fallback = lsp.project(
      { warehouse: { type: 'duckdb', path: 'missing.duckdb' }, catalog: 'target/dg-catalog.json', severities: { DG112: 'off' } },
      { 'target/dg-catalog.json': SNAPSHOT },
    );
    const other = lsp.project({ catalog: 'dg-catalog.json', severities: { DG112: 'off' } }, { 'dg-catalog.json': SNAPSHOT });
    const client = await lsp.start(fallback.dir);
    const [document, bystander] = [fallback.uri('graph.dg'), other.uri('graph.dg')];
    await client.open(document, GRAPH);
    await client.open(bystander, GRAPH);
    // The warehouse file is missing: the snapshot is used, with a DG607 saying so.
    expect(await settled(client, document, START)).toEqual(['DG600', 'DG607']);
    expect(await settled(client, bystander, START)).toEqual(['DG600']);

    const snapshot = join(fallback.dir, 'target', 'dg-catalog.json');
    writeFileSync(snapshot, snapshotWithCartz());
    const since = mark(client);
    await client.filesChanged([event(snapshot, Changed)]);
    expect(await settled(client, document, since)).toEqual(['DG607']);
    expect(reloads(client, since.logs).map((l) => l.message)).toEqual([
      `dg: target/dg-catalog.json changed on disk: reloading ${join(fallback.dir, 'dg.config.json')}`,
    ]);
    // The other project was neither reloaded nor re-checked.
    expect(client.statuses.slice(since.statuses).filter((s) => s.uris.includes(bystander))).toEqual([]);
    expect(client.published.slice(since.published).filter((p) => p.uri === bystander)).toEqual([]);
  });

  it('.dg files created and deleted on disk show up in workspace symbols and leave them', async () => {
    const { dir } = lsp.project({});
    const client = await lsp.start(dir);
    const names = async (query: string) => ((await client.workspaceSymbols(query)) as SymbolInformation[]).map((s) => s.name);
    expect(await names('freshly')).toEqual([]); // the folder has been walked
    const path = join(dir, 'graphs', 'fresh.dg');
    const ignored = join(dir, 'node_modules', 'pkg', 'dep.dg');
    writeFileSync(path, GRAPH.replace('entity "account"', 'entity "freshly_created"'));
    mkdirSync(join(dir, 'node_modules', 'pkg'), { recursive: true });
    writeFileSync(ignored, GRAPH.replace('entity "account"', 'entity "freshly_in_node_modules"'));
    await client.filesChanged([event(path, Created), event(ignored, Created)]);
    expect(await names('freshly')).toEqual(['freshly_created']);

    rmSync(path);
    await client.filesChanged([event(path, Deleted)]);
    expect(await names('freshly')).toEqual([]);
  });

  it('a burst of 50 events for one configuration in one notification causes one reload', async () => {
    const { dir, uri } = lsp.project({ catalog: 'dg-catalog.json' }, { 'dg-catalog.json': SNAPSHOT });
    const client = await lsp.start(dir);
    const document = uri('graph.dg');
    await client.open(document, GRAPH);
    expect(await settled(client, document, START)).toEqual(['DG112', 'DG600']);

    // A checkout rewrites both files: the client reports each of them many times, as one batch.
    writeFileSync(join(dir, 'dg.config.json'), JSON.stringify({ catalog: 'dg-catalog.json', severities: { DG112: 'off' } }));
    writeFileSync(join(dir, 'dg-catalog.json'), snapshotWithCartz());
    const since = mark(client);
    const burst = Array.from({ length: 50 }, (_, i) => event(join(dir, i % 2 ? 'dg.config.json' : 'dg-catalog.json'), Changed));
    await client.filesChanged(burst);
    expect(await settled(client, document, since)).toEqual([]);
    // A second reload would have started (and logged) before the answer to a later request.
    await client.roundTrip();
    expect(reloads(client, since.logs)).toHaveLength(1);
  });

  it.skipIf(process.platform === 'win32')('a reload under way absorbs the events that follow it into one more reload', async () => {
    const text = JSON.stringify({ catalog: 'dg-catalog.json', severities: { DG112: 'off' } });
    const { dir, uri } = lsp.project(JSON.parse(text), { 'dg-catalog.json': SNAPSHOT });
    const [config, catalog] = [join(dir, 'dg.config.json'), join(dir, 'dg-catalog.json')];
    const client = await lsp.start(dir);
    const document = uri('graph.dg');
    await client.open(document, GRAPH);
    expect(await settled(client, document, START)).toEqual(['DG600']);

    // dg.config.json becomes a FIFO: reading it again blocks until this test writes it, so the reload
    // the catalog's change causes stays under way (its configuration unread) while more changes come.
    rmSync(config);
    execFileSync('mkfifo', [config]);
    writeFileSync(catalog, snapshotWithCartz());
    const since = mark(client);
    await client.filesChanged([event(catalog, Changed)]);
    await client.waitForLog((m) => m.includes(' changed on disk: reloading '), { since: since.logs });
    for (let i = 0; i < 49; i++) await client.filesChanged([event(catalog, Changed)]);
    await client.roundTrip();
    expect(reloads(client, since.logs)).toHaveLength(1);

    // Unblock the reload (a regular file takes the FIFO's place first): one more reload follows it.
    const fifo = await open(config, 'w');
    writeFileSync(`${config}.tmp`, text);
    renameSync(`${config}.tmp`, config);
    await fifo.writeFile(text);
    await fifo.close();
    await client.waitForLog((m) => m.includes(' changed on disk: reloading '), { since: since.logs + 1 });
    expect(await settled(client, document, mark(client))).toEqual([]);
    await client.roundTrip();
    expect(reloads(client, since.logs).map((l) => l.message)).toEqual(Array(2).fill(`dg: dg-catalog.json changed on disk: reloading ${config}`));
  });

  it('a client without dynamic registration is asked to watch nothing, and dg/refreshCatalog still reloads', async () => {
    const { dir, uri } = lsp.project({ catalog: 'dg-catalog.json', severities: { DG112: 'off' } }, { 'dg-catalog.json': SNAPSHOT });
    const client = await lsp.start(dir, {
      capabilities: { ...VSCODE_CAPABILITIES, workspace: { ...VSCODE_CAPABILITIES.workspace, didChangeWatchedFiles: { dynamicRegistration: false } } },
    });
    const document = uri('graph.dg');
    await client.open(document, GRAPH);
    expect(await settled(client, document, START)).toEqual(['DG600']);
    await client.roundTrip();
    expect(watcherRegistrations(client)).toEqual([]);
    expect(client.registrations.map((r) => r.method)).toEqual(['workspace/didChangeConfiguration']);

    writeFileSync(join(dir, 'dg-catalog.json'), snapshotWithCartz());
    const since = mark(client);
    await client.request(RefreshCatalog, { uri: document });
    expect(codes(await client.waitForDiagnostics(document, (p) => !codes(p).includes('DG600'), { since: since.published }))).toEqual([]);
  });

  it('workspace folders added later are searched by workspace symbols and give their dg.config.json to documents outside every project', async () => {
    const empty = join(lsp.root, 'empty-folder');
    mkdirSync(empty, { recursive: true });
    const added = lsp.project({ catalog: 'dg-catalog.json', severities: { DG112: 'off' } }, {
      'dg-catalog.json': SNAPSHOT,
      'graphs/on-disk.dg': GRAPH.replace('entity "account"', 'entity "folder_added_later"'),
    });
    const client = await lsp.start(empty);
    const lonely = pathToFileURL(join(lsp.root, 'outside-every-folder', 'lonely.dg')).href;
    await client.open(lonely, GRAPH);
    expect(await settled(client, lonely, START, 'none')).toEqual(['DG112']);
    const names = async () => ((await client.workspaceSymbols('folder_added')) as SymbolInformation[]).map((s) => s.name);
    expect(await names()).toEqual([]);

    let since = mark(client);
    await client.changeWorkspaceFolders([added.dir]);
    expect(await names()).toEqual(['folder_added_later']);
    // The added folder's dg.config.json is now the workspace's: the lonely document gets its catalog and severities.
    expect(await settled(client, lonely, since)).toEqual(['DG600']);

    since = mark(client);
    await client.changeWorkspaceFolders([], [added.dir]);
    expect(await names()).toEqual([]);
    expect(await settled(client, lonely, since, 'none')).toEqual(['DG112']);
  });
});
