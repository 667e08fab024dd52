import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, type CheckOptions } from '../../server/src/cli/check';
import { UsageError } from '../../server/src/cli/files';
import { formatJson } from '../../server/src/cli/formats/json';
import { toSarif } from '../../server/src/cli/formats/sarif';
import { commitAll, git, gitInit } from '../support/git';
import { ensureBuilt } from '../support/lspClient';
import { repoRoot, wasmParser } from '../support/wasm';

// `dg check --baseline REV|PATH` (DG500–DG503) in temporary git repositories: check() in process, and
// the built bundle for what main.ts adds (exit status 2 and its message).

const impact = join(repoRoot, 'test', 'fixtures', 'diagnostics', 'impact');
/** The old and new versions of a graph whose change hits every DG5xx code (see the fixtures). */
const OLD = readFileSync(join(impact, 'entities.baseline.dg'), 'utf8');
const NEW = readFileSync(join(impact, 'entities.dg'), 'utf8');
const MOVED_OLD = readFileSync(join(impact, 'relationships.baseline.dg'), 'utf8');
const MOVED_NEW = readFileSync(join(impact, 'relationships.dg'), 'utf8');

let root: string;
let repo: string;
const write = (dir: string, path: string, text: string) => {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'dg-baseline-'));
  repo = join(root, 'repo');
  mkdirSync(repo);
  gitInit(repo);
  write(repo, 'graphs/shop.dg', OLD);
  write(repo, 'graphs/deep/moves.dg', MOVED_OLD);
  write(repo, 'graphs/same.dg', OLD);
  commitAll(repo, 'the old graphs');
  write(repo, 'graphs/shop.dg', NEW);
  write(repo, 'graphs/deep/moves.dg', MOVED_NEW);
  write(repo, 'graphs/new.dg', NEW); // not committed: new, so no DG5xx
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(paths: string[], options: Partial<CheckOptions> = {}) {
  return check(await wasmParser(), { paths, cwd: repo, catalogs: false, settings: { severities: { DG112: 'off' } }, ...options });
}

const impactCodes = (run: Awaited<ReturnType<typeof check>>) =>
  Object.fromEntries(run.files.map((f) => [f.path, f.diagnostics.map((d) => d.code).filter((c) => c.startsWith('DG5'))]));

const SHOP = ['DG500', 'DG502', 'DG502', 'DG503', 'DG500', 'DG500', 'DG503', 'DG501'];
const MOVES = ['DG501', 'DG501', 'DG501', 'DG501', 'DG501', 'DG501'];

