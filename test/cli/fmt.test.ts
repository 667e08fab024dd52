import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPatch } from 'diff';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../server/src/cli/files';
import { fmt, type FmtOptions } from '../../server/src/cli/fmt';
import { ensureBuilt } from '../support/lspClient';
import { repoRoot, wasmParser } from '../support/wasm';

// fmt() on the source tree (no spawn), then a few runs of the built bundle.

const FORMATTED = `data_graph {
  entity "accounts" {
    name        = "Accounts"
    table_ref   = "PROD.CUST.ACCOUNTS"
    primary_key = "id"
  }
}
`;
const MESSY = `data_graph {
entity "accounts" {
  name = "Accounts"
      table_ref="PROD.CUST.ACCOUNTS"
  primary_key   =   "id"   
}
}`;
/** An unterminated string: a syntax error. */
const BROKEN = `data_graph {
entity "accounts" {
  name = "Accounts
      table_ref="PROD.CUST.ACCOUNTS"
}
}
`;
const crlf = (text: string) => text.replace(/\n/g, '\r\n');

let root: string;
const write = (path: string, text: string | Buffer) => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
};
const read = (path: string) => readFileSync(join(root, path), 'utf8');

beforeEach(() => {
  rmSync(root, { recursive: true, force: true });
  write('formatted.dg', FORMATTED);
  write('graphs/messy.dg', MESSY);
  write('graphs/crlf.dg', crlf(MESSY));
  write('graphs/nested/ok.dg', FORMATTED);
  write('broken/broken.dg', BROKEN);
});
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'dg-fmt-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(paths: string[], options: Partial<FmtOptions> = {}) {
  return fmt(await wasmParser(), { paths, cwd: root, mode: 'write', ...options });
}

