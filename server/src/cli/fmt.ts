// `dg fmt`: rewrites .dg files in the canonical layout (server/src/ide/formatting.ts), or with
// --check / --diff says which files are not in it. Only whitespace ever changes.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, open, realpath, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { applyEdits, format } from '../ide/formatting';
import { bundledWasm } from '../syntax/bundledWasm';
import { MAX_PARSED_LENGTH, SyntaxDocument } from '../syntax/document';
import { DgParser } from '../syntax/parser';
import { describeError, expandInputs, readInput, UsageError, type InputFile } from './files';

/** `write`: rewrite the files (standard input: print the result); `check`: list; `diff`: print diffs. */
export type FmtMode = 'write' | 'check' | 'diff';

export interface FmtOptions {
  /** Files, directories, globs, or `-` for standard input; none means the working directory. */
  paths: readonly string[];
  cwd: string;
  mode: FmtMode;
  readStdin?: () => Promise<string>;
  /** Name shown for standard input (default `<stdin>`). */
  stdinFilename?: string;
  /** Replaces a file's text (default: {@link writeFileAtomic}). */
  writeFile?: (path: string, text: string) => Promise<void>;
}

export interface FmtFile {
  /** As given to the user: relative to the working directory, forward slashes; `<stdin>` for `-`. */
  path: string;
  /**
   * `unchanged`: already formatted; `changed`: rewritten (`write`) or would be (`check`, `diff`);
   * `syntax-error`: does not parse, left as it is; `error`: could not be read, formatted (an
   * internal error: left as it is) or written (left as it was).
   */
  status: 'unchanged' | 'changed' | 'syntax-error' | 'error';
  /** What went wrong (`syntax-error`, `error`). */
  message?: string;
}

export interface FmtRun {
  files: FmtFile[];
  /**
   * 0: every file formatted (`write`) or already formatted (`check`, `diff`);
   * 1: `check`/`diff` found files to format, or a file does not parse (it was left as it is);
   * 2: a file could not be read, formatted or written.
   */
  exitCode: 0 | 1 | 2;
  /** For standard output: the changed files' paths (`write`, `check`), the diffs, or standard input formatted. */
  stdout: string;
  /** Lines for standard error. */
  stderr: string[];
}

/**
 * `dg fmt`: expands the paths as `dg check` does and formats each file with one parser. Throws
 * {@link UsageError} (from ./files) for operands that match nothing.
 */
export async function fmt(parser: DgParser, options: FmtOptions): Promise<FmtRun> {
  const inputs = await expandInputs(options.paths.length ? options.paths : ['.'], {
    cwd: options.cwd,
    stdinFilename: options.stdinFilename,
  });
  const save = options.writeFile ?? ((path: string, text: string) => writeFileAtomic(path, text));
  const files: FmtFile[] = [];
  const stderr: string[] = [];
  let stdout = '';

  for (const input of inputs) {
    const loaded = await readText(input, options);
    if ('error' in loaded) {
      files.push({ path: input.path, status: 'error', message: loaded.error });
      stderr.push(`${input.path}: error: ${loaded.error}`);
      continue;
    }
    const { text } = loaded;
    let result: ReturnType<typeof formatted>;
    try {
      result = formatted(parser, text);
    } catch (error) {
      // A bug (or an input it cannot cope with) is this file's problem, not the run's.
      const message = `internal error while formatting (${describeError(error)}); left as it is`;
      files.push({ path: input.path, status: 'error', message });
      stderr.push(`${input.path}: error: ${message}`);
      if (input.kind === 'stdin' && options.mode === 'write') stdout += text; // passed through as it is
      continue;
    }
    if ('error' in result) {
      files.push({ path: input.path, status: 'syntax-error', message: result.error });
      stderr.push(`${input.path}${result.at ? `:${result.at}` : ''}: error: ${result.error}`);
      if (input.kind === 'stdin' && options.mode === 'write') stdout += text; // passed through as it is
      continue;
    }
    const changed = result.text !== text;
    if (input.kind === 'stdin' && options.mode === 'write') {
      stdout += result.text;
    } else if (changed && options.mode === 'diff') {
      stdout += unifiedDiff(input.path, text, result.text);
    } else if (changed && input.kind === 'file' && options.mode === 'write') {
      try {
        await save(input.absolutePath, result.text);
      } catch (error) {
        const message = `cannot write file: ${describeError(error)}`;
        files.push({ path: input.path, status: 'error', message });
        stderr.push(`${input.path}: error: ${message}`);
        continue;
      }
      stdout += `${input.path}\n`;
    } else if (changed) {
      stdout += `${input.path}\n`;
    }
    files.push({ path: input.path, status: changed ? 'changed' : 'unchanged' });
  }

  const exitCode = files.some((f) => f.status === 'error')
    ? 2
    : files.some((f) => f.status === 'syntax-error' || (f.status === 'changed' && options.mode !== 'write'))
      ? 1
      : 0;
  return { files, exitCode, stdout, stderr };
}

