import type { Catalog, CatalogColumn, CatalogSchema, CatalogTable, TableKind } from '../catalog/catalog';
import { PROFILES_SYNC_TABLES } from '../model/schema';
import type { Span } from '../syntax/ast';

/**
 * What completion and hover read from the warehouse catalog, as plain data: the parts of a `table_ref`
 * (databases → schemas → tables and views) and of a `profile_folder` (databases → schemas, Profiles
 * Sync folders first), a column's type and nullability, and a table's card. The catalog is already in
 * memory (no IO here); every function answers nothing without one.
 */

/** The part of a dotted name the cursor is in, read from the string's raw content. */
export interface DottedPart {
  /** 0: the database; 1: the schema; 2: the table. */
  index: number;
  /** The database and schema written before the part (as many as `index` says). */
  before: string[];
  /** The source range of the part under the cursor (between its dots). */
  replace: Span;
  /** The text of the part before the cursor. */
  typed: string;
}

/**
 * Which part of `content` (a string's raw text starting at source offset `start`) holds `cursor`, for a
 * name of `levels` parts. Split from the right, as the model does: in `my.project.schema.table` the
 * database is `my.project`.
 */
export function dottedPart(content: string, start: number, cursor: number, levels: 2 | 3): DottedPart {
  const at = cursor - start;
  const head = content.slice(0, at);
  const dot = head.lastIndexOf('.');
  const next = content.indexOf('.', at);
  const replace = { start: start + dot + 1, end: start + (next < 0 ? content.length : next) };
  const typed = head.slice(dot + 1);
  if (dot < 0) return { index: 0, before: [], replace, typed };
  const prefix = head.slice(0, dot);
  if (levels === 2) return { index: 1, before: [prefix], replace, typed };
  const split = prefix.lastIndexOf('.');
  if (split < 0) return { index: 1, before: [prefix], replace, typed };
  return { index: 2, before: [prefix.slice(0, split), prefix.slice(split + 1)], replace, typed };
}

export type CatalogItemKind = 'database' | 'schema' | 'table' | 'view';

/** A completion candidate from the catalog (completion.ts turns it into an item). */
export interface CatalogCandidate {
  label: string;
  /** The text to insert (the name, or a whole `db.schema` for a profile folder). */
  text: string;
  kind: CatalogItemKind;
  detail: string;
  documentation?: string;
  /** Replaces the whole value rather than the part under the cursor. */
  whole?: boolean;
}

const KIND_NAMES: Record<TableKind, string> = { table: 'table', view: 'view', materialized_view: 'materialized view' };
const KIND_TITLES: Record<TableKind, string> = { table: 'Table', view: 'View', materialized_view: 'Materialized view' };

/** `3 tables`, `1,204 columns` (Intl only for large numbers: it is slow, and lists hold thousands). */
const plural = (n: number, word: string) => `${n < 1000 ? String(n) : n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** `table_ref` candidates for the part under the cursor: databases, then a database's schemas, then a schema's tables and views. */
export function tableRefCandidates(catalog: Catalog, part: DottedPart): readonly CatalogCandidate[] {
  if (part.index === 0) return databaseCandidates(catalog);
  if (part.index === 1) {
    return catalog.listSchemas(part.before[0]!).map((schema) => ({
      label: schema.name,
      text: schema.name,
      kind: 'schema' as const,
      detail: `schema · ${plural(schema.tables.length, 'table')}`,
    }));
  }
  const [database, schema] = part.before as [string, string];
  const found = catalog.schema(database, schema);
  if (!found) return [];
  let candidates = tableCandidates.get(found);
  if (!candidates) {
    const db = catalog.database(database)!.name;
    const origin = escapeMarkdown(catalog.origin);
    candidates = found.tables.map((table) => tableCandidate(origin, `${db}.${found.name}`, table));
    tableCandidates.set(found, candidates);
  }
  return candidates;
}

/** A schema's table candidates, built on first use (catalogs are immutable; a schema may hold thousands). */
const tableCandidates = new WeakMap<CatalogSchema, readonly CatalogCandidate[]>();

function tableCandidate(origin: string, schemaRef: string, table: CatalogTable): CatalogCandidate {
  const where = `${KIND_TITLES[table.kind]} \`${schemaRef}.${table.name}\` (${origin}).`;
  return {
    label: table.name,
    text: table.name,
    kind: table.kind === 'table' ? 'table' : 'view',
    detail: `${KIND_NAMES[table.kind]} · ${plural(table.columns.length, 'column')}`,
    documentation: table.comment ? `${escapeMarkdown(table.comment)}\n\n${where}` : where,
  };
}

function databaseCandidates(catalog: Catalog): CatalogCandidate[] {
  return catalog.listDatabases().map((database) => ({
    label: database.name,
    text: database.name,
    kind: 'database' as const,
    detail: `database · ${plural(database.schemas.length, 'schema')}`,
  }));
}

/**
 * `profile_folder` candidates: at the first part, the schemas holding Profiles Sync tables as whole
 * `db.schema` values (those holding `profileType`'s tables first), then the databases; at the second,
 * the database's schemas, Profiles Sync folders first.
 */
