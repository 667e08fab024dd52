import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishDiagnosticsParams, TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { prng } from '../bench/generate-graph';
import { ensureBuilt, LspClient } from '../support/lspClient';
import { UNQUOTED, VALID } from './texts';

let client: LspClient;
let counter = 0;
const nextUri = (name: string) => `file:///work/incremental/${name}-${++counter}.dg`;

beforeAll(async () => {
  ensureBuilt();
  client = await LspClient.start({ settings: {} });
}, 180_000);
afterAll(async () => {
  await client?.dispose();
});

/** The diagnostics with `uri` replaced, so that two documents' publications compare equal. */
function normalized(published: PublishDiagnosticsParams) {
  return JSON.parse(JSON.stringify(published.diagnostics).split(JSON.stringify(published.uri).slice(1, -1)).join('URI'));
}

/**
 * Opens `initial`, sends every change set without waiting (each a new version), then checks that
 * the publications never go back in version, that the last one is for the last version, and that it
 * equals what a fresh open of the final text publishes.
 */
async function checkEdits(name: string, initial: string, edits: TextDocumentContentChangeEvent[][]): Promise<void> {
  const uri = nextUri(name);
  let mirror = TextDocument.create(uri, 'dg', 1, initial);
  await client.open(uri, initial, 1);
  const sends: Promise<void>[] = [];
  edits.forEach((changes, i) => {
    mirror = TextDocument.update(mirror, changes, i + 2);
    sends.push(client.change(uri, i + 2, changes));
  });
  await Promise.all(sends);
  const last = edits.length + 1;
  const final = await client.diagnosticsOf(uri, last);
  await client.roundTrip(); // nothing about older versions may come after the last one

  const versions = client.published.filter((p) => p.uri === uri).map((p) => p.version!);
  expect(versions.at(-1)).toBe(last);
  expect(versions).toEqual([...versions].sort((a, b) => a - b));

  const fresh = nextUri(`${name}-fresh`);
  await client.open(fresh, mirror.getText(), 1);
  const expected = await client.diagnosticsOf(fresh, 1);
  expect(normalized(final)).toEqual(normalized(expected));
  await client.close(uri);
  await client.close(fresh);
}

/** Position of `offset` in `text`, LSP-style. */
function position(text: string, offset: number) {
  return TextDocument.create('x', 'dg', 1, text).positionAt(offset);
}

describe('incremental document sync', () => {
  it('typing an error character by character, then fixing it', async () => {
    // Delete the quotes around segment:materialized one keystroke at a time, then type them back.
    const start = VALID.indexOf('"segment:materialized"');
    const end = start + '"segment:materialized"'.length;
    const p = (offset: number) => position(VALID, offset);
    const edits: TextDocumentContentChangeEvent[][] = [
      [{ range: { start: p(end - 1), end: p(end) }, text: '' }],
      [{ range: { start: p(start), end: p(start + 1) }, text: '' }],
    ];
    const removed = TextDocument.update(TextDocument.create('x', 'dg', 1, VALID), edits.flat(), 2).getText();
    expect(removed).toBe(UNQUOTED);
    const at = position(removed, removed.indexOf('segment:materialized'));
    edits.push([{ range: { start: at, end: at }, text: '"' }]);
    const afterQuote = { line: at.line, character: at.character + 1 + 'segment:materialized'.length };
    edits.push([{ range: { start: afterQuote, end: afterQuote }, text: '"' }]);
    await checkEdits('typing', VALID, edits);
  });

  it('typing a whole attribute keystroke by keystroke', async () => {
    const insertAt = position(VALID, VALID.indexOf('    primary_key'));
    const typed = '    enrichment_enabled = true\n';
    const edits: TextDocumentContentChangeEvent[][] = [];
    let line = insertAt.line;
    let character = 0;
    for (const ch of typed) {
      edits.push([{ range: { start: { line, character }, end: { line, character } }, text: ch }]);
      if (ch === '\n') {
        line++;
        character = 0;
      } else {
        character++;
      }
    }
    await checkEdits('attribute', VALID, edits);
  });

  it('random edits with several changes per notification, non-ASCII, CRLF, lone CR and full replacements', async () => {
    const random = prng(20240611);
    const snippets = ['x', '"', '{', '}', '\n', '\r\n', '\r', ' = ', 'é', '日本', '🎉', '# c\n', 'relationship "r" {', '/*', '*/', '\t', '...', 'entity'];
    let text = VALID;
    const edits: TextDocumentContentChangeEvent[][] = [];
    for (let version = 0; version < 60; version++) {
      const changes: TextDocumentContentChangeEvent[] = [];
      const count = 1 + Math.floor(random() * 3);
      for (let c = 0; c < count; c++) {
        let change: TextDocumentContentChangeEvent;
        if (random() < 0.03) {
          change = { text: random() < 0.5 ? VALID : UNQUOTED.replace(/\n/g, '\r\n') };
        } else {
          let start = Math.floor(random() * (text.length + 1));
          let end = Math.min(text.length, start + (random() < 0.5 ? 0 : Math.floor(random() * 12)));
          // Keep surrogate pairs whole: LSP positions never split one.
          if (isLowSurrogate(text, start)) start--;
          if (isLowSurrogate(text, end)) end++;
          const insert = snippets[Math.floor(random() * snippets.length)]!;
          change = { range: { start: position(text, start), end: position(text, end) }, text: insert };
        }
        changes.push(change);
        text = TextDocument.update(TextDocument.create('x', 'dg', 1, text), [change], 2).getText();
      }
      edits.push(changes);
    }
    await checkEdits('random', VALID, edits);
  });

  it('a burst of rapid changes is published for its last version only once the server catches up', async () => {
    // 200 one-character edits sent back to back: the server may skip versions that are already
    // superseded in its queue, but never publishes an older version after a newer one.
    const at = position(VALID, VALID.indexOf('Accounts"') + 2);
    const edits: TextDocumentContentChangeEvent[][] = [];
    for (let i = 0; i < 200; i++) {
      const range = i % 2 === 0 ? { start: at, end: at } : { start: at, end: { line: at.line, character: at.character + 1 } };
      edits.push([{ range, text: i % 2 === 0 ? 'x' : '' }]);
    }
    edits.push([{ range: { start: at, end: at }, text: '"' }]); // an unterminated-string error at the end
    await checkEdits('burst', VALID, edits);
  });
});

function isLowSurrogate(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff;
}
