import type { TextEdit } from '../checks/diagnostic';
import type { BlockSyntax, ItemSyntax, LabelSyntax, Span, SyntaxFile, ValueSyntax } from '../syntax/ast';
import type { LineIndex } from '../syntax/lineIndex';
import { displayWidth } from '../syntax/textWidth';

/**
 * The formatter: the canonical layout of a `.dg` file, `terraform fmt`'s rules adapted to the
 * language. It only ever changes whitespace between the tokens the syntax views know (so it can
 * never change, lose or duplicate anything else), and answers with minimal edits:
 *
 * - indentation by nesting depth (`tabSize` spaces per level, default 2, or one tab each);
 * - every item (attribute, block, `...`) on its own line; `}` on its own line at its block's
 *   indentation; an empty block as `{}`;
 * - one space between a block's type, its labels and `{`, and around `=`; no space before the `:` of
 *   the legacy `relationship: "x" {` and `key: value` forms (which are otherwise left as they are;
 *   but after an `=` or `:` with no value, where `key:` would read as that value, the space stays);
 * - a line break inside an item kept (the next line indented one level deeper, a `{` at its block's
 *   level), except between `key`, `=` and a quoted value, which are joined: elsewhere a join may
 *   change the parse (after `key:` a word on the same line is a block label, not a value) or what
 *   `dg check` reports (it does not look into a block whose header runs over several lines);
 * - in a run of consecutive attribute lines of one block (not separated by a blank line, a comment
 *   line or anything but an attribute) the `=` signs aligned, and trailing comments of consecutive
 *   lines of the run aligned too (by display width: a CJK character or an emoji is two columns, as
 *   in a terminal or an editor's monospaced font; see syntax/textWidth.ts);
 * - at most one blank line between items, none after `{`, before `}` or at the start of the file;
 *   no trailing whitespace; exactly one final line break;
 * - comments kept where they are: one that follows something on its line stays on that line (one
 *   space before it, or aligned as above); any other gets a line of its own at the current depth (the
 *   inside of a multi-line `/* … *\/` is not re-indented; a `#`/`//` comment loses its trailing
 *   whitespace); a comment inside an item (`key /* x *\/ = "v"`) keeps the spaces around it; the
 *   inside of a tuple value is kept as is;
 * - line breaks kept as they are; the ones the formatter adds are like the file's first one (`\n`
 *   when there is none): CRLF files stay CRLF;
 * - the lines a `dg-ignore` comment governs (its own and the next) kept exactly, so that it silences
 *   the same diagnostics; likewise a line holding two legacy `key: value` (one DG001 a line).
 *
 * Broken text: what does not parse is left exactly as it is, with the lines it touches (an
 * unterminated string or comment, an attribute without `=` or value, with the blank lines after an
 * unterminated string). Where the parser had to recover (an ERROR, a missing token, text the syntax
 * views do not explain), how it recovered depends on the whitespace around it, near or far: nothing
 * is changed. When the braces are in doubt (a block not closed before the end of the file,
 * a `}` with no block), `dg check` judges the nesting by the layout: every top-level block is left
 * alone, and the rest from the unclosed one to the end of the file, or from the start of the file
 * to the stray `}`.
 *
 * The rule behind these exceptions: the parse, and the diagnostics, of the formatted text are those
 * of the text (test/ide/formatting.test.ts checks it on the fixtures and on random graphs). Formatting
 * its own output gives no edits (idempotent).
 */

export interface FormattingOptions {
  /** Spaces per indentation level (default 2). */
  tabSize?: number;
  /** `false`: indent with one tab per level (alignment stays spaces). Default `true`. */
  insertSpaces?: boolean;
  /**
   * Range formatting: only these lines (zero-based, inclusive) are edited. The layout is still the
   * whole file's (an `=` is aligned with its run even when part of the run is outside the range).
   */
  lines?: { start: number; end: number };
}

export interface FormattingResult {
  /** Sorted, non-overlapping edits of whitespace (offsets into the syntax's text). */
  edits: TextEdit[];
  /**
   * Where the text does not parse (sorted): the formatter left these places, and the lines and blocks
   * around them, as they are. Empty for a file that parses cleanly.
   */
  errors: Span[];
}

