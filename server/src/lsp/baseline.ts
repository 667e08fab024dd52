import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { modelOfText } from '../checks/analyze';
import { readAtCommit, resolveRevision, revisionProblem, runGit, type GitRun } from '../catalog/git';
import type { GraphModel } from '../model/graph';
import type { DgParser } from '../syntax/parser';
import { fileUriToPath } from './workspaceFiles';

/** The old version of an open document that `checkImpact` compares it with. */
export interface DocumentBaseline {
  model: GraphModel;
  /** The revision as configured (`HEAD`), for messages. */
  name: string;
}

export interface BaselineOptions {
  parser: DgParser;
  /** A document's baseline arrived, changed or went away: re-check it. */
  changed: (uri: string) => void;
  /** Logs once per key (an information line; `problem`: a warning). */
  log: (key: string, message: string, problem?: boolean) => void;
  /** Runs git (default: `git` on PATH, through execFile). */
  git?: GitRun;
}

interface Entry {
  /** Bumped by every read: a read that ends after a newer one started is dropped. */
  generation: number;
  /** The commit the revision resolved to when last read, and the text the file had there. */
  commit?: string;
  text?: string;
  baseline?: DocumentBaseline;
}

/**
 * The baselines of the open documents for the change-impact checks (DG500–DG503), from the
 * `dataGraph.baseline` setting (a git revision, `HEAD` by default; empty: off). A document's baseline
 * is read with git (server/src/catalog/git.ts: `git rev-parse`, `ls-tree`, `cat-file` in the
 * document's directory), in the background, the first time the document is checked; its model is built
 * once per text. Nothing happens on a keystroke: `baselineOf` is a map lookup. Saving the document
 * resolves the revision again (a commit moves `HEAD`) and reads the file again only when the commit
 * changed; a new `dataGraph.baseline` starts over. `changed` is told only when a document's baseline
 * model appeared, changed or went away.
 *
 * Untitled documents have none, silently. A file outside a git work tree, a revision the repository does
 * not have (a repository without commits for `HEAD`) or no git at all: no baseline, and one line of
 * information in the log (once per kind of reason), never an error.
 */
export class DocumentBaselines {
  /** Undefined until the settings arrive; `''`: off. */
  private revision: string | undefined;
  private readonly entries = new Map<string, Entry>();
  private readonly git: GitRun;

  constructor(private readonly options: BaselineOptions) {
    this.git = options.git ?? runGit;
  }

  /** The `dataGraph.baseline` setting. A new value drops every baseline (the caller re-checks the documents). */
  configure(revision: string): void {
    const value = revision.trim();
    if (value === this.revision) return;
    const problem = value === '' ? undefined : revisionProblem(value);
    if (problem) this.options.log(`baseline:setting:${value}`, `dg: ignoring dataGraph.baseline: ${problem}; no change-impact checks (DG500-DG503)`, true);
    this.revision = problem ? '' : value;
    this.entries.clear();
  }

  /** The document's baseline once read; the first call starts reading it. */
  baselineOf(uri: string): DocumentBaseline | undefined {
    if (!this.revision) return undefined;
    let entry = this.entries.get(uri);
    if (!entry) {
      entry = { generation: 0 };
      this.entries.set(uri, entry);
      void this.read(uri, entry);
    }
    return entry.baseline;
  }

  /** The document was saved: resolve the revision again (the file is read again only if its commit changed). */
  saved(uri: string): void {
    const entry = this.entries.get(uri);
    if (entry && this.revision) void this.read(uri, entry);
  }

  close(uri: string): void {
    this.entries.delete(uri);
  }

  stop(): void {
    this.entries.clear();
    this.revision = '';
  }

  private async read(uri: string, entry: Entry): Promise<void> {
    const generation = ++entry.generation;
    const revision = this.revision!;
    const stale = () => this.entries.get(uri) !== entry || entry.generation !== generation || this.revision !== revision;
    const { log } = this.options;
    try {
      const path = fileUriToPath(uri);
      if (path === undefined) return; // untitled, or another scheme: no baseline, nothing to say
      const dir = dirname(path);
      const outside = (reason: string) =>
        log('baseline:outside', `dg: no change-impact checks (DG500-DG503) for ${path} and other files outside a git work tree (${reason})`);
      if (!(await stat(dir).catch(() => undefined))?.isDirectory()) return outside(`${dir} does not exist`);
      const found = await resolveRevision(this.git, dir, revision);
      if (stale()) return;
      if (found.kind === 'no-git') return log('baseline:no-git', `dg: no change-impact checks (DG500-DG503): ${found.reason}`);
      if (found.kind === 'not-a-repository') return outside(found.reason);
      if (found.kind === 'unknown-revision') {
        return log(
          `baseline:unknown:${found.root}:${revision}`,
          `dg: dataGraph.baseline "${revision}" is not a commit of the git repository ${found.root}: no change-impact checks (DG500-DG503) for its files`,
        );
      }
      if (found.commit === entry.commit) return; // same commit, same text
      const file = await readAtCommit(this.git, dir, found.commit, basename(path));
      if (stale()) return;
      if (file.kind === 'error') {
        return log(`baseline:error:${file.reason}`, `dg: could not read ${path} at ${revision}: ${file.reason}; no change-impact checks for it`, true);
      }
      entry.commit = found.commit;
      const text = file.kind === 'text' ? file.text : undefined;
      if (text === entry.text && (text === undefined || entry.baseline)) return;
      entry.text = text;
      const had = entry.baseline !== undefined;
      const model = text === undefined ? undefined : modelOfText(this.options.parser, text);
      entry.baseline = model && { model, name: revision };
      if (had || entry.baseline) this.options.changed(uri);
    } catch (error) {
      log(`baseline:crash:${error instanceof Error ? error.message : String(error)}`, `dg: reading the baseline of ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, true);
    }
  }
}
