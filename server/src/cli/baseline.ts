import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { readAtCommit, resolveRevision, revisionProblem, runGit, type GitRun } from '../catalog/git';
import { MAX_READ_BYTES, UsageError, type InputFile } from './files';

/**
 * `dg check --baseline REV|PATH`: the old text of each checked file, for the change-impact checks
 * (DG500–DG503, server/src/checks/impact.ts). Everything that can be wrong with the option (no git, not a
 * work tree, an unknown revision, a file baseline for several files) is found by `openBaseline`, before
 * any file is checked, as a {@link UsageError}.
 *
 * - An existing file or directory is a copy of the old graphs (CI without git history): a file is the
 *   baseline of the one file checked; in a directory, each file's baseline is at its path relative to
 *   the working directory (`--baseline old/ graphs/a.dg` reads `old/graphs/a.dg`).
 * - Anything else is a git revision: each file's baseline is `git show REV:<its path>`, in the
 *   repository holding it (whatever the working directory), the revision resolved once per directory.
 * A file the baseline does not have is new: it gets no DG5xx. Standard input has a baseline only with
 * `--stdin-filename`, whose path is used.
 */
export interface Baseline {
  /** The option's value, naming the baseline in messages (`HEAD`, `origin/main`, `old/`). */
  readonly name: string;
  /** The old text of `input`; undefined when it has none (a new file). Rejects when it cannot be read. */
  textOf(input: InputFile): Promise<string | undefined>;
  /** Remarks for standard error once every file was checked. */
  notes(): string[];
}

export interface BaselineOptions {
  cwd: string;
  /** `--stdin-filename`: where standard input is taken to be. */
  stdinFilename?: string;
  /** Runs git (default: `git` on PATH, through execFile). */
  git?: GitRun;
}

export async function openBaseline(value: string, inputs: readonly InputFile[], options: BaselineOptions): Promise<Baseline> {
  if (value === '') throw new UsageError('--baseline expects a git revision (HEAD, origin/main) or the path of a copy of the old files');
  const placeOf = (input: InputFile): string | undefined =>
    input.kind === 'file' ? input.absolutePath : options.stdinFilename ? resolve(options.cwd, options.stdinFilename) : undefined;
  const onDisk = await stat(resolve(options.cwd, value)).catch(() => undefined);
  if (onDisk?.isFile()) return fileBaseline(value, resolve(options.cwd, value), inputs, placeOf);
  if (onDisk?.isDirectory()) return directoryBaseline(value, resolve(options.cwd, value), options.cwd, placeOf);
  return gitBaseline(value, inputs, placeOf, options.git ?? runGit);
}

function fileBaseline(name: string, path: string, inputs: readonly InputFile[], placeOf: (input: InputFile) => string | undefined): Baseline {
  const compared = inputs.filter((input) => placeOf(input) !== undefined);
  if (compared.length > 1) {
    throw new UsageError(`--baseline ${name} is a file, the baseline of one checked file, but ${compared.length} files are checked: give a directory holding the old files instead`);
  }
  return { name, textOf: (input) => (placeOf(input) === undefined ? Promise.resolve(undefined) : readText(path)), notes: () => [] };
}

function directoryBaseline(name: string, dir: string, cwd: string, placeOf: (input: InputFile) => string | undefined): Baseline {
  let looked = 0;
  let found = 0;
  const example: string[] = [];
  return {
    name,
    async textOf(input) {
      const place = placeOf(input);
      if (place === undefined) return undefined;
      const rel = relative(cwd, place);
      if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined; // outside the working directory
      const old = join(dir, rel);
      looked++;
      if (example.length === 0) example.push(old);
      if (!(await stat(old).catch(() => undefined))?.isFile()) return undefined;
      found++;
      return readText(old);
    },
    notes: () =>
      looked > 0 && found === 0
        ? [
            `--baseline ${name}: none of the checked files is in it (looked for ${example[0]}), so none got DG500-DG503; ` +
              'the directory must hold the old files at their paths relative to the working directory',
          ]
        : [],
  };
}

async function gitBaseline(
  name: string,
  inputs: readonly InputFile[],
  placeOf: (input: InputFile) => string | undefined,
  git: GitRun,
): Promise<Baseline> {
  const problem = revisionProblem(name);
  if (problem) throw new UsageError(`--baseline: ${problem}`);
  // Once per directory, before any file is checked.
  const commits = new Map<string, string | undefined>();
  for (const input of inputs) {
    const place = placeOf(input);
    if (place === undefined) continue;
    const dir = dirname(place);
    if (commits.has(dir)) continue;
    if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
      commits.set(dir, undefined); // standard input named after a file in no existing directory
      continue;
    }
    const found = await resolveRevision(git, dir, name);
    switch (found.kind) {
      case 'commit':
        commits.set(dir, found.commit);
        break;
      case 'no-git':
        throw new UsageError(`--baseline ${name}: ${found.reason}; to compare with a copy of the old files, give its path instead`);
      case 'not-a-repository':
        throw new UsageError(
          `--baseline ${name}: ${input.path} is not in a git work tree (${found.reason}); to compare with a copy of the old files, give its path instead`,
        );
      case 'unknown-revision':
        throw new UsageError(
          `--baseline: unknown revision '${name}' in the git repository ${found.root} (a shallow clone, as CI makes, may not have it: fetch it first, e.g. git fetch origin main)`,
        );
    }
  }
  return {
    name,
    async textOf(input) {
      const place = placeOf(input);
      const commit = place === undefined ? undefined : commits.get(dirname(place));
      if (place === undefined || commit === undefined) return undefined;
      const found = await readAtCommit(git, dirname(place), commit, basename(place));
      if (found.kind === 'error') throw new Error(found.reason);
      return found.kind === 'text' ? found.text : undefined;
    },
    notes: () => [],
  };
}

async function readText(path: string): Promise<string> {
  const info = await stat(path);
  if (info.size > MAX_READ_BYTES) throw new Error(`${path} is too large (${info.size} bytes)`);
  return (await readFile(path)).toString('utf8');
}
