// Tokenizes text with the extension's TextMate grammar (syntaxes/dg.tmLanguage.json) the way VS Code
// does: vscode-textmate on the Oniguruma regex engine (vscode-oniguruma's wasm).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadWASM, OnigScanner, OnigString } from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, type IGrammar, type StateStack } from 'vscode-textmate';
import { repoRoot } from '../support/wasm';

export const GRAMMAR_PATH = join(repoRoot, 'syntaxes', 'dg.tmLanguage.json');

export interface Token {
  /** 0-based line. */
  line: number;
  text: string;
  scopes: string[];
}

let grammar: Promise<IGrammar> | undefined;

export function loadGrammar(): Promise<IGrammar> {
  grammar ??= (async () => {
    const require = createRequire(import.meta.url);
    const wasm = readFileSync(join(require.resolve('vscode-oniguruma'), '..', 'onig.wasm'));
    await loadWASM({ data: wasm });
    const registry = new Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new OnigScanner(patterns),
        createOnigString: (text: string) => new OnigString(text),
      }),
      loadGrammar: async (scopeName: string) =>
        scopeName === 'source.dg' ? parseRawGrammar(readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH) : null,
    });
    const loaded = await registry.loadGrammar('source.dg');
    if (!loaded) throw new Error('source.dg did not load');
    return loaded;
  })();
  return grammar;
}

/** Every token of `text`, line by line, carrying the rule stack over as VS Code does. */
export async function tokenize(text: string): Promise<Token[]> {
  const g = await loadGrammar();
  const tokens: Token[] = [];
  let state: StateStack = INITIAL;
  text.split(/\r?\n/).forEach((lineText, line) => {
    const result = g.tokenizeLine(lineText, state);
    for (const t of result.tokens) {
      tokens.push({ line, text: lineText.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    state = result.ruleStack;
  });
  return tokens;
}
