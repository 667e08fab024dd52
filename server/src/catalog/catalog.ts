import type {
  NameMatch,
  PathStep,
  WarehouseCatalog,
  WarehouseLevel,
  WarehouseResolution,
} from '../checks/warehouse';
import { splitTableRef } from '../model/graph';
import { PROFILES_SYNC_TABLES, WIDE_TRAITS_BOOKKEEPING, WIDE_TRAITS_TABLE, type ProfileValueColumn } from '../model/schema';

/**
 * The warehouse catalog: one immutable snapshot of a warehouse's metadata (databases → schemas →
 * tables and views → columns), whoever produced it (a dg snapshot file, a dbt `catalog.json`, a live
 * DuckDB or Postgres connection). Lookups are in memory: nothing here does IO, so completion, hover and
 * the DG6xx checks can ask it on every keystroke. Providers (./providers) build it; `CatalogProvider`
 * loads one.
 */

// --- identifier rules per warehouse --------------------------------------------------------------------

export const DIALECTS = ['duckdb', 'postgres', 'redshift', 'snowflake', 'bigquery', 'databricks', 'generic'] as const;
export type Dialect = (typeof DIALECTS)[number];

export const DIALECT_NAMES: Record<Dialect, string> = {
  duckdb: 'DuckDB',
  postgres: 'Postgres',
  redshift: 'Redshift',
  snowflake: 'Snowflake',
  bigquery: 'BigQuery',
  databricks: 'Databricks',
  generic: 'the warehouse',
};

/**
 * How the warehouse resolves a name written in the graph against the names it stores. Data Graph
 * strings carry no quotes, so a name is read as an *unquoted* identifier (inferred: Segment does not
 * document how it quotes `table_ref` parts), and a name spelled exactly as stored is always accepted
 * (it is what a quoting client would send).
 * - `insensitive`: any case matches (DuckDB, Databricks, Redshift by default).
 * - `upper`: unquoted names are folded to upper case, so `accounts` matches `ACCOUNTS` but not a name
 *   stored as `Accounts` (Snowflake).
 * - `lower`: unquoted names are folded to lower case, so `ACCOUNTS` matches `accounts` but not `Accounts`
 *   (Postgres).
 * - `sensitive`: only the exact spelling matches (BigQuery datasets and tables).
 */
export const CASE_RULES = ['insensitive', 'upper', 'lower', 'sensitive'] as const;
export type CaseRule = (typeof CASE_RULES)[number];

export type IdentifierLevel = WarehouseLevel;
export type IdentifierRules = Readonly<Record<IdentifierLevel, CaseRule>>;

const all = (rule: CaseRule): IdentifierRules => ({ database: rule, schema: rule, table: rule, column: rule });

/**
 * The rule per warehouse and level (override any level with `identifierCase` in dg.config.json):
 * - DuckDB: identifiers are case-insensitive, quoted or not; the case they were created with is kept.
 * - Postgres: unquoted identifiers fold to lower case; quoted ones are case-sensitive (`"Accounts"`).
 * - Redshift: folds every identifier to lower case, quoted ones too, and stores names in lower case
 *   (unless `enable_case_sensitive_identifier` is on: then it behaves like Postgres; set `"lower"`).
 * - Snowflake: unquoted identifiers fold to upper case; quoted ones are case-sensitive.
 * - BigQuery: project, dataset and table names are case-sensitive (unless the dataset was created with
 *   `is_case_insensitive`: set `"insensitive"`); column names are case-insensitive.
 * - Databricks (Unity Catalog): identifiers are case-insensitive (stored in lower case).
 * - generic (a dbt catalog without a configured `dialect`): case-insensitive, so DG603 never fires.
 */
export const DIALECT_RULES: Record<Dialect, IdentifierRules> = {
  duckdb: all('insensitive'),
  postgres: all('lower'),
  redshift: all('insensitive'),
  snowflake: all('upper'),
  bigquery: { database: 'sensitive', schema: 'sensitive', table: 'sensitive', column: 'insensitive' },
  databricks: all('insensitive'),
  generic: all('insensitive'),
};

export const isDialect = (value: unknown): value is Dialect => typeof value === 'string' && (DIALECTS as readonly string[]).includes(value);
export const isCaseRule = (value: unknown): value is CaseRule =>
  typeof value === 'string' && (CASE_RULES as readonly string[]).includes(value);

