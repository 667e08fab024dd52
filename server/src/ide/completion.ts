import { stringAttr, type EntityModel, type GraphModel, type JunctionModel } from '../model/graph';
import {
  attributeSpec,
  BLOCKS,
  IDENTITY_TYPES,
  MAX_RELATIONSHIP_LEVEL,
  PROFILE_TYPES,
  VERSIONS,
  type AttributeSpec,
  type BlockKind,
  type KnownValue,
} from '../model/schema';
import type { Catalog } from '../catalog/catalog';
import type { BlockSyntax, Span } from '../syntax/ast';
import { encodeStringContent } from '../syntax/convert';
import { dottedPart, profileFolderCandidates, tableRefCandidates, type CatalogCandidate, type DottedPart } from './catalog';
import { columnsOf, type ColumnInfo, type ColumnQuery, type ColumnSource } from './columns';
import { profileFolderOf, warehouseValues, type WarehouseValue } from './profileValues';
import { blockKindFor, completionSite, lineIndent, type KeySite, type StringSite, type ValueSite } from './completionContext';

/** Characters that open completion as they are typed: a string's quote and a join prefix's dot. */
export const TRIGGER_CHARACTERS: readonly string[] = ['"', '.'];

export type CompletionKind =
  | 'keyword'
  | 'property'
  | 'value'
  | 'entity'
  | 'column'
  | 'snippet'
  | 'enum'
  /** Parts of a `table_ref` or `profile_folder`, from the warehouse catalog. */
  | 'database'
  | 'schema'
  | 'table'
  | 'view';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  /** One line next to the label: a type, an entity's name and table, … */
  detail?: string;
  /** Markdown, from the schema's documentation or the graph. */
  documentation?: string;
  /**
   * Replaces `replace`. Multi-line insertions carry their full indentation (relative to the cursor's
   * line already): an editor must insert them as they are, not re-indent them.
   */
  insertText: string;
  /** `insertText` is snippet syntax (`$1`, `${1|true,false|}`). */
  isSnippet: boolean;
  /** The source range the insertion replaces (the word under the cursor; never a string's quotes, except to unquote a bool). */
  replace: Span;
  /** Orders the list (the items come in that order already). */
  sortText?: string;
  deprecated?: boolean;
  /** What the typed text is matched against, when not the label. */
  filterText?: string;
}

export interface CompletionOptions {
  /** Where columns come from, first source first: the warehouse catalog, then `graphColumnSource(model)`. */
  columns: readonly ColumnSource[];
  /** The warehouse catalog, once loaded: `table_ref` and `profile_folder` values complete part by part from it. */
  catalog?: Catalog;
  /** Custom identity types (the `identityTypes` setting and dg.config.json): `external_id.type` offers them. */
  identityTypes?: readonly string[];
  /**
   * One level of indentation for snippets. By default, the step the enclosing block's items are
   * indented by; else a tab when the cursor's line is indented with tabs, else two spaces.
   */
  indentUnit?: string;
}

/**
 * Completion at `offset` of the text `model` was built from: keys and blocks allowed where the cursor
 * is, known values, entity slugs and columns. Works on broken text (half-typed keys, unterminated
 * strings, unclosed blocks). Plain data in and out; cost is linear in the entities offered.
 */
export function complete(model: GraphModel, offset: number, options: CompletionOptions): CompletionItem[] {
  const site = completionSite(model.syntax, offset);
  if (!site) return [];
  const items = site.kind === 'key' ? keyItems(model, site, options) : valueItems(model, site, options);
  // The items are fresh objects: number them in place (lists can hold thousands of entities).
  const width = Math.max(5, String(items.length).length);
  for (let i = 0; i < items.length; i++) items[i]!.sortText = String(i).padStart(width, '0');
  return items;
}

// --- keys and blocks ---------------------------------------------------------------------------------

