import type { ColumnReference, GraphModel, JoinAttr, RelationshipModel, StringAttr, TableRef } from '../model/graph';
import type { JoinOperand } from '../model/joinExpression';
import { PROFILES_SYNC_TABLES } from '../model/schema';
import type { Span } from '../syntax/ast';
import { encodeStringContent, sourceOffsetOf } from '../syntax/convert';
import type { LineIndex } from '../syntax/lineIndex';
import type { DiagnosticCode } from './codes';
import { CheckContext, type CheckSettings } from './context';
import { replaceFix, type Diagnostic, type Fix } from './diagnostic';
import { applySettings } from './settings';
import { didYouMean, nearest } from './suggest';

// --- what the checks need from a catalog ---------------------------------------------------------------
//
// The checks are pure and come before the catalog layer (server/src/catalog), so they declare here the
// few lookups they make; `Catalog` (server/src/catalog/catalog.ts) implements this interface with the
// warehouse's identifier rules. Tests may implement it directly.

/** A level of a warehouse path: `[database, schema, table, column]`. */
export type WarehouseLevel = 'database' | 'schema' | 'table' | 'column';

export const WAREHOUSE_LEVELS: readonly WarehouseLevel[] = ['database', 'schema', 'table', 'column'];

/**
 * How a name written in the graph matched a name stored in the warehouse:
 * - `exact`: spelled the same;
 * - `folded`: spelled with another case that the warehouse resolves to the same object (`accounts` for
 *   Snowflake's `ACCOUNTS`, any case in DuckDB);
 * - `case`: differs only by case, and the warehouse does *not* resolve it to that object (DG603).
 */
export type NameMatch = 'exact' | 'folded' | 'case';

export interface PathStep {
  written: string;
  /** The name as the warehouse stores it. */
  stored: string;
  match: NameMatch;
}

export interface WarehouseColumn {
  readonly name: string;
  readonly type: string;
  readonly nullable?: boolean;
}

export interface WarehouseResolution {
  /** One step per name found, in order; fewer steps than names when one was not found. */
  steps: PathStep[];
  /** The table, when the path's third name was found. */
  table?: { readonly kind: string };
  /** The column, when the path's fourth name was found. */
  column?: WarehouseColumn;
}

export interface WarehouseCatalog {
  /** `DuckDB`, `Snowflake`, … (messages). */
  readonly dialectName: string;
  /**
   * Whether a name missing from the catalog is missing from the warehouse. `false` for a dbt catalog,
   * which lists only dbt's models, seeds, snapshots and sources: a table it does not list may exist.
   */
  readonly complete: boolean;
  /** Where the catalog came from (messages): `dbt catalog target/catalog.json`, … */
  readonly origin: string;
  /** Resolves written names level by level (`[database, schema, table, column]`, or a prefix of it). */
  resolve(path: readonly string[]): WarehouseResolution;
  /** The names one level below a path of stored names (`[]`: the databases). */
  names(storedPath: readonly string[]): readonly string[];
  /** Stored `[database, schema, table]` paths of every table whose name matches `name` in any case. */
  tablesNamed(name: string): readonly (readonly string[])[];
  /** Stored `[database, schema]` paths of the schemas holding at least one of `tables`. */
  schemasHolding(tables: readonly string[]): readonly (readonly string[])[];
  /** Why a `case` match does not resolve, for DG603: `Postgres folds unquoted names to lower case`. */
  explainCase(level: WarehouseLevel, written: string): string;
}

/** The codes `checkWarehouse` reports (DG607 comes from `catalogUnavailable`). */
export const WAREHOUSE_CODES = ['DG600', 'DG601', 'DG602', 'DG603', 'DG604'] as const satisfies readonly DiagnosticCode[];

// --- DG600–DG604 ---------------------------------------------------------------------------------------