export function profileFolderCandidates(catalog: Catalog, part: DottedPart, profileType: string | undefined, wholeValue: boolean): CatalogCandidate[] {
  const wanted = profileType !== undefined && Object.hasOwn(PROFILES_SYNC_TABLES, profileType) ? profileType : undefined;
  const folders = [...catalog.profileFolders()];
  // Stable: folders holding this profile type's tables first, otherwise most tables first (as listed).
  if (wanted) folders.sort((a, b) => Number(!!b.holds[wanted]) - Number(!!a.holds[wanted]));
  const folderDetail = (holds: Record<string, string[]>) =>
    `Profiles Sync · ${Object.values(holds)
      .flat()
      .join(', ')}`;
  const folderDoc = (ref: string, holds: Record<string, string[]>) =>
    [
      `Schema \`${ref}\` holds Profiles Sync tables:`,
      ...Object.entries(holds).map(([type, tables]) => `- \`${type}\`: ${tables.map((t) => `\`${t}\``).join(', ')}`),
    ].join('\n');

  if (part.index === 0) {
    const whole = wholeValue
      ? folders.map((folder) => ({
          label: folder.ref,
          text: folder.ref,
          kind: 'schema' as const,
          detail: folderDetail(folder.holds),
          documentation: folderDoc(folder.ref, folder.holds),
          whole: true,
        }))
      : [];
    return [...whole, ...databaseCandidates(catalog)];
  }
  const database = catalog.database(part.before[0]!);
  if (!database) return [];
  const ranked = folders.filter((f) => f.database === database.name);
  const rank = new Map(ranked.map((f, i) => [f.schema, i]));
  const schemas = [...database.schemas].sort((a, b) => (rank.get(a.name) ?? Infinity) - (rank.get(b.name) ?? Infinity));
  return schemas.map((schema) => {
    const folder = ranked[rank.get(schema.name) ?? -1];
    return folder
      ? { label: schema.name, text: schema.name, kind: 'schema' as const, detail: folderDetail(folder.holds), documentation: folderDoc(folder.ref, folder.holds) }
      : { label: schema.name, text: schema.name, kind: 'schema' as const, detail: `schema · ${plural(schema.tables.length, 'table')}` };
  });
}

// --- hover --------------------------------------------------------------------------------------

/** Hover lines for a column of the table `tableRef` names: its type and nullability, or that it is missing. */
export function columnFacts(catalog: Catalog, tableRef: string, name: string): string | undefined {
  const match = catalog.findTable(tableRef);
  if (!match) return undefined;
  const column = catalog.column(match.table, name);
  if (!column) {
    return `⚠ ${KIND_NAMES[match.table.kind]} \`${match.ref}\` has no column \`${name}\` in the warehouse catalog (${escapeMarkdown(catalog.origin)}).`;
  }
  const facts = [`\`${column.type || 'unknown type'}\``, nullability(column)].filter(Boolean).join(' · ');
  const spelled = column.name === name ? '' : ` (stored as \`${column.name}\`)`;
  return [`${facts}${spelled}`, column.comment && escapeMarkdown(column.comment)].filter(Boolean).join('\n\n');
}

/** The most columns a table card lists. */
export const CARD_COLUMNS = 50;

/** A table's card: kind, stored name, comment, and its columns with types and nullability. */
export function tableCard(catalog: Catalog, tableRef: string): string | undefined {
  const match = catalog.findTable(tableRef);
  if (!match) return undefined;
  const { table } = match;
  const head = `**${KIND_NAMES[table.kind]}** \`${match.ref}\`${table.comment ? ` — ${escapeMarkdown(table.comment)}` : ''}`;
  const rows = table.columns.slice(0, CARD_COLUMNS).map((c) => `| \`${escapeCell(c.name)}\` | \`${escapeCell(c.type || '?')}\` | ${nullability(c) ?? ''} |`);
  const more = table.columns.length > CARD_COLUMNS ? `… and ${table.columns.length - CARD_COLUMNS} more columns.` : undefined;
  const columns = table.columns.length ? ['| column | type | null |', '|---|---|---|', ...rows].join('\n') : 'No columns.';
  return [head, columns, more, `From ${escapeMarkdown(catalog.origin)}.`].filter(Boolean).join('\n\n');
}

/** A `profile_folder`'s card: the schema, and which Profiles Sync tables it holds. */
export function schemaCard(catalog: Catalog, folder: string): string | undefined {
  const at = folder.lastIndexOf('.');
  if (at <= 0) return undefined;
  const schema = catalog.schema(folder.slice(0, at), folder.slice(at + 1));
  if (!schema) return undefined;
  const database = catalog.database(folder.slice(0, at))!;
  const ref = `${database.name}.${schema.name}`;
  const held = catalog.profileFolders().find((f) => f.ref === ref);
  const sync = held
    ? `Profiles Sync tables: ${Object.values(held.holds)
        .flat()
        .map((t) => `\`${t}\``)
        .join(', ')}.`
    : 'No Profiles Sync tables.';
  return [`**schema** \`${ref}\` · ${plural(schema.tables.length, 'table')}`, sync, `From ${escapeMarkdown(catalog.origin)}.`].join('\n\n');
}

const nullability = (column: CatalogColumn): string | undefined =>
  column.nullable === undefined ? undefined : column.nullable ? 'nullable' : 'not null';

/** Text as Markdown prose (the characters that would format). */
const escapeMarkdown = (text: string): string => text.replace(/[\\`*_[\]<>|]/g, '\\$&');

const escapeCell = (text: string): string => text.replace(/\|/g, '\\|').replace(/`/g, "'");
