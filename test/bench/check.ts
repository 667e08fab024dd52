/**
 * `dg check` end to end (a section of `npm run bench`, see run.ts):
 *
 *   1. in process, per generated graph: parse, syntax views, model, checks — what `dg check` does per
 *      file (server/src/cli/check.ts: SyntaxDocument.parse + analyze) — split by stage, and the total
 *      as a multiple of the bare wasm parse of the same text (target ≤ 2×);
 *   2. the built CLI as a process (`node server/bin/dg.js check …`, Node start and wasm load included):
 *      on the ~1 MiB graph, and on examples/ as a typical repository (target: well under a second).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChecks } from '../../server/src/checks/index';
import type { Diagnostic } from '../../server/src/checks/diagnostic';
import { buildModel } from '../../server/src/model/graph';
import { SyntaxDocument } from '../../server/src/syntax/document';
import { repoRoot, wasmParser } from '../support/wasm';
import { latencyGraph, type BenchGraph } from './graphs';
import { fail, fmtBytes, fmtMs, fmtRate, median, section, subsection, verdict, type Row } from './report';

/** In-process `dg check` over bare parse: the target. */
const RATIO_TARGET = 2;
/** "Well under a second" for `dg check` on a typical repository, as a number. */
const REPO_TARGET_MS = 500;

export const dgBin = join(repoRoot, 'server', 'bin', 'dg.js');

export async function checkSection(graphs: BenchGraph[]): Promise<void> {
  await inProcess(graphs);
  processes(graphs);
}

interface Stages {
  parse: number[];
  views: number[];
  model: number[];
  checks: number[];
  total: number[];
  bare: number[];
}

async function inProcess(graphs: BenchGraph[]): Promise<void> {
  const parser = await wasmParser();

  /** One `dg check` of `text` as the CLI does it, timed by stage. */
  const checkOnce = (text: string, into?: Stages): Diagnostic[] => {
    const t0 = performance.now();
    const document = SyntaxDocument.parse(parser, text);
    const t1 = performance.now();
    const syntax = document.syntax;
    const t2 = performance.now();
    const model = buildModel(syntax);
    const t3 = performance.now();
    const diagnostics = runChecks(model, {});
    const t4 = performance.now();
    document.dispose();
    if (into) {
      into.parse.push(t1 - t0);
      into.views.push(t2 - t1);
      into.model.push(t3 - t2);
      into.checks.push(t4 - t3);
      into.total.push(t4 - t0);
    }
    return diagnostics;
  };

  // JIT warm-up on the smallest graph, so that its numbers are not those of cold code.
  const smallest = [...graphs].sort((a, b) => a.text.length - b.text.length)[0];
  for (let i = 0; i < 5 && smallest; i++) checkOnce(smallest.text);

  const totals: Row[] = [];
  const breakdown: Row[] = [];
  for (const g of graphs) {
    // Warm-up (JIT, wasm memory growth), and the generated graph must check clean.
    const found = checkOnce(g.text);
    if (found.length > 0) {
      fail(
        `the generated ${g.label} graph raises ${found.length} diagnostics (it should raise none): ` +
          found
            .slice(0, 5)
            .map((d) => `${d.code} at ${d.span.start}: ${d.message}`)
            .join('; '),
      );
    }

    // The bare parses run back to back before the checks, not interleaved with them: a parse right
    // after a check pays for collecting the check's garbage (up to 1.5× slower on the ~100 KiB graph).
    const s: Stages = { parse: [], views: [], model: [], checks: [], total: [], bare: [] };
    parser.parse(g.text).delete();
    for (let i = 0; i < g.checkRuns; i++) {
      const t0 = performance.now();
      parser.parse(g.text).delete();
      s.bare.push(performance.now() - t0);
    }
    for (let i = 0; i < g.checkRuns; i++) checkOnce(g.text, s);
    const total = median(s.total);
    const bare = median(s.bare);
    const ratio = total / bare;
    const size = `${g.label} (${fmtBytes(g.stats.bytes)})`;
    totals.push({
      size,
      diagnostics: found.length,
      'wasm parse': fmtMs(bare),
      'dg check in process': fmtMs(total),
      'MiB/s': fmtRate(g.stats.bytes, total),
      'ratio to parse': `${ratio.toFixed(2)}×`,
      target: `≤ ${RATIO_TARGET}×`,
      verdict: verdict(ratio <= RATIO_TARGET),
    });
    const stages = { parse: median(s.parse), views: median(s.views), model: median(s.model), checks: median(s.checks) };
    const sum = stages.parse + stages.views + stages.model + stages.checks;
    const pct = (ms: number) => `${((ms / sum) * 100).toFixed(0)}%`;
    const [top] = Object.entries(stages).sort((a, b) => b[1] - a[1]);
    breakdown.push({
      size,
      parse: fmtMs(stages.parse),
      'syntax views': fmtMs(stages.views),
      model: fmtMs(stages.model),
      checks: fmtMs(stages.checks),
      'parse %': pct(stages.parse),
      'views %': pct(stages.views),
      'model %': pct(stages.model),
      'checks %': pct(stages.checks),
      dominant: top ? top[0] : '',
    });
  }
  section(
    '`dg check` in process: parse + syntax views + model + checks, against the bare wasm parse',
    totals,
    `Medians of ${graphs.map((g) => g.checkRuns).join(' / ')} runs each: first the bare \`parser.parse(text)\` (wasm), then the checks\n` +
      'of the same text, back to back after unmeasured runs (JIT). In process = SyntaxDocument.parse, .syntax\n' +
      '(toSyntaxFile), buildModel, runChecks with default settings: what `dg check` does per file, without\n' +
      'reading the file and formatting the report. Target: at most 2× the bare parse.',
  );
  subsection(
    'Where the in-process time goes (medians per stage)',
    breakdown,
    'parse = wasm parse inside SyntaxDocument.parse; syntax views = the tree read into the syntax file\n' +
      '(toSyntaxFile); model = buildModel; checks = runChecks (every rule family). Percentages of the sum of the\n' +
      'stage medians.',
  );
}