function keyItems(model: GraphModel, site: KeySite, options: CompletionOptions): CompletionItem[] {
  if (site.unknownBlock) return [];
  const unit = options.indentUnit ?? indentUnit(model.syntax.text, site);
  const snippet = (kind: BlockKind, level = 0) => blockItem(kind, site, unit, level);
  const container = site.path[site.path.length - 1];
  if (!container || !site.block) {
    return model.dataGraphs.length === 0 ? [snippet('data_graph')] : [];
  }

  // What the block already has, leaving out the word being typed.
  const typing = (span: Span) => span.start === site.replace.start;
  const keys = new Set<string>();
  const blocks = new Set<BlockKind>();
  for (const item of container.items) {
    if (item.kind === 'attribute' && !typing(item.key.span)) keys.add(item.key.text);
    if (item.kind === 'block' && !typing(item.type.span)) {
      const kind = blockKindFor(item.type.text);
      if (kind) blocks.add(kind);
    }
  }
  const spec = BLOCKS[site.block];
  const attr = (a: AttributeSpec) => (keys.has(a.name) ? [] : [attributeItem(a, site)]);
  const required = spec.attributes.filter((a) => a.required && a.name !== 'join_on').flatMap(attr);
  const optional = spec.attributes.filter((a) => !a.required && a.name !== 'join_on').flatMap(attr);

  switch (site.block) {
    case 'data_graph': {
      const profile = blocks.has('profile') || model.profiles.length > 0 ? [] : [snippet('profile')];
      return [...required, ...optional, snippet('entity'), ...profile];
    }
    case 'profile':
      return [...required, ...optional, snippet('relationship', 1)];
    case 'relationship': {
      const level = site.path.filter((b) => blockKindFor(b.type.text) === 'relationship').length;
      const linked = blocks.has('external_id') || blocks.has('trait') || blocks.has('junction_table') || keys.has('join_on');
      const links: CompletionItem[] = [];
      if (!linked && level === 1) links.push(snippet('external_id'), snippet('trait'));
      if (!linked && level > 1) links.push(attributeItem(attributeSpec('relationship', 'join_on')!, site), snippet('junction_table'));
      const nested = level < MAX_RELATIONSHIP_LEVEL ? [snippet('relationship', level + 1)] : [];
      return [...required, ...links, ...optional, ...nested];
    }
    default:
      return [...required, ...optional];
  }
}

/** The file's indentation step, read from the enclosing blocks: an item's indent past its block's. */
function indentUnit(text: string, site: KeySite): string {
  for (let i = site.path.length - 1; i >= 0; i--) {
    const block = site.path[i]!;
    const item = block.items.find((it) => it.span.start !== site.replace.start);
    if (!item) continue;
    const outer = lineIndent(text, block.span.start);
    const inner = lineIndent(text, item.span.start);
    if (inner.length > outer.length && inner.startsWith(outer)) return inner.slice(outer.length);
  }
  return site.indent.includes('\t') ? '\t' : '  ';
}

function attributeItem(spec: AttributeSpec, site: KeySite): CompletionItem {
  const value = spec.type === 'bool' ? '${1|true,false|}' : '"$1"';
  return {
    label: spec.name,
    kind: 'property',
    detail: `${spec.type}, ${spec.required ? 'required' : 'optional'}`,
    documentation: spec.doc,
    insertText: site.bare ? spec.name : `${spec.name} = ${value}`,
    isSnippet: !site.bare,
    replace: site.replace,
  };
}

/** A block keyword; the snippet lays out the required keys as tab stops, indented from the cursor's line. */
function blockItem(kind: BlockKind, site: KeySite, unit: string, level: number): CompletionItem {
  const spec = BLOCKS[kind];
  const required = spec.attributes.filter((a) => a.required);
  const header = `${kind}${spec.labels ? ' "<slug>"' : ''} {${required.length ? ` ${required.map((a) => a.name).join(', ')} ` : ' '}}`;
  return {
    label: kind,
    kind: 'keyword',
    detail: level > 0 ? `${header} (level ${level})` : header,
    documentation: spec.labelDoc ? `${spec.doc}\n\n${spec.labelDoc}` : spec.doc,
    insertText: site.bare ? kind : blockSnippet(kind, site.indent, unit),
    isSnippet: !site.bare,
    replace: site.replace,
  };
}

function blockSnippet(kind: BlockKind, indent: string, unit: string): string {
  const spec = BLOCKS[kind];
  let stop = 1;
  const lines = [spec.labels ? `${kind} "$${stop++}" {` : `${kind} {`];
  for (const a of spec.attributes) {
    if (!a.required) continue;
    lines.push(`${indent}${unit}${a.name} = ${a.type === 'bool' ? `\${${stop++}|true,false|}` : `"$${stop++}"`}`);
  }
  // Blocks that hold other blocks get a line for them, where the cursor ends.
  if (spec.blocks.length > 0) lines.push(`${indent}${unit}$0`);
  lines.push(`${indent}}`);
  return lines.join('\n');
}