/** How `written` (an unquoted name in the graph) matches `stored` under `rule`; `undefined`: no match in any case. */
export function matchName(rule: CaseRule, written: string, stored: string): NameMatch | undefined {
  if (written === stored) return 'exact';
  if (written.toLowerCase() !== stored.toLowerCase()) return undefined;
  switch (rule) {
    case 'insensitive':
      return 'folded';
    case 'upper':
      return stored === written.toUpperCase() ? 'folded' : 'case';
    case 'lower':
      return stored === written.toLowerCase() ? 'folded' : 'case';
    case 'sensitive':
      return 'case';
  }
}

/** Whether the warehouse resolves `written` to `stored` (exact or folded). */
export const sameIdentifier = (rule: CaseRule, written: string, stored: string): boolean => {
  const match = matchName(rule, written, stored);
  return match === 'exact' || match === 'folded';
};

// --- the snapshot value -------------------------------------------------------------------------------

export type TableKind = 'table' | 'view' | 'materialized_view';
export const TABLE_KINDS: readonly TableKind[] = ['table', 'view', 'materialized_view'];

export interface CatalogColumn {
  readonly name: string;
  /** The warehouse's type as it spells it: `VARCHAR`, `NUMBER(38,0)`, `character varying`. */
  readonly type: string;
  /** Absent when the source does not say (dbt catalogs). */
  readonly nullable?: boolean;
  readonly comment?: string;
}

export interface CatalogTable {
  readonly name: string;
  readonly kind: TableKind;
  /** In the warehouse's column order. */
  readonly columns: readonly CatalogColumn[];
  readonly comment?: string;
}

export interface CatalogSchema {
  readonly name: string;
  readonly tables: readonly CatalogTable[];
}

export interface CatalogDatabase {
  readonly name: string;
  readonly schemas: readonly CatalogSchema[];
}

/** A value profiles have (an identity type, a trait name), with how many sampled rows hold it. */
export interface ProfileValue {
  readonly value: string;
  /** Rows of the sample holding it (absent for a trait that is a column of `profile_traits_updates`). */
  readonly rows?: number;
}

/**
 * The values one Profiles Sync column holds (`user_identifiers.type`: identity types), read from a
 * bounded sample of its rows (server/src/catalog/profileValues.ts): `dg catalog pull` writes them into
 * the snapshot, a live warehouse's load reads them. Completion offers them.
 */
export interface ProfileValueSample {
  /** `db.schema`, stored spelling. */
  readonly folder: string;
  readonly table: string;
  readonly column: string;
  readonly link: ProfileValueColumn['link'];
  /** At most this many rows were read. */
  readonly sampleRows: number;
  /** Most frequent first. */
  readonly values: readonly ProfileValue[];
}

/** What profiles of a folder have, for one kind of link: from a sample, or from the catalog's columns. */
export interface ProfileValueSource {
  /** `db.schema.table.column` for a sample; `db.schema.profile_traits_updates` for trait columns. */
  readonly from: string;
  /** Present for a sample: at most this many rows were read. */
  readonly sampleRows?: number;
  readonly values: readonly ProfileValue[];
}

export interface CatalogInit {
  dialect: Dialect;
  databases: readonly CatalogDatabase[];
  /** Per-level overrides of the dialect's rules. */
  identifierCase?: Partial<Record<IdentifierLevel, CaseRule>>;
  /** Whether absence means nonexistence (default `true`; `false` for dbt catalogs). */
  complete?: boolean;
  /** Where it came from, for messages; never a secret: `dbt catalog target/catalog.json`. */
  origin: string;
  /** When the metadata was read (ISO 8601), if known. */
  generatedAt?: string;
  /** Values sampled from Profiles Sync tables, when they were read. */
  profileSamples?: readonly ProfileValueSample[];
}

/** A table found by its `table_ref`. */
export interface TableMatch {
  database: CatalogDatabase;
  schema: CatalogSchema;
  table: CatalogTable;
  /** Stored spelling: `db.schema.table`. */
  ref: string;
  /** How each written part matched (`case` parts get DG603). */
  steps: PathStep[];
}

/** A schema holding Profiles Sync tables (`profile_folder` completion ranks these first). */
export interface ProfileFolder {
  database: string;
  schema: string;
  /** `db.schema`, stored spelling. */
  ref: string;
  /** The Profiles Sync tables it holds, by profile type (`segment:materialized` → `[user_identifiers, …]`). */
  holds: Record<string, string[]>;
  /** How many Profiles Sync tables it holds, all types together. */
  count: number;
}

export interface CatalogStats {
  databases: number;
  schemas: number;
  tables: number;
  columns: number;
}

type Node = Catalog | CatalogDatabase | CatalogSchema | CatalogTable;
type Named = CatalogDatabase | CatalogSchema | CatalogTable | CatalogColumn;