type AtomKind = 'head' | 'open' | 'close' | 'key' | 'colon' | 'eq' | 'value' | 'placeholder' | 'comment' | 'stray';

/** A token (or opaque run of text, such as a whole string or tuple) that the formatter never changes. */
interface Atom {
  start: number;
  end: number;
  kind: AtomKind;
  /** Depth of the item it belongs to (a block's `{` and `}`: the block's depth). */
  depth: number;
  startsItem: boolean;
  endsItem: boolean;
  /** For `{` and `}`: their block. */
  block?: BlockSyntax;
  /** `#` and `//` comments (which end their line). */
  lineComment?: boolean;
  /** A line break before it (inside its item) may be removed: see `between`. */
  joinable?: boolean;
}

/** What the whitespace before an atom should become. */
type Want =
  | { k: 'keep' }
  | { k: 'space'; n: number; trailing?: boolean }
  | { k: 'line'; depth: number; blank: 0 | 1 }
  /** Inside an item, a line break that must stay: the next line is indented at `depth`. */
  | { k: 'wrap'; depth: number }
  | { k: 'bof' }
  | { k: 'eof' };

interface Attribute {
  key: number;
  keyWidth: number;
  depth: number;
}

const KEEP: Want = { k: 'keep' };

/** A comment that silences diagnostics, as checks/settings.ts reads it. */
const IGNORE = /\bdg-ignore\b/;

