/**
 * Keystroke → published diagnostics through the built language server (a section of `npm run bench`,
 * see run.ts; it replaces the former test/lsp/latency.ts). On the ~1 MiB generated graph:
 *
 *   1. end to end over stdio (`dg-language-server --stdio`, spawned by test/support/lspClient.ts):
 *      didOpen → first publication; then one-character edits (type a letter in a `name` value, delete
 *      it, …) sent one at a time, each timed until the server publishes that version's diagnostics
 *      (target: median ≤ 16 ms, one frame); then a burst of edits sent back to back;
 *   2. in process, the same edit split by stage (incremental parse, syntax views, model, checks, LSP
 *      conversion), to show where the end-to-end time goes.
 *
 * For a CPU profile of the server, start it with `nodeArgs: ['--cpu-prof', '--cpu-prof-dir=DIR']`
 * (LspClient.start) in `endToEnd` below.
 */
import { existsSync, readFileSync } from 'node:fs';
import { runChecks } from '../../server/src/checks/index';
import { diagnosticSupport, toLspDiagnostics } from '../../server/src/lsp/convert';
import { buildModel } from '../../server/src/model/graph';
import { SyntaxDocument } from '../../server/src/syntax/document';
import { LspClient } from '../support/lspClient';
import { wasmParser } from '../support/wasm';
import { latencyGraph, typingChanges, type BenchGraph } from './graphs';
import { fmtBytes, fmtMs, median, percentile, section, subsection, verdict, type Row } from './report';

/** Median keystroke → publication, in ms: one frame at 60 Hz. */
const KEYSTROKE_TARGET_MS = 16;
/** Sequential edits measured, after `WARMUP` unmeasured ones (JIT). */
const EDITS = 40;
const WARMUP = 6;
const BURST = 20;

/**
 * CPU time (user + system, ms) the process `pid` has used so far, from /proc (Linux); undefined
 * elsewhere. Unlike wall time it does not grow when other processes compete for the CPU.
 */
