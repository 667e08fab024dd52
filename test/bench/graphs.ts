/**
 * The generated graphs every benchmark section shares (test/bench/run.ts), and the one-character edit
 * the incremental sections replay: type a letter in the middle of a `name` value, delete it, repeat.
 */
import { generateGraphWithStats, editSite, type GeneratedGraph } from './generate-graph';
import { replaceRange, type EditSpec } from '../support/edit';
import { positionAt } from '../support/lspClient';
import type { TextChange } from '../../server/src/syntax/document';

export interface BenchGraph extends GeneratedGraph {
  label: string;
  /** Full-parse samples per parser. */
  runs: number;
  /** Incremental re-parse samples per parser. */
  incrementalRuns: number;
  /** In-process `dg check` samples (parse + syntax views + model + checks). */
  checkRuns: number;
}

const SIZES = [
  { label: '~100 KiB', bytes: 100 * 1024, runs: 25, incrementalRuns: 60, checkRuns: 15 },
  { label: '~1 MiB', bytes: 1024 * 1024, runs: 9, incrementalRuns: 30, checkRuns: 7 },
  { label: '~5 MiB', bytes: 5 * 1024 * 1024, runs: 5, incrementalRuns: 20, checkRuns: 3 },
];

export function generateBenchGraphs(): BenchGraph[] {
  return SIZES.map(({ label, bytes, ...runs }) => ({
    ...generateGraphWithStats({ targetBytes: bytes, seed: 42 }),
    label,
    ...runs,
  }));
}

/** The graph the latency sections use (LSP, completion, hover): the ~1 MiB one. */
export function latencyGraph(graphs: readonly BenchGraph[]): BenchGraph {
  const graph = graphs.find((g) => g.label === '~1 MiB');
  if (!graph) throw new Error('no ~1 MiB graph generated');
  return graph;
}

/** Typing one letter, then deleting it, alternately, in the middle of a `name` value: a text and its edit per step. */
export function typingSteps(text: string): Array<{ text: string; edit: EditSpec }> {
  const site = editSite(text);
  const typed = replaceRange(text, site.index, site.index, 'x');
  const deleted = replaceRange(typed.text, site.index, site.index + 1, '');
  return [typed, deleted];
}

/**
 * The same two steps as LSP `contentChanges` (what an editor sends, and `SyntaxDocument.update` takes):
 * step `i` types `x` (even `i`) or deletes it again (odd `i`).
 */
export function typingChanges(text: string): (i: number) => TextChange[] {
  const at = positionAt(text, editSite(text).index);
  const type: TextChange[] = [{ range: { start: at, end: at }, text: 'x' }];
  const remove: TextChange[] = [{ range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: '' }];
  return (i) => (i % 2 === 0 ? type : remove);
}