// --- values ---------------------------------------------------------------------------------------------

type ValueLikeSite = ValueSite | StringSite;

function valueItems(model: GraphModel, site: ValueLikeSite, options: CompletionOptions): CompletionItem[] {
  const block = site.block;
  if (!block || site.unknownBlock) return [];
  const spec = attributeSpec(block, site.key);
  if (!spec) return [];
  if (spec.type === 'bool') return boolItems(site);
  switch (`${block}.${site.key}`) {
    case 'data_graph.version':
      return knownItems(VERSIONS, site);
    case 'profile.type':
      return knownItems(PROFILE_TYPES, site);
    case 'external_id.type':
      return identityTypeItems(site, options);
    case 'trait.name':
      return warehouseItems(warehouseValues(options.catalog, profileFolderOf(site.path), 'trait'), site);
    case 'relationship.related_entity':
      return entityItems(model, site, plainReplace(site), []);
    case 'relationship.join_on':
    case 'junction_table.left_join_on':
    case 'junction_table.right_join_on':
      return joinItems(model, site, options);
    case 'entity.table_ref':
    case 'junction_table.table_ref':
      return options.catalog ? catalogItems(model, site, (part) => tableRefCandidates(options.catalog!, part), 3) : [];
    case 'profile.profile_folder': {
      const catalog = options.catalog;
      if (!catalog) return [];
      const type = stringAttr(site.path[site.path.length - 1]!, 'type')?.value;
      const whole = site.kind === 'value' || !model.syntax.text.slice(site.content.start, site.content.end).includes('.');
      return catalogItems(model, site, (part) => profileFolderCandidates(catalog, part, type, whole), 2);
    }
  }
  if (spec.isColumn) {
    const query = columnQuery(model, site);
    return query ? columnItems(columnsOf(options.columns, { ...query, editing: plainReplace(site) }), query, site, plainReplace(site)) : [];
  }
  return [];
}

/** The range a whole value replaces: the string's content, or the bare word after `=`. */
const plainReplace = (site: ValueLikeSite): Span => (site.kind === 'string' ? site.content : site.replace);

/** Text for a string value: bare inside quotes, quoted after `=`. */
const quoted = (site: ValueLikeSite, value: string): string => (site.kind === 'string' ? value : `"${value}"`);

/**
 * Identity types: those the warehouse's profiles have (most frequent first), then the standard ones,
 * then the custom ones of the `identityTypes` setting.
 */
function identityTypeItems(site: ValueLikeSite, options: CompletionOptions): CompletionItem[] {
  const seen = warehouseValues(options.catalog, profileFolderOf(site.path), 'external_id');
  const standard = new Map(IDENTITY_TYPES.map((known) => [known.value, known]));
  const items = warehouseItems(seen, site, standard);
  const listed = new Set(seen.map((v) => v.value));
  items.push(...knownItems(IDENTITY_TYPES.filter((known) => !listed.has(known.value)), site));
  for (const known of IDENTITY_TYPES) listed.add(known.value);
  const custom = (options.identityTypes ?? []).filter((type) => !listed.has(type));
  items.push(...custom.map((type) => valueItem(type, site, 'custom identity type', 'A custom identity type of your space (from the `identityTypes` setting).')));
  return items;
}

/** Values the warehouse has, with where they were seen (and a standard value's documentation). */
function warehouseItems(values: readonly WarehouseValue[], site: ValueLikeSite, known?: ReadonlyMap<string, KnownValue>): CompletionItem[] {
  return values.map((v) => {
    const doc = known?.get(v.value)?.doc;
    return valueItem(v.value, site, v.detail, doc ? `${doc}\n\n${v.documentation}` : v.documentation);
  });
}

function valueItem(value: string, site: ValueLikeSite, detail: string, documentation: string): CompletionItem {
  return {
    label: value,
    kind: 'value',
    detail,
    documentation,
    insertText: site.kind === 'string' ? encodeStringContent(value) : `"${encodeStringContent(value)}"`,
    isSnippet: false,
    replace: plainReplace(site),
    ...(site.kind === 'value' ? { filterText: value } : {}),
  };
}

