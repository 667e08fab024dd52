/**
 * Printing and timing helpers for `npm run bench` (test/bench/run.ts). Each benchmark section
 * (parser, `dg check`, LSP latency, completion, …) measures, then calls `section(title, rows)`.
 */

import { PerformanceObserver } from 'node:perf_hooks';

export type Cell = string | number;
export type Row = Record<string, Cell>;

/** Prints `rows` as an aligned table under `title`; columns are the keys of the first row, numbers right-aligned. */
export function section(title: string, rows: Row[], note?: string): void {
  console.log(`\n## ${title}\n`);
  table(rows, note);
}

/** A further table in the current section, under a smaller heading. */
export function subsection(title: string, rows: Row[], note?: string): void {
  console.log(`\n### ${title}\n`);
  table(rows, note);
}

/** Prints `rows` as an aligned table; columns are the keys of the first row, numbers right-aligned. */
export function table(rows: Row[], note?: string): void {
  if (rows.length === 0) {
    console.log('  (no rows)');
    return;
  }
  const columns = Object.keys(rows[0] as Row);
  const cells = rows.map((r) => columns.map((c) => String(r[c] ?? '')));
  const numeric = columns.map((c) => rows.every((r) => typeof r[c] === 'number' || /^[\d.,~<>-]+\s*\S*$/.test(String(r[c] ?? ''))));
  const width = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => (row[i] as string).length)));
  const line = (values: string[]) =>
    '| ' + values.map((v, i) => (numeric[i] ? v.padStart(width[i] as number) : v.padEnd(width[i] as number))).join(' | ') + ' |';
  console.log(line(columns));
  console.log('|' + width.map((w, i) => (numeric[i] ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|') + '|');
  for (const row of cells) console.log(line(row));
  if (note) console.log(`\n${note}`);
}

/** The met/missed cell of a row with a target: `met`, or `MISSED` so that it stands out. */
export function verdict(met: boolean): string {
  return met ? 'met' : 'MISSED';
}

/** Prints a failure so it cannot be missed, and makes the process exit non-zero. */
export function fail(message: string): void {
  const bar = '!'.repeat(78);
  console.error(`\n${bar}\n!! BENCH FAILURE: ${message}\n${bar}\n`);
  process.exitCode = 1;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** The `p`-th percentile (0 < p ≤ 1) by nearest rank: the smallest sample with at least p of them at or below it. */
export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] as number;
}

/** Milliseconds taken by `fn`. */
export function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Median milliseconds of `runs` calls to `fn`, after `warmup` unmeasured ones. */
export function medianMs(fn: () => void, runs: number, warmup = 1): number {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(time(fn));
  return median(samples);
}

export function fmtMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 100) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(0)} ms`;
}

export function fmtBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/** Throughput in MiB/s for `bytes` processed in `ms`. */
export function fmtRate(bytes: number, ms: number): string {
  return `${(bytes / 1024 / 1024 / (ms / 1000)).toFixed(1)}`;
}

/** A span of time on the `performance.now()` clock. */
export interface Interval {
  start: number;
  end: number;
}

/**
 * Records this process's garbage collections (start and end, `performance.now()` clock), to tell slow
 * samples caused by a GC pause from slow code. Entries arrive asynchronously: read them with `stop()`.
 */
export class GcWatch {
  private readonly pauses: Interval[] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) this.pauses.push({ start: entry.startTime, end: entry.startTime + entry.duration });
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** Stops recording; the pauses seen (after letting queued entries arrive). */
  async stop(): Promise<Interval[]> {
    await new Promise((resolve) => setTimeout(resolve, 10));
    this.observer.disconnect();
    return this.pauses;
  }
}

/** How many of `samples` overlap one of `pauses`. */
export function overlapping(samples: readonly Interval[], pauses: readonly Interval[]): number {
  return samples.filter((s) => pauses.some((p) => p.start < s.end && s.start < p.end)).length;
}