describe('dg check --baseline <git revision>', () => {
  it('reports DG500–DG503 since HEAD, and nothing for an unchanged file or a file new since HEAD', async () => {
    const result = await run(['graphs'], { baseline: 'HEAD' });
    expect(impactCodes(result)).toEqual({
      'graphs/deep/moves.dg': MOVES,
      'graphs/new.dg': [],
      'graphs/same.dg': [],
      'graphs/shop.dg': SHOP,
    });
    expect(result.exitCode).toBe(0); // warnings and information only
    expect(result.summary.warnings).toBe(3 + 1 + 6);
    const renamed = result.files.find((f) => f.path === 'graphs/shop.dg')!.diagnostics.find((d) => d.message.includes('renamed to "cart"'));
    expect(renamed?.message).toMatch(/^entity "carts" renamed to "cart" since HEAD: a definite breaking change/);
    expect(await run(['graphs'])).toMatchObject({ exitCode: 0 });
    expect(impactCodes(await run(['graphs']))['graphs/shop.dg']).toEqual([]); // no --baseline, no DG5xx
  });

  it('reads the revision from the repository of each file, whatever the working directory', async () => {
    const elsewhere = await run([join(repo, 'graphs', 'shop.dg')], { baseline: 'HEAD', cwd: root });
    expect(impactCodes(elsewhere)).toEqual({ 'repo/graphs/shop.dg': SHOP });
    const inside = await run(['moves.dg'], { baseline: 'HEAD', cwd: join(repo, 'graphs', 'deep') });
    expect(impactCodes(inside)).toEqual({ 'moves.dg': MOVES });
  });

  it('takes any revision git knows, and --severity and --max-warnings apply', async () => {
    const head = git(repo, 'rev-parse', 'HEAD').trim();
    const result = await run(['graphs/shop.dg'], { baseline: head.slice(0, 12), settings: { severities: { DG112: 'off', DG500: 'error', DG502: 'off' } }, maxWarnings: 0 });
    expect(impactCodes(result)['graphs/shop.dg']).toEqual(['DG500', 'DG503', 'DG500', 'DG500', 'DG503', 'DG501']);
    expect(result.files[0]!.diagnostics.filter((d) => d.code === 'DG500').map((d) => d.severity)).toEqual(['error', 'error', 'error']);
    expect(result.exitCode).toBe(1);
    expect(result.files[0]!.diagnostics.find((d) => d.code === 'DG500')!.message).toContain(`since ${head.slice(0, 12)}:`);
  });

  it('compares standard input named with --stdin-filename, and carries the codes in JSON', async () => {
    const result = await run(['-'], { baseline: 'HEAD', readStdin: async () => NEW, stdinFilename: 'graphs/shop.dg' });
    expect(impactCodes(result)).toEqual({ 'graphs/shop.dg': SHOP });
    const json = JSON.parse(formatJson(result)) as { files: { diagnostics: { code: string; severity: string }[] }[] };
    expect(json.files[0]!.diagnostics.filter((d) => d.code.startsWith('DG5')).map((d) => d.code)).toEqual(SHOP);
    const sarif = toSarif(result, { version: '0.0.0' }).runs[0]!;
    expect(sarif.results!.map((r) => r.ruleId).filter((id) => id!.startsWith('DG5'))).toEqual(SHOP);
    expect(sarif.tool.driver.rules!.filter((r) => r.id.startsWith('DG5')).map((r) => [r.id, r.defaultConfiguration?.level])).toEqual([
      ['DG500', 'warning'],
      ['DG501', 'warning'],
      ['DG502', 'note'],
      ['DG503', 'note'],
    ]);
    expect(impactCodes(await run(['-'], { baseline: 'HEAD', readStdin: async () => NEW }))).toEqual({ '<stdin>': [] });
  });

  it('rejects an unknown revision, a file outside any work tree and a bad value before checking anything', async () => {
    await expect(run(['graphs'], { baseline: 'no-such-branch' })).rejects.toThrow(
      new UsageError(`--baseline: unknown revision 'no-such-branch' in the git repository ${git(repo, 'rev-parse', '--show-toplevel').trim()} (a shallow clone, as CI makes, may not have it: fetch it first, e.g. git fetch origin main)`),
    );
    const outside = join(root, 'outside');
    write(outside, 'a.dg', NEW);
    await expect(run(['a.dg'], { baseline: 'HEAD', cwd: outside })).rejects.toThrow(/^--baseline HEAD: a\.dg is not in a git work tree \(/);
    await expect(run(['graphs'], { baseline: '--all' })).rejects.toThrow(/--baseline: '--all' is not a git revision/);
    await expect(run(['graphs'], { baseline: '' })).rejects.toThrow(UsageError);
    // An empty repository has no HEAD yet.
    const empty = join(root, 'empty');
    mkdirSync(empty);
    gitInit(empty);
    write(empty, 'a.dg', NEW);
    await expect(run(['a.dg'], { baseline: 'HEAD', cwd: empty })).rejects.toThrow(/unknown revision 'HEAD'/);
  });
});

describe('dg check --baseline <path>', () => {
  it('reads a directory holding the old files at their paths relative to the working directory', async () => {
    const old = join(root, 'old');
    write(old, 'graphs/shop.dg', OLD);
    write(old, 'graphs/deep/moves.dg', MOVED_OLD);
    const result = await run(['graphs'], { baseline: old });
    expect(impactCodes(result)).toEqual({
      'graphs/deep/moves.dg': MOVES,
      'graphs/new.dg': [],
      'graphs/same.dg': [],
      'graphs/shop.dg': SHOP,
    });
    expect(result.notes).toEqual([]);
    expect(result.files[0]!.diagnostics.find((d) => d.code === 'DG501')!.message).toContain(`since ${old}:`);
    // A directory that mirrors nothing says so (it would otherwise pass silently).
    const wrong = await run(['graphs'], { baseline: join(old, 'graphs') });
    expect(Object.values(impactCodes(wrong)).flat()).toEqual([]);
    expect(wrong.notes).toEqual([expect.stringContaining('none of the checked files is in it')]);
  });

  it('reads a file as the baseline of the one file checked', async () => {
    const old = join(root, 'old-shop.dg');
    writeFileSync(old, OLD);
    expect(impactCodes(await run(['graphs/shop.dg'], { baseline: old }))).toEqual({ 'graphs/shop.dg': SHOP });
    await expect(run(['graphs'], { baseline: old })).rejects.toThrow(/is a file, the baseline of one checked file, but 4 files are checked/);
  });
});

describe('dg check --baseline (built bundle)', () => {
  beforeAll(() => ensureBuilt(), 180_000);
  const dg = (args: string[], cwd: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(repoRoot, 'server', 'bin', 'dg.js'), ...args], { cwd }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      );
    });

  it('prints DG5xx, exits 1 with --max-warnings 0, and 2 on an unknown revision', async () => {
    const [found, unknown] = await Promise.all([
      dg(['check', '--baseline', 'HEAD', '--max-warnings', '0', '--severity', 'DG112=off', 'graphs/shop.dg'], repo),
      dg(['check', '--baseline', 'origin/main', 'graphs/'], repo),
    ]);
    expect(found.code).toBe(1);
    expect(found.stdout).toMatch(/^graphs\/shop\.dg:\d+:10: warning DG500: entity "carts" renamed to "cart" since HEAD/m);
    expect(found.stdout).toContain('info DG502: table_ref of entity "accounts" changed from "PROD.CUST.ACCOUNTS" to "PROD.CUST.ACCOUNTS_V2" since HEAD');
    expect(found.stderr).toContain('more than --max-warnings 0');
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toContain("error: --baseline: unknown revision 'origin/main' in the git repository");
  });
});