function boolItems(site: ValueLikeSite): CompletionItem[] {
  return ['true', 'false'].map((value) => ({
    label: value,
    kind: 'value' as const,
    insertText: value,
    isSnippet: false,
    // A quoted bool is a mistake: replace the quotes too.
    replace: site.kind === 'string' ? site.string : site.replace,
    ...(site.kind === 'string' ? { filterText: `"${value}"` } : {}),
  }));
}

function knownItems(values: readonly KnownValue[], site: ValueLikeSite): CompletionItem[] {
  return values.map((known) => ({
    label: known.value,
    kind: 'enum' as const,
    detail: known.deprecated ? 'legacy' : undefined,
    documentation: known.doc,
    insertText: quoted(site, known.value),
    isSnippet: false,
    replace: plainReplace(site),
    ...(known.deprecated ? { deprecated: true } : {}),
    ...(site.kind === 'value' ? { filterText: known.value } : {}),
  }));
}

/**
 * Entity slugs, `first` ones first, then in declaration order. `openEnded`: after `=` with no quote in
 * a join string, the cursor stays inside the inserted quotes (the column comes next).
 */
function entityItems(model: GraphModel, site: ValueLikeSite, replace: Span, first: (EntityModel | undefined)[], openEnded = false): CompletionItem[] {
  const { entities } = indexOf(model);
  const firstSlugs = new Set(first.filter((e): e is EntityModel => e !== undefined).map((e) => e.slug));
  const inString = site.kind === 'string';
  const item = (e: EntityEntry): CompletionItem => {
    const out: CompletionItem = {
      label: e.slug,
      kind: 'entity',
      detail: e.detail,
      documentation: e.documentation,
      insertText: inString ? e.slug : openEnded ? `"${escapeSnippet(e.slug)}$0"` : `"${e.slug}"`,
      isSnippet: !inString && openEnded,
      replace,
    };
    if (!inString) out.filterText = e.slug;
    return out;
  };
  const items: CompletionItem[] = [];
  for (const e of entities) if (firstSlugs.has(e.slug)) items.push(item(e));
  for (const e of entities) if (!firstSlugs.has(e.slug)) items.push(item(e));
  return items;
}

/** Text that stands for itself inside a snippet (`$`, `}` and `\\` are snippet syntax). */
function escapeSnippet(text: string): string {
  return text.replace(/[\\$}]/g, '\\$&');
}

function columnItems(
  columns: readonly ColumnInfo[],
  query: ColumnQuery,
  site: ValueLikeSite,
  replace: Span,
  openEnded = false,
): CompletionItem[] {
  const table = query.tableRef ?? query.entity?.tableRef?.value ?? query.junction?.tableRef?.value;
  return columns.map((column) => ({
    label: column.name,
    kind: 'column' as const,
    detail: [column.type, column.nullable === false ? 'not null' : undefined, table].filter(Boolean).join(' · ') || undefined,
    documentation: [table ? `Column of \`${table}\`.` : undefined, column.doc].filter(Boolean).join('\n\n') || undefined,
    insertText: site.kind === 'string' ? column.name : openEnded ? `"${escapeSnippet(column.name)}$0"` : `"${column.name}"`,
    isSnippet: site.kind !== 'string' && openEnded,
    replace,
    ...(site.kind === 'value' ? { filterText: column.name } : {}),
  }));
}

// --- warehouse names (table_ref, profile_folder) ------------------------------------------------------

/**
 * Catalog names for the dotted part under the cursor, each replacing only that part (a whole-value
 * candidate replaces the string's content). After `=` with no quote yet, the first part opens the
 * string and the cursor stays inside it.
 */
function catalogItems(
  model: GraphModel,
  site: ValueLikeSite,
  candidates: (part: DottedPart) => readonly CatalogCandidate[],
  levels: 2 | 3,
): CompletionItem[] {
  if (site.kind === 'value') {
    const part: DottedPart = { index: 0, before: [], replace: site.replace, typed: '' };
    return candidates(part).map((c) => catalogItem(c, `"${escapeSnippet(encodeStringContent(c.text))}$0"`, true, site.replace, c.text));
  }
  const content = model.syntax.text.slice(site.content.start, site.content.end);
  const part = dottedPart(content, site.content.start, site.offset, levels);
  return candidates(part).map((c) => catalogItem(c, encodeStringContent(c.text), false, c.whole ? site.content : part.replace, undefined));
}

