import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel, type GraphModel } from '../../server/src/model/graph';
import { definition } from '../../server/src/ide/definition';
import { highlights } from '../../server/src/ide/highlights';
import { hover } from '../../server/src/ide/hover';
import { findReferences } from '../../server/src/ide/references';
import { prepareRename, rename } from '../../server/src/ide/rename';
import type { Span } from '../../server/src/syntax/ast';
import { SyntaxDocument } from '../../server/src/syntax/document';
import { repoRoot, wasmParser } from '../support/wasm';

// Definition, references, highlights, rename and hover at (nearly) every offset of real and broken
// files, and of every prefix of a complete file (text being typed): nothing throws, every span lies
// inside the text, and a rename that succeeds edits only slugs.

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
const FILES = ['examples/complete.dg', 'examples/broken/broken.dg', 'examples/retail/retail.dg', 'test/fixtures/diagnostics/syntax/legacy-forms.dg'];

function sweep(model: GraphModel, text: string, step: number): void {
  const inside = (span: Span) => {
    if (!(0 <= span.start && span.start <= span.end && span.end <= text.length)) {
      throw new Error(`span ${JSON.stringify(span)} outside the text (${text.length})`);
    }
  };
  for (let offset = 0; offset <= text.length; offset += step) {
    const found = definition(model, offset);
    if (found) [found.origin, ...found.targets.flatMap((t) => [t.span, t.blockSpan])].forEach(inside);
    findReferences(model, offset, { includeDeclaration: true })?.forEach(inside);
    highlights(model, offset).forEach((h) => inside(h.span));
    const tip = hover(model, offset);
    if (tip) {
      inside(tip.span);
      if (tip.markdown.includes('undefined')) throw new Error(`"undefined" in the hover at ${offset}: ${tip.markdown}`);
    }
    const prepared = prepareRename(model, offset);
    if (!('error' in prepared)) {
      inside(prepared.span);
      const result = rename(model, offset, 'renamed-slug');
      if (!('error' in result)) for (const edit of result.edits) inside(edit.span);
    }
  }
}

describe('navigation features never fail', () => {
  it.each(FILES)('at every offset of %s', async (path) => {
    const text = read(path);
    const document = SyntaxDocument.parse(await wasmParser(), text);
    expect(() => sweep(buildModel(document.syntax), text, 1)).not.toThrow();
  });

  it('on every prefix of a complete file', async () => {
    const full = read('examples/complete.dg');
    const parser = await wasmParser();
    for (let cut = 0; cut <= full.length; cut += 37) {
      const text = full.slice(0, cut);
      const document = SyntaxDocument.parse(parser, text);
      expect(() => sweep(buildModel(document.syntax), text, 5)).not.toThrow();
    }
  });
});
