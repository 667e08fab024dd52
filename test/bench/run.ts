/**
 * `npm run bench`: performance numbers for dg. Not a test: it prints tables (see report.ts) and exits
 * non-zero only when something is wrong (e.g. a generated graph does not parse cleanly, the build
 * fails, a request answers nothing). Sections with a target print it and whether it was met.
 *
 * Sections, each one function taking the shared generated graphs (graphs.ts):
 *   - parserSection: full parse (native and wasm) and incremental re-parse after a one-character edit;
 *   - checkSection (check.ts): `dg check` in process by stage against the bare parse, and the CLI as a
 *     process (the ~1 MiB graph, examples/);
 *   - lspSection (lsp.ts): keystroke → published diagnostics through the stdio language server;
 *   - ideSection (ide.ts): completion and hover latency, warm and right after an edit;
 *   - catalogSection (catalog.ts): a generated 10,000-table, 200,000-column catalog snapshot: load time,
 *     heap, and completion latency for catalog columns and table_ref parts;
 *   - graphSection (graph.ts): the SVG picture's layout (dagre, on the server's thread) for generated
 *     shapes (flat, nested, chains, the retail example), which the panel draws and which it refuses.
 * Runs `npm run build` first (the CLI and server sections run the bundle). Keep the whole run within
 * about three minutes on a 2-core machine.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Edit, type Tree } from 'web-tree-sitter';
import { catalogSection } from './catalog';
import { checkSection } from './check';
import { graphSection } from './graph';
import { generateBenchGraphs, typingSteps, type BenchGraph } from './graphs';
import { ideSection } from './ide';
import { lspSection } from './lsp';
import { fail, fmtBytes, fmtMs, fmtRate, median, medianMs, section, time, type Row } from './report';
import { nativeParser, type NativeTree } from '../support/native';
import { syntaxProblems } from '../support/syntax-problems';
import { repoRoot, wasmParser } from '../support/wasm';

/** `npm run build` (server/scripts/build.mjs): the bundle the CLI and server sections run. */
function build(): boolean {
  const t0 = performance.now();
  const result = spawnSync(process.execPath, [join(repoRoot, 'server', 'scripts', 'build.mjs')], { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) {
    fail(`the build (node server/scripts/build.mjs) failed with status ${result.status}:\n${result.stdout}\n${result.stderr}`);
    return false;
  }
  console.log(`build: node server/scripts/build.mjs, ${fmtMs(performance.now() - t0)}`);
  return true;
}

async function parserSection(graphs: BenchGraph[]): Promise<void> {
  const wasm = await wasmParser();
  const native = nativeParser();

  // Warm-up: JIT, wasm tier-up, allocator growth.
  const warm = graphs[0] as BenchGraph;
  for (let i = 0; i < 5; i++) {
    native.parse(warm.text);
    wasm.parse(warm.text).delete();
  }

  // Generated graphs must be clean: no ERROR/MISSING nodes, no recovery forms, in either parser.
  for (const g of graphs) {
    const wt = wasm.parse(g.text);
    const cursor = wt.rootNode.walk();
    const wasmProblems = syntaxProblems(cursor);
    cursor.delete();
    const wasmSpan = wt.rootNode.endIndex;
    const wasmError = wt.rootNode.hasError;
    wt.delete();
    const nt = native.parse(g.text);
    const nativeProblems = syntaxProblems(nt.rootNode.walk());
    for (const [name, problems, hasError, span] of [
      ['wasm', wasmProblems, wasmError, wasmSpan],
      ['native', nativeProblems, nt.rootNode.hasError, nt.rootNode.endIndex],
    ] as const) {
      if (problems.length > 0 || hasError || span !== g.text.length) {
        const where = problems
          .slice(0, 5)
          .map((p) => `${p.type} at ${p.startIndex}: ${JSON.stringify(g.text.slice(Math.max(0, p.startIndex - 40), p.startIndex + 40))}`)
          .join('\n   ');
        fail(`generated ${g.label} graph does not parse cleanly (${name}): hasError=${hasError}, root ends at ${span} of ${g.text.length}\n   ${where}`);
      }
    }
  }

  const rows: Row[] = [];
  for (const g of graphs) {
    const nativeFull = medianMs(() => native.parse(g.text), g.runs);
    const wasmFull = medianMs(() => wasm.parse(g.text).delete(), g.runs);

    // Incremental: edit the previous tree, re-parse with it (what the language server does per keystroke).
    const steps = typingSteps(g.text);
    const warmup = 3;
    let ntree: NativeTree = native.parse(g.text);
    const nativeSamples: number[] = [];
    for (let i = 0; i < g.incrementalRuns + warmup; i++) {
      const step = steps[i % 2] as (typeof steps)[number];
      const ms = time(() => {
        ntree.edit(step.edit);
        ntree = native.parse(step.text, ntree);
      });
      if (i >= warmup) nativeSamples.push(ms);
    }
    let wtree: Tree = wasm.parse(g.text);
    const wasmSamples: number[] = [];
    for (let i = 0; i < g.incrementalRuns + warmup; i++) {
      const step = steps[i % 2] as (typeof steps)[number];
      const old = wtree;
      const ms = time(() => {
        old.edit(new Edit(step.edit));
        wtree = wasm.parse(step.text, old);
      });
      old.delete();
      if (i >= warmup) wasmSamples.push(ms);
    }
    // The incremental trees must equal fresh parses (checked on the smaller graphs: toString is large).
    const finalText = (steps[(g.incrementalRuns + warmup - 1) % 2] as (typeof steps)[number]).text;
    if (g.text.length <= 2 * 1024 * 1024) {
      const fresh = wasm.parse(finalText);
      const same = fresh.rootNode.toString() === wtree.rootNode.toString() && fresh.rootNode.toString() === ntree.rootNode.toString();
      fresh.delete();
      if (!same) fail(`incremental re-parse of the ${g.label} graph differs from a fresh parse`);
    }
    wtree.delete();

    rows.push({
      size: `${g.label} (${fmtBytes(g.stats.bytes)})`,
      entities: g.stats.entities,
      relationships: g.stats.relationships,
      'native full': fmtMs(nativeFull),
      'native MiB/s': fmtRate(g.stats.bytes, nativeFull),
      'wasm full': fmtMs(wasmFull),
      'wasm MiB/s': fmtRate(g.stats.bytes, wasmFull),
      'native 1-char incr.': fmtMs(median(nativeSamples)),
      'wasm 1-char incr.': fmtMs(median(wasmSamples)),
    });
  }
  section(
    'Parser (tree-sitter-dg): full parse and incremental re-parse',
    rows,
    'Medians. Full: runs per size 25 / 9 / 5. Incremental: tree.edit + parse(text, oldTree) after inserting or\n' +
      'deleting one letter in the middle of a `name` value near the middle of the file; 60 / 30 / 20 runs.',
  );
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const cpu = cpus();
  const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(
    `dg bench — node ${process.version}, ${process.platform}/${process.arch}, ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ` +
      `load average ${load()} (1/5/15 min; numbers are noisy when it exceeds the core count)`,
  );
  if (!build()) return;
  const graphs = generateBenchGraphs();
  console.log(
    'graphs: ' +
      graphs.map((g) => `${g.label}: ${g.stats.entities} entities, ${g.stats.relationships} relationships, max level ${g.stats.maxLevel}`).join('; '),
  );
  const sections: Array<[string, (graphs: BenchGraph[]) => Promise<void>]> = [
    ['parser', parserSection],
    ['dg check', checkSection],
    ['language server', lspSection],
    ['completion and hover', ideSection],
    ['warehouse catalog', catalogSection],
    ['graph layout', graphSection],
  ];
  for (const [name, run] of sections) {
    try {
      await run(graphs);
    } catch (error) {
      // One broken section does not hide the others' numbers.
      fail(`the ${name} section threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  console.log(`\nload average at the end ${load()}; total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  fail(error instanceof Error ? (error.stack ?? error.message) : String(error));
});
