import { execFile } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPatch } from 'diff';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../server/src/cli/files';
import { fmt, writeFileAtomic, type FmtOptions } from '../../server/src/cli/fmt';
import type { DgParser } from '../../server/src/syntax/parser';
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

  it('a file whose formatting throws is that file\'s error (exit 2, left as it is); the others are still formatted', async () => {
    const real = await wasmParser();
    // A parser that fails on one file, as a stack overflow or a bug would.
    const parser = Object.create(real, {
      parse: {
        value: (text: string, previous?: Parameters<DgParser['parse']>[1]) => {
          if (text.includes('BOOM')) throw new RangeError('Maximum call stack size exceeded');
          return real.parse(text, previous);
        },
      },
    }) as DgParser;
    const boom = 'data_graph {\n    # BOOM\n}\n';
    write('graphs/boom.dg', boom);
    const result = await fmt(parser, { paths: ['graphs'], cwd: root, mode: 'write' });
    expect(result.exitCode).toBe(2);
    expect(result.files.map((f) => [f.path, f.status])).toEqual([
      ['graphs/boom.dg', 'error'],
      ['graphs/crlf.dg', 'changed'],
      ['graphs/messy.dg', 'changed'],
      ['graphs/nested/ok.dg', 'unchanged'],
    ]);
    expect(result.stderr).toEqual(['graphs/boom.dg: error: internal error while formatting (Maximum call stack size exceeded); left as it is']);
    expect(read('graphs/boom.dg')).toBe(boom);
    expect(read('graphs/messy.dg')).toBe(FORMATTED);
    // Standard input is passed through as it is.
    const piped = await fmt(parser, { paths: ['-'], cwd: root, mode: 'write', readStdin: async () => boom });
    expect(piped).toMatchObject({ exitCode: 2, stdout: boom });
  });

  it('a long chain of comments is formatted, not an internal error', async () => {
    const text = 'x {' + ' /**/'.repeat(30_000) + '\n    a = 1\n}\n';
    const result = await run(['-'], { readStdin: async () => text });
    expect(result).toMatchObject({ exitCode: 0, stderr: [], stdout: text.replace('\n    a', '\n  a') });
  });

  it('replaces a file with a new one renamed over it (never truncated in place), keeping its mode and symbolic links', async () => {
    const path = join(root, 'graphs', 'messy.dg');
    chmodSync(path, 0o640);
    symlinkSync('messy.dg', join(root, 'graphs', 'link.dg'));
    const before = statSync(path);
    const result = await run(['graphs/link.dg']);
    expect(result.files.map((f) => [f.path, f.status])).toEqual([['graphs/link.dg', 'changed']]);
    const after = statSync(path);
    expect(after.ino).not.toBe(before.ino);
    expect(after.mode & 0o777).toBe(0o640);
    expect(lstatSync(join(root, 'graphs', 'link.dg')).isSymbolicLink()).toBe(true);
    expect(read('graphs/messy.dg')).toBe(FORMATTED);
    expect(readdirSync(join(root, 'graphs')).sort()).toEqual(['crlf.dg', 'link.dg', 'messy.dg', 'nested']);
  });

  it('a write that fails midway, or a failing rename, leaves the original intact and no temporary file', async () => {
    const enospc = Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
    const halfWritten = await run(['graphs/messy.dg'], {
      writeFile: (path, text) =>
        writeFileAtomic(path, text, {
          write: async (handle, t) => {
            await handle.writeFile(t.slice(0, 20), 'utf8');
            throw enospc;
          },
        }),
    });
    expect(halfWritten.exitCode).toBe(2);
    expect(halfWritten.stderr).toEqual(['graphs/messy.dg: error: cannot write file: no space left on device']);
    expect(read('graphs/messy.dg')).toBe(MESSY);
    expect(readdirSync(join(root, 'graphs')).sort()).toEqual(['crlf.dg', 'messy.dg', 'nested']);

    const renameFails = await run(['graphs/messy.dg'], {
      writeFile: (path, text) =>
        writeFileAtomic(path, text, {
          rename: async () => {
            throw Object.assign(new Error('EIO'), { code: 'EIO' });
          },
        }),
    });
    expect(renameFails.stderr).toEqual(['graphs/messy.dg: error: cannot write file: input/output error']);
    expect(read('graphs/messy.dg')).toBe(MESSY);
    expect(readdirSync(join(root, 'graphs')).sort()).toEqual(['crlf.dg', 'messy.dg', 'nested']);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a file it may not write, as writing it in place would', async () => {
    const path = join(root, 'graphs', 'messy.dg');
    chmodSync(path, 0o444);
    const result = await run(['graphs/messy.dg']);
    expect(result.stderr).toEqual(['graphs/messy.dg: error: cannot write file: permission denied']);
    expect(read('graphs/messy.dg')).toBe(MESSY);
    chmodSync(path, 0o644);
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
