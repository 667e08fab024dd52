// Bundles the CLI and the language server with esbuild into server/out/, next to the two .wasm
// files they load (web-tree-sitter's runtime and the dg grammar), so the bundle runs anywhere; and the
// VS Code extension (the language client) into client/out/extension.js.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'server', 'out');
const require = createRequire(import.meta.url);

mkdirSync(out, { recursive: true });
copyFileSync(join(dirname(require.resolve('web-tree-sitter')), 'web-tree-sitter.wasm'), join(out, 'web-tree-sitter.wasm'));
copyFileSync(join(root, 'grammar', 'tree-sitter-dg.wasm'), join(out, 'tree-sitter-dg.wasm'));

await build({
  entryPoints: {
    cli: join(root, 'server', 'src', 'cli', 'main.ts'),
    server: join(root, 'server', 'src', 'lsp', 'main.ts'),
  },
  outdir: out,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  // ESM-only code in dependencies (fdir, under tinyglobby) calls createRequire(import.meta.url), which
  // a CJS bundle leaves undefined: give it the bundle's own URL.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  // DuckDB's driver loads a native binding per platform (@duckdb/node-bindings-<platform>/duckdb.node),
  // which cannot be bundled: it stays a dependency, required from node_modules on first use (the driver
  // imports it lazily; without it a duckdb warehouse reports driver-missing). pg is plain JavaScript and
  // is bundled (its optional pg-native require is guarded), still evaluated only when first imported.
  external: ['@duckdb/*'],
  logLevel: 'warning',
});

// The extension host provides `vscode`; everything else (vscode-languageclient) is bundled in.
await build({
  entryPoints: { extension: join(root, 'client', 'src', 'extension.ts') },
  outdir: join(root, 'client', 'out'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['vscode'],
  logLevel: 'warning',
});