/** Median wall time of `runs` runs of `node args…` in `cwd` (after one unmeasured run: page cache). */
function processMs(
  args: string[],
  runs: number,
  expect: (status: number | null) => boolean,
  what: string,
  input?: string,
): { ms: number; status: number | null } {
  let status: number | null = null;
  const samples: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    const result = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, input });
    const ms = performance.now() - t0;
    status = result.status;
    if (result.error || !expect(status)) {
      fail(`${what}: exit status ${status}${result.error ? ` (${result.error.message})` : ''}\n${result.stderr.slice(-2000)}`);
      return { ms: Number.NaN, status };
    }
    if (i > 0) samples.push(ms);
  }
  return { ms: median(samples), status };
}

function dgFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return dgFiles(path);
    return entry.name.endsWith('.dg') ? [path] : [];
  });
}

function processes(graphs: BenchGraph[]): void {
  const graph = latencyGraph(graphs);
  const dir = mkdtempSync(join(tmpdir(), 'dg-bench-'));
  try {
    const file = join(dir, 'graph.dg');
    writeFileSync(file, graph.text);
    const examples = dgFiles(join(repoRoot, 'examples'));
    const exampleBytes = examples.reduce((n, f) => n + statSync(f).size, 0);
    const runs = 5;

    const node = processMs(['-e', '0'], runs, (s) => s === 0, 'node -e 0');
    const version = processMs([dgBin, '--version'], runs, (s) => s === 0, 'dg --version');
    // An empty graph is an error (no data_graph): status 1 is expected, as for examples/broken.
    const empty = processMs([dgBin, 'check', '-'], runs, (s) => s === 0 || s === 1, 'dg check - (empty input)', '');
    // examples/broken holds errors on purpose: status 1 is the expected answer there.
    const repo = processMs([dgBin, 'check', 'examples'], runs, (s) => s === 0 || s === 1, 'dg check examples');
    const big = processMs([dgBin, 'check', file], runs, (s) => s === 0, `dg check ${graph.label} graph`);

    /** A row without a target: the fixed costs every run pays. */
    const fixed = (command: string, input: string, run: { ms: number; status: number | null }): Row => ({
      command,
      input,
      status: run.status ?? '',
      'wall (median)': fmtMs(run.ms),
      target: '',
      verdict: '',
    });
    const rows: Row[] = [
      fixed('node -e 0', '(Node start only)', node),
      fixed('dg --version', '(+ loading the CLI bundle)', version),
      fixed('dg check - < /dev/null', '(+ loading the wasm parser)', empty),
      {
        command: 'dg check examples',
        input: `typical repo: ${examples.length} files, ${fmtBytes(exampleBytes)}`,
        status: repo.status ?? '',
        'wall (median)': fmtMs(repo.ms),
        target: `well under 1 s (≤ ${REPO_TARGET_MS} ms)`,
        verdict: verdict(repo.ms <= REPO_TARGET_MS),
      },
      {
        command: 'dg check $TMP/graph.dg',
        input: `generated ${graph.label} (${fmtBytes(graph.stats.bytes)})`,
        status: big.status ?? '',
        'wall (median)': fmtMs(big.ms),
        target: '(none; see the in-process rows)',
        verdict: '',
      },
    ];
    subsection(
      '`dg check` as a process (the built CLI, `node server/bin/dg.js`)',
      rows,
      `Wall time of the whole process, median of ${runs} runs after one unmeasured run: Node start, loading the\n` +
        'bundle, loading the two wasm modules, expanding paths, reading, checking and printing the report.\n' +
        'Status 1 is expected for empty input and for examples/ (examples/broken has errors on purpose). The first\n' +
        'three rows are the fixed cost of any run; the step from each row to the next is what that row adds.',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
