import type { GraphModel, StringAttr } from '../model/graph';
import { PROFILE_VALUE_COLUMNS } from '../model/schema';
import type { Span } from '../syntax/ast';
import type { LineIndex } from '../syntax/lineIndex';
import { CheckContext, type CheckSettings } from './context';
import type { Diagnostic } from './diagnostic';
import { applySettings } from './settings';
import { rowCount, rowField, SqlWriter } from './sql';
import type { WarehouseCatalog } from './warehouse';

/**
 * The data checks (`dg check --data`, on demand only): DG605 (a `primary_key` column that is not unique
 * in the data) and DG606 (an `external_id` type or `trait` name that no profile has). Pure: `dataQueries`
 * writes the SQL from the graph and the catalog, a caller with a warehouse connection runs it, and
 * `dataDiagnostics` reads the rows back. Nothing here connects to anything.
 *
 * The queries are read-only and bounded:
 * - DG605 reads at most `rowLimit` rows of the key column (a sample when the table is larger: a duplicate
 *   found there is real; none found proves nothing beyond the sample) and counts rows, non-null keys
 *   and distinct keys: `SELECT count(*), count(k), count(DISTINCT k) FROM (SELECT pk AS k FROM t LIMIT n)`.
 * - DG606 asks, for each value, whether one row holds it (`EXISTS`, which stops at the first row), so it
 *   never counts or scans past a match: `SELECT 'email' AS value WHERE EXISTS (SELECT 1 FROM
 *   folder.user_identifiers WHERE type = 'email') UNION ALL …`.
 * Names are the catalog's stored spellings, quoted, so they mean exactly the catalog's objects; values
 * are SQL string literals. Only tables and columns the catalog has are queried (DG600/DG601/DG604
 * report the others).
 */

export type SqlDialect = 'duckdb' | 'postgres' | 'redshift' | 'snowflake' | 'bigquery' | 'databricks' | 'generic';

export interface DataQueryOptions {
  /** How identifiers and strings are quoted: the engine that runs the queries (`duckdb`, `postgres`, …). */
  dialect: SqlDialect | string;
  /** DG605 reads at most this many rows per table (default 1,000,000). */
  rowLimit?: number;
}

export const DEFAULT_ROW_LIMIT = 1_000_000;

interface QueryBase {
  /** One statement, read-only. */
  sql: string;
  /** `db.schema.table`, stored spelling (messages). */
  table: string;
}

/** DG605: is `column` unique in `table`? */
export interface KeyQuery extends QueryBase {
  kind: 'primary-key';
  column: string;
  /** The `primary_key` values naming this column (entities and junctions sharing the table). */
  places: StringAttr[];
  rowLimit: number;
}

/** DG606: which of `values` appear in `table`.`column`? */
export interface ValuesQuery extends QueryBase {
  kind: 'identity-types' | 'trait-names';
  column: string;
  /** Each value asked about, with the places the graph writes it. */
  values: { value: string; places: StringAttr[] }[];
}

export type DataQuery = KeyQuery | ValuesQuery;

/** What running a query gave: its rows (column names in any case), or why it failed (never a secret). */
export type DataResult = { rows: readonly Readonly<Record<string, unknown>>[] } | { error: { reason: string; hint?: string } };

/** The data-check queries for a graph, given its warehouse catalog. */
export function dataQueries(model: GraphModel, catalog: WarehouseCatalog, options: DataQueryOptions): DataQuery[] {
  const rowLimit = Math.max(1, Math.floor(options.rowLimit ?? DEFAULT_ROW_LIMIT));
  const sql = new SqlWriter(options.dialect);
  const queries: DataQuery[] = [];

  // DG605: one query per table and key column (entities and junctions).
  const keys = new Map<string, KeyQuery>();
  const owners = [
    ...model.entities.map((e) => ({ tableRef: e.tableRef, primaryKey: e.primaryKey })),
    ...model.relationships.flatMap((r) => r.junctions.map((j) => ({ tableRef: j.tableRef, primaryKey: j.primaryKey }))),
  ];
  for (const { tableRef, primaryKey } of owners) {
    if (!tableRef || !primaryKey || !primaryKey.value.trim() || tableRef.parts.length !== 3) continue;
    const resolution = catalog.resolve([...tableRef.parts, primaryKey.value]);
    if (resolution.steps.length !== 4 || resolution.steps.some((s) => s.match === 'case')) continue;
    const stored = resolution.steps.map((s) => s.stored);
    const key = stored.join('\u0000');
    const known = keys.get(key);
    if (known) {
      known.places.push(primaryKey);
      continue;
    }
    const [database, schema, table, column] = stored as [string, string, string, string];
    const query: KeyQuery = {
      kind: 'primary-key',
      table: `${database}.${schema}.${table}`,
      column,
      places: [primaryKey],
      rowLimit,
      sql:
        `SELECT count(*) AS row_count, count(k) AS key_count, count(DISTINCT k) AS distinct_keys ` +
        `FROM (SELECT ${sql.identifier(column)} AS k FROM ${sql.table(database, schema, table)} LIMIT ${rowLimit}) AS dg_sample`,
    };
    keys.set(key, query);
    queries.push(query);
  }

  // DG606: per profile, the identity types and trait names its level-1 relationships use.
  for (const profile of model.profiles) {
    const folder = profile.profileFolder?.value ?? '';
    const at = folder.lastIndexOf('.');
    if (at <= 0 || at === folder.length - 1) continue;
    const parts = [folder.slice(0, at), folder.slice(at + 1)];
    const type = profile.type?.value;
    const sources = type !== undefined && Object.hasOwn(PROFILE_VALUE_COLUMNS, type) ? PROFILE_VALUE_COLUMNS[type] : undefined;
    if (!sources) continue;
    const asked: Record<'external_id' | 'trait', Map<string, StringAttr[]>> = { external_id: new Map(), trait: new Map() };
    for (const relationship of profile.relationships) {
      for (const link of relationship.links) {
        const value = link.identifier?.value;
        if (!link.identifier || !value?.trim()) continue;
        const places = asked[link.kind].get(value);
        if (places) places.push(link.identifier);
        else asked[link.kind].set(value, [link.identifier]);
      }
    }
    for (const source of sources) {
      const values = asked[source.link];
      if (values.size === 0) continue;
      const resolution = catalog.resolve([...parts, source.table, source.column]);
      if (resolution.steps.length !== 4 || resolution.steps.some((s) => s.match === 'case')) continue;
      const [database, schema, table, column] = resolution.steps.map((s) => s.stored) as [string, string, string, string];
      const from = sql.table(database, schema, table);
      const list = [...values].map(([value, places]) => ({ value, places }));
      queries.push({
        kind: source.link === 'external_id' ? 'identity-types' : 'trait-names',
        table: `${database}.${schema}.${table}`,
        column,
        values: list,
        sql: list
          .map(
            ({ value }) =>
              `SELECT ${sql.string(value)} AS value WHERE EXISTS (SELECT 1 FROM ${from} WHERE ${sql.identifier(column)} = ${sql.string(value)})`,
          )
          .join(' UNION ALL '),
      });
    }
  }
  return queries;
}

