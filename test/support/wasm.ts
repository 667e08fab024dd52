import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DgParser, type WasmSources } from '../../server/src/syntax/parser';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The wasm files as the sources are laid out (not the bundle in server/out). */
export function sourceTreeWasm(): WasmSources {
  const require = createRequire(import.meta.url);
  return {
    runtime: join(dirname(require.resolve('web-tree-sitter')), 'web-tree-sitter.wasm'),
    grammar: join(repoRoot, 'grammar', 'tree-sitter-dg.wasm'),
  };
}

let shared: Promise<DgParser> | undefined;
/** One wasm parser per test file. */
export function wasmParser(): Promise<DgParser> {
  shared ??= DgParser.load(sourceTreeWasm());
  return shared;
}
