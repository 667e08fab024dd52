import { parseJoin, type JoinOperand } from '../model/joinExpression';
import type { AttributeSyntax, BlockSyntax, CommentSyntax, ItemSyntax, Span, StringValue, SyntaxFile, ValueSyntax } from '../syntax/ast';
import { sourceOffsetOf } from '../syntax/convert';

/**
 * Selection ranges ("expand selection"), innermost first:
 *   word → (join operand) → string content → string with quotes → (tuple) → attribute →
 *   block body → block → parent block body → parent block → … → whole file.
 * A word in a join string is the slug prefix or the column (a legacy `DB.SCHEMA.TABLE` prefix is one
 * word), then the operand `slug.column`. On a label: the slug → the quoted label → block. On a block
 * keyword: the keyword → block. In a comment: a word → the comment → the enclosing body.
 * Each range strictly contains the one before it. Reads syntax views only.
 */

export interface SelectionRange {
  span: Span;
  parent?: SelectionRange;
}

const JOIN_KEYS = new Set(['join_on', 'left_join_on', 'right_join_on']);

export function selectionRanges(syntax: SyntaxFile, offsets: readonly number[]): SelectionRange[] {
  return offsets.map((offset) => selectionRange(syntax, Math.max(0, Math.min(offset, syntax.text.length))));
}

function selectionRange(syntax: SyntaxFile, offset: number): SelectionRange {
  const text = syntax.text;
  // Outermost first; reversed into the parent chain at the end.
  const spans: Span[] = [{ start: 0, end: text.length }];
  // An unterminated string (and so its attribute) runs over the line break: leave that out.
  const add = (span: Span | undefined) => {
    if (span) spans.push(trimEnd(text, span));
  };

  let items: readonly ItemSyntax[] = syntax.items;
  let innermost: BlockSyntax | undefined;
  for (;;) {
    const item = itemAt(items, offset);
    if (!item) break;
    if (item.kind !== 'block') {
      add(item.span);
      if (item.kind === 'attribute') attribute(text, item, offset, add);
      break;
    }
    innermost = item;
    add(item.span);
    const inner = bodyOf(text, item);
    if (!inner || offset < inner.start || offset > inner.end) {
      header(item, offset, add);
      break;
    }
    add(inner);
    items = item.items;
  }

  const comment = commentAt(syntax.comments, offset);
  if (comment && (!innermost || (comment.span.start >= innermost.span.start && comment.span.end <= innermost.span.end))) {
    // A comment sits between items: drop anything narrower than its enclosing body.
    while (spans.length > 1 && !contains(spans[spans.length - 1]!, comment.span)) spans.pop();
    add(comment.span);
    add(wordAt(text, comment.span, offset, isCommentWordChar));
  }

  // Innermost last → a chain; drop ranges that do not strictly grow or do not contain the inner one.
  let result: SelectionRange | undefined;
  const chain: Span[] = [];
  for (let i = spans.length - 1; i >= 0; i--) {
    const span = spans[i]!;
    const previous = chain[chain.length - 1];
    if (previous && (!contains(span, previous) || (span.start === previous.start && span.end === previous.end))) continue;
    if (!previous && (span.start === span.end || !(span.start <= offset && offset <= span.end))) continue;
    chain.push(span);
  }
  for (let i = chain.length - 1; i >= 0; i--) result = result ? { span: chain[i]!, parent: result } : { span: chain[i]! };
  return result ?? { span: { start: offset, end: offset } };
}

/** The item at `offset`: one containing it, else one ending right at it (cursor after the item). */
function itemAt(items: readonly ItemSyntax[], offset: number): ItemSyntax | undefined {
  let touching: ItemSyntax | undefined;
  for (const item of items) {
    if (item.span.start > offset) break;
    if (offset < item.span.end) return item;
    if (offset === item.span.end) touching = item;
  }
  return touching;
}

/** Between the braces, trimmed of surrounding whitespace (up to the end of an unclosed block). */
function bodyOf(text: string, block: BlockSyntax): Span | undefined {
  if (block.open.end <= block.open.start) return undefined;
  let start = block.open.end;
  let end = block.close ? block.close.start : block.span.end;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  // Empty body: the inside of the braces, so a cursor there still gets a range inside the block.
  if (start === end) return { start: block.open.end, end: block.close ? block.close.start : block.span.end };
  return { start, end };
}

