import type { Analysis } from '../checks/analyze';
import type { EntityModel, RelationshipModel } from '../model/graph';
import { stringAttr } from '../model/graph';
import { blockKindOf, LEGACY_BLOCK_NAMES, type BlockKind } from '../model/schema';
import type { BlockSyntax, ItemSyntax, Span, SyntaxFile } from '../syntax/ast';

/**
 * Document and workspace symbols. The outline mirrors the file: entities (classes, detail the
 * `table_ref`), the profile (a module, detail the `profile_folder`) and its relationship tree as
 * written (fields, detail the `related_entity`). The single `data_graph` block is flattened away
 * (every outline entry would sit under it); with several `data_graph` blocks (DG100) each one is
 * kept as a namespace so the outline still shows which block holds what. Attributes and link blocks
 * (`external_id`, `trait`, `junction_table`) are left out: they would drown the outline of a big graph.
 */

/** Symbol kinds used here; the LSP adapter maps them to `SymbolKind` numbers. */
export type DgSymbolKind = 'namespace' | 'module' | 'class' | 'field';

export interface DocumentSymbol {
  /** Never empty (VS Code rejects empty names): a missing slug reads `entity (no slug)`. */
  name: string;
  detail?: string;
  kind: DgSymbolKind;
  /** The whole block. */
  span: Span;
  /** The slug between the quotes, or the block keyword when there is no label; inside `span`. */
  selectionSpan: Span;
  /** Written with a legacy keyword (`entities`, `relationships`). */
  deprecated?: boolean;
  children: DocumentSymbol[];
}

/** The outline of one file. Reads syntax views only, so blocks outside `data_graph` show too. */
export function documentSymbols(syntax: SyntaxFile): DocumentSymbol[] {
  const roots = syntax.items.filter((item): item is BlockSyntax => item.kind === 'block' && item.type.text === 'data_graph');
  const flatten = roots.length === 1;
  const out: DocumentSymbol[] = [];
  for (const item of syntax.items) {
    if (item.kind !== 'block') continue;
    if (flatten && item === roots[0]) out.push(...symbolsOf(item.items));
    else {
      const symbol = blockSymbol(item);
      if (symbol) out.push(symbol);
    }
  }
  return out;
}

function symbolsOf(items: readonly ItemSyntax[]): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const item of items) {
    if (item.kind !== 'block') continue;
    const symbol = blockSymbol(item);
    if (symbol) out.push(symbol);
  }
  return out;
}

/** `traits` reads as `trait`, `entities` as `entity`, …; undefined for an unknown keyword. */
export function blockKindWithLegacy(type: string): BlockKind | undefined {
  return blockKindOf(type) ?? LEGACY_BLOCK_NAMES[type];
}

function blockSymbol(block: BlockSyntax): DocumentSymbol | undefined {
  const kind = blockKindWithLegacy(block.type.text);
  const deprecated = kind !== undefined && kind !== block.type.text ? { deprecated: true } : {};
  const label = block.labels[0];
  const selectionSpan = label ? label.contentSpan : block.type.span;
  const named = (fallback: string) => (label && label.value.trim() ? label.value : `${block.type.text || fallback} (no slug)`);
  switch (kind) {
    case 'data_graph':
      return { name: 'data_graph', kind: 'namespace', span: block.span, selectionSpan: block.type.span, children: symbolsOf(block.items) };
    case 'entity':
      return {
        name: named('entity'),
        ...detail(stringAttr(block, 'table_ref')?.value),
        kind: 'class',
        span: block.span,
        selectionSpan,
        ...deprecated,
        // Normally none; with a missing `}` the blocks after it parse inside, and show there.
        children: symbolsOf(block.items),
      };
    case 'profile':
      return {
        name: 'profile',
        ...detail(stringAttr(block, 'profile_folder')?.value),
        kind: 'module',
        span: block.span,
        selectionSpan: block.type.span,
        children: symbolsOf(block.items),
      };
    case 'relationship':
      return {
        name: named('relationship'),
        ...detail(stringAttr(block, 'related_entity')?.value),
        kind: 'field',
        span: block.span,
        selectionSpan,
        ...deprecated,
        children: symbolsOf(block.items),
      };
    default:
      return undefined;
  }
}

