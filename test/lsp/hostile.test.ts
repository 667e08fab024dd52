import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { prng } from '../bench/generate-graph';
import { DocumentFormattingRequest, DocumentSymbolRequest } from 'vscode-languageserver-protocol/node';
import { ensureBuilt, LspClient } from '../support/lspClient';
import { VALID } from './texts';

// Hostile documents must still get diagnostics (or the "file too large" DG001), quickly, and leave the
// server working: after each one, a valid document still gets its (empty) diagnostics. Each test has
// its own server, so that one slow case cannot make the next ones time out.
let client: LspClient;
let counter = 0;
const nextUri = (name: string) => `file:///work/hostile/${name}-${++counter}.dg`;

beforeAll(() => ensureBuilt(), 180_000);
beforeEach(async () => {
  client = await LspClient.start({ settings: {}, timeoutMs: 20_000 });
});
afterEach(async () => {
  await client?.dispose();
});

async function stillWorks(): Promise<void> {
  const uri = nextUri('valid');
  await client.open(uri, VALID, 1);
  expect((await client.diagnosticsOf(uri, 1)).diagnostics).toEqual([]);
  await client.close(uri);
  expect(client.alive).toBe(true);
  expect(client.logs.filter((l) => l.type === 1).map((l) => l.message)).toEqual([]);
}

async function publishedFor(name: string, text: string) {
  const uri = nextUri(name);
  await client.open(uri, text, 1);
  const published = await client.diagnosticsOf(uri, 1);
  await client.close(uri);
  return published.diagnostics;
}

describe('hostile documents', () => {
  it('a 10 MB single line gets the file-too-large DG001', async () => {
    const diagnostics = await publishedFor('huge-line', `data_graph { # ${'x'.repeat(10 * 1024 * 1024)} }`);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.code).toBe('DG001');
    expect(diagnostics[0]!.message).toMatch(/too large/);
    expect(diagnostics[0]!.range).toEqual({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
    await stillWorks();
  });

  it('growing past the size limit by an edit, and shrinking back', async () => {
    const uri = nextUri('grow');
    await client.open(uri, VALID, 1);
    await client.diagnosticsOf(uri, 1);
    const end = { line: 1, character: 0 };
    await client.change(uri, 2, [{ range: { start: end, end }, text: `# ${'y'.repeat(9 * 1024 * 1024)}\n` }]);
    const big = await client.diagnosticsOf(uri, 2);
    expect(big.diagnostics.map((d) => d.message).join()).toMatch(/too large/);
    await client.change(uri, 3, [{ range: { start: end, end: { line: 2, character: 0 } }, text: '' }]);
    expect((await client.diagnosticsOf(uri, 3)).diagnostics).toEqual([]);
    await client.close(uri);
    await stillWorks();
  });

  it('a 256 KB single line of junk: at most 1,000 diagnostics, then a note counting the rest', async () => {
    // Junk is far slower to parse than valid text (tree-sitter's error recovery): ~1 s here, ~20 s for 2 MB.
    const random = prng(3);
    const junk = Array.from({ length: 256 * 1024 }, () => 'a={}"= \\'[Math.floor(random() * 8)]).join('');
    const diagnostics = await publishedFor('junk-line', junk);
    expect(diagnostics).toHaveLength(1001);
    const note = diagnostics.at(-1)!;
    expect(note.code).toBeUndefined();
    expect(note.message).toMatch(/^\d+ more problems from here on not shown/);
    expect(note.range.start.character).toBeGreaterThanOrEqual(diagnostics.at(-2)!.range.start.character);
    await stillWorks();
  });

  it('1,000 nested blocks, closed', async () => {
    const text = `data_graph {\n profile {\n${'relationship "r" {\n'.repeat(1000)}${'}\n'.repeat(1000)} }\n}\n`;
    await publishedFor('nested', text);
    await stillWorks();
  });

  it('1,000 nested blocks, never closed', async () => {
    const diagnostics = await publishedFor('nested-open', `data_graph {\n${'entity "e" {\n'.repeat(1000)}`);
    expect(diagnostics.some((d) => d.code === 'DG002' || d.code === 'DG001')).toBe(true);
    await stillWorks();
  });

  it('30,000 nested blocks: one DG001, and every request still answers', async () => {
    const uri = nextUri('deep');
    const text = `data_graph {\n${'relationship "r" {\n'.repeat(30_000)}`;
    await client.open(uri, text, 1);
    const { diagnostics } = await client.diagnosticsOf(uri, 1);
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([['DG001', 'blocks nested too deeply to check (thousands of levels)']]);
    const options = { tabSize: 2, insertSpaces: true };
    expect(await client.request(DocumentFormattingRequest.type, { textDocument: { uri }, options })).toEqual([]);
    expect(await client.request(DocumentSymbolRequest.type, { textDocument: { uri } })).toEqual([]);
    await client.close(uri);
    await stillWorks();
  });

  it('100,000 opening braces', async () => {
    const diagnostics = await publishedFor('braces', `data_graph ${'{'.repeat(100_000)}`);
    expect(diagnostics.length).toBeGreaterThan(0);
    await stillWorks();
  });

  it('NUL bytes between and inside tokens', async () => {
    const text = VALID.replace('entity', 'ent\0ity').replace('"Account"', '"Acc\0ount"').replace('profile {', '\0\0\0 profile {');
    const diagnostics = await publishedFor('nul', text);
    expect(diagnostics.length).toBeGreaterThan(0);
    await stillWorks();
  });

  it('binary junk: random bytes, control characters and lone surrogates', async () => {
    const random = prng(99);
    for (let round = 0; round < 5; round++) {
      const codes = Array.from({ length: 50_000 }, () => {
        const r = random();
        if (r < 0.05) return 0xd800 + Math.floor(random() * 0x800); // lone surrogates
        if (r < 0.6) return Math.floor(random() * 256);
        return Math.floor(random() * 0xffff);
      });
      let text = '';
      for (let i = 0; i < codes.length; i += 10_000) text += String.fromCharCode(...codes.slice(i, i + 10_000));
      const diagnostics = await publishedFor(`binary-${round}`, round % 2 ? `data_graph {\n${text}\n}` : text);
      expect(diagnostics.length).toBeGreaterThan(0);
    }
    await stillWorks();
  });

  it('edits into the middle of a surrogate pair and past the end of the document', async () => {
    const uri = nextUri('odd-ranges');
    const text = '# 🎉🎉\n' + VALID;
    await client.open(uri, text, 1);
    await client.diagnosticsOf(uri, 1);
    await client.change(uri, 2, [{ range: { start: { line: 0, character: 3 }, end: { line: 0, character: 5 } }, text: 'x' }]);
    await client.diagnosticsOf(uri, 2);
    await client.change(uri, 3, [{ range: { start: { line: 999, character: 5 }, end: { line: 1000, character: 0 } }, text: '\n# end\n' }]);
    await client.diagnosticsOf(uri, 3);
    await client.change(uri, 4, [{ range: { start: { line: 5, character: 9999 }, end: { line: 2, character: 0 } }, text: '' }]);
    await client.diagnosticsOf(uri, 4);
    await client.close(uri);
    await stillWorks();
  });
});