const RANK: Record<NameMatch, number> = { exact: 0, folded: 1, case: 2 };
const LEVELS: readonly IdentifierLevel[] = ['database', 'schema', 'table', 'column'];

/**
 * One warehouse's metadata, immutable once built, with lookups by written names under the warehouse's
 * identifier rules. Indexes are built lazily, per level and node, on first lookup (a 10,000-table
 * catalog loads without indexing 200,000 columns).
 */
export class Catalog implements WarehouseCatalog {
  readonly dialect: Dialect;
  readonly rules: IdentifierRules;
  readonly complete: boolean;
  readonly origin: string;
  readonly generatedAt?: string;
  readonly databases: readonly CatalogDatabase[];
  readonly profileSamples: readonly ProfileValueSample[];

  private readonly indexes = new WeakMap<Node, Map<string, Named[]>>();
  private tablesByName?: Map<string, (readonly string[])[]>;
  private folders?: ProfileFolder[];
  private readonly holding = new Map<string, (readonly string[])[]>();

  constructor(init: CatalogInit) {
    this.dialect = init.dialect;
    this.rules = { ...DIALECT_RULES[init.dialect], ...definedOnly(init.identifierCase ?? {}) };
    this.complete = init.complete ?? true;
    this.origin = init.origin;
    if (init.generatedAt !== undefined) this.generatedAt = init.generatedAt;
    this.databases = init.databases;
    this.profileSamples = init.profileSamples ?? [];
  }

  /** This catalog with `samples` in place of its Profiles Sync samples. */
  withProfileSamples(samples: readonly ProfileValueSample[]): Catalog {
    return new Catalog({
      dialect: this.dialect,
      databases: this.databases,
      identifierCase: this.rules,
      complete: this.complete,
      origin: this.origin,
      ...(this.generatedAt !== undefined ? { generatedAt: this.generatedAt } : {}),
      profileSamples: samples,
    });
  }

  get dialectName(): string {
    return DIALECT_NAMES[this.dialect];
  }

  stats(): CatalogStats {
    const stats: CatalogStats = { databases: this.databases.length, schemas: 0, tables: 0, columns: 0 };
    for (const database of this.databases) {
      stats.schemas += database.schemas.length;
      for (const schema of database.schemas) {
        stats.tables += schema.tables.length;
        for (const table of schema.tables) stats.columns += table.columns.length;
      }
    }
    return stats;
  }

  // --- lookups by written names (completion, hover, checks) ---

  /** The database a written name resolves to (any case; see `resolve` for how it matched). */
  database(name: string): CatalogDatabase | undefined {
    return this.lookup(this, 0, name)?.item as CatalogDatabase | undefined;
  }

  schema(database: string, schema: string): CatalogSchema | undefined {
    const db = this.database(database);
    return db && (this.lookup(db, 1, schema)?.item as CatalogSchema | undefined);
  }

  /**
   * The table a `table_ref` names: its text (split from the right, as the model does) or its parts.
   * Names match in any case; `steps` tell how (a `case` step is one the warehouse would not resolve).
   */
  findTable(ref: string | readonly string[]): TableMatch | undefined {
    const parts = typeof ref === 'string' ? splitTableRef(ref.trim()) : ref;
    if (parts.length !== 3) return undefined;
    const steps: PathStep[] = [];
    const nodes: Named[] = [];
    let node: Node = this;
    for (let i = 0; i < 3; i++) {
      const found = this.lookup(node, i, parts[i]!);
      if (!found) return undefined;
      steps.push({ written: parts[i]!, stored: found.item.name, match: found.match });
      nodes.push(found.item);
      node = found.item as Node;
    }
    const [database, schema, table] = nodes as [CatalogDatabase, CatalogSchema, CatalogTable];
    return { database, schema, table, steps, ref: `${database.name}.${schema.name}.${table.name}` };
  }

  /** The columns of the table a `table_ref` names, in warehouse order; empty when it is not found. */
  columnsOf(ref: string | readonly string[]): readonly CatalogColumn[] {
    return this.findTable(ref)?.table.columns ?? [];
  }

  /** A column of a table (name matched with the column rule, any case). */
  column(table: CatalogTable, name: string): CatalogColumn | undefined {
    return this.lookup(table, 3, name)?.item as CatalogColumn | undefined;
  }

  /** Every database (completion of a `table_ref`'s first part). */
  listDatabases(): readonly CatalogDatabase[] {
    return this.databases;
  }

  /** The schemas of a written database name; empty when it is not found. */
  listSchemas(database: string): readonly CatalogSchema[] {
    return this.database(database)?.schemas ?? [];
  }

