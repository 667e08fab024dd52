/** Zero-based line and UTF-16 character, as LSP counts them. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Offset ↔ line/character for one text. Line breaks are `\n`, `\r\n` and `\r` (as in LSP). */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(
    readonly text: string,
    lineStarts?: number[],
  ) {
    if (lineStarts) {
      this.lineStarts = lineStarts;
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.lineStarts.push(i + 1);
      } else if (ch === 10 /* \n */) {
        this.lineStarts.push(i + 1);
      }
    }
  }

  /**
   * The index of `text` (this text with `[start, oldEnd)` replaced, the replacement ending at
   * `newEnd`), derived from this one without scanning the unchanged text.
   */
  edited(text: string, start: number, oldEnd: number, newEnd: number): LineIndex {
    const straddles = (s: string, at: number) => s[at - 1] === '\r' && s[at] === '\n';
    // A CRLF split or joined at an edge of the edit: count from scratch.
    if (straddles(text, start) || straddles(text, newEnd) || straddles(this.text, start) || straddles(this.text, oldEnd)) {
      return new LineIndex(text);
    }
    const delta = newEnd - oldEnd;
    const starts = this.lineStarts;
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (starts[mid]! <= start) low = mid + 1;
      else high = mid;
    }
    const before = low;
    let after = before;
    while (after < starts.length && starts[after]! <= oldEnd) after++;
    const inserted: number[] = [];
    for (let i = start; i < newEnd; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 13) {
        if (text.charCodeAt(i + 1) === 10 && i + 1 < newEnd) i++;
        inserted.push(i + 1);
      } else if (ch === 10) inserted.push(i + 1);
    }
    const result = starts.slice(0, before);
    for (const s of inserted) result.push(s);
    for (let i = after; i < starts.length; i++) result.push(starts[i]! + delta);
    return new LineIndex(text, result);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - this.lineStarts[low]! };
  }

  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[position.line]!;
    return Math.min(start + Math.max(0, position.character), this.lineEnd(position.line));
  }

  rangeOf(span: { start: number; end: number }): Range {
    return { start: this.positionAt(span.start), end: this.positionAt(span.end) };
  }

  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))]!;
  }

  /** Offset of the end of `line`, before its line break. */
  lineEnd(line: number): number {
    const next = this.lineStarts[line + 1];
    if (next === undefined) return this.text.length;
    let end = next;
    if (end > 0 && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > 0 && this.text.charCodeAt(end - 1) === 13) end--;
    return Math.max(end, this.lineStarts[line]!);
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }
}
