import type { GraphModel } from '../model/graph';
import { PROFILE_TYPES, VERSIONS, type BlockKind } from '../model/schema';
import type { BlockSyntax, ItemSyntax, Span, ValueSyntax } from '../syntax/ast';
import type { LineIndex } from '../syntax/lineIndex';
import { blockKindWithLegacy } from './symbols';

/**
 * Semantic tokens: what TextMate cannot know. Entity slugs (declarations and references, including
 * the prefixes inside join strings), relationship slugs, column names inside strings, attribute keys
 * and block keywords, with `deprecated` on legacy forms so editors strike them through:
 * `traits`/`Junction_table`/`entities`/… keywords, the `materialization` key, deprecated
 * `profile.type` and `version` values (`"segment:unmaterialized"`, `"segment:dbt"`, `"v0.0.6"`),
 * unquoted values and labels, and join prefixes that resolved through an entity name or table
 * name instead of a slug.
 */

export const TOKEN_TYPES = ['keyword', 'class', 'interface', 'property', 'variable', 'string'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'deprecated'] as const;

export type TokenType = (typeof TOKEN_TYPES)[number];
export type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

/** The legend to announce in the server's capabilities (indices match the encoding). */
export const SEMANTIC_TOKENS_LEGEND: { tokenTypes: string[]; tokenModifiers: string[] } = {
  tokenTypes: [...TOKEN_TYPES],
  tokenModifiers: [...TOKEN_MODIFIERS],
};

/**
 * What each token type marks:
 * - `keyword`: a block keyword (`data_graph`, `entity`, …, and legacy spellings);
 * - `class`: an entity slug, declared (`entity "x"`, with `declaration`) or referenced
 *   (`related_entity` values, join prefixes);
 * - `interface`: a relationship slug (always a declaration);
 * - `property`: an attribute key;
 * - `variable`: a column name (`primary_key`/`join_key` values, join columns);
 * - `string`: a value worth striking through (deprecated or unquoted); other strings are left to TextMate.
 */
export interface SemanticToken {
  span: Span;
  type: TokenType;
  /** Shared, frozen arrays: do not mutate. */
  modifiers: readonly TokenModifier[];
}

const NONE: readonly TokenModifier[] = Object.freeze([]);
const DECLARATION: readonly TokenModifier[] = Object.freeze(['declaration'] as const);
const DEPRECATED: readonly TokenModifier[] = Object.freeze(['deprecated'] as const);
const DECLARATION_DEPRECATED: readonly TokenModifier[] = Object.freeze(['declaration', 'deprecated'] as const);
const deprecatedIf = (deprecated: boolean) => (deprecated ? DEPRECATED : NONE);

/**
 * The tokens of a file, sorted, non-overlapping and non-empty; with `range`, only those overlapping
 * it. Linear in the file (plus one sort).
 */
