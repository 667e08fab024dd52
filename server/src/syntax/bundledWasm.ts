import { join } from 'node:path';
import type { WasmSources } from './parser';

/**
 * The wasm files next to the esbuild bundle (server/out/), where `npm run build` copies them.
 * Only the bundled entry points call this: `__dirname` is the bundle's folder there.
 */
export function bundledWasm(): WasmSources {
  return { runtime: join(__dirname, 'web-tree-sitter.wasm'), grammar: join(__dirname, 'tree-sitter-dg.wasm') };
}