/**
 * DG605 and DG606 from the queries' results (`results[i]` answers `queries[i]`; a missing one was not
 * run). A failed query gives a DG607 at the place it was about. Settings and `# dg-ignore` apply.
 */
export function dataDiagnostics(
  model: GraphModel,
  queries: readonly DataQuery[],
  results: readonly (DataResult | undefined)[],
  settings: CheckSettings = {},
  lines?: LineIndex,
): Diagnostic[] {
  const context = new CheckContext(model, settings, lines);
  queries.forEach((query, i) => {
    const result = results[i];
    if (!result) return;
    if ('error' in result) {
      const places = query.kind === 'primary-key' ? query.places : query.values.flatMap((v) => v.places);
      const what = query.kind === 'primary-key' ? `DG605, whether "${query.column}" is unique` : `DG606, which ${query.kind === 'identity-types' ? 'identity types' : 'trait names'} profiles have`;
      const hint = result.error.hint ? ` ${result.error.hint}` : '';
      context.report('DG607', places[0]!.span, `Data check (${what}) of ${query.table} skipped: ${result.error.reason.replace(/\.$/, '')}.${hint}`);
      return;
    }
    if (query.kind === 'primary-key') keyFindings(context, query, result.rows);
    else valueFindings(context, query, result.rows);
  });
  return applySettings(context);
}

function keyFindings(context: CheckContext, query: KeyQuery, rows: readonly Readonly<Record<string, unknown>>[]): void {
  const row = rows[0];
  if (!row) return;
  const total = rowCount(rowField(row, 'row_count'));
  const keyed = rowCount(rowField(row, 'key_count'));
  const distinct = rowCount(rowField(row, 'distinct_keys'));
  if (total === undefined || keyed === undefined || distinct === undefined) return;
  const repeated = keyed - distinct;
  const nulls = total - keyed;
  if (repeated <= 0 && nulls <= 0) return;
  const sampled = total >= query.rowLimit;
  const scope = sampled ? `among the first ${format(total)} rows read` : `in ${format(total)} rows`;
  const problems = [
    repeated > 0 ? `${format(repeated)} ${repeated === 1 ? 'row repeats a key' : 'rows repeat a key'} another row has` : undefined,
    nulls > 0 ? `${format(nulls)} ${nulls === 1 ? 'row has' : 'rows have'} no key (NULL)` : undefined,
  ].filter(Boolean);
  for (const place of query.places) {
    context.report(
      'DG605',
      place.span,
      `primary_key "${place.value}" is not unique in ${query.table}: ${problems.join(', and ')} ${scope}; ` +
        `Segment needs one row per key (pick a unique column, or deduplicate the table)`,
    );
  }
}

function valueFindings(context: CheckContext, query: ValuesQuery, rows: readonly Readonly<Record<string, unknown>>[]): void {
  const seen = new Set(rows.map((row) => rowField(row, 'value')).filter((v): v is string => typeof v === 'string'));
  for (const { value, places } of query.values) {
    if (seen.has(value)) continue;
    for (const place of places) {
      const what = query.kind === 'identity-types' ? `identity type "${value}"` : `trait "${value}"`;
      context.report(
        'DG606',
        place.span,
        `${what} never appears in ${query.table} (column "${query.column}"): no profile has it yet, so this relationship links no rows`,
      );
    }
  }
}

/**
 * DG607 for a file whose data checks could not run at all (no connection that runs queries, no
 * catalog), placed like `catalogUnavailable`.
 */
export function dataUnavailable(
  model: GraphModel,
  problem: { reason: string; hint?: string },
  settings: CheckSettings = {},
  lines?: LineIndex,
): Diagnostic[] {
  const context = new CheckContext(model, settings, lines);
  const anchor: Span = model.dataGraphs[0]?.type.span ?? { start: 0, end: 0 };
  const hint = problem.hint ? ` ${problem.hint}` : '';
  context.report('DG607', anchor, `Data checks (DG605, DG606) skipped: ${problem.reason.replace(/\.$/, '')}.${hint}`);
  return applySettings(context);
}

const format = (n: number): string => n.toLocaleString('en-US');
