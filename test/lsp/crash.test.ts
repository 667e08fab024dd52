import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MessageType } from 'vscode-languageserver-protocol/node';
import { serveStreams } from '../../server/src/lsp/server';
import { LspClient } from '../support/lspClient';
import { wasmParser } from '../support/wasm';
import { UNQUOTED, VALID } from './texts';

// The server runs in this process so that a rule family (or the whole model) can be made to throw.
const mode = vi.hoisted(() => ({ crash: 'none' as 'none' | 'names' | 'model' }));

vi.mock('../../server/src/checks/names', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../server/src/checks/names')>();
  return {
    ...original,
    checkNames: (...args: Parameters<typeof original.checkNames>) => {
      if (mode.crash === 'names') throw new Error('names exploded');
      return original.checkNames(...args);
    },
  };
});

vi.mock('../../server/src/model/graph', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../server/src/model/graph')>();
  return {
    ...original,
    buildModel: (...args: Parameters<typeof original.buildModel>) => {
      if (mode.crash === 'model') throw new Error('model exploded');
      return original.buildModel(...args);
    },
  };
});

let client: LspClient;
let counter = 0;
const nextUri = (name: string) => `file:///work/crash/${name}-${++counter}.dg`;
const errors = () => client.logs.filter((l) => l.type === MessageType.Error).map((l) => l.message);

beforeAll(async () => {
  client = await LspClient.inProcess((input, output) => serveStreams(input, output, { version: 'test', loadParser: wasmParser }), {
    settings: {},
  });
});
afterAll(async () => {
  mode.crash = 'none';
  await client?.dispose();
});

describe('crashes inside the server', () => {
  it('a crashing rule family loses only its own diagnostics and is logged once', async () => {
    mode.crash = 'names';
    const uri = nextUri('names');
    await client.open(uri, UNQUOTED, 1);
    for (let version = 2; version <= 6; version++) {
      await client.change(uri, version, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: version % 2 ? '#\n' : '' }]);
    }
    await client.change(uri, 7, [{ text: UNQUOTED }]);
    const last = await client.diagnosticsOf(uri, 7);
    expect(last.diagnostics.map((d) => d.code)).toContain('DG004');
    expect(errors().filter((m) => m.includes('"names" checks crashed'))).toHaveLength(1);
    expect(errors()[0]).toContain('names exploded');
    mode.crash = 'none';
  });

  it('a crash of the whole analysis publishes no diagnostics for that version (never stale ones), once logged', async () => {
    const uri = nextUri('model');
    await client.open(uri, UNQUOTED, 1);
    expect((await client.diagnosticsOf(uri, 1)).diagnostics.map((d) => d.code)).toContain('DG004');
    mode.crash = 'model';
    await client.change(uri, 2, [{ text: UNQUOTED + '\n' }]);
    expect((await client.diagnosticsOf(uri, 2)).diagnostics).toEqual([]);
    await client.change(uri, 3, [{ text: UNQUOTED }]);
    expect((await client.diagnosticsOf(uri, 3)).diagnostics).toEqual([]);
    expect(errors().filter((m) => m.includes('model exploded'))).toHaveLength(1);
    mode.crash = 'none';
    await client.change(uri, 4, [{ text: UNQUOTED }]);
    expect((await client.diagnosticsOf(uri, 4)).diagnostics.map((d) => d.code)).toContain('DG004');
  });

  it('while the analysis crashes, requests answer null (or from the syntax alone) and nothing is re-analyzed per request', async () => {
    const uri = nextUri('model-requests');
    mode.crash = 'model';
    await client.open(uri, VALID, 1);
    expect((await client.diagnosticsOf(uri, 1)).diagnostics).toEqual([]);
    const position = { line: 4, character: 20 };
    expect(await client.hover(uri, position)).toBeNull();
    expect(await client.completion(uri, position)).toBeNull();
    expect(await client.semanticTokens(uri)).toEqual({ data: [] });
    // Outline and folding read the syntax only.
    expect(((await client.documentSymbols(uri)) ?? []).map((s) => s.name)).toEqual(['account', 'profile', 'accounts']);
    expect((await client.foldingRanges(uri))!.length).toBeGreaterThan(0);
    // One publication for the version: the requests did not re-run (and re-publish) the analysis.
    await client.roundTrip();
    expect(client.published.filter((p) => p.uri === uri)).toHaveLength(1);
    mode.crash = 'none';
    await client.change(uri, 2, [{ text: VALID }]);
    expect((await client.diagnosticsOf(uri, 2)).diagnostics).toEqual([]);
    expect(await client.hover(uri, position)).not.toBeNull();
  });

  it('a malformed notification is logged and the document keeps working', async () => {
    const uri = nextUri('malformed');
    await client.open(uri, VALID, 1);
    await client.diagnosticsOf(uri, 1);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: null, end: 'x' }, text: 5 }],
    });
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: null });
    await client.roundTrip();
    expect(errors().some((m) => m.includes('didChange failed'))).toBe(true);
    await client.change(uri, 3, [{ text: UNQUOTED }]);
    expect((await client.diagnosticsOf(uri, 3)).diagnostics.map((d) => d.code)).toContain('DG004');
  });
});