const detail = (value: string | undefined) => (value?.trim() ? { detail: value } : {});

// ---------------------------------------------------------------------------------------------------
// Workspace symbols

export interface WorkspaceSymbol {
  name: string;
  kind: 'class' | 'field';
  uri: string;
  /** The whole block. */
  span: Span;
  /** The slug between the quotes (where to put the cursor). */
  selectionSpan: Span;
  /** Relationships: the parent relationship's slug, or `profile` for level 1. Entities: none. */
  containerName?: string;
  /** The entity's `table_ref`, or the relationship's `related_entity`. */
  detail?: string;
}

export interface WorkspaceSymbolOptions {
  /** At most this many results (best matches first); default unlimited. */
  limit?: number;
}

/**
 * Entities and relationships of every document whose slug (or display `name`) contains the query's
 * characters in order, case-insensitively. Best first: exact, then prefix, then substring, then
 * subsequence (slug matches before `name` matches); file order within a rank.
 */
export function workspaceSymbols(
  query: string,
  documents: readonly { uri: string; analysis: Analysis }[],
  options: WorkspaceSymbolOptions = {},
): WorkspaceSymbol[] {
  const needle = query.trim().toLowerCase();
  const ranked: { rank: number; order: number; symbol: WorkspaceSymbol }[] = [];
  let order = 0;
  const consider = (symbol: WorkspaceSymbol, displayName: string | undefined) => {
    const bySlug = matchRank(needle, symbol.name.toLowerCase());
    const byName = displayName === undefined ? undefined : matchRank(needle, displayName.toLowerCase());
    const rank = bySlug ?? (byName === undefined ? undefined : byName + 4);
    if (rank !== undefined) ranked.push({ rank, order: order++, symbol });
  };
  for (const { uri, analysis } of documents) {
    for (const entity of analysis.model.entities) {
      const symbol = entitySymbol(uri, entity);
      if (symbol) consider(symbol, entity.name?.value);
    }
    for (const relationship of analysis.model.relationships) {
      const symbol = relationshipSymbol(uri, relationship);
      if (symbol) consider(symbol, relationship.name?.value);
    }
  }
  ranked.sort((a, b) => a.rank - b.rank || a.order - b.order);
  const limited = options.limit === undefined ? ranked : ranked.slice(0, Math.max(0, options.limit));
  return limited.map((r) => r.symbol);
}

function entitySymbol(uri: string, entity: EntityModel): WorkspaceSymbol | undefined {
  if (!entity.label || !entity.slug.trim()) return undefined;
  return {
    name: entity.slug,
    kind: 'class',
    uri,
    span: entity.block.span,
    selectionSpan: entity.label.contentSpan,
    ...detail(entity.tableRef?.value),
  };
}

function relationshipSymbol(uri: string, relationship: RelationshipModel): WorkspaceSymbol | undefined {
  if (!relationship.label || !relationship.slug.trim()) return undefined;
  return {
    name: relationship.slug,
    kind: 'field',
    uri,
    span: relationship.block.span,
    selectionSpan: relationship.label.contentSpan,
    containerName: relationship.parent ? relationship.parent.slug || undefined : 'profile',
    ...detail(relationship.relatedEntity?.value),
  };
}

/**
 * 0 exact, 1 prefix, 2 substring, 3 subsequence; undefined when `needle`'s characters do not occur
 * in `haystack` in order. An empty needle matches everything (rank 0). Both are lower-cased.
 */
export function matchRank(needle: string, haystack: string): number | undefined {
  if (!needle) return 0;
  if (haystack === needle) return 0;
  if (haystack.startsWith(needle)) return 1;
  if (haystack.includes(needle)) return 2;
  let i = 0;
  for (let j = 0; j < haystack.length && i < needle.length; j++) {
    if (haystack[j] === needle[i]) i++;
  }
  return i === needle.length ? 3 : undefined;
}