/** One item, built with the same shape every time (lists can hold tens of thousands of tables). */
function catalogItem(candidate: CatalogCandidate, insertText: string, isSnippet: boolean, replace: Span, filterText: string | undefined): CompletionItem {
  const item: CompletionItem = {
    label: candidate.label,
    kind: candidate.kind,
    detail: candidate.detail,
    documentation: candidate.documentation,
    insertText,
    isSnippet,
    replace,
    sortText: undefined,
  };
  if (filterText !== undefined) item.filterText = filterText;
  return item;
}


// --- join strings -------------------------------------------------------------------------------------

/**
 * Inside `join_on`, `left_join_on` or `right_join_on`: entity slugs before a dot, the columns of the
 * prefix's entity after it, the junction's columns on a junction side (bare columns).
 */
function joinItems(model: GraphModel, site: ValueLikeSite, options: CompletionOptions): CompletionItem[] {
  const path = site.path;
  const junctionBlock = site.block === 'junction_table' ? path[path.length - 1] : undefined;
  const relationshipAt = junctionBlock ? path.length - 2 : path.length - 1;
  const own = relatedEntity(model, path[relationshipAt]);
  const parent = relatedEntity(model, parentRelationship(path, relationshipAt));

  if (site.kind === 'value') {
    // No quote yet: the left operand opens the string, and the cursor stays inside it.
    if (site.key === 'right_join_on' && junctionBlock) {
      const query = junctionQuery(model, junctionBlock);
      return columnItems(columnsOf(options.columns, { ...query, editing: site.replace }), query, site, site.replace, true);
    }
    return entityItems(model, site, site.replace, [parent], true);
  }

  const text = model.syntax.text;
  const content = text.slice(site.content.start, site.content.end);
  const at = site.offset - site.content.start;
  const equals = content.indexOf('=');
  const side: 'left' | 'right' = equals < 0 || at <= equals ? 'left' : 'right';
  const separator = (ch: string | undefined) => ch === undefined || ch === '=' || /\s/.test(ch);
  let start = at;
  while (start > 0 && !separator(content[start - 1])) start--;
  let end = at;
  while (end < content.length && !separator(content[end])) end++;
  const source = (i: number) => site.content.start + i;

  const junctionSide = junctionBlock !== undefined && (site.key === 'left_join_on' ? side === 'right' : side === 'left');
  const dot = content.lastIndexOf('.', at - 1);
  const hasPrefix = dot >= start && dot < at;
  if (junctionSide) {
    const replace = { start: source(hasPrefix ? dot + 1 : start), end: source(end) };
    const query = junctionQuery(model, junctionBlock);
    return columnItems(columnsOf(options.columns, { ...query, editing: replace }), query, site, replace);
  }
  if (hasPrefix) {
    const entity = entityForPrefix(model, content.slice(start, dot));
    if (!entity) return [];
    const replace = { start: source(dot + 1), end: source(end) };
    const query: ColumnQuery = { tableRef: entity.tableRef?.value, entity };
    return columnItems(columnsOf(options.columns, { ...query, editing: replace }), query, site, replace);
  }
  const nextDot = content.indexOf('.', at);
  const replace = { start: source(start), end: source(nextDot >= 0 && nextDot < end ? nextDot : end) };
  return entityItems(model, site, replace, [side === 'left' ? parent : own]);
}

// --- the graph around the cursor -------------------------------------------------------------------

/** The table whose columns a column attribute (`primary_key`, `join_key`) names. */
function columnQuery(model: GraphModel, site: ValueLikeSite): ColumnQuery | undefined {
  const path = site.path;
  const block = path[path.length - 1]!;
  switch (site.block) {
    case 'entity': {
      const entity = model.entitiesBySlug.get(block.labels[0]?.value ?? '')?.find((e) => e.block === block);
      return { tableRef: stringAttr(block, 'table_ref')?.value, entity };
    }
    case 'junction_table':
      return junctionQuery(model, block);
    case 'external_id':
    case 'trait': {
      const entity = relatedEntity(model, path[path.length - 2]);
      return entity && { tableRef: entity.tableRef?.value, entity };
    }
    default:
      return undefined;
  }
}

