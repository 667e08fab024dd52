import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { MAX_PARSED_LENGTH } from '../syntax/document';

/** A bad command line: `dg` prints the message and exits with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** One input to check: a file on disk, or standard input (`-`). */
export type InputFile =
  | { kind: 'file'; /** As shown in reports: relative to cwd, forward slashes. */ path: string; absolutePath: string }
  | { kind: 'stdin'; path: string };

export interface ExpandOptions {
  cwd: string;
  /** The name standard input is reported under (default `<stdin>`). */
  stdinFilename?: string;
}

/** Directories that a directory walk or a glob never enters (dot-directories are skipped too). */
const IGNORED = ['**/node_modules/**'];

/**
 * Expands command-line operands into the files to check:
 * - `-` is standard input;
 * - an existing file is checked whatever its extension (it was named);
 * - an existing directory is searched recursively for `*.dg`, skipping `node_modules` and dot-directories;
 * - anything else with glob characters is a glob (tinyglobby syntax, relative to cwd, same skips).
 *
 * Each operand's files are sorted (by code unit, so the order is the same on every machine); operands
 * keep their command-line order; a file reached twice is checked once. An operand that matches nothing
 * throws a {@link UsageError}.
 */
export async function expandInputs(operands: readonly string[], options: ExpandOptions): Promise<InputFile[]> {
  const { cwd } = options;
  const seen = new Set<string>();
  const result: InputFile[] = [];
  const add = (absolutePath: string) => {
    if (seen.has(absolutePath)) return;
    seen.add(absolutePath);
    result.push({ kind: 'file', path: displayPath(absolutePath, cwd), absolutePath });
  };
  let stdin = false;

  for (const operand of operands) {
    if (operand === '-') {
      if (!stdin) result.push({ kind: 'stdin', path: options.stdinFilename ?? '<stdin>' });
      stdin = true;
      continue;
    }
    if (operand === '') throw new UsageError('empty path given');
    const absolute = resolve(cwd, operand);
    const info = await stat(absolute).catch(() => undefined);
    if (info?.isDirectory()) {
      const found = await findDg(['**/*.dg'], absolute);
      if (!found.length) throw new UsageError(`no .dg files found in directory '${operand}'`);
      found.forEach(add);
    } else if (info) {
      add(absolute);
    } else if (isDynamicPattern(operand)) {
      const found = await findDg([operand.split(sep).join('/')], cwd);
      if (!found.length) throw new UsageError(`no files match '${operand}'`);
      found.forEach(add);
    } else {
      throw new UsageError(`no such file or directory: '${operand}'`);
    }
  }
  return result;
}

async function findDg(patterns: string[], cwd: string): Promise<string[]> {
  const found = await glob(patterns, {
    cwd,
    absolute: true,
    dot: false,
    onlyFiles: true,
    expandDirectories: false,
    ignore: IGNORED,
  });
  return found.map((f) => resolve(f)).sort(byCodeUnit);
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `path` relative to `cwd` with forward slashes; absolute when it lies outside `cwd`. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  const shown = rel === '' ? '.' : rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? path : rel;
  return shown.split(sep).join('/');
}

/** Files larger than this are not read: so many bytes cannot hold fewer than MAX_PARSED_LENGTH UTF-16 units. */
export const MAX_READ_BYTES = 3 * MAX_PARSED_LENGTH;

/**
 * What reading an input gave: its text (`lossy` when it is not valid UTF-8, so decoding replaced
 * bytes), or that it is too large to read, or why it could not be read.
 */
export type ReadInput = { text: string; lossy: boolean } | { tooLarge: true; size: number } | { error: string };

/** Reads a file operand or standard input (through `readStdin`, when the caller has one). */
export async function readInput(input: InputFile, readStdin?: () => Promise<string>): Promise<ReadInput> {
  if (input.kind === 'stdin') {
    if (!readStdin) return { error: 'cannot read standard input here' };
    try {
      return { text: await readStdin(), lossy: false };
    } catch (error) {
      return { error: `cannot read standard input: ${describeError(error)}` };
    }
  }
  try {
    const info = await stat(input.absolutePath);
    if (info.isDirectory()) return { error: 'is a directory' };
    if (info.size > MAX_READ_BYTES) return { tooLarge: true, size: info.size };
    const bytes = await readFile(input.absolutePath);
    const text = bytes.toString('utf8');
    return { text, lossy: !Buffer.from(text, 'utf8').equals(bytes) };
  } catch (error) {
    return { error: `cannot read file: ${describeError(error)}` };
  }
}

const ERRNO: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  EMFILE: 'too many open files',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EIO: 'input/output error',
};

/** A file system error in plain words (`permission denied`), else the error's message. */
export function describeError(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string' && ERRNO[error.code]) {
    return ERRNO[error.code]!;
  }
  return error instanceof Error ? error.message : String(error);
}
