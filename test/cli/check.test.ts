import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, type CheckOptions } from '../../server/src/cli/check';
import { expandInputs, UsageError } from '../../server/src/cli/files';
import { parseMaxWarnings, parseSeverities, useColor } from '../../server/src/cli/options';
import { MAX_PARSED_LENGTH } from '../../server/src/syntax/document';
import { repoRoot, wasmParser } from '../support/wasm';

// check() on the source tree (no spawn). Expectations rely only on clear-cut cases: valid graphs,
// an unquoted value (DG004), a label without quotes (DG008, a warning).

const VALID = `data_graph {
  entity "accounts" {
    name               = "Accounts"
    table_ref          = "PROD.CUST.ACCOUNTS"
    primary_key        = "id"
    enrichment_enabled = true
  }
  profile {
    profile_folder = "PROD.segment"
    type           = "segment:materialized"
    relationship "user-accounts" {
      name           = "Accounts"
      related_entity = "accounts"
      external_id {
        type     = "email"
        join_key = "email"
      }
    }
  }
}
`;
const UNQUOTED = VALID.replace('"segment:materialized"', 'segment:materialized');
const WARNING_ONLY = VALID.replace('entity "accounts"', 'entity accounts');

let root: string;
const write = (path: string, text: string) => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'dg-check-'));
  write('ok.dg', VALID);
  write('graphs/b.dg', VALID);
  write('graphs/a.dg', UNQUOTED);
  write('graphs/nested/c.dg', VALID);
  write('graphs/notes.txt', 'not a graph');
  write('graphs/node_modules/pkg/x.dg', UNQUOTED);
  write('graphs/.hidden/y.dg', UNQUOTED);
  write('warn/w.dg', WARNING_ONLY);
  write('empty/readme.md', '# nothing here');
  write('junk/binary.dg', String.fromCharCode(...Array.from({ length: 2000 }, (_, i) => (i * 7919) % 256)));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(paths: string[], options: Partial<CheckOptions> = {}) {
  return check(await wasmParser(), { paths, cwd: root, ...options });
}

describe('expandInputs', () => {
  it('searches directories for *.dg, skipping node_modules and dot-directories, in a stable order', async () => {
    const files = await expandInputs(['graphs'], { cwd: root });
    expect(files.map((f) => f.path)).toEqual(['graphs/a.dg', 'graphs/b.dg', 'graphs/nested/c.dg']);
  });

  it('keeps operand order, checks a named file whatever its extension, and drops duplicates', async () => {
    const files = await expandInputs(['ok.dg', 'graphs/notes.txt', 'graphs', 'graphs/b.dg', '-'], { cwd: root });
    expect(files.map((f) => f.path)).toEqual(['ok.dg', 'graphs/notes.txt', 'graphs/a.dg', 'graphs/b.dg', 'graphs/nested/c.dg', '<stdin>']);
  });

  it('expands globs relative to the working directory', async () => {
    const files = await expandInputs(['graphs/**/*.dg'], { cwd: root });
    expect(files.map((f) => f.path)).toEqual(['graphs/a.dg', 'graphs/b.dg', 'graphs/nested/c.dg']);
    expect((await expandInputs(['*.dg'], { cwd: root })).map((f) => f.path)).toEqual(['ok.dg']);
  });

  it('shows files outside the working directory by their absolute path', async () => {
    const files = await expandInputs([join(root, 'ok.dg')], { cwd: join(root, 'graphs') });
    expect(files.map((f) => f.path)).toEqual([join(root, 'ok.dg').split('\\').join('/')]);
  });

  it('names stdin as asked', async () => {
    expect(await expandInputs(['-'], { cwd: root, stdinFilename: 'graph.dg' })).toEqual([{ kind: 'stdin', path: 'graph.dg' }]);
  });

  it('rejects operands that match nothing', async () => {
    await expect(expandInputs(['missing.dg'], { cwd: root })).rejects.toThrow(new UsageError("no such file or directory: 'missing.dg'"));
    await expect(expandInputs(['nothing/**/*.dg'], { cwd: root })).rejects.toThrow(/no files match 'nothing\/\*\*\/\*\.dg'/);
    await expect(expandInputs(['empty'], { cwd: root })).rejects.toThrow(/no \.dg files found in directory 'empty'/);
  });
});