function cpuMs(pid: number | undefined): number | undefined {
  const file = `/proc/${pid}/stat`;
  if (pid === undefined || !existsSync(file)) return undefined;
  const fields = (readFileSync(file, 'utf8').split(') ')[1] as string).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

export async function lspSection(graphs: BenchGraph[]): Promise<void> {
  const graph = latencyGraph(graphs);
  await endToEnd(graph);
  await inProcess(graph);
}

async function endToEnd(graph: BenchGraph): Promise<void> {
  const text = graph.text;
  const step = typingChanges(text);
  const client = await LspClient.start({ settings: {}, timeoutMs: 60_000 });
  const rows: Row[] = [];
  let diagnosticsCount = 0;
  try {
    const uri = 'file:///bench/graph.dg';
    let t0 = performance.now();
    await client.open(uri, text, 1);
    const opened = await client.diagnosticsOf(uri, 1);
    const openMs = performance.now() - t0;
    diagnosticsCount = opened.diagnostics.length;

    let version = 1;
    const samples: number[] = [];
    let cpuBefore: number | undefined;
    for (let i = 0; i < EDITS + WARMUP; i++) {
      if (i === WARMUP) cpuBefore = cpuMs(client.process?.pid);
      version++;
      const since = client.mark();
      t0 = performance.now();
      await client.change(uri, version, step(i));
      await client.diagnosticsOf(uri, version, { since });
      if (i >= WARMUP) samples.push(performance.now() - t0);
    }
    const cpuAfter = cpuMs(client.process?.pid);
    const cpuPerEdit = cpuBefore !== undefined && cpuAfter !== undefined ? (cpuAfter - cpuBefore) / samples.length : undefined;

    const since = client.mark();
    const first = version + 1;
    t0 = performance.now();
    for (let i = 0; i < BURST; i++) void client.change(uri, ++version, step(i));
    await client.diagnosticsOf(uri, version, { since });
    const burstMs = performance.now() - t0;
    const published = client.published.slice(since).filter((p) => p.uri === uri).length;

    const keystroke = median(samples);
    rows.push(
      {
        measure: 'didOpen → first publishDiagnostics',
        n: 1,
        median: fmtMs(openMs),
        p90: '',
        p99: '',
        max: '',
        target: '',
        verdict: '',
      },
      {
        measure: 'one-character edit → its publishDiagnostics',
        n: samples.length,
        median: fmtMs(keystroke),
        p90: fmtMs(percentile(samples, 0.9)),
        p99: fmtMs(percentile(samples, 0.99)),
        max: fmtMs(Math.max(...samples)),
        target: `median ≤ ${KEYSTROKE_TARGET_MS} ms`,
        verdict: verdict(keystroke <= KEYSTROKE_TARGET_MS),
      },
      {
        measure: `  server CPU per edit (mean, /proc, 10 ms ticks)`,
        n: samples.length,
        median: cpuPerEdit === undefined ? 'n/a' : fmtMs(cpuPerEdit),
        p90: '',
        p99: '',
        max: '',
        target: '',
        verdict: '',
      },
      {
        measure: `burst: ${BURST} edits back to back → last version published`,
        n: 1,
        median: fmtMs(burstMs),
        p90: '',
        p99: '',
        max: '',
        target: '',
        verdict: '',
      },
    );
    section(
      `Language server: keystroke → published diagnostics (stdio, ${graph.label} graph)`,
      rows,
      `The built server (server/bin/dg-language-server.js --stdio) on the generated ${graph.label} graph ` +
        `(${fmtBytes(graph.stats.bytes)}, ${text.split('\n').length} lines,\n` +
        `${diagnosticsCount} diagnostics). Edits: type \`x\` in the middle of a \`name\` value, delete it, alternately; each ` +
        `sent as\ndidChange and timed until the publication for that version arrives, one at a time (${WARMUP} unmeasured ` +
        `first).\np99 of ${samples.length} samples is their maximum. Burst (versions ${first}–${version}): ` +
        `${published} publication${published === 1 ? '' : 's'}, ${BURST - published} superseded\nversions skipped. ` +
        `Target: median ≤ ${KEYSTROKE_TARGET_MS} ms (one frame).`,
    );
  } finally {
    await client.dispose();
  }
}

async function inProcess(graph: BenchGraph): Promise<void> {
  const step = typingChanges(graph.text);
  const parser = await wasmParser();
  const support = diagnosticSupport({ textDocument: { publishDiagnostics: { relatedInformation: true } } });
  let document = SyntaxDocument.parse(parser, graph.text);
  void document.syntax;
  const stages: Record<string, number[]> = {
    'incremental parse (update)': [],
    'syntax views (incremental)': [],
    model: [],
    checks: [],
    'LSP conversion': [],
    total: [],
  };
  const push = (name: string, ms: number) => (stages[name] as number[]).push(ms);
  let cpu = 0;
  for (let i = 0; i < EDITS + WARMUP; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const next = document.update(step(i));
    document.dispose();
    document = next;
    const t1 = performance.now();
    const syntax = document.syntax;
    const t2 = performance.now();
    const model = buildModel(syntax);
    const t3 = performance.now();
    const diagnostics = runChecks(model, {});
    const t4 = performance.now();
    toLspDiagnostics(diagnostics, () => document.lineIndex, 'file:///bench/graph.dg', support);
    const t5 = performance.now();
    if (i < WARMUP) continue;
    const c = process.cpuUsage(c0);
    cpu += (c.user + c.system) / 1000;
    push('incremental parse (update)', t1 - t0);
    push('syntax views (incremental)', t2 - t1);
    push('model', t3 - t2);
    push('checks', t4 - t3);
    push('LSP conversion', t5 - t4);
    push('total', t5 - t0);
  }
  document.dispose();
  const rows: Row[] = Object.entries(stages).map(([stage, xs]) => ({
    stage,
    median: fmtMs(median(xs)),
    p90: fmtMs(percentile(xs, 0.9)),
    max: fmtMs(Math.max(...xs)),
  }));
  rows.push({ stage: 'CPU time per edit (mean)', median: fmtMs(cpu / EDITS), p90: '', max: '' });
  subsection(
    'Where a keystroke goes (in process, same edits, no IPC)',
    rows,
    `${EDITS} edits after ${WARMUP} unmeasured: SyntaxDocument.update (tree.edit + incremental parse), .syntax (patched\n` +
      'syntax views), buildModel, runChecks, toLspDiagnostics — the work the server does per version.',
  );
}
