import { execFile } from 'node:child_process';
import { MAX_PARSED_LENGTH } from '../syntax/document';

/**
 * Files at a git revision: where the baseline of `checkImpact` (DG500–DG503) comes from when it is a
 * git revision, for the CLI (`dg check --baseline REV`, server/src/cli/baseline.ts) and the language
 * server (`dataGraph.baseline`, server/src/lsp/baseline.ts). IO, so it lives with the project's other
 * IO; callers may pass their own `GitRun` (tests pass a fake).
 *
 * Every command runs in the directory of the file, with the file's name relative to it, so no path is
 * computed against the repository root (symbolic links, case-insensitive file systems and Windows
 * separators are git's business): `git rev-parse --show-toplevel --verify --quiet REV^{commit}`, then
 * `git --literal-pathspecs ls-tree -z COMMIT -- NAME` (absent: a new file) and `git cat-file blob OID`.
 */

/** What one git run gave: its exit code and output, or why it could not start (`ENOENT`: no git). */
export type GitResult = { code: number; stdout: Buffer; stderr: string } | { failed: string; missing: boolean };

/** Runs `git ...args` in `cwd` (no shell). */
export type GitRun = (args: readonly string[], cwd: string) => Promise<GitResult>;

const MAX_BYTES = 3 * MAX_PARSED_LENGTH;

/** `git` on PATH, run with `execFile` (no shell). */
export const runGit: GitRun = (args, cwd) =>
  new Promise((resolve) => {
    try {
      execFile('git', args, { cwd, encoding: 'buffer', maxBuffer: MAX_BYTES, windowsHide: true }, (error, stdout, stderr) => {
        const code = (error as (Error & { code?: unknown }) | null)?.code;
        if (error && typeof code !== 'number') {
          // Not an exit status: git could not start (ENOENT), or its output was too large.
          resolve({ failed: code === 'ENOENT' ? 'git is not installed (or not on PATH)' : error.message, missing: code === 'ENOENT' });
        } else {
          resolve({ code: typeof code === 'number' ? code : 0, stdout, stderr: stderr.toString('utf8') });
        }
      });
    } catch (error) {
      resolve({ failed: error instanceof Error ? error.message : String(error), missing: false });
    }
  });

/** Why `revision` cannot be given to git, or undefined when it can. */
export function revisionProblem(revision: string): string | undefined {
  if (revision.trim() === '') return 'expected a git revision (HEAD, origin/main, a commit)';
  if (revision.startsWith('-')) return `'${revision}' is not a git revision (it starts with "-")`;
  if (/[\0\r\n]/.test(revision)) return `'${revision}' is not a git revision`;
  return undefined;
}

/** What a revision is in the repository holding a directory. */
export type RevisionLookup =
  | { kind: 'commit'; root: string; commit: string }
  | { kind: 'unknown-revision'; root: string }
  | { kind: 'not-a-repository'; reason: string }
  | { kind: 'no-git'; reason: string };

/** Resolves `revision` to a commit in the git work tree holding `dir` (which must exist). */
export async function resolveRevision(run: GitRun, dir: string, revision: string): Promise<RevisionLookup> {
  const result = await run(['rev-parse', '--show-toplevel', '--verify', '--quiet', `${revision}^{commit}`], dir);
  if ('failed' in result) return result.missing ? { kind: 'no-git', reason: result.failed } : { kind: 'not-a-repository', reason: result.failed };
  const [root, commit] = result.stdout.toString('utf8').split('\n');
  if (!root) return { kind: 'not-a-repository', reason: firstLine(result.stderr) || `git rev-parse exited with ${result.code}` };
  if (result.code !== 0 || !commit || !/^[0-9a-f]{40,64}$/.test(commit)) return { kind: 'unknown-revision', root };
  return { kind: 'commit', root, commit };
}

/** A file's text at a commit: `absent` when the commit has no such file (a new file). */
export type FileAtCommit = { kind: 'text'; text: string } | { kind: 'absent' } | { kind: 'error'; reason: string };

/** The text of `name` (a file of `dir`) at `commit` of the repository holding `dir`. */
export async function readAtCommit(run: GitRun, dir: string, commit: string, name: string): Promise<FileAtCommit> {
  const listed = await run(['--literal-pathspecs', 'ls-tree', '-z', commit, '--', name], dir);
  if ('failed' in listed) return { kind: 'error', reason: listed.failed };
  if (listed.code !== 0) return { kind: 'error', reason: firstLine(listed.stderr) || `git ls-tree exited with ${listed.code}` };
  const entry = /^(\d+) (\w+) ([0-9a-f]+)\t/.exec(listed.stdout.toString('utf8').split('\0')[0] ?? '');
  // Nothing there, or a directory, a submodule or a symbolic link: no graph was at that path.
  if (!entry || entry[2] !== 'blob' || entry[1] === '120000') return { kind: 'absent' };
  const blob = await run(['cat-file', 'blob', entry[3]!], dir);
  if ('failed' in blob) return { kind: 'error', reason: blob.failed };
  if (blob.code !== 0) return { kind: 'error', reason: firstLine(blob.stderr) || `git cat-file exited with ${blob.code}` };
  return { kind: 'text', text: blob.stdout.toString('utf8') };
}

const firstLine = (text: string) => text.trim().split(/\r?\n/)[0]?.replace(/^(fatal|error): /, '') ?? '';