describe('check', () => {
  it('passes valid files with exit code 0', async () => {
    const result = await run(['ok.dg', 'graphs/b.dg']);
    expect(result.files.map((f) => [f.path, f.diagnostics])).toEqual([
      ['ok.dg', []],
      ['graphs/b.dg', []],
    ]);
    expect(result.summary).toEqual({ errors: 0, warnings: 0, infos: 0, hints: 0, files: 2, unreadable: 0 });
    expect(result.exitCode).toBe(0);
  });

  it('fails with exit code 1 on errors', async () => {
    const result = await run(['graphs']);
    expect(result.exitCode).toBe(1);
    expect(result.files.find((f) => f.path === 'graphs/a.dg')!.diagnostics.map((d) => d.code)).toContain('DG004');
    expect(result.summary.files).toBe(3);
  });

  it('checks the current directory by default', async () => {
    const result = await check(await wasmParser(), { paths: [], cwd: join(root, 'graphs', 'nested') });
    expect(result.files.map((f) => f.path)).toEqual(['c.dg']);
  });

  it('applies --max-warnings, --quiet and --severity', async () => {
    const plain = await run(['warn']);
    expect(plain.files[0]!.diagnostics.map((d) => d.code)).toContain('DG008');
    expect(plain.summary.errors).toBe(0);
    expect(plain.exitCode).toBe(0);
    expect((await run(['warn'], { maxWarnings: 0 })).exitCode).toBe(1);
    expect((await run(['warn'], { maxWarnings: plain.summary.warnings })).exitCode).toBe(0);
    expect((await run(['warn'], { maxWarnings: -1 })).exitCode).toBe(0);
    const quiet = await run(['warn'], { quiet: true, maxWarnings: 0 });
    expect(quiet.summary.warnings).toBe(0);
    expect(quiet.exitCode).toBe(0);
    const off = await run(['warn'], { settings: { severities: { DG008: 'off' } } });
    expect(off.files[0]!.diagnostics.map((d) => d.code)).not.toContain('DG008');
    const raised = await run(['warn'], { settings: { severities: { DG008: 'error' } } });
    expect(raised.exitCode).toBe(1);
  });

  it('reads standard input', async () => {
    const result = await run(['-'], { readStdin: async () => UNQUOTED, stdinFilename: 'piped.dg' });
    expect(result.files[0]!.path).toBe('piped.dg');
    expect(result.files[0]!.diagnostics.map((d) => d.code)).toContain('DG004');
    expect(result.exitCode).toBe(1);
  });

  it('reports an input that cannot be read and exits with 2, still checking the others', async () => {
    const result = await run(['-', 'ok.dg'], {
      readStdin: async () => {
        throw new Error('boom');
      },
    });
    expect(result.files[0]).toMatchObject({ path: '<stdin>', error: 'cannot read standard input: boom', diagnostics: [] });
    expect(result.files[1]).toMatchObject({ path: 'ok.dg', diagnostics: [] });
    expect(result.summary.unreadable).toBe(1);
    expect(result.exitCode).toBe(2);
  });

  it('never crashes on binary junk or oversized input', async () => {
    const junk = await run(['junk/binary.dg']);
    expect(junk.internalErrors).toEqual([]);
    expect(junk.exitCode).toBe(1);
    const huge = await run(['-'], { readStdin: async () => '#'.repeat(MAX_PARSED_LENGTH + 1) });
    expect(huge.files[0]!.diagnostics).toMatchObject([{ code: 'DG001', message: expect.stringMatching(/too large/) }]);
    expect(huge.exitCode).toBe(1);
  });

  it('passes the examples that are meant to be valid', async () => {
    const result = await check(await wasmParser(), { paths: ['examples/complete.dg', 'examples/retail'], cwd: repoRoot });
    const found = result.files.flatMap((f) => f.diagnostics.map((d) => `${f.path}: ${d.code} ${d.message}`));
    expect(found).toEqual([]);
    expect(result.exitCode).toBe(0);
  });

  it('fails on the broken example', async () => {
    const result = await check(await wasmParser(), { paths: ['examples/broken/broken.dg'], cwd: repoRoot });
    const codes = new Set(result.files[0]!.diagnostics.map((d) => d.code));
    for (const code of ['DG003', 'DG004', 'DG005', 'DG300']) expect(codes).toContain(code);
    expect(result.exitCode).toBe(1);
  });
});

describe('options', () => {
  it('parses --severity', () => {
    expect(parseSeverities(['DG112=off', 'dg305=Error,DG008=hint'])).toEqual({ DG112: 'off', DG305: 'error', DG008: 'hint' });
    expect(() => parseSeverities(['DG999=off'])).toThrow(/unknown diagnostic code 'DG999'/);
    expect(() => parseSeverities(['DG112=loud'])).toThrow(/unknown level 'loud'/);
    expect(() => parseSeverities(['DG112'])).toThrow(/CODE=LEVEL/);
  });

  it('parses --max-warnings', () => {
    expect(parseMaxWarnings('0')).toBe(0);
    expect(parseMaxWarnings('-1')).toBe(-1);
    expect(() => parseMaxWarnings('many')).toThrow(UsageError);
  });

  it('decides colour from flags, FORCE_COLOR, NO_COLOR and the terminal', () => {
    expect(useColor({ env: {}, isTTY: true })).toBe(true);
    expect(useColor({ env: {}, isTTY: false })).toBe(false);
    expect(useColor({ env: { TERM: 'dumb' }, isTTY: true })).toBe(false);
    expect(useColor({ env: { NO_COLOR: '1' }, isTTY: true })).toBe(false);
    expect(useColor({ env: { NO_COLOR: '' }, isTTY: true })).toBe(true);
    expect(useColor({ env: { FORCE_COLOR: '1' }, isTTY: false })).toBe(true);
    expect(useColor({ env: { FORCE_COLOR: '0' }, isTTY: true })).toBe(false);
    expect(useColor({ env: { FORCE_COLOR: '1', NO_COLOR: '1' }, isTTY: false })).toBe(true);
    expect(useColor({ flag: false, env: { FORCE_COLOR: '1' }, isTTY: true })).toBe(false);
    expect(useColor({ flag: true, env: { NO_COLOR: '1' }, isTTY: false })).toBe(true);
  });
});
