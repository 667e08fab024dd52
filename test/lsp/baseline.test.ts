// The change-impact checks (DG500–DG503) in the language server: `dataGraph.baseline` (a git revision,
// HEAD by default) read with git in the document's repository, merged into its diagnostics, re-read on
// save. No sleeps: every wait is for a condition (a publication or a log line).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { commitAll, gitInit } from '../support/git';
import { ensureBuilt, LspClient, rangeAt, VSCODE_CAPABILITIES, type StartOptions } from '../support/lspClient';
import { UNQUOTED, VALID } from './texts';

/** VALID with its entity slug renamed (and the reference to it): DG500 against VALID. */
const RENAMED = VALID.replace('entity "account"', 'entity "customer"').replace('related_entity = "account"', 'related_entity = "customer"');

let root: string;
let counter = 0;
const clients: LspClient[] = [];
const codes = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => String(d.code));
const impact = (p: PublishDiagnosticsParams) => codes(p).filter((c) => c.startsWith('DG5'));
const withDg500 = (p: PublishDiagnosticsParams) => codes(p).includes('DG500');

/** A new git repository holding graphs/graph.dg = VALID, committed. */
function repository(): { dir: string; file: string; uri: string } {
  const dir = join(root, `repo-${++counter}`);
  mkdirSync(join(dir, 'graphs'), { recursive: true });
  gitInit(dir);
  const file = join(dir, 'graphs', 'graph.dg');
  writeFileSync(file, VALID);
  commitAll(dir, 'a graph');
  return { dir, file, uri: pathToFileURL(file).href };
}

async function start(workspace: string | undefined, options: StartOptions = {}): Promise<LspClient> {
  const client = await LspClient.start({
    settings: {},
    capabilities: VSCODE_CAPABILITIES,
    ...(workspace ? { workspaceFolders: [workspace] } : {}),
    ...options,
  });
  clients.push(client);
  return client;
}

beforeAll(() => {
  ensureBuilt();
  root = mkdtempSync(join(tmpdir(), 'dg-lsp-baseline-'));
}, 180_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  rmSync(root, { recursive: true, force: true });
});

describe('change impact in the language server', () => {
  it('publishes DG500 when an entity slug is renamed since HEAD, and drops it when the slug is back', async () => {
    const { dir, uri } = repository();
    const client = await start(dir);
    await client.open(uri, RENAMED);
    const published = await client.waitForDiagnostics(uri, withDg500);
    expect(published.version).toBe(1);
    const dg500 = published.diagnostics.find((d) => d.code === 'DG500')!;
    expect(dg500.message).toMatch(/^entity "account" renamed to "customer" since HEAD: a definite breaking change/);
    const at = RENAMED.indexOf('"customer"');
    expect(dg500.range).toEqual(rangeAt(RENAMED, at, at + '"customer"'.length));
    expect(dg500.severity).toBe(2); // warning
    expect(dg500.relatedInformation?.[0]?.message).toBe('same table_ref "prod.public.accounts" as entity "account" had at HEAD');

    // Back to the old slugs: the version's own publication has no DG500 (the baseline is cached, not re-read).
    await client.change(uri, 2, [{ text: VALID }]);
    expect(codes(await client.diagnosticsOf(uri, 2))).toEqual([]);
    await client.change(uri, 3, [{ text: RENAMED }]);
    expect(impact(await client.diagnosticsOf(uri, 3))).toEqual(['DG500']);
  });

  it('compares with HEAD for a client that has no workspace/configuration', async () => {
    const { dir, uri } = repository();
    const client = await start(dir, { settings: undefined });
    await client.open(uri, RENAMED);
    expect(impact(await client.waitForDiagnostics(uri, withDg500))).toEqual(['DG500']);
    expect(client.configurationRequests).toBe(0);
  });

  it('reads the baseline again when the document is saved (a commit moved HEAD)', async () => {
    const { dir, file, uri } = repository();
    const client = await start(dir);
    await client.open(uri, RENAMED);
    await client.waitForDiagnostics(uri, withDg500);
    // The rename is committed: HEAD now has it, so saving leaves nothing to report.
    writeFileSync(file, RENAMED);
    commitAll(dir, 'rename the entity');
    const since = client.mark();
    await client.save(uri);
    const after = await client.waitForDiagnostics(uri, (p) => !withDg500(p), { since });
    expect(after.version).toBe(1);
    expect(codes(after)).toEqual([]);
  });

  it('follows dataGraph.baseline: "" turns the checks off, a revision turns them on again', async () => {
    const { dir, uri } = repository();
    const client = await start(dir, { settings: { baseline: '' } });
    const other = pathToFileURL(join(dir, 'graphs', 'other.dg')).href;
    await client.open(uri, RENAMED);
    await client.open(other, UNQUOTED); // a file new since HEAD
    expect(codes(await client.diagnosticsOf(uri, 1))).toEqual([]);

    let since = client.mark();
    await client.setSettings({ baseline: 'HEAD' });
    expect(impact(await client.waitForDiagnostics(uri, withDg500, { since }))).toEqual(['DG500']);

    since = client.mark();
    await client.setSettings({ baseline: '' });
    expect(impact(await client.waitForDiagnostics(uri, (p) => !withDg500(p), { since }))).toEqual([]);
    // The new file never had any.
    expect(client.published.filter((p) => p.uri === other).flatMap(impact)).toEqual([]);
    expect(client.logs.filter((l) => l.type === 1)).toEqual([]);
  });

  it('says once, as information, that files outside a git work tree get no DG5xx, and keeps working', async () => {
    const outside = mkdtempSync(join(root, 'outside-'));
    const client = await start(outside);
    const first = pathToFileURL(join(outside, 'a.dg')).href;
    const second = pathToFileURL(join(outside, 'b.dg')).href;
    await client.open(first, RENAMED);
    await client.open(second, UNQUOTED);
    await client.open('untitled:Untitled-1', RENAMED);
    await client.waitForLog((m) => m.includes('outside a git work tree'));
    expect(codes(await client.diagnosticsOf(second, 1))).toEqual(['DG004']);
    const hover = await client.hover(first, rangeAt(RENAMED, RENAMED.indexOf('"customer"') + 3).start);
    expect(JSON.stringify(hover)).toContain('prod.public.accounts');
    await client.roundTrip();
    expect(client.published.flatMap(impact)).toEqual([]);
    const notes = client.logs.filter((l) => l.message.includes('DG500-DG503'));
    expect(notes.map((l) => l.type)).toEqual([3]); // one line, information
    expect(notes[0]!.message).toMatch(/^dg: no change-impact checks \(DG500-DG503\) for \S+[ab]\.dg and other files outside a git work tree/);
    expect(client.logs.filter((l) => l.type === 1)).toEqual([]);
  });
});
