import { attributeSpec, blockKindOf, LEGACY_BLOCK_NAMES, type BlockKind } from '../model/schema';
import type { AttributeSyntax, BlockSyntax, ItemSyntax, Span, SyntaxFile } from '../syntax/ast';
import { blockPath, touches } from './locate';

/**
 * Where completion was asked for, read from the syntax views (which block the cursor is in) and from
 * the text of the cursor's line before it (what is being typed). The line reading is what keeps
 * completion working on broken text: strings end at the line end, so one line says whether the cursor
 * is on a key, after `=`, or inside quotes, whatever the parser made of the rest of the file.
 */
export type CompletionSite = KeySite | ValueSite | StringSite;

interface SiteBase {
  /** Blocks around the cursor, outermost first (empty: outside any block). */
  path: BlockSyntax[];
  /** The innermost block's kind (legacy spellings read as the block they meant); absent at the top. */
  block?: BlockKind;
  /** The innermost block's type is no known block (`foo { … }`). */
  unknownBlock: boolean;
  /** Leading whitespace of the cursor's line (the base indentation for multi-line insertions). */
  indent: string;
}

/** A key or block keyword: on an empty line or a half-typed word (`prim`). */
export interface KeySite extends SiteBase {
  kind: 'key';
  /** The word under the cursor (empty at the cursor when nothing is typed). */
  replace: Span;
  /**
   * The word is already followed by `=`, `:`, `{` or a label: insert the bare name, not a
   * `key = "…"` or block snippet.
   */
  bare: boolean;
}

/** After `key =` with no quote yet: a bare word may be half typed (`type = segm`). */
export interface ValueSite extends SiteBase {
  kind: 'value';
  key: string;
  /** The bare word under the cursor, or empty at the cursor. */
  replace: Span;
}

/** Inside the quotes of `key = "…`, terminated or not. */
export interface StringSite extends SiteBase {
  kind: 'string';
  key: string;
  /** The whole string, quotes included (up to the line end when unterminated). */
  string: Span;
  /** The text between the quotes (up to the closing quote, or the last non-blank of the line). */
  content: Span;
  /** The cursor (source offset; `content` is raw source text, escapes not decoded). */
  offset: number;
}

