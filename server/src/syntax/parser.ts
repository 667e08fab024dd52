import { Edit, Language, Parser, type Tree } from 'web-tree-sitter';

/** Where the two WebAssembly modules come from: a path (Node) or their bytes (browser, tests). */
export interface WasmSources {
  /** web-tree-sitter's runtime, `web-tree-sitter.wasm`. */
  runtime: string | Uint8Array;
  /** The dg grammar, `tree-sitter-dg.wasm`. */
  grammar: string | Uint8Array;
}

/** A web-tree-sitter parser for `.dg` text. Parsing never throws on bad input: errors become nodes. */
export class DgParser {
  private constructor(
    private readonly parser: Parser,
    readonly language: Language,
  ) {}

  static async load(sources: WasmSources): Promise<DgParser> {
    const runtime = sources.runtime;
    await Parser.init(
      typeof runtime === 'string' ? { locateFile: () => runtime } : { wasmBinary: runtime },
    );
    const language = await Language.load(sources.grammar);
    const parser = new Parser();
    parser.setLanguage(language);
    return new DgParser(parser, language);
  }

  /** Parses `text`; with `previous` (already `edit`ed to match), re-parses incrementally. */
  parse(text: string, previous?: Tree): Tree {
    const tree = this.parser.parse(text, previous ?? null);
    if (!tree) throw new Error('tree-sitter returned no tree (parser has no language)');
    return tree;
  }
}

export { Edit };
export type { Tree };