export function semanticTokens(model: GraphModel, range?: Span): SemanticToken[] {
  const tokens: SemanticToken[] = [];
  const push = (span: Span, type: TokenType, modifiers: readonly TokenModifier[] = NONE) => {
    if (span.end <= span.start) return;
    if (range && (span.end <= range.start || span.start >= range.end)) return;
    tokens.push({ span, type, modifiers });
  };

  const items = (list: readonly ItemSyntax[], parent: BlockKind | undefined) => {
    for (const item of list) {
      if (range && (item.span.end < range.start || item.span.start > range.end)) continue;
      if (item.kind === 'block') block(item);
      else if (item.kind === 'attribute') {
        push(item.key.span, 'property', deprecatedIf(item.key.text === 'materialization'));
        if (item.value) value(item.value, parent, item.key.text);
      }
    }
  };
  const value = (v: ValueSyntax, parent: BlockKind | undefined, key: string) => {
    if (v.kind === 'unquoted') push(v.span, 'string', DEPRECATED);
    else if (v.kind === 'tuple') for (const element of v.elements) value(element, parent, key);
    else if (v.kind === 'string' && isDeprecatedValue(parent, key, v.value)) push(v.span, 'string', DEPRECATED);
  };
  const block = (b: BlockSyntax) => {
    const kind = blockKindWithLegacy(b.type.text);
    if (kind) push(b.type.span, 'keyword', deprecatedIf(kind !== b.type.text));
    if (kind === 'entity' || kind === 'relationship') {
      const label = b.labels[0];
      if (label) {
        const type = kind === 'entity' ? 'class' : 'interface';
        push(label.quoted ? label.contentSpan : label.span, type, label.quoted ? DECLARATION : DECLARATION_DEPRECATED);
      }
    }
    items(b.items, kind);
  };
  items(model.syntax.items, undefined);

  for (const reference of model.references) {
    const legacy = reference.kind !== 'related_entity' && (reference.via === 'name' || reference.via === 'table');
    push(reference.span, 'class', deprecatedIf(legacy));
  }
  for (const column of model.columns) push(column.span, 'variable');

  tokens.sort((a, b) => a.span.start - b.span.start || b.span.end - a.span.end);
  const out: SemanticToken[] = [];
  let end = -1;
  for (const token of tokens) {
    if (token.span.start < end) continue;
    out.push(token);
    end = token.span.end;
  }
  return out;
}

function isDeprecatedValue(parent: BlockKind | undefined, key: string, value: string): boolean {
  if (parent === 'profile' && key === 'type') return PROFILE_TYPES.some((t) => t.deprecated && t.value === value);
  if (parent === 'data_graph' && key === 'version') return VERSIONS.some((v) => v.deprecated && v.value === value);
  return false;
}

const TYPE_INDEX = new Map<string, number>(TOKEN_TYPES.map((type, i) => [type, i]));
const MODIFIER_BIT = new Map<string, number>(TOKEN_MODIFIERS.map((modifier, i) => [modifier, 1 << i]));

/**
 * LSP's relative encoding: five integers per token (delta line, delta start character, length,
 * type index, modifier bits), in document order. A token crossing a line break is split per line
 * (LSP tokens cannot span lines); overlapping tokens after the first are dropped. Pure.
 */
export function encodeSemanticTokens(
  tokens: readonly SemanticToken[],
  lines: Pick<LineIndex, 'lineStart' | 'lineEnd' | 'lineCount'>,
): number[] {
  const sorted = isSorted(tokens) ? tokens : [...tokens].sort((a, b) => a.span.start - b.span.start);
  const data: number[] = [];
  let line = 0;
  let previousLine = 0;
  let previousChar = 0;
  let lastEnd = -1;
  for (const token of sorted) {
    let start = token.span.start;
    const end = token.span.end;
    if (start < lastEnd || end <= start) continue;
    lastEnd = end;
    const type = TYPE_INDEX.get(token.type) ?? 0;
    let modifiers = 0;
    for (const m of token.modifiers) modifiers |= MODIFIER_BIT.get(m) ?? 0;
    while (line + 1 < lines.lineCount && lines.lineStart(line + 1) <= start) line++;
    for (;;) {
      const lineStart = lines.lineStart(line);
      const segmentEnd = Math.min(end, lines.lineEnd(line));
      if (segmentEnd > start) {
        const char = start - lineStart;
        data.push(line - previousLine, line === previousLine ? char - previousChar : char, segmentEnd - start, type, modifiers);
        previousLine = line;
        previousChar = char;
      }
      if (end <= lines.lineEnd(line) || line + 1 >= lines.lineCount) break;
      line++;
      start = lines.lineStart(line);
      if (start >= end) break;
    }
  }
  return data;
}

function isSorted(tokens: readonly SemanticToken[]): boolean {
  for (let i = 1; i < tokens.length; i++) if (tokens[i]!.span.start < tokens[i - 1]!.span.start) return false;
  return true;
}