export function format(syntax: SyntaxFile, lines: LineIndex, options: FormattingOptions = {}): FormattingResult {
  const text = syntax.text;
  const errors: Span[] = [];
  /** Spans that do not parse: the lines they touch are kept as they are. */
  const damage: Span[] = [];
  /** Regions whose indentation cannot be trusted (unbalanced braces): kept whole. */
  const regions: Span[] = [];
  const raw: Atom[] = [];
  const attributes: { syntax: ItemSyntax & { kind: 'attribute' }; atoms: Atom[]; depth: number }[] = [];

  const push = (span: Span, kind: AtomKind, depth: number, extra: Partial<Atom> = {}): Atom => {
    const atom: Atom = { start: span.start, end: span.end, kind, depth, startsItem: false, endsItem: false, ...extra };
    raw.push(atom);
    return atom;
  };
  const hurt = (span: Span) => {
    damage.push(span);
    errors.push(span);
  };

  const commentStarts = new Map<number, number>();
  for (const c of syntax.comments) commentStarts.set(c.span.start, c.span.end);

  /** The `=` of an attribute: the only `=` between its key and its value outside comments. */
  const findEquals = (from: number, to: number): Span | undefined => {
    for (let i = from; i < to; i++) {
      const commentEnd = commentStarts.get(i);
      if (commentEnd !== undefined) {
        i = commentEnd - 1;
        continue;
      }
      if (text.charCodeAt(i) === 61 /* = */) return { start: i, end: i + 1 };
    }
    return undefined;
  };

  const value = (v: ValueSyntax) => {
    if (v.kind === 'string' && (!v.terminated || !terminated(text, v))) hurt(v.span);
    if (v.kind === 'tuple') for (const element of v.elements) value(element);
  };

  const item = (it: ItemSyntax, depth: number, top: ItemSyntax) => {
    if (it.kind === 'placeholder') {
      push(it.span, 'placeholder', depth, { startsItem: true, endsItem: true });
      return;
    }
    if (it.kind === 'attribute') {
      const atoms: Atom[] = [push(it.key.span, 'key', depth, { startsItem: true })];
      if (it.colon) atoms.push(push(it.colon, 'colon', depth));
      if (it.hasEquals) {
        const eq = findEquals(it.key.span.end, it.value?.span.start ?? it.span.end);
        if (eq) atoms.push(push(eq, 'eq', depth));
        else hurt(it.span);
      }
      if (it.value) {
        atoms.push(push(it.value.span, 'value', depth));
        value(it.value);
      }
      // `key = "value"` over several lines may be joined: the grammar reads a quoted string the
      // same way on any line. Not an unquoted value (after `key:` on the same line, a word is read
      // as a block label) nor anything in the legacy `key:` form.
      if (it.hasEquals && !it.colon && it.value?.kind === 'string' && terminated(text, it.value)) {
        for (const atom of atoms.slice(1)) atom.joinable = true;
      }
      // `name "x"` (no `=`), a lone `name`, `name =` with nothing after it: DG001.
      if ((!it.hasEquals && !it.colon) || !it.value) hurt(it.span);
      atoms[atoms.length - 1]!.endsItem = true;
      attributes.push({ syntax: it, atoms, depth });
      return;
    }
    push(it.type.span, 'head', depth, { startsItem: true });
    if (it.colon) push(it.colon, 'colon', depth);
    for (const label of it.labels) {
      push(label.span, 'head', depth);
      if (label.quoted && !terminated(text, label)) hurt(label.span);
    }
    if (it.open.end > it.open.start) push(it.open, 'open', depth, { block: it });
    else {
      errors.push(it.span);
      regions.push(it.span);
    }
    for (const child of it.items) item(child, depth + 1, top);
    if (it.close) push(it.close, 'close', depth, { block: it, endsItem: true });
    else {
      // Not closed before the end of the file: where the `}` is missing is unknown.
      errors.push(it.open.end > it.open.start ? it.open : it.type.span);
      regions.push({ start: top.span.start, end: text.length });
      unbalanced = true;
    }
  };
  let unbalanced = false;
  for (const it of syntax.items) item(it, 0, it);
  for (const close of syntax.unmatchedCloses) {
    push(close, 'stray', 0);
    errors.push(close);
    regions.push({ start: 0, end: close.end });
    unbalanced = true;
  }
  // With unbalanced braces, `dg check` judges where every block belongs by its layout (a block that
  // starts a line at or left of its parent's indentation, a `}` not at its block's): the layout of
  // every block is kept, so that the file reads the same to it.
  if (unbalanced) for (const it of syntax.items) if (it.kind === 'block') regions.push(it.span);

  // Where the parser recovered from an error (an ERROR, a missing token), how it recovered depends on
  // the text around it, whitespace included: tree-sitter weighs the characters and lines each way of
  // recovering would skip, as far back and ahead as it looks. No change of whitespace is known to be
  // safe then, so none is made anywhere (as `dg fmt` leaves such a file alone).
  const recovered = () => regions.push({ start: 0, end: text.length });
  for (const problem of syntax.problems) {
    hurt(problem.span);
    // (Not an invalid escape, inside a string, nor an unterminated comment: grammar tokens, no recovery.)
    if (problem.kind !== 'invalid-escape' && !(problem.kind === 'missing' && problem.text === '*/')) recovered();
  }

  // Tokens in document order, with the comments between them (those inside a token, such as a
  // comment in a tuple, belong to it).
  for (const c of syntax.comments) {
    // Trailing whitespace is no part of a line comment's meaning: it goes as any line's does.
    const lineComment = !c.text.startsWith('/*');
    let end = c.span.end;
    if (lineComment) while (end > c.span.start && onlyWhitespace(text, end - 1, end)) end--;
    push({ start: c.span.start, end }, 'comment', 0, { lineComment });
  }
  raw.sort((a, b) => a.start - b.start || b.end - a.end);
  const bof = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const atoms: Atom[] = [];
  for (const atom of raw) {
    const prev = atoms[atoms.length - 1];
    if (prev && atom.start < prev.end) {
      if (atom.kind === 'comment' && atom.end <= prev.end) continue;
      // The views disagree with themselves: change nothing.
      return { edits: [], errors: sortSpans([...errors, { start: atom.start, end: atom.start }]) };
    }
    // Text between tokens that is not whitespace is something the views do not explain (the rest of
    // an ERROR): it does not parse, and becomes a token of its own that nothing touches.
    const from = prev ? prev.end : bof;
    if (atom.start > from && !onlyWhitespace(text, from, atom.start)) atoms.push(unexplained(from, atom.start, prev));
    atoms.push(atom);
  }
  {
    const last = atoms[atoms.length - 1];
    const from = last ? last.end : bof;
    if (text.length > from && !onlyWhitespace(text, from, text.length)) atoms.push(unexplained(from, text.length, last));
  }
  function unexplained(from: number, to: number, prev: Atom | undefined): Atom {
    while (onlyWhitespace(text, from, from + 1)) from++;
    while (onlyWhitespace(text, to - 1, to)) to--;
    const span = { start: from, end: to };
    hurt(span);
    recovered(); // (the rest of an ERROR)
    const depth = !prev ? 0 : prev.kind === 'open' ? prev.depth + 1 : prev.depth;
    return { start: from, end: to, kind: 'stray', depth, startsItem: false, endsItem: false };
  }

  const gapStart = (i: number) => (i === 0 ? bof : atoms[i - 1]!.end);
  const gapEnd = (i: number) => (i === atoms.length ? text.length : atoms[i]!.start);

  // Lines that do not parse, or whose indentation is in doubt: kept exactly.
  const lineCount = lines.lineCount;
  const frozen = new Uint8Array(lineCount);
  const lineOf = (offset: number) => lines.positionAt(offset).line;
  const freeze = (span: Span) => {
    // (What runs to the end of the file, such as an unterminated comment, takes its last line too.)
    const last = span.end >= text.length ? lineCount - 1 : lineOf(Math.max(span.start, span.end - 1));
    for (let l = lineOf(span.start); l <= last; l++) frozen[l] = 1;
  };
  for (const span of merged([...damage, ...regions])) freeze(span);
  const freezeLine = (line: number) => {
    if (line >= 0 && line < lineCount) frozen[line] = 1;
  };
  // `dg check` reports one DG001 a line: a line with two legacy `key: value` keeps its items.
  const colonLines = new Map<number, number>();
  for (const { syntax: attr } of attributes) {
    if (!attr.colon) continue;
    const line = lineOf(attr.colon.start);
    const count = (colonLines.get(line) ?? 0) + 1;
    colonLines.set(line, count);
    if (count > 1) freezeLine(line);
  }
  // A `dg-ignore` comment silences its own line and the next (checks/settings.ts): neither is
  // split, joined or moved closer to anything, so that it silences exactly what it did.
  for (const c of syntax.comments) {
    if (!IGNORE.test(c.text)) continue;
    const line = lineOf(c.span.start);
    freezeLine(line);
    freezeLine(line + 1);
  }

  // Which gaps lie between items (as opposed to inside one, between a key and its `=`, say).
  const n = atoms.length;
  const prevToken: (Atom | undefined)[] = new Array(n + 1);
  const nextToken: (Atom | undefined)[] = new Array(n + 1);
  {
    let last: Atom | undefined;
    for (let i = 0; i <= n; i++) {
      prevToken[i] = last;
      const a = atoms[i];
      if (a && a.kind !== 'comment') last = a;
    }
    let next: Atom | undefined;
    for (let i = n; i >= 0; i--) {
      const a = atoms[i];
      if (a && a.kind !== 'comment') next = a;
      nextToken[i] = next;
    }
  }
  const betweenItems = (i: number) => {
    const p = prevToken[i];
    const q = nextToken[i];
    return (!p || p.endsItem || p.kind === 'open' || p.kind === 'stray') && (!q || q.startsItem || q.kind === 'close' || q.kind === 'stray');
  };
  const hasBreak = (s: number, e: number) => {
    for (let i = s; i < e; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10 || ch === 13) return true;
    }
    return false;
  };

  const endsLine = (a: Atom | undefined) => !!a && a.end > a.start && (text.charCodeAt(a.end - 1) === 10 || text.charCodeAt(a.end - 1) === 13);
  const wants: Want[] = new Array(n + 1);
  /** Atom `j` ends a line that opens a block (`{`, or a comment trailing it): filled as `wants` is. */
  const opensLine = new Uint8Array(n);

  for (let i = 0; i <= n; i++) {
    const a = atoms[i - 1];
    const b = atoms[i];
    if (!a && !b) wants[i] = { k: 'bof' }; // only whitespace: the file becomes empty
    else if (!b) wants[i] = { k: 'eof' };
    else if (!a) wants[i] = { k: 'bof' };
    else wants[i] = between(a, b, i);
    if (b) {
      const w = wants[i]!;
      const trailing = b.kind === 'comment' && w.k === 'space' && !!w.trailing && i > 0 && opensLine[i - 1] === 1;
      opensLine[i] = b.kind === 'open' || trailing ? 1 : 0;
    }
  }

  function between(a: Atom, b: Atom, i: number): Want {
    const blank = opensLine[i - 1] ? 0 : 1;
    if (b.kind === 'comment') {
      if (!betweenItems(i)) return KEEP;
      if (!a.lineComment && !hasBreak(a.end, b.start)) return { k: 'space', n: 1, trailing: true };
      const p = prevToken[i];
      const depth = !p ? 0 : p.kind === 'open' ? p.depth + 1 : p.depth;
      return { k: 'line', depth, blank };
    }
    if (a.kind === 'comment' && !betweenItems(i)) return KEEP;
    if (b.kind === 'close') {
      if (a.kind === 'open' && a.block === b.block) return { k: 'space', n: 0 };
      return { k: 'line', depth: b.depth, blank: 0 };
    }
    if (b.startsItem || b.kind === 'stray') return { k: 'line', depth: b.depth, blank };
    // Inside an item. After an `=` or `:` with no value, a key and its `:` with no space between
    // them read as one unquoted value (`name:`): the space stays.
    if (b.kind === 'colon' && ['eq', 'colon', 'stray'].includes(prevToken[i - 1]?.kind ?? '')) return KEEP;
    // A line break is removed only where that is known to be safe (`key =` and its quoted value):
    // the grammar reads an unquoted word after `key:` on the same line as a block label, and
    // `dg check` does not look into a block whose header runs over several lines.
    if (!b.joinable && hasBreak(a.end, b.start)) return { k: 'wrap', depth: b.kind === 'open' ? b.depth : b.depth + 1 };
    return { k: 'space', n: b.kind === 'colon' ? 0 : 1 };
  }

  // Alignment of `=` (and of trailing comments) in runs of consecutive attribute lines.
  const index = new Map<Atom, number>();
  atoms.forEach((atom, i) => index.set(atom, i));
  const alignable: Attribute[] = [];
  for (const { syntax: attr, atoms: parts, depth } of attributes) {
    if (parts.length !== 3 || parts[1]!.kind !== 'eq' || attr.colon) continue;
    const k = index.get(parts[0]!);
    if (k === undefined || atoms[k + 1] !== parts[1] || atoms[k + 2] !== parts[2]) continue;
    if (wants[k]!.k !== 'line' || wants[k + 1]!.k !== 'space' || wants[k + 2]!.k !== 'space') continue;
    const v = parts[2]!;
    if (hasBreak(v.start, v.end)) continue;
    if (frozenBetween(lineOf(parts[0]!.start), lineOf(v.end))) continue;
    alignable.push({ key: k, keyWidth: attr.key.span.end - attr.key.span.start, depth });
  }
  function frozenBetween(from: number, to: number): boolean {
    for (let l = from; l <= to; l++) if (frozen[l]) return true;
    return false;
  }
  /** The trailing comment right after the attribute whose key is atom `k`, if single-line. */
  const trailingComment = (k: number): number | undefined => {
    const c = atoms[k + 3];
    const w = wants[k + 3];
    if (c?.kind !== 'comment' || w?.k !== 'space' || !w.trailing || hasBreak(c.start, c.end)) return undefined;
    return k + 3;
  };
  /** `next` continues the run of `prev`: the next item, on the next line. */
  const continues = (prev: Attribute, next: Attribute): boolean => {
    if (prev.depth !== next.depth) return false;
    let i = prev.key + 3;
    if (trailingComment(prev.key) !== undefined) i++;
    if (i !== next.key) return false;
    const w = wants[i]!;
    return w.k === 'line' && (w.blank === 0 || blankLines(text, gapStart(i), gapEnd(i)) === 0);
  };
  const pads = new Map<number, number>();
  for (let r = 0; r < alignable.length; ) {
    let end = r + 1;
    while (end < alignable.length && continues(alignable[end - 1]!, alignable[end]!)) end++;
    const run = alignable.slice(r, end);
    const width = run.reduce((max, a) => Math.max(max, a.keyWidth), 0);
    for (const a of run) pads.set(a.key + 1, width - a.keyWidth + 1);
    // Trailing comments of consecutive lines of the run share a column.
    for (let c = 0; c < run.length; ) {
      if (trailingComment(run[c]!.key) === undefined) {
        c++;
        continue;
      }
      let stop = c;
      while (stop < run.length && trailingComment(run[stop]!.key) !== undefined) stop++;
      const lengths = run.slice(c, stop).map((a) => width + 3 + displayWidth(text, atoms[a.key + 2]!.start, atoms[a.key + 2]!.end));
      const column = lengths.reduce((max, length) => Math.max(max, length), 0);
      run.slice(c, stop).forEach((a, j) => pads.set(a.key + 3, column - lengths[j]! + 1));
      c = stop;
    }
    r = end;
  }

  // The edits.
  const tabSize = Number.isInteger(options.tabSize) && options.tabSize! > 0 ? Math.min(options.tabSize!, 16) : 2;
  const unit = options.insertSpaces === false ? '\t' : ' '.repeat(tabSize);
  const indent = (depth: number) => unit.repeat(depth);
  const eol = firstLineBreak(text, 0, text.length)?.text ?? '\n';
  const range = options.lines;
  const editable = (line: number) => !frozen[line] && (!range || (line >= range.start && line <= range.end));
  const allEditable = (from: number, to: number) => {
    for (let l = from; l <= to; l++) if (!editable(l)) return false;
    return true;
  };
  const edits: TextEdit[] = [];
  const emit = (start: number, end: number, newText: string) => {
    const edit = minimalEdit(text, start, end, newText);
    if (edit) edits.push(edit);
  };

  for (let i = 0; i <= n; i++) {
    const w = wants[i]!;
    if (w.k === 'keep') continue;
    const s = gapStart(i);
    const e = gapEnd(i);
    const breaks = lineBreaks(text, s, e);
    const lineA = lineOf(s);
    const lineB = lineOf(e);
    if (w.k === 'bof') {
      // No blank lines or indentation before the first token.
      if (allEditable(lineA, lineB)) emit(s, e, '');
      continue;
    }
    if (w.k === 'eof') {
      // No trailing whitespace; exactly one line break at the end.
      if (endsLine(atoms[i - 1])) {
        if (allEditable(lineA, lineB)) emit(s, e, '');
      } else if (!breaks.length) {
        if (editable(lineA)) emit(s, e, eol);
      } else if (allEditable(lineA, lineB)) {
        emit(s, e, breaks[0]!.text);
      }
      continue;
    }
    if (endsLine(atoms[i - 1])) {
      // After an unterminated string, which ends with its line break: only the indentation. Its
      // blank lines stay: without them, the grammar would read a word on the next line as on the
      // string's (an unquoted label of the block it is in).
      const from = breaks.length ? breaks[breaks.length - 1]!.end : s;
      if ((w.k === 'line' || w.k === 'wrap') && editable(lineB)) emit(from, e, indent(w.depth));
      continue;
    }
    if (w.k === 'wrap') {
      // The line break stays (with any blank lines): no trailing whitespace, the next line indented.
      if (editable(lineA)) emit(s, breaks[0]!.start, '');
      if (editable(lineB)) emit(breaks[breaks.length - 1]!.end, e, indent(w.depth));
      continue;
    }
    if (w.k === 'space') {
      const pad = pads.get(i) ?? w.n;
      if (!breaks.length) {
        if (editable(lineA)) emit(s, e, ' '.repeat(pad));
      } else if (!atoms[i - 1]!.lineComment && allEditable(lineA, lineB)) {
        emit(s, e, ' '.repeat(pad)); // joins the lines
      }
      continue;
    }
    // A line break before the token.
    if (!breaks.length) {
      if (editable(lineA)) emit(s, e, eol + indent(w.depth));
      continue;
    }
    const first = breaks[0]!;
    const last = breaks[breaks.length - 1]!;
    if (editable(lineA)) emit(s, first.start, '');
    if (breaks.length > 1 && (lineB - lineA < 2 || allEditable(lineA + 1, lineB - 1))) {
      const keep = Math.min(breaks.length - 1, w.blank);
      emit(first.end, last.end, breaks.slice(breaks.length - keep).map((b) => b.text).join(''));
    }
    if (editable(lineB)) emit(last.end, e, indent(w.depth));
  }

  return { edits, errors: sortSpans(errors) };
}

