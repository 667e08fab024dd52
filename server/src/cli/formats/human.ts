import { createColors } from 'picocolors';
import type { Diagnostic, Severity } from '../../checks/diagnostic';
import type { Span } from '../../syntax/ast';
import type { LineIndex } from '../../syntax/lineIndex';
import { charWidth } from '../../syntax/textWidth';
import type { CheckRun, FileResult, Summary } from '../check';

export interface HumanOptions {
  /** ANSI colours (the caller decides from the TTY, NO_COLOR/FORCE_COLOR and the flags). */
  color: boolean;
}

/** Tab stops in echoed source lines. */
const TAB_WIDTH = 4;
/** Echoed source lines wider than this (in terminal columns) are cut to a window around the span. */
const MAX_LINE_WIDTH = 160;

/**
 * The compiler-style report:
 *
 * ```
 * path/to/file.dg:12:24: error DG300: related_entity "acount" names no entity
 *    12 |     related_entity = "acount"
 *       |                       ^~~~~~
 *       = fix: Replace with "account"
 * path/to/file.dg:3:10: note: the entity is defined here
 * ...
 * 2 errors, 1 warning in 3 files
 * ```
 *
 * Lines and columns are 1-based; columns count UTF-16 code units (as editors do).
 */
export function formatHuman(run: CheckRun, options: HumanOptions): string {
  const c = createColors(options.color);
  const out: string[] = [];
  for (const file of run.files) {
    if (file.error) {
      out.push(`${c.bold(file.path)}: ${c.bold(c.red('error'))}: ${visible(file.error)}`);
      continue;
    }
    for (const d of file.diagnostics) out.push(...formatDiagnostic(file, d, c));
  }
  out.push(summaryLine(run.summary, c));
  return out.join('\n') + '\n';
}

type Colors = ReturnType<typeof createColors>;

const LABEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'info', hint: 'hint' };

function severityColor(severity: Severity, c: Colors): (s: string) => string {
  switch (severity) {
    case 'error':
      return (s) => c.bold(c.red(s));
    case 'warning':
      return (s) => c.bold(c.yellow(s));
    case 'info':
      return (s) => c.bold(c.blue(s));
    case 'hint':
      return (s) => c.bold(c.cyan(s));
  }
}

function formatDiagnostic(file: FileResult, d: Diagnostic, c: Colors): string[] {
  const paint = severityColor(d.severity, c);
  const lines: string[] = [
    `${c.bold(location(file, d.span))}: ${paint(`${LABEL[d.severity]} ${d.code}`)}: ${c.bold(visible(d.message))}`,
    ...snippet(file.lines, d.span, paint, c),
  ];
  for (const fix of d.fixes ?? []) lines.push(`${gutter('', file.lines, d.span, c, '=')} ${c.green('fix')}: ${visible(fix.title)}`);
  for (const related of d.related ?? []) {
    lines.push(`${c.bold(location(file, related.span))}: ${c.bold(c.cyan('note'))}: ${visible(related.message)}`);
    lines.push(...snippet(file.lines, related.span, (s) => c.bold(c.cyan(s)), c));
  }
  return lines;
}

/** `path:line:col`, 1-based. */
function location(file: FileResult, span: Span): string {
  const start = file.lines.positionAt(span.start);
  return `${file.path}:${start.line + 1}:${start.character + 1}`;
}

function gutter(label: string, lines: LineIndex, span: Span, c: Colors, bar = '|'): string {
  const width = String(lines.positionAt(span.start).line + 1).length;
  return c.dim(`${label.padStart(Math.max(width, 4) + 1)} ${bar}`);
}

/** The source line of `span.start` and a caret underline (`^~~~`) under the span, clipped to that line. */
function snippet(lines: LineIndex, span: Span, paint: (s: string) => string, c: Colors): string[] {
  const start = lines.positionAt(span.start);
  const lineStart = lines.lineStart(start.line);
  const lineEnd = lines.lineEnd(start.line);
  const text = lines.text.slice(lineStart, lineEnd);
  if (lines.text.length === 0) return [];
  const from = Math.min(span.start, lineEnd) - lineStart;
  const to = Math.max(from, Math.min(span.end, lineEnd) - lineStart);
  const { source, underline } = renderLine(text, from, to);
  return [
    `${gutter(String(start.line + 1), lines, span, c)} ${source}`.trimEnd(),
    `${gutter('', lines, span, c)} ${paint(underline)}`,
  ];
}