/**
 * DG600–DG604: the graph against a warehouse catalog already loaded (no IO). Not one of `runChecks`'
 * families: the server and the CLI call it when a catalog is configured and loaded, and merge the
 * result; settings' severities and `# dg-ignore` comments apply as in `runChecks`.
 *
 * Decisions:
 * - Names are matched with the warehouse's identifier rules (the catalog's `resolve`). A name that
 *   matches only in another case that the warehouse does not fold gets DG603 (a warning: Segment's
 *   quoting is not documented) instead of DG600/DG601, with a fix to the stored spelling.
 * - A `table_ref` or `profile_folder` with the wrong number of parts is left to DG403/DG404, blank values
 *   to DG113, columns with whitespace or dots to DG307/DG308, malformed join strings to DG301/DG306, and
 *   join columns whose prefix names another entity than the expected one to DG302/DG303.
 * - Columns are checked only on tables found; a missing table gets one DG600, not one DG601 per column.
 * - With a partial catalog (dbt), a table it does not list is reported only when a near table exists
 *   (a likely typo), as a warning; a profile folder it does not list is not reported. Tables it lists
 *   have all their columns, so DG601 stays an error.
 * - DG602 compares type families (number, text, boolean, temporal, binary, uuid); uuid and text are
 *   compatible, as are unknown types (semi-structured, user-defined) with anything.
 */
export function checkWarehouse(
  model: GraphModel,
  catalog: WarehouseCatalog,
  settings: CheckSettings = {},
  lines?: LineIndex,
): Diagnostic[] {
  const context = new CheckContext(model, settings, lines);
  new WarehouseChecks(context, catalog).run();
  return applySettings(context);
}

/**
 * DG607: the catalog could not be loaded (or is stale), so the warehouse checks were skipped. Placed on
 * the `data_graph` keyword; `problem` is a `CatalogError` or anything with a reason (never a secret).
 */
export function catalogUnavailable(
  model: GraphModel,
  problem: { reason: string; hint?: string },
  settings: CheckSettings = {},
  lines?: LineIndex,
): Diagnostic[] {
  return catalogNotice(model, `Warehouse checks (DG600–DG604) skipped: ${explain(problem)}`, settings, lines);
}

/**
 * DG607 when the checks ran, but against a fallback: the configured warehouse could not be read, so
 * `origin` (the catalog file next in line, typically a snapshot from `dg catalog pull`) was used, and
 * it may be stale. Placed like `catalogUnavailable`.
 */
export function catalogFallback(
  model: GraphModel,
  problem: { reason: string; hint?: string },
  origin: string,
  settings: CheckSettings = {},
  lines?: LineIndex,
): Diagnostic[] {
  return catalogNotice(model, `Warehouse checks (DG600–DG604) used ${origin}, which may be stale: ${explain(problem)}`, settings, lines);
}

const explain = (problem: { reason: string; hint?: string }) =>
  `${problem.reason.replace(/\.$/, '')}.${problem.hint ? ` ${problem.hint}` : ''}`;

/** One DG607 on the `data_graph` keyword, with the settings applied. */
function catalogNotice(model: GraphModel, message: string, settings: CheckSettings, lines?: LineIndex): Diagnostic[] {
  const context = new CheckContext(model, settings, lines);
  context.report('DG607', model.dataGraphs[0]?.type.span ?? { start: 0, end: 0 }, message);
  return applySettings(context);
}

interface TableCheck {
  /** Stored `[database, schema, table]` when found. */
  stored?: readonly string[];
}

class WarehouseChecks {
  private readonly tables = new Map<string, TableCheck>();
  /** Resolved columns by the start offset of their reference (DG602 reads them). */
  private readonly columns = new Map<number, { reference: ColumnReference; column: WarehouseColumn }>();

  constructor(
    private readonly context: CheckContext,
    private readonly catalog: WarehouseCatalog,
  ) {}

  run(): void {
    const { model } = this.context;
    for (const entity of model.entities) if (entity.tableRef) this.table(entity.tableRef);
    for (const relationship of model.relationships) {
      for (const junction of relationship.junctions) if (junction.tableRef) this.table(junction.tableRef);
    }
    const untrusted = untrustedJoinSpans(model);
    for (const reference of model.columns) {
      if (!untrusted.some((span) => within(reference.span, span))) this.column(reference);
    }
    for (const relationship of model.relationships) this.joinTypes(relationship);
    for (const profile of model.profiles) if (profile.profileFolder) this.profileFolder(profile.profileFolder, profile.type?.value);
  }

  // --- tables (DG600, DG603) ---

  private table(ref: TableRef): TableCheck {
    const key = ref.value;
    const known = this.tables.get(key);
    if (known) {
      // Same text, same verdict; report it again at this place.
      if (known.stored) this.caseSteps(ref, this.catalog.resolve(ref.parts).steps);
      else this.missingTable(ref);
      return known;
    }
    const check: TableCheck = {};
    this.tables.set(key, check);
    if (!wellFormed(ref.parts, 3)) return check;
    const resolution = this.catalog.resolve(ref.parts);
    if (resolution.steps.length === 3) {
      check.stored = resolution.steps.map((s) => s.stored);
      this.caseSteps(ref, resolution.steps);
    } else {
      this.missingTable(ref);
    }
    return check;
  }