/** The completion site at `offset`, or `undefined` where nothing completes (comments, labels, after a value). */
export function completionSite(syntax: SyntaxFile, offset: number): CompletionSite | undefined {
  const text = syntax.text;
  if (offset < 0 || offset > text.length) return undefined;
  if (inComment(syntax, offset)) return undefined;

  const path = blockPath(syntax.items, offset);
  // The cursor on a block's header (`entity "a$0" {`) is not in its body.
  while (path.length > 0 && offset <= path[path.length - 1]!.open.start) path.pop();
  const innermost = path[path.length - 1];
  const block = innermost ? blockKindFor(innermost.type.text) : undefined;
  const base = { path, block, unknownBlock: innermost !== undefined && block === undefined };

  const lineStart = startOfLine(text, offset);
  const lineEnd = endOfLine(text, offset);
  const indent = lineIndent(text, offset);
  const tokens = scan(text, lineStart, offset);
  if (!tokens) return undefined;
  const [first, second] = tokens;

  // Nothing typed yet, or a half-typed key.
  if (!first || (tokens.length === 1 && first.kind === 'word' && first.end === offset && isKey(first.text))) {
    const start = first ? first.start : offset;
    const end = wordEnd(text, offset, lineEnd, isKeyChar);
    const after = text.slice(end, lineEnd);
    const underCursor = attributeAt(innermost?.items ?? syntax.items, start);
    const bare = /^\s*[=:{"]/.test(after) || /^\s+[A-Za-z_]/.test(after) || underCursor?.hasEquals === true;
    return { kind: 'key', ...base, indent, replace: { start, end }, bare };
  }
  if (first.kind !== 'word') return undefined;

  // `key = …`, or the legacy `key: …` (a colon ends the key word as the lexer reads it).
  let key = first.text;
  let rest = tokens.slice(1);
  if (second?.kind === 'equals') {
    rest = tokens.slice(2);
  } else if (key.endsWith(':') && isKey(key.slice(0, -1))) {
    key = key.slice(0, -1);
  } else if (second?.kind === 'string' && block && attributeSpec(block, key)) {
    // `name "x` (no `=`): still the value of a known attribute.
  } else {
    return undefined;
  }
  if (!isKey(key)) return undefined;
  const [value, extra] = rest;
  if (extra) return undefined;
  if (!value) return { kind: 'value', ...base, indent, key, replace: { start: offset, end: wordEnd(text, offset, lineEnd, isBareChar) } };
  if (value.kind === 'word' && value.end === offset) {
    return { kind: 'value', ...base, indent, key, replace: { start: value.start, end: wordEnd(text, offset, lineEnd, isBareChar) } };
  }
  if (value.kind === 'string' && !value.closed) {
    const close = closingQuote(text, offset, lineEnd);
    let end = close ?? lineEnd;
    if (close === undefined) while (end > offset && /\s/.test(text[end - 1]!)) end--;
    const stringEnd = close === undefined ? lineEnd : close + 1;
    return {
      kind: 'string',
      ...base,
      indent,
      key,
      string: { start: value.start, end: stringEnd },
      content: { start: value.start + 1, end },
      offset,
    };
  }
  return undefined;
}

/** The block kind a block type names, legacy spellings included. */
export function blockKindFor(type: string): BlockKind | undefined {
  return blockKindOf(type) ?? (Object.hasOwn(LEGACY_BLOCK_NAMES, type) ? LEGACY_BLOCK_NAMES[type] : undefined);
}

interface Token {
  kind: 'word' | 'equals' | 'string' | 'other';
  start: number;
  end: number;
  text: string;
  /** Strings: the closing quote was seen before the cursor. */
  closed?: boolean;
}

/**
 * The tokens of the cursor's line before the cursor, after the last `{` or `}` (a block header or a
 * closed block on the same line). `undefined` when the cursor is in a comment.
 */
function scan(text: string, from: number, to: number): Token[] | undefined {
  let tokens: Token[] = [];
  let i = from;
  while (i < to) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\t') {
      i++;
    } else if (ch === '#' || (ch === '/' && text[i + 1] === '/')) {
      return undefined;
    } else if (ch === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0 || close + 2 > to) return undefined;
      i = close + 2;
    } else if (ch === '"') {
      const start = i++;
      let closed = false;
      while (i < to) {
        const c = text[i]!;
        if (c === '\\') {
          i += 2;
          continue;
        }
        i++;
        if (c === '"') {
          closed = true;
          break;
        }
      }
      const end = Math.min(i, to);
      tokens.push({ kind: 'string', start, end, text: text.slice(start, end), closed });
    } else if (ch === '{' || ch === '}') {
      tokens = [];
      i++;
    } else if (ch === '=') {
      tokens.push({ kind: 'equals', start: i, end: i + 1, text: '=' });
      i++;
    } else if (isBareChar(ch)) {
      const start = i;
      while (i < to && isBareChar(text[i]!)) i++;
      tokens.push({ kind: 'word', start, end: i, text: text.slice(start, i) });
    } else {
      tokens.push({ kind: 'other', start: i, end: i + 1, text: ch });
      i++;
    }
  }
  return tokens;
}

const isKeyChar = (ch: string): boolean => /[A-Za-z0-9_-]/.test(ch);
/** Characters of a bare word: keys, `true`, and unquoted values such as `segment:materialized`. */
const isBareChar = (ch: string): boolean => /[A-Za-z0-9_\-.:]/.test(ch);
const isKey = (word: string): boolean => /^[A-Za-z_][A-Za-z0-9_-]*$/.test(word);

function wordEnd(text: string, offset: number, lineEnd: number, isChar: (ch: string) => boolean): number {
  let end = offset;
  while (end < lineEnd && isChar(text[end]!)) end++;
  return end;
}

/** The first unescaped `"` at or after `offset` on the line. */
function closingQuote(text: string, offset: number, lineEnd: number): number | undefined {
  for (let i = offset; i < lineEnd; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === '"') return i;
  }
  return undefined;
}

/** Leading whitespace of the line holding `offset`. */
export function lineIndent(text: string, offset: number): string {
  const start = startOfLine(text, offset);
  let end = start;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return text.slice(start, end);
}

function startOfLine(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

function endOfLine(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

function attributeAt(items: readonly ItemSyntax[], offset: number): AttributeSyntax | undefined {
  for (const item of items) if (item.kind === 'attribute' && touches(item.key.span, offset)) return item;
  return undefined;
}

/** Inside a comment: after its first character (a line comment runs to the end of its line). */
function inComment(syntax: SyntaxFile, offset: number): boolean {
  return syntax.comments.some(({ span, text }) => {
    if (offset <= span.start || offset > span.end) return false;
    const closedBlock = text.startsWith('/*') && text.endsWith('*/') && text.length >= 4;
    return !closedBlock || offset < span.end;
  });
}