function junctionQuery(model: GraphModel, block: BlockSyntax): ColumnQuery {
  return { tableRef: stringAttr(block, 'table_ref')?.value, junction: indexOf(model).junctions.get(block) };
}

/** The entity a relationship block's `related_entity` names. */
function relatedEntity(model: GraphModel, block: BlockSyntax | undefined): EntityModel | undefined {
  if (!block || blockKindFor(block.type.text) !== 'relationship') return undefined;
  const slug = stringAttr(block, 'related_entity')?.value;
  return slug === undefined ? undefined : model.entitiesBySlug.get(slug)?.[0];
}

/** The relationship enclosing the one at `path[at]`. */
function parentRelationship(path: readonly BlockSyntax[], at: number): BlockSyntax | undefined {
  for (let i = at - 1; i >= 0; i--) if (blockKindFor(path[i]!.type.text) === 'relationship') return path[i];
  return undefined;
}

/** A join prefix's entity: by slug, else (legacy) by entity name or table name. */
function entityForPrefix(model: GraphModel, prefix: string): EntityModel | undefined {
  const bySlug = model.entitiesBySlug.get(prefix)?.[0];
  if (bySlug) return bySlug;
  const key = prefix.toLowerCase();
  const index = indexOf(model);
  return index.byName().get(key) ?? index.byTable().get(key);
}

interface EntityEntry {
  slug: string;
  detail?: string;
  documentation?: string;
}

interface ModelIndex {
  /** One entry per slug (the first entity declaring it), in declaration order. */
  entities: EntityEntry[];
  junctions: Map<BlockSyntax, JunctionModel>;
  byName(): Map<string, EntityModel>;
  byTable(): Map<string, EntityModel>;
}

const indexes = new WeakMap<GraphModel, ModelIndex>();

/** Per-model lookups, built on first use and kept as long as the model. */
function indexOf(model: GraphModel): ModelIndex {
  let index = indexes.get(model);
  if (index) return index;
  const entities: EntityEntry[] = [];
  for (const [slug, list] of model.entitiesBySlug) {
    const entity = list[0]!;
    if (!slug) continue;
    const name = entity.name?.value;
    const table = entity.tableRef?.value;
    const docs = [name ? `**${name}**` : undefined, table ? `Table \`${table}\`` : undefined, entity.description?.value];
    entities.push({
      slug,
      detail: [name, table].filter(Boolean).join(' · ') || undefined,
      documentation: docs.filter(Boolean).join('\n\n') || undefined,
    });
  }
  const junctions = new Map<BlockSyntax, JunctionModel>();
  for (const relationship of model.relationships) for (const junction of relationship.junctions) junctions.set(junction.block, junction);
  let byName: Map<string, EntityModel> | undefined;
  let byTable: Map<string, EntityModel> | undefined;
  index = {
    entities,
    junctions,
    byName: () => (byName ??= uniqueBy(model.entities, (e) => [e.name?.value])),
    byTable: () =>
      (byTable ??= uniqueBy(model.entities, (e) => {
        const parts = e.tableRef?.parts ?? [];
        return [e.tableRef?.value, parts.length > 1 ? parts[parts.length - 1] : undefined];
      })),
  };
  indexes.set(model, index);
  return index;
}

/** Entities by lower-cased key, leaving out keys more than one entity has. */
function uniqueBy(entities: readonly EntityModel[], keys: (e: EntityModel) => (string | undefined)[]): Map<string, EntityModel> {
  const map = new Map<string, EntityModel | null>();
  for (const entity of entities) {
    for (const key of keys(entity)) {
      if (!key) continue;
      const k = key.toLowerCase();
      map.set(k, map.has(k) && map.get(k) !== entity ? null : entity);
    }
  }
  const out = new Map<string, EntityModel>();
  for (const [k, v] of map) if (v) out.set(k, v);
  return out;
}

// Re-exported for callers that build the default column sources.
export { graphColumnSource, type ColumnInfo, type ColumnQuery, type ColumnSource } from './columns';
