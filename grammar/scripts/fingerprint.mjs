// Hashes of the grammar's inputs and generated outputs. The committed copy lives in
// src/fingerprint.json; the freshness test recomputes it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const GRAMMAR_INPUTS = ['grammar.js', 'src/scanner.c', 'tree-sitter.json'];
export const GENERATED_OUTPUTS = ['src/parser.c', 'src/grammar.json', 'src/node-types.json', 'tree-sitter-dg.wasm'];

const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

export function generatedFingerprint(grammarDir) {
  const hashes = (files) => Object.fromEntries(files.map((f) => [f, sha256(join(grammarDir, f))]));
  return { inputs: hashes(GRAMMAR_INPUTS), outputs: hashes(GENERATED_OUTPUTS) };
}