  /** DG603 for each part written in a case the warehouse does not fold. */
  private caseSteps(attr: StringAttr & { parts: string[] }, steps: readonly PathStep[]): void {
    if (!wellFormed(attr.parts, attr.parts.length)) return;
    steps.forEach((step, i) => {
      if (step.match !== 'case') return;
      const span = partSpan(attr, attr.parts, i);
      const level = WAREHOUSE_LEVELS[i]!;
      this.context.report(
        'DG603',
        span,
        `${level} "${step.written}" differs from the warehouse's "${step.stored}" only by case; ${this.catalog.explainCase(level, step.written)}`,
        { fixes: [nameFix(`Change to "${step.stored}"`, span, step.stored, true)] },
      );
    });
  }

  private missingTable(ref: TableRef): void {
    if (!wellFormed(ref.parts, 3)) return;
    const catalog = this.catalog;
    const resolution = this.catalog.resolve(ref.parts);
    const found = resolution.steps.length;
    const level = WAREHOUSE_LEVELS[found]!;
    const where =
      found === 0
        ? `the warehouse has no database "${ref.parts[0]}"`
        : found === 1
          ? `database "${resolution.steps[0]!.stored}" has no schema "${ref.parts[1]}"`
          : `schema "${resolution.steps[0]!.stored}.${resolution.steps[1]!.stored}" has no table or view "${ref.parts[2]}"`;
    const suggestion = this.nearestTable(ref.parts, resolution.steps);
    if (!catalog.complete && (!suggestion || found < 2)) return;
    const partial = catalog.complete ? '' : ` (${catalog.origin} lists only some tables)`;
    this.context.report('DG600', ref.span, `table_ref "${ref.value}" not found: ${where}${partial}${didYouMean(suggestion)}`, {
      ...(catalog.complete ? {} : { severity: 'warning' as const }),
      fixes: suggestion ? [nameFix(`Change to "${suggestion}"`, ref.span, suggestion, level === 'table')] : [],
    });
  }

  /** The nearest existing table: level by level from where the path broke, else the same name elsewhere. */
  private nearestTable(parts: readonly string[], steps: readonly PathStep[]): string | undefined {
    const path = steps.map((s) => s.stored);
    for (let i = steps.length; i < 3; i++) {
      const names = this.catalog.names(path);
      const exact = i > steps.length ? this.catalog.resolve([...path, parts[i]!]).steps[i] : undefined;
      const next = exact?.stored ?? nearest(parts[i]!, names);
      if (next === undefined) {
        path.length = 0;
        break;
      }
      path.push(next);
    }
    if (path.length === 3) return path.join('.');
    // The same table (or a near one) in another schema or database: only when there is one such place.
    const elsewhere = this.catalog.tablesNamed(parts[2]!);
    const sameSchema = elsewhere.filter((t) => t[1]!.toLowerCase() === parts[1]!.toLowerCase());
    const pick = sameSchema.length === 1 ? sameSchema[0] : elsewhere.length === 1 ? elsewhere[0] : undefined;
    return pick?.join('.');
  }

  // --- columns (DG601, DG603) ---

  private column(reference: ColumnReference): void {
    const name = reference.column;
    if (!name.trim() || /[\s.]/.test(name)) return;
    const owner = reference.junction ?? reference.entity;
    const ref = owner?.tableRef;
    if (!ref) return;
    const table = this.tables.get(ref.value) ?? this.table(ref);
    if (!table.stored) return;
    const resolution = this.catalog.resolve([...table.stored, name]);
    const step = resolution.steps[3];
    const tableName = table.stored.join('.');
    if (step && resolution.column) {
      this.columns.set(reference.span.start, { reference, column: resolution.column });
      if (step.match === 'case') {
        this.context.report(
          'DG603',
          reference.span,
          `column "${name}" differs from "${step.stored}" of ${tableName} only by case; ${this.catalog.explainCase('column', name)}`,
          { fixes: [nameFix(`Change to "${step.stored}"`, reference.span, step.stored, true)] },
        );
      }
      return;
    }
    const suggestion = nearest(name, this.catalog.names(table.stored));
    this.context.report('DG601', reference.span, `column "${name}" not found in ${tableName}${didYouMean(suggestion)}`, {
      fixes: suggestion ? [nameFix(`Change to "${suggestion}"`, reference.span, suggestion, true)] : [],
    });
  }

