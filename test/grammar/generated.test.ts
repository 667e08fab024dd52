import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedFingerprint } from '../../grammar/scripts/fingerprint.mjs';
import { repoRoot } from '../support/wasm';

// The parser (src/) and the .wasm are committed so nobody needs the generator. These tests fail
// when grammar.js (or the scanner) changed without `npm run grammar:generate`.
const grammarDir = join(repoRoot, 'grammar');
const committed = JSON.parse(readFileSync(join(grammarDir, 'src', 'fingerprint.json'), 'utf8'));
const current = generatedFingerprint(grammarDir);
const hasCli = spawnSync('tree-sitter', ['--version']).status === 0;

describe('generated grammar files', () => {
  it('were regenerated after the last change to grammar.js, scanner.c or tree-sitter.json', () => {
    expect(current.inputs, 'grammar sources changed: run `npm run grammar:generate` and commit').toEqual(
      committed.inputs,
    );
  });

  it('are the ones the last regeneration produced (parser.c, grammar.json, node-types.json, .wasm)', () => {
    expect(current.outputs, 'generated files differ from the recorded ones: run `npm run grammar:generate`').toEqual(
      committed.outputs,
    );
  });

  it.skipIf(!hasCli)('match what the tree-sitter CLI generates from grammar.js now', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'dg-grammar-'));
    try {
      for (const f of ['grammar.js', 'tree-sitter.json', 'src/scanner.c']) cpSync(join(grammarDir, f), join(scratch, f));
      execFileSync('tree-sitter', ['generate'], { cwd: scratch, stdio: 'pipe' });
      for (const f of ['src/parser.c', 'src/grammar.json', 'src/node-types.json']) {
        expect(readFileSync(join(scratch, f), 'utf8'), f).toBe(readFileSync(join(grammarDir, f), 'utf8'));
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasCli)('pass `tree-sitter test` (developer workflow)', () => {
    const result = spawnSync('tree-sitter', ['test'], { cwd: grammarDir, encoding: 'utf8' });
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });
});
