/**
 * Text edits described the way tree-sitter's `tree.edit()` wants them, for JS strings.
 *
 * Both web-tree-sitter and the native `tree-sitter` Node binding parse JS strings as UTF-16, and every
 * index and column they report or accept is in UTF-16 code units (a JS string index), not UTF-8 bytes:
 * `rootNode.endIndex === text.length`, and after `é😀` the column has advanced by 3. Rows count `\n`
 * only (a lone `\r` does not start a row). test/grammar/robustness.test.ts checks this by experiment.
 */

export interface Point {
  row: number;
  column: number;
}

/** The fields of an edit, in UTF-16 code units; pass to `new Edit(...)` (web-tree-sitter) or as is (native). */
export interface EditSpec {
  startIndex: number;
  oldEndIndex: number;
  newEndIndex: number;
  startPosition: Point;
  oldEndPosition: Point;
  newEndPosition: Point;
}

/** The row and column (UTF-16 code units) of `index` in `text`. */
export function pointAt(text: string, index: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}

/** The point just after `inserted`, when it is inserted at `start`. */
function advance(start: Point, inserted: string): Point {
  const lastNewline = inserted.lastIndexOf('\n');
  if (lastNewline === -1) return { row: start.row, column: start.column + inserted.length };
  let rows = 0;
  for (let i = inserted.indexOf('\n'); i !== -1; i = inserted.indexOf('\n', i + 1)) rows++;
  return { row: start.row + rows, column: inserted.length - lastNewline - 1 };
}

/**
 * Replaces `text[start, end)` with `insert`: the new text and the matching edit.
 * `start`/`end` are JS string indexes (clamped to the text).
 */
export function replaceRange(
  text: string,
  start: number,
  end: number,
  insert: string,
): { text: string; edit: EditSpec } {
  start = Math.max(0, Math.min(start, text.length));
  end = Math.max(start, Math.min(end, text.length));
  const startPosition = pointAt(text, start);
  const oldEndPosition = pointAt(text, end);
  return {
    text: text.slice(0, start) + insert + text.slice(end),
    edit: {
      startIndex: start,
      oldEndIndex: end,
      newEndIndex: start + insert.length,
      startPosition,
      oldEndPosition,
      newEndPosition: advance(startPosition, insert),
    },
  };
}
