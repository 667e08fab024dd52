import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/checks/analyze';
import { codeActions, fixAll } from '../../server/src/ide/codeActions';
import { foldingRanges } from '../../server/src/ide/folding';
import { selectionRanges, type SelectionRange } from '../../server/src/ide/selection';
import { encodeSemanticTokens, semanticTokens } from '../../server/src/ide/semanticTokens';
import { documentSymbols, workspaceSymbols, type DocumentSymbol } from '../../server/src/ide/symbols';
import { SyntaxDocument } from '../../server/src/syntax/document';
import { generateGraphWithStats } from '../bench/generate-graph';
import { repoRoot, wasmParser } from '../support/wasm';

// Symbols, folding, selection, semantic tokens and code actions on every prefix of real files (the
// broken states typing goes through), and on a 1 MB graph.

/** Runs every feature on the document; returns the broken invariants the LSP adapter relies on. */
function runAll(document: SyntaxDocument, offsets: number[]): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  const text = document.text;
  const analysis = analyze(document);
  const syntax = document.syntax;
  const lines = document.lineIndex;

  const symbols = (list: DocumentSymbol[], parent?: DocumentSymbol) => {
    for (const s of list) {
      check(s.name !== '', 'symbol name empty');
      check(s.span.start <= s.selectionSpan.start && s.selectionSpan.end <= s.span.end, `symbol ${s.name}: selection outside span`);
      if (parent) check(parent.span.start <= s.span.start && s.span.end <= parent.span.end, `symbol ${s.name} outside ${parent.name}`);
      symbols(s.children, s);
    }
  };
  symbols(documentSymbols(syntax));
  workspaceSymbols('a', [{ uri: 'file:///x.dg', analysis }]);

  let previousStart = -1;
  for (const r of foldingRanges(syntax, lines)) {
    check(r.startLine < r.endLine && r.endLine < lines.lineCount && r.startLine > previousStart, `folding ${JSON.stringify(r)}`);
    previousStart = r.startLine;
  }

  const ranges = selectionRanges(syntax, offsets);
  check(ranges.length === offsets.length, 'one selection range per offset');
  ranges.forEach((range, i) => {
    const offset = Math.min(offsets[i]!, text.length);
    check(range.span.start <= offset && offset <= range.span.end, `selection at ${offset} does not contain it`);
    for (let r: SelectionRange | undefined = range; r?.parent; r = r.parent) {
      check(r.parent.span.start <= r.span.start && r.span.end <= r.parent.span.end, `selection at ${offset}: parent does not contain child`);
    }
  });

  const tokens = semanticTokens(analysis.model);
  let end = 0;
  for (const t of tokens) {
    check(t.span.start >= end && t.span.end > t.span.start, `token ${JSON.stringify(t.span)} overlaps or is empty`);
    end = t.span.end;
  }
  check(encodeSemanticTokens(tokens, lines).length % 5 === 0, 'encoding');

  codeActions(analysis.diagnostics, { start: 0, end: text.length });
  const all = fixAll(analysis.diagnostics);
  for (let i = 1; i < all.edits.length; i++) check(all.edits[i]!.span.start >= all.edits[i - 1]!.span.end, 'fix-all edits overlap');
  return problems;
}

describe('every prefix of the example files', () => {
  const files = ['examples/complete.dg', 'examples/broken/broken.dg'];
  it.each(files)('%s', async (file) => {
    const full = readFileSync(join(repoRoot, file), 'utf8');
    const parser = await wasmParser();
    // Every 11th cut, plus cuts right after quotes and braces, where typing breaks things most.
    const cuts = new Set<number>([full.length]);
    for (let i = 0; i <= full.length; i += 11) cuts.add(i);
    for (let i = 0; i < full.length; i++) if ('"{}'.includes(full[i]!)) cuts.add(i + 1);
    const problems: string[] = [];
    for (const cut of cuts) {
      const document = SyntaxDocument.parse(parser, full.slice(0, cut));
      try {
        problems.push(...runAll(document, [0, Math.max(0, cut - 1), cut, Math.floor(cut / 2)]).map((p) => `cut ${cut}: ${p}`));
      } finally {
        document.dispose();
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
  });
});

describe('one character deleted from complete.dg', () => {
  it('every brace, every other quote, every = (missing }, unterminated strings, missing =)', async () => {
    const full = readFileSync(join(repoRoot, 'examples/complete.dg'), 'utf8');
    const parser = await wasmParser();
    const problems: string[] = [];
    let quotes = 0;
    for (let i = 0; i < full.length; i++) {
      const ch = full[i]!;
      if (ch === '"' && quotes++ % 2 === 1) continue;
      if (!'{}"='.includes(ch)) continue;
      const document = SyntaxDocument.parse(parser, full.slice(0, i) + full.slice(i + 1));
      try {
        problems.push(...runAll(document, [i, i + 3, i - 5 < 0 ? 0 : i - 5]).map((p) => `without ${ch} at ${i}: ${p}`));
      } finally {
        document.dispose();
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
  });
});

describe('a 1 MB graph', () => {
  it('answers every feature', async () => {
    const { text, stats } = generateGraphWithStats({ targetBytes: 1 << 20, seed: 3 });
    const document = SyntaxDocument.parse(await wasmParser(), text);
    try {
      const analysis = analyze(document);
      const lines = document.lineIndex;
      expect(runAll(document, [0, text.length >> 1, text.length])).toEqual([]);
      // Latency is measured by `npm run bench`; this checks the answers on a large graph.
      const symbols = documentSymbols(document.syntax);
      workspaceSymbols('ent', [{ uri: 'file:///big.dg', analysis }]);
      foldingRanges(document.syntax, lines);
      selectionRanges(document.syntax, [0, text.length >> 1, text.length]);
      const tokens = semanticTokens(analysis.model);
      encodeSemanticTokens(tokens, lines);
      codeActions(analysis.diagnostics, { start: 0, end: text.length });

      expect(symbols.length).toBeGreaterThanOrEqual(stats.entities);
    } finally {
      document.dispose();
    }
  });
});
