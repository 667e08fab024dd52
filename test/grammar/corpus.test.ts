import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { normalizeSexp, readCorpus, withoutFields } from '../support/corpus';
import { wasmParser } from '../support/wasm';

// The grammar's corpus, parsed by both runtimes: the native binding (as `tree-sitter test` does)
// and web-tree-sitter (as the server does). Both must print the expected tree, so they never drift.
const require = createRequire(import.meta.url);
const NativeParser = require('tree-sitter');
const nativeParser = new NativeParser();
nativeParser.setLanguage(require('tree-sitter-dg'));

const cases = readCorpus();

describe('grammar corpus', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(20);
  });

  describe.each(cases.filter((c) => !c.skip).map((c) => [`${c.file}: ${c.name}`, c] as const))(
    '%s',
    (_title, corpusCase) => {
      const expectedHasFields = /[a-z_]+: \(/.test(corpusCase.expected);
      const shown = (sexp: string) => {
        const normalized = normalizeSexp(sexp);
        return expectedHasFields ? normalized : withoutFields(normalized);
      };

      it('native tree-sitter', () => {
        const tree = nativeParser.parse(corpusCase.input);
        if (corpusCase.expectsError) expect(tree.rootNode.hasError).toBe(true);
        else expect(shown(tree.rootNode.toString())).toBe(corpusCase.expected);
      });

      it('web-tree-sitter', async () => {
        const tree = (await wasmParser()).parse(corpusCase.input);
        try {
          if (corpusCase.expectsError) expect(tree.rootNode.hasError).toBe(true);
          else expect(shown(tree.rootNode.toString())).toBe(corpusCase.expected);
        } finally {
          tree.delete();
        }
      });
    },
  );
});