  // --- join types (DG602) ---

  private joinTypes(relationship: RelationshipModel): void {
    if (relationship.joinOn) this.joinPair(relationship.joinOn);
    for (const junction of relationship.junctions) {
      if (junction.leftJoinOn) this.joinPair(junction.leftJoinOn);
      if (junction.rightJoinOn) this.joinPair(junction.rightJoinOn);
    }
  }

  private joinPair(attr: JoinAttr): void {
    const expression = attr.expression;
    if (!expression.ok) return;
    const left = this.columns.get(operandStart(attr, expression.left));
    const right = this.columns.get(operandStart(attr, expression.right));
    if (!left || !right) return;
    const a = typeFamily(left.column.type);
    const b = typeFamily(right.column.type);
    if (compatibleFamilies(a, b)) return;
    const side = (operand: JoinOperand, column: WarehouseColumn, family: TypeFamily) =>
      `${operand.whole.text} (${column.type}, ${FAMILY_NAMES[family]})`;
    this.context.report(
      'DG602',
      attr.span,
      `${attr.attribute.key.text} compares ${side(expression.left, left.column, a)} with ${side(expression.right, right.column, b)}: the types are incompatible, so the join matches no rows (or fails)`,
    );
  }

  // --- profile folder (DG604, DG603) ---

  private profileFolder(folder: StringAttr, type: string | undefined): void {
    const at = folder.value.lastIndexOf('.');
    const parts = at < 0 ? [folder.value] : [folder.value.slice(0, at), folder.value.slice(at + 1)];
    if (!wellFormed(parts, 2)) return;
    const tables = type !== undefined && Object.hasOwn(PROFILES_SYNC_TABLES, type) ? PROFILES_SYNC_TABLES[type]! : undefined;
    const resolution = this.catalog.resolve(parts);
    const found = resolution.steps.length === 2;
    if (found) this.caseSteps({ ...folder, parts }, resolution.steps);
    if (!tables) return;
    if (!found && !this.catalog.complete) return;
    const stored = resolution.steps.map((s) => s.stored);
    if (found && tables.some((t) => this.catalog.resolve([...stored, t]).steps.length === 3)) return;
    const holders = this.catalog.schemasHolding(tables).map((p) => p.join('.'));
    const suggestion = holders.length === 1 ? holders[0] : nearest(folder.value, holders);
    const where = found
      ? `schema "${stored.join('.')}" holds none of them`
      : resolution.steps.length === 0
        ? `the warehouse has no database "${parts[0]}"`
        : `database "${stored[0]}" has no schema "${parts[1]}"`;
    const elsewhere =
      holders.length === 0
        ? '; no schema in the warehouse holds them'
        : suggestion
          ? `; "${suggestion}" does`
          : `; they are in ${holders.slice(0, 3).map((h) => `"${h}"`).join(', ')}${holders.length > 3 ? ', …' : ''}`;
    this.context.report(
      'DG604',
      folder.span,
      `profile_folder "${folder.value}" should hold the Profiles Sync tables "${type}" reads (${tables.join(', ')}), but ${where}${elsewhere}`,
      {
        fixes: (suggestion ? [suggestion] : holders.slice(0, 3)).map((h) =>
          nameFix(`Change to "${h}"`, folder.span, h, holders.length === 1),
        ),
      },
    );
  }
}

// --- type families (DG602) ---------------------------------------------------------------------------

export type TypeFamily = 'number' | 'text' | 'boolean' | 'temporal' | 'binary' | 'uuid' | 'other';

const FAMILY_NAMES: Record<TypeFamily, string> = {
  number: 'a number',
  text: 'text',
  boolean: 'a boolean',
  temporal: 'a date or time',
  binary: 'binary',
  uuid: 'a UUID',
  other: 'another type',
};

