// Regenerates the committed parser (src/) and tree-sitter-dg.wasm from grammar.js, then records the
// hashes test/grammar/generated.test.ts checks, so a grammar change without regeneration fails CI.
// Needs the tree-sitter CLI: `source "$(../shared/tools/tree-sitter-toolchain.sh --print-env)"`.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedFingerprint } from './fingerprint.mjs';

const grammarDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (args) => execFileSync('tree-sitter', args, { cwd: grammarDir, stdio: 'inherit' });

try {
  execFileSync('tree-sitter', ['--version'], { stdio: 'ignore' });
} catch {
  console.error(
    'tree-sitter CLI not found. Install it with ../shared/tools/tree-sitter-toolchain.sh and\n' +
      'source ~/.cache/dg-toolchain/env.sh (npm\'s tree-sitter-cli cannot download its binary offline).',
  );
  process.exit(1);
}
run(['generate']);
run(['build', '--wasm', '-o', 'tree-sitter-dg.wasm', '.']);
// The native binding the grammar tests load (`npm run` puts npm's node-gyp on PATH).
execFileSync('node-gyp', ['rebuild'], { cwd: grammarDir, stdio: 'inherit' });
writeFileSync(join(grammarDir, 'src', 'fingerprint.json'), JSON.stringify(generatedFingerprint(grammarDir), null, 2) + '\n');
console.log('grammar regenerated; commit grammar/src and grammar/tree-sitter-dg.wasm');
