import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CODES } from '../../server/src/checks/codes';
import { repoRoot } from '../support/wasm';

// A few runs of the built bundle, as CI uses it: `node server/bin/dg.js ...`.

const bin = join(repoRoot, 'server', 'bin', 'dg.js');
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };

beforeAll(() => {
  if (!existsSync(join(repoRoot, 'server', 'out', 'cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'ignore' });
}, 120_000);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function dg(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const env = { ...process.env, ...options.env };
  for (const name of ['FORCE_COLOR', 'NO_COLOR']) if (!options.env?.[name]) delete env[name];
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bin, ...args], { cwd: repoRoot, env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
    child.stdin!.end(options.input ?? '');
  });
}

const VALID = readFileSync(join(repoRoot, 'examples', 'complete.dg'), 'utf8');

describe('dg (built bundle)', () => {
  it('prints its version and help', async () => {
    const [version, help] = await Promise.all([dg(['--version']), dg(['check', '--help'])]);
    expect(version).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--max-warnings');
    expect(help.stdout).toContain('Exit status');
  });

  it('exits 0 on valid graphs and 1 on errors, uncoloured when piped', async () => {
    const [ok, broken, coloured, forced] = await Promise.all([
      dg(['check', 'examples/complete.dg', 'examples/retail']),
      dg(['check', 'examples/']),
      dg(['check', '--color', 'examples/broken']),
      dg(['check', 'examples/broken'], { env: { FORCE_COLOR: '1' } }),
    ]);
    expect(ok).toEqual({ code: 0, stdout: 'No problems in 2 files\n', stderr: '' });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^examples\/broken\/broken\.dg:\d+:\d+: error DG004: /m);
    expect(broken.stdout).toMatch(/^ +\| +\^~+$/m);
    expect(broken.stdout).toMatch(/ in 3 files\n$/);
    expect(broken.stdout).not.toContain('\x1b[');
    expect(coloured.stdout).toContain('\x1b[');
    expect(forced.stdout).toContain('\x1b[');
  });

  it('exits 2 on usage errors', async () => {
    const [missing, format, unknown, severity, none] = await Promise.all([
      dg(['check', 'no/such/file.dg']),
      dg(['check', '--format', 'xml', 'examples/complete.dg']),
      dg(['check', '--frmat', 'json']),
      dg(['check', '--severity', 'DG999=off', 'examples/complete.dg']),
      dg([]),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such file or directory: 'no/such/file.dg'");
    expect(format.code).toBe(2);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--frmat'");
    expect(severity.code).toBe(2);
    expect(none.code).toBe(2);
  });

  it('applies --max-warnings to standard input', async () => {
    const warned = VALID.replace('entity "cart-entity"', 'entity cart-entity');
    const [plain, strict] = await Promise.all([
      dg(['check', '-', '--stdin-filename', 'cart.dg'], { input: warned }),
      dg(['check', '-', '--max-warnings', '0'], { input: warned }),
    ]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^cart\.dg:\d+:\d+: warning DG008: /m);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/^<stdin>:\d+:\d+: warning DG008: /m);
    expect(strict.stderr).toContain('--max-warnings 0');
  });

  it('writes the documented JSON shape', async () => {
    const { code, stdout } = await dg(['check', '--format', 'json', 'examples/complete.dg', 'examples/broken']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.version).toBe(1);
    expect(report.files.map((f: { path: string }) => f.path)).toEqual(['examples/complete.dg', 'examples/broken/broken.dg']);
    expect(report.files[0].diagnostics).toEqual([]);
    const d = report.files[1].diagnostics.find((x: { code: string }) => x.code === 'DG004');
    expect(d).toMatchObject({ severity: 'error', message: expect.any(String), related: expect.any(Array), fixes: expect.any(Array) });
    expect(d.location).toBe(`examples/broken/broken.dg:${d.range.start.line + 1}:${d.range.start.character + 1}`);
    expect(report.summary.files).toBe(2);
    expect(report.summary.errors).toBeGreaterThan(0);
  });

  it('writes valid SARIF for a glob', async () => {
    const { code, stdout } = await dg(['check', '--format', 'sarif', 'examples/**/*.dg']);
    expect(code).toBe(1);
    const log = JSON.parse(stdout);
    expect(log.version).toBe('2.1.0');
    const [run] = log.runs;
    expect(run.tool.driver.version).toBe(pkg.version);
    const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
    expect([...ids].sort()).toEqual(Object.keys(CODES).sort());
    expect(run.results.length).toBeGreaterThan(0);
    for (const result of run.results) {
      expect(ids[result.ruleIndex]).toBe(result.ruleId);
      expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe('examples/broken/broken.dg');
      expect(result.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
    }
  });

  it('writes GitHub Actions annotations', async () => {
    const { code, stdout } = await dg(['check', '--format', 'github', 'examples/broken']);
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^\d+ errors?, \d+ warnings? in 1 file$/);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^::(error|warning|notice) file=examples\/broken\/broken\.dg,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=DG\d{3}::\S/);
    expect(lines.filter((l) => l.startsWith('::error')).length).toBeGreaterThan(0);
  });
});