/** Applies sorted, non-overlapping edits to `text`. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = '';
  let at = 0;
  for (const edit of [...edits].sort((a, b) => a.span.start - b.span.start)) {
    out += text.slice(at, edit.span.start) + edit.newText;
    at = edit.span.end;
  }
  return out + text.slice(at);
}

/** False for a quoted string or label that reached the end of its line (or file) without its closing quote. */
function terminated(text: string, s: { span: Span; contentSpan: Span } | LabelSyntax): boolean {
  return s.span.end - s.span.start >= 2 && text.charCodeAt(s.span.end - 1) === 34 /* " */ && s.contentSpan.end === s.span.end - 1;
}

/** Space, tab, line breaks, form feed, vertical tab: what the formatter may change. */
function onlyWhitespace(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const ch = text.charCodeAt(i);
    if (ch !== 32 && ch !== 9 && ch !== 10 && ch !== 13 && ch !== 12 && ch !== 11) return false;
  }
  return true;
}

interface LineBreak {
  start: number;
  end: number;
  text: string;
}

/** The line breaks (`\r\n`, `\n`, `\r`) in `text[start, end)`. */
function lineBreaks(text: string, start: number, end: number): LineBreak[] {
  const out: LineBreak[] = [];
  for (let i = start; i < end; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13) {
      const crlf = i + 1 < end && text.charCodeAt(i + 1) === 10;
      out.push({ start: i, end: i + (crlf ? 2 : 1), text: crlf ? '\r\n' : '\r' });
      if (crlf) i++;
    } else if (ch === 10) {
      out.push({ start: i, end: i + 1, text: '\n' });
    }
  }
  return out;
}