  /** The tables and views of a written `database.schema`; empty when it is not found. */
  listTables(database: string, schema: string): readonly CatalogTable[] {
    return this.schema(database, schema)?.tables ?? [];
  }

  /**
   * Schemas holding Profiles Sync tables (LANGUAGE.md §3), most tables first: `profile_folder`
   * completion ranks them first. Computed once.
   */
  profileFolders(): readonly ProfileFolder[] {
    if (this.folders) return this.folders;
    const folders: ProfileFolder[] = [];
    for (const database of this.databases) {
      for (const schema of database.schemas) {
        const holds: Record<string, string[]> = {};
        let count = 0;
        for (const [type, tables] of Object.entries(PROFILES_SYNC_TABLES)) {
          const held = tables.filter((t) => this.lookup(schema, 2, t));
          if (held.length) {
            holds[type] = held;
            count += held.length;
          }
        }
        if (count) folders.push({ database: database.name, schema: schema.name, ref: `${database.name}.${schema.name}`, holds, count });
      }
    }
    folders.sort((a, b) => b.count - a.count || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
    this.folders = folders;
    return folders;
  }

  /**
   * The identity types (`external_id`) or trait names (`trait`) profiles of a written `db.schema`
   * folder have: each sample of its Profiles Sync tables, and for traits the columns of
   * `profile_traits_updates` (unmaterialized profiles keep one column per trait). Empty when unknown.
   */
  profileValues(folder: string, link: ProfileValueColumn['link']): ProfileValueSource[] {
    const at = folder.lastIndexOf('.');
    if (at <= 0) return [];
    const database = this.database(folder.slice(0, at));
    const schema = database && (this.lookup(database, 1, folder.slice(at + 1))?.item as CatalogSchema | undefined);
    if (!database || !schema) return [];
    const stored = `${database.name}.${schema.name}`;
    const sources: ProfileValueSource[] = this.profileSamples
      .filter((s) => s.link === link && s.folder === stored)
      .map((s) => ({ from: `${stored}.${s.table}.${s.column}`, sampleRows: s.sampleRows, values: s.values }));
    if (link === 'trait') {
      const wide = this.lookup(schema, 2, WIDE_TRAITS_TABLE)?.item as CatalogTable | undefined;
      const traits = wide?.columns.filter((c) => !WIDE_TRAITS_BOOKKEEPING.test(c.name)).map((c) => ({ value: c.name }));
      if (wide && traits?.length) sources.push({ from: `${stored}.${wide.name}`, values: traits });
    }
    return sources;
  }

  // --- WarehouseCatalog (the DG6xx checks) ---

  resolve(path: readonly string[]): WarehouseResolution {
    const result: WarehouseResolution = { steps: [] };
    let node: Node = this;
    for (let i = 0; i < path.length && i < LEVELS.length; i++) {
      const found = this.lookup(node, i, path[i]!);
      if (!found) break;
      result.steps.push({ written: path[i]!, stored: found.item.name, match: found.match });
      if (i === 2) result.table = found.item as CatalogTable;
      if (i === 3) result.column = found.item as CatalogColumn;
      node = found.item as Node;
    }
    return result;
  }

  names(storedPath: readonly string[]): readonly string[] {
    const node = this.nodeAt(storedPath);
    return node ? children(node).map((c) => c.name) : [];
  }

  tablesNamed(name: string): readonly (readonly string[])[] {
    if (!this.tablesByName) {
      const index = new Map<string, (readonly string[])[]>();
      for (const database of this.databases) {
        for (const schema of database.schemas) {
          for (const table of schema.tables) {
            const key = table.name.toLowerCase();
            const list = index.get(key);
            const path = [database.name, schema.name, table.name];
            if (list) list.push(path);
            else index.set(key, [path]);
          }
        }
      }
      this.tablesByName = index;
    }
    return this.tablesByName.get(name.toLowerCase()) ?? [];
  }

  schemasHolding(tables: readonly string[]): readonly (readonly string[])[] {
    const key = tables.join('\n');
    let found = this.holding.get(key);
    if (!found) {
      found = [];
      for (const database of this.databases) {
        for (const schema of database.schemas) {
          if (tables.some((t) => this.lookup(schema, 2, t))) found.push([database.name, schema.name]);
        }
      }
      this.holding.set(key, found);
    }
    return found;
  }

  explainCase(level: IdentifierLevel, written: string): string {
    const name = this.dialectName;
    switch (this.rules[level]) {
      case 'upper':
        return `${name} reads an unquoted ${level} name in upper case ("${written.toUpperCase()}")`;
      case 'lower':
        return `${name} reads an unquoted ${level} name in lower case ("${written.toLowerCase()}")`;
      case 'sensitive':
        return `${name} ${level} names are case-sensitive`;
      case 'insensitive':
        return `${name} ignores the case of ${level} names`;
    }
  }

  // --- internals ---

  /** The best match for `written` among a node's children at `level`: exact, then folded, then case. */
  private lookup(node: Node, level: number, written: string): { item: Named; match: NameMatch } | undefined {
    const candidates = this.index(node).get(written.toLowerCase());
    if (!candidates) return undefined;
    const rule = this.rules[LEVELS[level]!];
    let best: { item: Named; match: NameMatch } | undefined;
    for (const item of candidates) {
      const match = matchName(rule, written, item.name);
      if (match && (!best || RANK[match] < RANK[best.match])) best = { item, match };
    }
    return best;
  }

  private index(node: Node): Map<string, Named[]> {
    let index = this.indexes.get(node);
    if (!index) {
      index = new Map();
      for (const child of children(node)) {
        const key = child.name.toLowerCase();
        const list = index.get(key);
        if (list) list.push(child);
        else index.set(key, [child]);
      }
      this.indexes.set(node, index);
    }
    return index;
  }

  /** The node at a path of stored names (exact spelling first, as `lookup` ranks). */
  private nodeAt(storedPath: readonly string[]): Node | undefined {
    let node: Node = this;
    for (let i = 0; i < storedPath.length; i++) {
      if (i >= 3) return undefined;
      const found = this.lookup(node, i, storedPath[i]!);
      if (!found) return undefined;
      node = found.item as Node;
    }
    return node;
  }
}

function children(node: Node): readonly Named[] {
  if (node instanceof Catalog) return node.databases;
  if ('schemas' in node) return node.schemas;
  if ('tables' in node) return node.tables;
  return node.columns;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// --- building one from flat rows ----------------------------------------------------------------------

interface MutableTable {
  name: string;
  kind: TableKind;
  columns: CatalogColumn[];
  comment?: string;
}

/**
 * Builds a catalog from flat rows, as `information_schema` and dbt return them: tables first or columns
 * first, in any order. Names are kept as stored (case variants stay distinct); the first table or column
 * of a name wins.
 */
export class CatalogBuilder {
  private readonly databases = new Map<string, Map<string, Map<string, MutableTable>>>();
  private readonly seen = new WeakMap<MutableTable, Set<string>>();

  /** Adds a table (or returns the one already added under that name). */
  table(database: string, schema: string, name: string, kind: TableKind = 'table', comment?: string): MutableTable {
    let schemas = this.databases.get(database);
    if (!schemas) this.databases.set(database, (schemas = new Map()));
    let tables = schemas.get(schema);
    if (!tables) schemas.set(schema, (tables = new Map()));
    let table = tables.get(name);
    if (!table) {
      table = { name, kind, columns: [] };
      if (comment) table.comment = comment;
      tables.set(name, table);
      this.seen.set(table, new Set());
    }
    return table;
  }

  /** Adds an empty schema (a Profiles Sync folder not synced yet still completes). */
  schema(database: string, schema: string): void {
    let schemas = this.databases.get(database);
    if (!schemas) this.databases.set(database, (schemas = new Map()));
    if (!schemas.has(schema)) schemas.set(schema, new Map());
  }

  /** Adds a column at the end of its table (creating the table if needed). */
  column(database: string, schema: string, table: string, column: CatalogColumn): void {
    const target = this.table(database, schema, table);
    const names = this.seen.get(target)!;
    if (names.has(column.name)) return;
    names.add(column.name);
    target.columns.push(column);
  }

  build(init: Omit<CatalogInit, 'databases'>): Catalog {
    const databases: CatalogDatabase[] = [...this.databases].map(([name, schemas]) => ({
      name,
      schemas: [...schemas].map(([schemaName, tables]) => ({ name: schemaName, tables: [...tables.values()] })),
    }));
    return new Catalog({ ...init, databases });
  }
}

// --- loading one ---------------------------------------------------------------------------------------

/**
 * Something that can produce a catalog: a catalog file, a live warehouse. `load` may do IO and take
 * time; it honours `signal` (rejecting with a `CatalogError` of kind `cancelled`) and fails only with a
 * `CatalogError`. Callers load once and cache the result; nothing calls `load` on a keystroke.
 */
export interface CatalogProvider {
  /** What it reads, for messages and logs, without secrets: `dbt catalog target/catalog.json`. */
  readonly description: string;
  load(signal?: AbortSignal): Promise<Catalog>;
}