/** The block's keyword or a label at `offset` (the cursor is in the block's header). */
function header(block: BlockSyntax, offset: number, add: (span: Span | undefined) => void): void {
  if (touches(block.type.span, offset)) {
    add(block.type.span);
    return;
  }
  for (const label of block.labels) {
    if (!touches(label.span, offset)) continue;
    add(label.span);
    if (label.quoted && touches(label.contentSpan, offset)) add(label.contentSpan);
    return;
  }
}

function attribute(text: string, attr: AttributeSyntax, offset: number, add: (span: Span | undefined) => void): void {
  if (touches(attr.key.span, offset)) {
    add(attr.key.span);
    return;
  }
  if (attr.value && touches(attr.value.span, offset)) value(text, attr.value, offset, add, JOIN_KEYS.has(attr.key.text));
}

function value(text: string, v: ValueSyntax, offset: number, add: (span: Span | undefined) => void, isJoin: boolean): void {
  add(v.span);
  switch (v.kind) {
    case 'string':
      if (!touches(v.contentSpan, offset)) return;
      add(v.contentSpan);
      if (isJoin && joinParts(v, offset, add)) return;
      add(wordAt(text, v.contentSpan, offset, isWordChar));
      return;
    case 'unquoted':
      add(wordAt(text, v.span, offset, isWordChar));
      return;
    case 'tuple': {
      const element = v.elements.find((e) => touches(e.span, offset));
      if (element) value(text, element, offset, add, false);
      return;
    }
    default:
      return;
  }
}

/** Adds the join operand and its prefix or column at `offset`; false when the offset is in neither. */
function joinParts(str: StringValue, offset: number, add: (span: Span | undefined) => void): boolean {
  const expression = parseJoin(str.value);
  const source = (part: { start: number; end: number }): Span => ({
    start: sourceOffsetOf(str, part.start),
    end: sourceOffsetOf(str, part.end),
  });
  for (const operand of [expression.left, expression.right] as (JoinOperand | undefined)[]) {
    if (!operand) continue;
    const whole = source(operand.whole);
    if (!touches(whole, offset)) continue;
    add(whole);
    const prefix = operand.prefix && source(operand.prefix);
    if (prefix && touches(prefix, offset)) add(prefix);
    else {
      const column = source(operand.column);
      if (touches(column, offset)) add(column);
    }
    return true;
  }
  return false;
}

/** The run of word characters around `offset` inside `within`; undefined when there is none. */
function wordAt(text: string, within: Span, offset: number, isWord: (ch: number) => boolean): Span | undefined {
  let start = offset;
  let end = offset;
  while (start > within.start && isWord(text.charCodeAt(start - 1))) start--;
  while (end < within.end && isWord(text.charCodeAt(end))) end++;
  return start < end ? { start, end } : undefined;
}

/** Binary search: the comment containing `offset` (or ending right at it). */
function commentAt(comments: readonly CommentSyntax[], offset: number): CommentSyntax | undefined {
  let low = 0;
  let high = comments.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const comment = comments[mid]!;
    if (comment.span.end < offset) low = mid + 1;
    else if (comment.span.start > offset) high = mid - 1;
    else return comment;
  }
  return undefined;
}

function trimEnd(text: string, span: Span): Span {
  let end = span.end;
  while (end > span.start && isSpace(text.charCodeAt(end - 1))) end--;
  return end === span.end ? span : { start: span.start, end };
}

const touches = (span: Span, offset: number) => span.start <= offset && offset <= span.end;
const contains = (outer: Span, inner: Span) => outer.start <= inner.start && inner.end <= outer.end;

/** Letters, digits, `_` and `-` (slugs and identifiers), including non-ASCII letters. */
function isWordChar(ch: number): boolean {
  return (
    (ch >= 48 && ch <= 57) ||
    (ch >= 65 && ch <= 90) ||
    (ch >= 97 && ch <= 122) ||
    ch === 95 ||
    ch === 45 ||
    (ch > 127 && /[\p{L}\p{N}\p{M}]/u.test(String.fromCharCode(ch)))
  );
}

const isCommentWordChar = (ch: number) => isWordChar(ch) && ch !== 45;

const isSpace = (ch: number) => ch === 32 || ch === 9 || ch === 10 || ch === 13 || ch === 12 || ch === 11;
