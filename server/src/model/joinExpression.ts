/** A piece of a join string, with offsets into the string's decoded value. */
export interface JoinPart {
  text: string;
  start: number;
  end: number;
}

/** One side of a join: `prefix.column`, or a bare `column` (junction side). */
export interface JoinOperand {
  whole: JoinPart;
  prefix?: JoinPart;
  column: JoinPart;
}

export type JoinExpression =
  | { ok: true; left: JoinOperand; right: JoinOperand }
  | { ok: false; reason: string; left?: JoinOperand; right?: JoinOperand };

/**
 * Parses `a.col = b.col` (and the junction forms `a.col = col`, `col = b.col`), keeping offsets so
 * references inside the string get exact ranges. The prefix is everything before the last dot, so
 * a legacy table-name prefix (`DB.SCHEMA.TABLE.col`) is kept whole.
 */
export function parseJoin(source: string): JoinExpression {
  const equals = [...source.matchAll(/=+/g)];
  if (equals.length !== 1 || equals[0]![0].length !== 1) {
    return { ok: false, reason: equals.length === 0 ? 'no `=`' : 'more than one equality' };
  }
  const at = equals[0]!.index!;
  const left = operand(source, 0, at);
  const right = operand(source, at + 1, source.length);
  if (!left || !right) {
    return { ok: false, reason: !left ? 'nothing left of `=`' : 'nothing right of `=`', left, right };
  }
  if (/\s/.test(left.whole.text) || /\s/.test(right.whole.text)) {
    return { ok: false, reason: 'an operand contains spaces', left, right };
  }
  return { ok: true, left, right };
}

function operand(source: string, from: number, to: number): JoinOperand | undefined {
  let start = from;
  let end = to;
  while (start < end && /\s/.test(source[start]!)) start++;
  while (end > start && /\s/.test(source[end - 1]!)) end--;
  if (start === end) return undefined;
  const whole = part(source, start, end);
  const dot = source.lastIndexOf('.', end - 1);
  if (dot < start) return { whole, column: whole };
  return { whole, prefix: part(source, start, dot), column: part(source, dot + 1, end) };
}

const part = (source: string, start: number, end: number): JoinPart => ({ text: source.slice(start, end), start, end });
