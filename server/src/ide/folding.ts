import type { BlockSyntax, CommentSyntax, ItemSyntax, Span, SyntaxFile, ValueSyntax } from '../syntax/ast';
import type { LineIndex } from '../syntax/lineIndex';

/**
 * Folding ranges, from the syntax views (so broken text folds as far as it parsed):
 * - every block spanning lines, from the line of its `{` to the line of its `}` (an unclosed block to
 *   its last non-blank line);
 * - multi-line tuples (`[`…`]`);
 * - runs of two or more consecutive lines holding only a `#`/`//` comment (kind `comment`);
 * - multi-line `/* … *\/` comments, closed or not (kind `comment`);
 * - `# region` … `# endregion` marker comments (also `//#region`, `// #endregion`; kind `region`).
 * At most one range starts on a line (the outermost); ranges are sorted by start line.
 */

export interface FoldingRange {
  /** Zero-based first line (shown when folded). */
  startLine: number;
  /** Zero-based last line hidden by the fold. */
  endLine: number;
  kind?: 'comment' | 'region';
}

export interface FoldingOptions {
  /**
   * End a block's (or tuple's) fold on the line before its closing `}` (`]`) so that line stays
   * visible, as VS Code's JSON and TypeScript folds do. Default `false`: the fold ends on the `}` line.
   * Ranges of unclosed blocks end on their last line either way.
   */
  keepClosingLine?: boolean;
}

export function foldingRanges(
  syntax: SyntaxFile,
  lines: Pick<LineIndex, 'positionAt' | 'lineStart'>,
  options: FoldingOptions = {},
): FoldingRange[] {
  const text = syntax.text;
  const ranges: FoldingRange[] = [];
  const lineOf = (offset: number) => lines.positionAt(offset).line;
  /** The line of the last non-blank character before `end`, not before `floor`. */
  const lastLineBefore = (end: number, floor: number) => {
    let at = end;
    while (at > floor && isSpace(text.charCodeAt(at - 1))) at--;
    return lineOf(Math.max(floor, at - 1));
  };
  const push = (startLine: number, endLine: number, kind?: FoldingRange['kind']) => {
    if (endLine > startLine) ranges.push(kind ? { startLine, endLine, kind } : { startLine, endLine });
  };

  const closedRange = (openOffset: number, close: Span | undefined, span: Span) => {
    const startLine = lineOf(openOffset);
    if (close) {
      const closeLine = lineOf(close.start);
      push(startLine, options.keepClosingLine ? closeLine - 1 : closeLine);
    } else {
      push(startLine, lastLineBefore(span.end, openOffset));
    }
  };

  const value = (v: ValueSyntax | undefined) => {
    if (v?.kind !== 'tuple') return;
    const closed = text.charCodeAt(v.span.end - 1) === 93; /* ] */
    closedRange(v.span.start, closed ? { start: v.span.end - 1, end: v.span.end } : undefined, v.span);
    for (const element of v.elements) value(element);
  };
  const items = (list: readonly ItemSyntax[]) => {
    for (const item of list) {
      if (item.kind === 'block') block(item);
      else if (item.kind === 'attribute') value(item.value);
    }
  };
  const block = (b: BlockSyntax) => {
    // A block always has its `{` (a keyword and label without one reads as an attribute).
    const open = b.open.end > b.open.start ? b.open.start : b.span.start;
    closedRange(open, b.close, b.span);
    items(b.items);
  };
  items(syntax.items);

  comments(syntax.comments, text, lines, lineOf, push);

  ranges.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
  const out: FoldingRange[] = [];
  for (const range of ranges) {
    if (out.length && out[out.length - 1]!.startLine === range.startLine) continue;
    out.push(range);
  }
  return out;
}

const REGION_START = /^(?:#|\/\/)\s*#?region\b/i;
const REGION_END = /^(?:#|\/\/)\s*#?endregion\b/i;

function comments(
  list: readonly CommentSyntax[],
  text: string,
  lines: Pick<LineIndex, 'lineStart'>,
  lineOf: (offset: number) => number,
  push: (startLine: number, endLine: number, kind?: FoldingRange['kind']) => void,
): void {
  let runStart = -1;
  let runEnd = -1;
  const endRun = () => {
    if (runStart >= 0) push(runStart, runEnd, 'comment');
    runStart = runEnd = -1;
  };
  const regions: number[] = [];
  for (const comment of list) {
    const line = lineOf(comment.span.start);
    if (comment.text.startsWith('/*')) {
      endRun();
      push(line, lineOf(Math.max(comment.span.start, comment.span.end - 1)), 'comment');
      continue;
    }
    if (REGION_START.test(comment.text)) {
      endRun();
      regions.push(line);
      continue;
    }
    if (REGION_END.test(comment.text)) {
      endRun();
      const start = regions.pop();
      if (start !== undefined) push(start, line, 'region');
      continue;
    }
    // Only comments alone on their line make a run; a trailing `name = "x" # note` breaks it.
    if (!onlySpaceBetween(text, lines.lineStart(line), comment.span.start)) {
      endRun();
      continue;
    }
    if (runStart >= 0 && line === runEnd + 1) runEnd = line;
    else {
      endRun();
      runStart = runEnd = line;
    }
  }
  endRun();
}

function onlySpaceBetween(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}

const isSpace = (ch: number) => ch === 32 || ch === 9 || ch === 10 || ch === 13 || ch === 12 || ch === 11;