interface Cell {
  text: string;
  width: number;
  /** UTF-16 offset of the code point in the line. */
  offset: number;
}

/**
 * Renders one source line for the terminal: tabs expanded, control characters made visible, wide
 * characters counted as two columns, and a caret line under `[from, to)` (UTF-16 offsets in `line`).
 * A long line is cut to a window around the span, with `…` where it was cut.
 */
export function renderLine(line: string, from: number, to: number): { source: string; underline: string } {
  const cells: Cell[] = [];
  let column = 0;
  for (let i = 0; i < line.length; ) {
    const cp = line.codePointAt(i)!;
    const size = cp > 0xffff ? 2 : 1;
    let cell: Cell;
    if (cp === 9) {
      const width = TAB_WIDTH - (column % TAB_WIDTH);
      cell = { text: ' '.repeat(width), width, offset: i };
    } else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
      cell = { text: cp === 0x7f ? '\u2421' : cp < 0x20 ? String.fromCharCode(0x2400 + cp) : '\ufffd', width: 1, offset: i };
    } else {
      cell = { text: String.fromCodePoint(cp), width: charWidth(cp), offset: i };
    }
    cells.push(cell);
    column += cell.width;
    i += size;
  }

  // The caret columns: from the first cell at or after `from` up to the cell holding `to`.
  let first = cells.findIndex((cell) => cell.offset >= from);
  if (first < 0) first = cells.length;
  let last = cells.findIndex((cell) => cell.offset >= to);
  if (last < 0) last = cells.length;

  // A window over the cells when the line is too wide.
  let windowStart = 0;
  let windowEnd = cells.length;
  if (column > MAX_LINE_WIDTH) {
    const widthOf = (a: number, b: number) => cells.slice(a, b).reduce((sum, cell) => sum + cell.width, 0);
    const context = 30;
    while (windowStart < first && widthOf(windowStart, first) > context) windowStart++;
    windowEnd = windowStart;
    while (windowEnd < cells.length && widthOf(windowStart, windowEnd + 1) <= MAX_LINE_WIDTH) windowEnd++;
    windowEnd = Math.max(windowEnd, Math.min(cells.length, first + 1));
  }
  const shown = cells.slice(windowStart, windowEnd);
  const leftCut = windowStart > 0;
  const rightCut = windowEnd < cells.length;
  const source = (leftCut ? '…' : '') + shown.map((cell) => cell.text).join('') + (rightCut ? '…' : '');

  let pad = leftCut ? 1 : 0;
  for (let i = windowStart; i < first && i < windowEnd; i++) pad += cells[i]!.width;
  let caretWidth = 0;
  for (let i = first; i < Math.min(last, windowEnd); i++) caretWidth += cells[i]!.width;
  if (last > windowEnd && rightCut) caretWidth += 1;
  const underline = ' '.repeat(pad) + '^' + '~'.repeat(Math.max(0, caretWidth - 1));
  return { source, underline };
}

export { charWidth } from '../../syntax/textWidth';

/** Control characters shown as their Unicode control pictures (a message may quote a NUL byte). */
function visible(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (ch) =>
    ch === '\u007f' ? '\u2421' : String.fromCharCode(0x2400 + ch.charCodeAt(0)),
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `2 errors, 1 warning in 3 files` or `No problems in 3 files`. */
export function summaryLine(summary: Summary, c: Colors = createColors(false)): string {
  const parts: string[] = [];
  if (summary.errors) parts.push(c.red(plural(summary.errors, 'error')));
  if (summary.warnings) parts.push(c.yellow(plural(summary.warnings, 'warning')));
  if (summary.infos) parts.push(c.blue(plural(summary.infos, 'info')));
  if (summary.hints) parts.push(c.cyan(plural(summary.hints, 'hint')));
  const files = plural(summary.files, 'file');
  const unreadable = summary.unreadable ? `; ${c.red(`${summary.unreadable} could not be read`)}` : '';
  if (!parts.length) return c.bold(`${summary.unreadable ? 'No problems found' : c.green('No problems')} in ${files}`) + unreadable;
  return c.bold(`${parts.join(', ')} in ${files}`) + unreadable;
}