describe('dg fmt (in process)', () => {
  it('rewrites files in place, keeping CRLF files CRLF, and lists the ones it changed', async () => {
    const written: string[] = [];
    const result = await run(['formatted.dg', 'graphs'], {
      writeFile: async (path, text) => {
        written.push(path);
        writeFileSync(path, text);
      },
    });
    expect(result.exitCode).toBe(0);
    expect(result.files.map((f) => [f.path, f.status])).toEqual([
      ['formatted.dg', 'unchanged'],
      ['graphs/crlf.dg', 'changed'],
      ['graphs/messy.dg', 'changed'],
      ['graphs/nested/ok.dg', 'unchanged'],
    ]);
    expect(result.stdout).toBe('graphs/crlf.dg\ngraphs/messy.dg\n');
    expect(written.sort()).toEqual([join(root, 'graphs', 'crlf.dg'), join(root, 'graphs', 'messy.dg')]);
    expect(read('graphs/messy.dg')).toBe(FORMATTED);
    expect(read('graphs/crlf.dg')).toBe(crlf(FORMATTED));
    // Formatting again changes nothing.
    const again = await run(['.']);
    expect(again.files.filter((f) => f.status !== 'unchanged' && f.status !== 'syntax-error')).toEqual([]);
  });

  it('--check lists the files that are not formatted, writes nothing, and exits 1', async () => {
    const result = await run(['.'], { mode: 'check' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('graphs/crlf.dg\ngraphs/messy.dg\n');
    expect(read('graphs/messy.dg')).toBe(MESSY);
    expect((await run(['formatted.dg', 'graphs/nested'], { mode: 'check' })).exitCode).toBe(0);
  });

  it('--diff prints a unified diff that turns the file into its formatted text, writes nothing, and exits 1', async () => {
    const result = await run(['graphs/messy.dg', 'formatted.dg'], { mode: 'diff' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout.startsWith('--- a/graphs/messy.dg\n+++ b/graphs/messy.dg\n@@ ')).toBe(true);
    expect(result.stdout).toContain('\n-      table_ref="PROD.CUST.ACCOUNTS"\n');
    expect(result.stdout).toContain('\n+    table_ref   = "PROD.CUST.ACCOUNTS"\n');
    expect(result.stdout).not.toContain('formatted.dg');
    expect(applyPatch(MESSY, result.stdout)).toBe(FORMATTED);
    expect(read('graphs/messy.dg')).toBe(MESSY);
    expect((await run(['formatted.dg'], { mode: 'diff' })).stdout).toBe('');
  });

  it('leaves a file that does not parse as it is, reports where, and exits 1', async () => {
    for (const mode of ['write', 'check', 'diff'] as const) {
      const result = await run(['broken', 'graphs/nested'], { mode });
      expect(result.exitCode).toBe(1);
      expect(result.files.map((f) => [f.path, f.status])).toEqual([
        ['broken/broken.dg', 'syntax-error'],
        ['graphs/nested/ok.dg', 'unchanged'],
      ]);
      expect(result.stderr).toEqual([expect.stringMatching(/^broken\/broken\.dg:3:10: error: syntax error; the file was left as it is/)]);
      expect(result.stdout).toBe('');
      expect(read('broken/broken.dg')).toBe(BROKEN);
    }
  });

  it('leaves a file nested too deeply to read as it is, and exits 1', async () => {
    const deep = `data_graph {\n${'relationship "r" {\n'.repeat(30_000)}`;
    write('deep/deep.dg', deep);
    const result = await run(['deep'], { mode: 'write' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toEqual(['deep/deep.dg: error: blocks nested too deeply to format (thousands of levels); left as it is']);
    expect(read('deep/deep.dg')).toBe(deep);
  });

  it('formats standard input to standard output', async () => {
    const result = await run(['-'], { readStdin: async () => MESSY });
    expect(result).toMatchObject({ exitCode: 0, stdout: FORMATTED, stderr: [] });
    const check = await run(['-'], { mode: 'check', readStdin: async () => MESSY, stdinFilename: 'piped.dg' });
    expect(check).toMatchObject({ exitCode: 1, stdout: 'piped.dg\n' });
    expect((await run(['-'], { mode: 'check', readStdin: async () => FORMATTED })).exitCode).toBe(0);
  });

  it('passes standard input that does not parse through unchanged, and exits 1', async () => {
    const result = await run(['-'], { readStdin: async () => BROKEN });
    expect(result).toMatchObject({ exitCode: 1, stdout: BROKEN });
    expect(result.stderr[0]).toMatch(/^<stdin>:3:10: error: syntax error/);
  });

  it('exits 2 for input that cannot be read or written, still formatting the others', async () => {
    write('latin1.dg', Buffer.from('data_graph {\n  name = "caf\xe9"\n}\n', 'latin1'));
    const result = await run(['-', 'latin1.dg', 'graphs/messy.dg'], {
      readStdin: async () => {
        throw new Error('boom');
      },
    });
    expect(result.exitCode).toBe(2);
    expect(result.files.map((f) => [f.path, f.status])).toEqual([
      ['<stdin>', 'error'],
      ['latin1.dg', 'error'],
      ['graphs/messy.dg', 'changed'],
    ]);
    expect(result.stderr).toEqual(['<stdin>: error: cannot read standard input: boom', 'latin1.dg: error: not UTF-8 text; left as it is']);
    expect(read('graphs/messy.dg')).toBe(FORMATTED);

    write('graphs/messy.dg', MESSY);
    const failing = await run(['graphs/messy.dg'], {
      writeFile: async () => {
        throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      },
    });
    expect(failing.exitCode).toBe(2);
    expect(failing.stderr).toEqual(['graphs/messy.dg: error: cannot write file: permission denied']);
    expect(read('graphs/messy.dg')).toBe(MESSY);
  });

  it('rejects operands that match nothing (a usage error)', async () => {
    await expect(run(['missing.dg'])).rejects.toThrow(new UsageError("no such file or directory: 'missing.dg'"));
  });
});

interface Bin {
  code: number;
  stdout: string;
  stderr: string;
}

function dg(args: string[], input = ''): Promise<Bin> {
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [join(repoRoot, 'server', 'bin', 'dg.js'), ...args], { cwd: repoRoot, env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
    child.stdin!.end(input);
  });
}

describe('dg fmt (built bundle)', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('the examples are formatted: dg fmt --check examples/ exits 0', async () => {
    expect(await dg(['fmt', '--check', 'examples/'])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('formats standard input, and exits 2 on usage errors', async () => {
    const [piped, missing, unknown, help] = await Promise.all([
      dg(['fmt', '-'], MESSY),
      dg(['fmt', 'no/such/file.dg']),
      dg(['fmt', '--chek']),
      dg(['fmt', '--help']),
    ]);
    expect(piped).toEqual({ code: 0, stdout: FORMATTED, stderr: '' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such file or directory: 'no/such/file.dg'");
    expect(missing.stderr).toContain("run 'dg fmt --help'");
    expect(unknown.code).toBe(2);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--check');
    expect(help.stdout).toContain('Exit status');
  });
});