const FAMILY_OF = new Map<string, TypeFamily>();
const family = (f: TypeFamily, names: string) => names.split(/\s*,\s*/).forEach((n) => FAMILY_OF.set(n, f));
// DuckDB, Postgres/Redshift, Snowflake, BigQuery and Databricks spellings, lower case, without arguments.
family(
  'number',
  'tinyint, smallint, int, integer, bigint, hugeint, utinyint, usmallint, uinteger, ubigint, uhugeint, varint, ' +
    'int1, int2, int4, int8, int16, int32, int64, int128, uint8, uint16, uint32, uint64, uint128, byteint, ' +
    'number, numeric, decimal, dec, bignumeric, bigdecimal, real, float, float4, float8, float32, float64, double, ' +
    'double precision, serial, serial4, serial8, smallserial, bigserial, money, long, short, byte',
);
family(
  'text',
  'varchar, char, character, character varying, nvarchar, nchar, nvarchar2, varchar2, bpchar, text, string, ' +
    'name, citext, clob, ntext, tinytext, mediumtext, longtext, enum',
);
family('boolean', 'boolean, bool, bit');
family(
  'temporal',
  'date, datetime, datetime2, smalldatetime, time, timetz, timestamp, timestamptz, timestamp_ntz, timestamp_ltz, ' +
    'timestamp_tz, timestamp_s, timestamp_ms, timestamp_ns, timestamp with time zone, timestamp without time zone, ' +
    'time with time zone, time without time zone, timestamp with local time zone, abstime, date32, date64',
);
family('binary', 'blob, bytea, binary, varbinary, bytes, bit varying, varbit, image, long varbinary');
family('uuid', 'uuid, uniqueidentifier');

/** The family of a warehouse type (`NUMBER(38,0)` → number, `character varying(255)` → text). */
export function typeFamily(type: string): TypeFamily {
  let t = type.trim().toLowerCase();
  if (/\[\s*\d*\s*\]$/.test(t) || /^(array|list|struct|map|row|union|object|variant|super)\b/.test(t)) return 'other';
  t = t.replace(/\(.*?\)/g, ' ').replace(/<.*>/g, ' ').replace(/\s+/g, ' ').trim();
  const direct = FAMILY_OF.get(t);
  if (direct) return direct;
  if (/^(unsigned |signed )?(tiny|small|medium|big)?int(eger)?( unsigned)?$/.test(t)) return 'number';
  if (/^(timestamp|datetime|date|time)\b/.test(t)) return 'temporal';
  if (/^(var)?char|^character|^string\b/.test(t)) return 'text';
  return 'other';
}

/** Whether a join between columns of these families can match rows. */
export function compatibleFamilies(a: TypeFamily, b: TypeFamily): boolean {
  if (a === b || a === 'other' || b === 'other') return true;
  const pair = new Set([a, b]);
  return pair.has('uuid') && pair.has('text');
}

// --- helpers ----------------------------------------------------------------------------------------

const wellFormed = (parts: readonly string[], count: number): boolean =>
  parts.length === count && parts.every((p) => p.trim() !== '' && p === p.trim());

/** The source span of the `index`-th dot-separated part of a string attribute (decoded parts). */
function partSpan(attr: StringAttr, parts: readonly string[], index: number): Span {
  let start = 0;
  for (let i = 0; i < index; i++) start += parts[i]!.length + 1;
  return {
    start: sourceOffsetOf(attr.string, start),
    end: sourceOffsetOf(attr.string, start + parts[index]!.length),
  };
}

const operandStart = (attr: JoinAttr, operand: JoinOperand): number => sourceOffsetOf(attr.string, operand.column.start);

const within = (inner: Span, outer: Span): boolean => outer.start <= inner.start && inner.end <= outer.end;

/** Join strings whose columns are not checked: malformed, or a prefix naming another entity than expected. */
function untrustedJoinSpans(model: GraphModel): Span[] {
  const spans: Span[] = [];
  const joins: JoinAttr[] = [];
  for (const relationship of model.relationships) {
    const own = [relationship.joinOn, ...relationship.junctions.flatMap((j) => [j.leftJoinOn, j.rightJoinOn])].filter(
      (j): j is JoinAttr => j !== undefined,
    );
    for (const join of own) {
      // Joins of a level-1 relationship have no parent entity (DG108).
      if (!relationship.parent || !join.expression.ok) spans.push(join.span);
      else joins.push(join);
    }
  }
  for (const reference of model.references) {
    if (reference.kind === 'related_entity' || (reference.target && reference.target === reference.expected)) continue;
    const join = joins.find((j) => within(reference.span, j.span));
    if (join) spans.push(join.span);
  }
  return spans;
}

/** A fix writing a warehouse name into a string (quotes and backslashes escaped). */
const nameFix = (title: string, span: Span, name: string, preferred: boolean): Fix =>
  replaceFix(title, span, encodeStringContent(name), preferred);

