import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './wasm';

/** One case of a tree-sitter corpus file (`grammar/test/corpus/*.txt`). */
export interface CorpusCase {
  file: string;
  name: string;
  input: string;
  /** Expected S-expression, whitespace-normalized. */
  expected: string;
  /** `:error` cases only assert that the tree has an error. */
  expectsError: boolean;
  skip: boolean;
}

const HEADER = /^={3,}[^\S\r\n]*\r?$/;
const DIVIDER = /^-{3,}[^\S\r\n]*\r?$/;

export const corpusDir = join(repoRoot, 'grammar', 'test', 'corpus');

/** Reads every corpus file as tree-sitter's `test` command does. */
export function readCorpus(dir = corpusDir): CorpusCase[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .flatMap((file) => parseCorpusFile(file, readFileSync(join(dir, file), 'utf8')));
}

export function parseCorpusFile(file: string, text: string): CorpusCase[] {
  // Split on line boundaries but keep each line's own terminator: CRLF cases must stay CRLF.
  const lines = text.split(/(?<=\n)/);
  const cases: CorpusCase[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!HEADER.test(stripEol(lines[i]!))) {
      i++;
      continue;
    }
    const name = stripEol(lines[i + 1] ?? '').trim();
    i += 2;
    const attributes: string[] = [];
    while (i < lines.length && !HEADER.test(stripEol(lines[i]!))) {
      attributes.push(stripEol(lines[i]!).trim());
      i++;
    }
    i++; // closing header line
    const inputLines: string[] = [];
    while (i < lines.length && !DIVIDER.test(stripEol(lines[i]!))) inputLines.push(lines[i++]!);
    i++; // divider
    const expectedLines: string[] = [];
    while (i < lines.length && !(HEADER.test(stripEol(lines[i]!)) && isCaseName(lines[i + 1]))) {
      expectedLines.push(lines[i++]!);
    }
    // tree-sitter drops the one line break that precedes the divider.
    const input = inputLines.join('').replace(/\r?\n$/, '');
    cases.push({
      file,
      name,
      input,
      expected: normalizeSexp(expectedLines.join('')),
      expectsError: attributes.includes(':error'),
      skip: attributes.includes(':skip'),
    });
  }
  return cases;
}

const stripEol = (line: string) => line.replace(/\r?\n$/, '');
const isCaseName = (line: string | undefined) => line !== undefined && stripEol(line).trim() !== '';

export function normalizeSexp(sexp: string): string {
  return sexp
    .replace(/\s+/g, ' ')
    .replace(/\( /g, '(')
    .replace(/ \)/g, ')')
    .trim();
}

/** Field labels (`key: `) removed, for expectations written without them. */
export function withoutFields(sexp: string): string {
  return sexp.replace(/[a-z_]+: /g, '');
}
