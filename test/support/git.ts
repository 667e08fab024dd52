/**
 * Temporary git repositories for the tests of the change-impact checks (`--baseline`, `dataGraph.baseline`).
 * Identity and signing are set per command, so the tests run on a clean machine (CI, as root) whatever
 * the global git configuration.
 */
import { execFileSync } from 'node:child_process';

const CONFIG = ['-c', 'user.name=dg tests', '-c', 'user.email=dg-tests@example.com', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main'];

/** Runs `git args` in `cwd` and returns its standard output (throws when git fails). */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', [...CONFIG, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Makes `dir` a git repository. */
export function gitInit(dir: string): void {
  git(dir, 'init', '--quiet');
}

/** Commits every file of the work tree (`git add -A`). */
export function commitAll(dir: string, message = 'change'): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '--quiet', '--allow-empty', '-m', message);
}
