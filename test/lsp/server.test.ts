import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiagnosticSeverity, TextDocumentSyncKind, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { ensureBuilt, LspClient, rangeAt, serverBin, VSCODE_CAPABILITIES } from '../support/lspClient';
import { repoRoot } from '../support/wasm';
import { NON_ASCII, UNQUOTED, UNTERMINATED, VALID } from './texts';

const packageVersion = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
let counter = 0;
const nextUri = (name: string) => `file:///work/${name}-${++counter}.dg`;
const codes = (diagnostics: Diagnostic[]) => diagnostics.map((d) => d.code);

const clients: LspClient[] = [];
async function startClient(options?: Parameters<typeof LspClient.start>[0]): Promise<LspClient> {
  const client = await LspClient.start(options);
  clients.push(client);
  return client;
}

beforeAll(() => ensureBuilt(), 180_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
});

describe('dg-language-server command line', () => {
  it('--version prints the package version', () => {
    const result = spawnSync(process.execPath, [serverBin, '--version'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(packageVersion);
  });

  it('without a transport prints the usage and fails', () => {
    const result = spawnSync(process.execPath, [serverBin], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--stdio');
  });

  it('exits with 0 after shutdown and exit', async () => {
    const client = await LspClient.start({ settings: {} });
    expect(await client.dispose()).toBe(0);
  });
});

describe('language server', () => {
  let client: LspClient;
  beforeAll(async () => {
    client = await startClient({ settings: {} });
  });

  /** What every client is offered (rename and code action options depend on the client). */
  const FEATURES = {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
    completionProvider: { triggerCharacters: ['"', '.'] },
    hoverProvider: true,
    definitionProvider: true,
    referencesProvider: true,
    documentHighlightProvider: true,
    documentSymbolProvider: true,
    workspaceSymbolProvider: true,
    foldingRangeProvider: true,
    documentFormattingProvider: true,
    documentRangeFormattingProvider: true,
    selectionRangeProvider: true,
    semanticTokensProvider: {
      legend: {
        tokenTypes: ['keyword', 'class', 'interface', 'property', 'variable', 'string'],
        tokenModifiers: ['declaration', 'deprecated'],
      },
      full: true,
      range: true,
    },
    workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
  };

  it('advertises incremental sync and the features it implements, nothing else', () => {
    expect(client.initializeResult.capabilities).toEqual({ ...FEATURES, renameProvider: true, codeActionProvider: true });
    expect(client.initializeResult.serverInfo).toEqual({ name: 'dg-language-server', version: packageVersion });
  });

  it('offers prepareRename and the code action kinds to a client that supports them (VS Code)', async () => {
    const vscode = await startClient({ settings: {}, capabilities: VSCODE_CAPABILITIES });
    expect(vscode.initializeResult.capabilities).toEqual({
      ...FEATURES,
      renameProvider: { prepareProvider: true },
      codeActionProvider: { codeActionKinds: ['quickfix', 'source.fixAll.dg'] },
    });
  });

  it('publishes no diagnostics for a valid document, with its version', async () => {
    const uri = nextUri('valid');
    await client.open(uri, VALID, 7);
    const published = await client.waitForDiagnostics(uri);
    expect(published.version).toBe(7);
    expect(published.diagnostics).toEqual([]);
  });

  it('locates an unquoted value (DG004) and carries its quick fix', async () => {
    const uri = nextUri('unquoted');
    await client.open(uri, UNQUOTED, 1);
    const { diagnostics, version } = await client.diagnosticsOf(uri, 1);
    expect(version).toBe(1);
    const at = UNQUOTED.indexOf('segment:materialized');
    const dg004 = diagnostics.find((d) => d.code === 'DG004');
    expect(dg004, JSON.stringify(diagnostics)).toBeDefined();
    expect(dg004!.range).toEqual(rangeAt(UNQUOTED, at, at + 'segment:materialized'.length));
    expect(dg004!.range.start).toEqual({ line: 12, character: 21 });
    expect(dg004!.severity).toBe(DiagnosticSeverity.Error);
    expect(dg004!.source).toBe('dg');
    expect(dg004!.message).toContain('segment:materialized');
    const data = dg004!.data as { fixes: { title: string; edits: { range: unknown; newText: string }[] }[] };
    expect(data.fixes[0]!.edits).toContainEqual({ range: dg004!.range, newText: '"segment:materialized"' });
  });

  it('locates an unterminated string (DG001)', async () => {
    const uri = nextUri('unterminated');
    await client.open(uri, UNTERMINATED, 1);
    const { diagnostics } = await client.diagnosticsOf(uri, 1);
    const dg001 = diagnostics.find((d) => d.code === 'DG001');
    expect(dg001, JSON.stringify(diagnostics)).toBeDefined();
    expect(dg001!.range.start).toEqual(rangeAt(UNTERMINATED, UNTERMINATED.indexOf('"Account')).start);
    expect(dg001!.range.start).toEqual({ line: 4, character: 18 });
  });

  it('counts columns in UTF-16 code units after accents, CJK and emoji', async () => {
    const uri = nextUri('non-ascii');
    await client.open(uri, NON_ASCII, 1);
    const { diagnostics } = await client.diagnosticsOf(uri, 1);
    const template = diagnostics.find((d) => d.code === 'DG010');
    const unquoted = diagnostics.find((d) => d.code === 'DG004');
    expect(template, JSON.stringify(diagnostics)).toBeDefined();
    expect(unquoted, JSON.stringify(diagnostics)).toBeDefined();
    // `    description = "Café 日本 🎉 ${x}"`: "${" starts at UTF-16 column 30 (29 code points, 37 UTF-8 bytes).
    expect(template!.range).toEqual({ start: { line: 7, character: 30 }, end: { line: 7, character: 32 } });
    const at = NON_ASCII.indexOf('segment:materialized');
    expect(unquoted!.range).toEqual(rangeAt(NON_ASCII, at, at + 'segment:materialized'.length));
    expect(unquoted!.range.start).toEqual({ line: 12, character: 28 });

    // An edit before the emoji moves the columns after it by its UTF-16 length.
    const line7 = NON_ASCII.split('\n')[7]!;
    const cafe = line7.indexOf('Café');
    await client.change(uri, 2, [{ range: { start: { line: 7, character: cafe }, end: { line: 7, character: cafe } }, text: '😀é' }]);
    const after = await client.diagnosticsOf(uri, 2);
    expect(after.diagnostics.find((d) => d.code === 'DG010')!.range.start).toEqual({ line: 7, character: 33 });
  });

  it('handles CRLF line breaks', async () => {
    const uri = nextUri('crlf');
    const text = UNQUOTED.replace(/\n/g, '\r\n');
    await client.open(uri, text, 1);
    const { diagnostics } = await client.diagnosticsOf(uri, 1);
    const dg004 = diagnostics.find((d) => d.code === 'DG004');
    expect(dg004!.range).toEqual({ start: { line: 12, character: 21 }, end: { line: 12, character: 41 } });

    // Insert a CRLF-terminated comment line above it: the diagnostic moves down one line.
    await client.change(uri, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '  # note\r\n' }]);
    const moved = await client.diagnosticsOf(uri, 2);
    expect(moved.diagnostics.find((d) => d.code === 'DG004')!.range.start).toEqual({ line: 13, character: 21 });
    // Join two lines by deleting a CRLF (from the end of line 0 to the start of line 1).
    const line0 = text.split('\r\n')[0]!;
    await client.change(uri, 3, [{ range: { start: { line: 0, character: line0.length }, end: { line: 1, character: 0 } }, text: '' }]);
    const joined = await client.diagnosticsOf(uri, 3);
    expect(joined.diagnostics.find((d) => d.code === 'DG004')!.range.start).toEqual({ line: 12, character: 21 });
  });

  it('clears the diagnostics of a closed document', async () => {
    const uri = nextUri('close');
    await client.open(uri, UNQUOTED, 1);
    expect((await client.diagnosticsOf(uri, 1)).diagnostics.length).toBeGreaterThan(0);
    const since = client.mark();
    await client.close(uri);
    const cleared = await client.waitForDiagnostics(uri, () => true, { since });
    expect(cleared.diagnostics).toEqual([]);
    // Re-opening checks again from scratch.
    await client.open(uri, UNQUOTED, 1);
    const reopened = await client.waitForDiagnostics(uri, (p) => p.version === 1, { since: since + 1 });
    expect(codes(reopened.diagnostics)).toContain('DG004');
  });

  it('ignores changes to documents that are not open and keeps going', async () => {
    const uri = nextUri('not-open');
    await client.change(uri, 2, [{ text: UNQUOTED }]);
    await client.roundTrip();
    expect(client.published.filter((p) => p.uri === uri)).toEqual([]);
    const other = nextUri('after-not-open');
    await client.open(other, VALID, 1);
    expect((await client.diagnosticsOf(other, 1)).diagnostics).toEqual([]);
  });
});

describe('settings', () => {
  it('applies dataGraph.severities from workspace/configuration, and re-checks when they change', async () => {
    const client = await startClient({ settings: { severities: { DG004: 'off', DG010: 'hint' } } });
    const uri = nextUri('settings');
    await client.open(uri, NON_ASCII, 1);
    const first = await client.diagnosticsOf(uri, 1);
    expect(codes(first.diagnostics)).not.toContain('DG004');
    expect(first.diagnostics.find((d) => d.code === 'DG010')!.severity).toBe(DiagnosticSeverity.Hint);
    expect(client.configurationRequests).toBe(1);

    const since = client.mark();
    await client.setSettings({ severities: { DG010: 'error' } });
    const second = await client.waitForDiagnostics(uri, (p) => p.version === 1, { since });
    expect(codes(second.diagnostics)).toContain('DG004');
    expect(second.diagnostics.find((d) => d.code === 'DG010')!.severity).toBe(DiagnosticSeverity.Error);
    expect(client.configurationRequests).toBe(2);
  });

  it('uses the defaults when the client has no workspace/configuration', async () => {
    const client = await startClient();
    const uri = nextUri('no-configuration');
    await client.open(uri, NON_ASCII, 1);
    const published = await client.diagnosticsOf(uri, 1);
    expect(codes(published.diagnostics)).toEqual(expect.arrayContaining(['DG004', 'DG010']));
    expect(published.diagnostics.find((d) => d.code === 'DG010')!.severity).toBe(DiagnosticSeverity.Warning);
    expect(client.configurationRequests).toBe(0);
  });

  it('takes pushed settings from didChangeConfiguration when the client cannot be asked', async () => {
    const client = await startClient();
    const uri = nextUri('pushed');
    await client.open(uri, UNQUOTED, 1);
    await client.diagnosticsOf(uri, 1);
    const since = client.mark();
    await client.setSettings({ severities: { DG004: 'off' } });
    const published = await client.waitForDiagnostics(uri, () => true, { since });
    expect(codes(published.diagnostics)).not.toContain('DG004');
  });

  it('ignores invalid settings with a warning, keeping the valid ones', async () => {
    const client = await startClient({ settings: { severities: { DG004: 'loud', DG010: 'off' }, identityTypes: 'email' } });
    const uri = nextUri('invalid-settings');
    await client.open(uri, NON_ASCII, 1);
    const published = await client.diagnosticsOf(uri, 1);
    expect(codes(published.diagnostics)).toContain('DG004');
    expect(codes(published.diagnostics)).not.toContain('DG010');
    const warnings = client.logs.map((l) => l.message).join('\n');
    expect(warnings).toContain('dataGraph.severities.DG004');
    expect(warnings).toContain('dataGraph.identityTypes');
  });
});