/** The text formatted, or why it was left alone (with the 1-based `line:column` of the first problem). */
function formatted(parser: DgParser, text: string): { text: string } | { error: string; at?: string } {
  if (text.length > MAX_PARSED_LENGTH) {
    return { error: `file too large to format (the limit is ${MAX_PARSED_LENGTH / 1024 / 1024} MB); left as it is` };
  }
  const document = SyntaxDocument.parse(parser, text);
  try {
    if (document.tooDeep) return { error: 'blocks nested too deeply to format (thousands of levels); left as it is' };
    const lines = document.lineIndex;
    const result = format(document.syntax, lines);
    if (result.errors.length) {
      const first = lines.positionAt(result.errors[0]!.start);
      return { error: 'syntax error; the file was left as it is (`dg check` shows the problems)', at: `${first.line + 1}:${first.character + 1}` };
    }
    return { text: applyEdits(text, result.edits) };
  } finally {
    document.dispose();
  }
}

/** The file operations of {@link writeFileAtomic} that tests may replace. */
export interface AtomicWriteIo {
  /** Writes the text to the (new, empty) temporary file. */
  write(handle: FileHandle, text: string): Promise<void>;
  /** Renames the temporary file over the original. */
  rename(from: string, to: string): Promise<void>;
}

const fileIo: AtomicWriteIo = {
  write: (handle, text) => handle.writeFile(text, 'utf8'),
  rename,
};

/**
 * Replaces the text of the file at `path` (UTF-8) so that a crash, a full disk or any other failure
 * never leaves it half written: writes a temporary file in the same directory with the original's
 * permissions (and owner, where allowed), flushes it to disk and renames it over the original. On
 * failure the temporary file is removed and the original is as it was. A symbolic link is followed
 * (its target is replaced; the link stays a link); a file we may not write is refused (EACCES), as
 * writing it in place would be, although renaming over it would succeed.
 */
