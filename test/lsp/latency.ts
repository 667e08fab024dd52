/**
 * Keystroke → publishDiagnostics latency of the built language server on a generated ~1 MiB graph.
 * Not a test (no timed assertions anywhere): run `npx tsx test/lsp/latency.ts [bytes] [edits] [profile-dir]`
 * (with a profile dir, the server runs under `node --cpu-prof` and writes its profile there on exit).
 *
 *   1. end to end: one-character edits (type a letter, delete it, …) in a `name` value, each sent as
 *      didChange and timed until the server publishes that version's diagnostics;
 *   2. a burst: edits sent back to back, timed until the last version is published (shows how many
 *      superseded versions the server skipped);
 *   3. in process, the same edit split by stage: incremental parse, toSyntaxFile, model, checks,
 *      LSP conversion (+ JSON size).
 */
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol/node';
import { runChecks } from '../../server/src/checks/index';
import { diagnosticSupport, toLspDiagnostics } from '../../server/src/lsp/convert';
import { buildModel } from '../../server/src/model/graph';
import { SyntaxDocument } from '../../server/src/syntax/document';
import { editSite, generateGraph } from '../bench/generate-graph';
import { LspClient, positionAt } from '../support/lspClient';
import { wasmParser } from '../support/wasm';

const bytes = Number(process.argv[2] ?? 1024 * 1024);
const edits = Number(process.argv[3] ?? 60);
const profileDir = process.argv[4];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const ms = (x: number) => `${x.toFixed(2)} ms`;
const summary = (xs: number[]) => `median ${ms(median(xs))}, p90 ${ms(pct(xs, 0.9))}, min ${ms(Math.min(...xs))}, max ${ms(Math.max(...xs))}`;

const text = generateGraph({ targetBytes: bytes, seed: 42 });
const site = editSite(text);
const at = positionAt(text, site.index);
/** Step i: type "x" at the site (even i) or delete it again (odd i). */
const step = (i: number): TextDocumentContentChangeEvent[] =>
  i % 2 === 0
    ? [{ range: { start: at, end: at }, text: 'x' }]
    : [{ range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: '' }];

/**
 * CPU time (user + system, ms) the process `pid` has used so far, from /proc (Linux); undefined
 * elsewhere. Unlike wall time it does not grow when other processes compete for the CPU.
 */
function cpuMs(pid: number | undefined): number | undefined {
  const file = `/proc/${pid}/stat`;
  if (pid === undefined || !existsSync(file)) return undefined;
  const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

async function endToEnd(): Promise<void> {
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const client = await LspClient.start({ settings: {}, timeoutMs: 60_000, nodeArgs });
  try {
    const uri = 'file:///bench/graph.dg';
    let t0 = performance.now();
    await client.open(uri, text, 1);
    const opened = await client.diagnosticsOf(uri, 1);
    console.log(`graph: ${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB, ${text.split('\n').length} lines, ${opened.diagnostics.length} diagnostics`);
    console.log(`didOpen → publish: ${ms(performance.now() - t0)}`);

    let version = 1;
    const samples: number[] = [];
    let cpuBefore: number | undefined;
    for (let i = 0; i < edits + 10; i++) {
      if (i === 10) cpuBefore = cpuMs(client.process?.pid); // the first 10 warm up the JIT
      version++;
      t0 = performance.now();
      await client.change(uri, version, step(i));
      await client.diagnosticsOf(uri, version, { since: client.mark() });
      if (i >= 10) samples.push(performance.now() - t0);
    }
    const cpuAfter = cpuMs(client.process?.pid);
    console.log(`one-character edit → publish (${samples.length} sequential edits): wall ${summary(samples)}`);
    if (cpuBefore !== undefined && cpuAfter !== undefined) {
      console.log(`  server CPU time per edit (mean, 10 ms resolution): ${ms((cpuAfter - cpuBefore) / samples.length)}`);
    }

    const burst = 20;
    const since = client.mark();
    t0 = performance.now();
    const first = version + 1;
    for (let i = 0; i < burst; i++) void client.change(uri, ++version, step(i));
    await client.diagnosticsOf(uri, version, { since });
    const published = client.published.slice(since).filter((p) => p.uri === uri).length;
    console.log(
      `burst of ${burst} back-to-back edits (versions ${first}–${version}) → last published after ${ms(performance.now() - t0)}; ` +
        `${published} publications (${burst - published} superseded versions skipped)`,
    );
  } finally {
    await client.dispose();
  }
}

async function inProcess(): Promise<void> {
  const parser = await wasmParser();
  const support = diagnosticSupport({ textDocument: { publishDiagnostics: { relatedInformation: true } } });
  let document = SyntaxDocument.parse(parser, text);
  const stages: Record<string, number[]> = { update: [], toSyntaxFile: [], lineIndex: [], model: [], checks: [], lsp: [], total: [] };
  let json = 0;
  let cpu = 0;
  for (let i = 0; i < edits + 10; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const next = document.update(step(i));
    document.dispose();
    document = next;
    const t1 = performance.now();
    const syntax = document.syntax;
    const t2 = performance.now();
    void document.lineIndex;
    const t3 = performance.now();
    const model = buildModel(syntax);
    const t4 = performance.now();
    const diagnostics = runChecks(model, {});
    const t5 = performance.now();
    const lsp = toLspDiagnostics(diagnostics, () => document.lineIndex, 'file:///bench/graph.dg', support);
    json = JSON.stringify(lsp).length;
    const t6 = performance.now();
    if (i < 10) continue;
    const c = process.cpuUsage(c0);
    cpu += (c.user + c.system) / 1000;
    stages.update!.push(t1 - t0);
    stages.toSyntaxFile!.push(t2 - t1);
    stages.lineIndex!.push(t3 - t2);
    stages.model!.push(t4 - t3);
    stages.checks!.push(t5 - t4);
    stages.lsp!.push(t6 - t5);
    stages.total!.push(t6 - t0);
  }
  document.dispose();
  console.log(`in process, per one-character edit (${edits} edits; lsp = conversion + JSON of ${json} chars):`);
  for (const [name, xs] of Object.entries(stages)) console.log(`  ${name.padEnd(13)} ${summary(xs)}`);
  console.log(`  CPU time per edit (mean): ${ms(cpu / edits)}`);
  console.log(`  load average while measuring: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}

async function main(): Promise<void> {
  await endToEnd();
  await inProcess();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
