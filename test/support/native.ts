import Parser from 'tree-sitter';
import Dg from 'tree-sitter-dg';

/**
 * A native (node-gyp) tree-sitter parser for `.dg`, from the grammar workspace's binding
 * (grammar/build, rebuilt by `npm run grammar:generate`). Indexes are UTF-16 code units, as in wasm.
 */
export function nativeParser(): Parser {
  const parser = new Parser();
  parser.setLanguage(Dg as unknown as Parser.Language);
  return parser;
}

export type NativeTree = Parser.Tree;