export async function writeFileAtomic(path: string, text: string, io: Partial<AtomicWriteIo> = {}): Promise<void> {
  const target = await realpath(path);
  const original = await stat(target);
  await access(target, constants.W_OK);
  const mode = original.mode & 0o7777;
  // A dot file not ending in `.dg`: no `dg check` or `dg fmt` of the directory picks it up meanwhile.
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  let created = false;
  try {
    handle = await open(temp, 'wx', mode);
    created = true;
    await (io.write ?? fileIo.write)(handle, text);
    await handle.chmod(mode); // what the umask took away
    const made = await handle.stat();
    if (made.uid !== original.uid || made.gid !== original.gid) await handle.chown(original.uid, original.gid).catch(() => undefined);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await (io.rename ?? fileIo.rename)(temp, target);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    if (created) await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}

/** A unified diff with `a/`, `b/` prefixes on relative paths (as `git diff`), three lines of context. */
export function unifiedDiff(path: string, before: string, after: string): string {
  const plain = path.startsWith('/') || path.startsWith('<') || /^[A-Za-z]:/.test(path);
  return createTwoFilesPatch(plain ? path : `a/${path}`, plain ? path : `b/${path}`, before, after, undefined, undefined, {
    context: 3,
    headerOptions: FILE_HEADERS_ONLY,
  });
}


const FMT_HELP = `
Only whitespace changes: indentation (two spaces per level), one attribute per line with the = of
consecutive attribute lines aligned, single spaces in block headers, at most one blank line between
items, no trailing whitespace, one final line break. Comments and strings are kept; line endings (LF
or CRLF) are the file's own. A file that does not parse is left as it is and reported.

Exit status:
  0  every file formatted (or, with --check / --diff, already formatted)
  1  --check / --diff: some files are not formatted; or a file does not parse (left as it is)
  2  usage error (unknown option, a path that matches nothing), or a file that could not be read,
     formatted (an internal error; the file is left as it is) or written (the file is left as it
     was: the new text goes to a temporary file that replaces it only once complete)

Examples:
  dg fmt                            format every *.dg under the current directory, in place
  dg fmt --check graphs/            CI: list the files that are not formatted, exit 1 if any
  dg fmt --diff graphs/shop.dg      show what would change, change nothing
  cat graph.dg | dg fmt -           print standard input formatted
`;

interface FmtFlags {
  check?: boolean;
  diff?: boolean;
  stdinFilename?: string;
}

/** Adds `dg fmt` to the program; `setExitCode` receives its exit status. */
export function addFmtCommand(dg: Command, setExitCode: (code: number) => void): void {
  dg.command('fmt')
    .description('Format .dg files in place (whitespace only), or check that they are formatted.')
    .argument('[paths...]', 'files, directories (searched for *.dg), globs, or - for standard input (default: .)')
    .option('--check', 'write nothing: list the files that are not formatted, exit with 1 if any')
    .option('--diff', 'write nothing: print a unified diff of what would change, exit with 1 if anything would')
    .option('--stdin-filename <name>', 'name to report standard input under (default: <stdin>)')
    .addHelpText('after', FMT_HELP)
    .action(async (paths: string[], flags: FmtFlags) => {
      setExitCode(await runFmt(paths, flags));
    });
}

async function runFmt(paths: string[], flags: FmtFlags): Promise<number> {
  let parser: DgParser;
  try {
    parser = await DgParser.load(bundledWasm());
  } catch (error) {
    process.stderr.write(`dg: internal error: cannot load the parser (${describeError(error)}); was \`npm run build\` run?\n`);
    return 2;
  }
  let run: FmtRun;
  try {
    run = await fmt(parser, {
      paths,
      cwd: process.cwd(),
      mode: flags.diff ? 'diff' : flags.check ? 'check' : 'write',
      readStdin,
      ...(flags.stdinFilename !== undefined ? { stdinFilename: flags.stdinFilename } : {}),
    });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error: ${error.message}\n(run 'dg fmt --help' for usage)\n`);
    return 2;
  }
  for (const line of run.stderr) process.stderr.write(`${line}\n`);
  process.exitCode = run.exitCode; // kept if the reader goes away mid-write (EPIPE)
  if (run.stdout) await new Promise<void>((resolve) => process.stdout.write(run.stdout, () => resolve()));
  return run.exitCode;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** An input's text to format: not too large, and valid UTF-8 (writing back replacement characters would corrupt it). */
async function readText(input: InputFile, options: FmtOptions): Promise<{ text: string } | { error: string }> {
  const read = await readInput(input, options.readStdin);
  if ('error' in read) return read;
  if ('tooLarge' in read) return { error: 'file too large to format' };
  if (read.lossy) return { error: 'not UTF-8 text; left as it is' };
  return { text: read.text };
}