function firstLineBreak(text: string, start: number, end: number): LineBreak | undefined {
  const lf = text.indexOf('\n', start);
  const cr = text.indexOf('\r', start);
  const at = cr >= 0 && (lf < 0 || cr < lf) ? cr : lf;
  if (at < 0 || at >= end) return undefined;
  return lineBreaks(text, at, Math.min(end, at + 2))[0];
}

/** Blank lines in the whitespace `text[start, end)`. */
function blankLines(text: string, start: number, end: number): number {
  return Math.max(0, lineBreaks(text, start, end).length - 1);
}

/** The edit turning `text[start, end)` into `newText`, trimmed to what differs (never inside a CRLF). */
function minimalEdit(text: string, start: number, end: number, newText: string): TextEdit | undefined {
  const old = text.slice(start, end);
  if (old === newText) return undefined;
  let prefix = 0;
  while (prefix < old.length && prefix < newText.length && old[prefix] === newText[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < old.length - prefix &&
    suffix < newText.length - prefix &&
    old[old.length - 1 - suffix] === newText[newText.length - 1 - suffix]
  ) {
    suffix++;
  }
  let s = start + prefix;
  let e = end - suffix;
  let insert = newText.slice(prefix, newText.length - suffix);
  // Never split a `\r\n`: widen the edit by the half on either side.
  if (s > 0 && text.charCodeAt(s - 1) === 13 && text.charCodeAt(s) === 10) {
    s--;
    insert = '\r' + insert;
  }
  if (e > s && e < text.length && text.charCodeAt(e - 1) === 13 && text.charCodeAt(e) === 10) {
    e++;
    insert += '\n';
  }
  return { span: { start: s, end: e }, newText: insert };
}

/** The union of `spans`, as sorted disjoint spans (so that many overlapping ones cost no more than one). */
function merged(spans: Span[]): Span[] {
  const out: Span[] = [];
  for (const span of sortSpans(spans)) {
    const last = out[out.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else out.push({ ...span });
  }
  return out;
}

function sortSpans(spans: Span[]): Span[] {
  return spans.sort((a, b) => a.start - b.start || a.end - b.end);
}
