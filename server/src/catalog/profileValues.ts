import { rowCount, rowField, SqlWriter } from '../checks/sql';
import { PROFILE_VALUE_COLUMNS, type ProfileValueColumn } from '../model/schema';
import type { Catalog, ProfileValue, ProfileValueSample } from './catalog';
import { toCatalogError } from './errors';
import type { DgConfig } from './config';
import type { QueryConnector, QueryRunner } from './query';

/**
 * The identity types and trait names profiles have, sampled from the Profiles Sync tables of every
 * folder the catalog holds (`user_identifiers.type`, `user_traits.name`,
 * `external_id_mapping_updates.external_id_type`), so completion can offer the ones the warehouse
 * really has. Read once with the catalog (a live load, `dg catalog pull`), never on a keystroke.
 *
 * Bounded: each query reads at most `sampleRows` rows of one column and returns at most
 * `MAX_SAMPLE_VALUES` values, most frequent first:
 *     SELECT v AS value, count(*) AS row_count
 *     FROM (SELECT "type" AS v FROM "db"."folder"."user_identifiers" LIMIT 100000) AS dg_sample
 *     WHERE v IS NOT NULL GROUP BY v ORDER BY row_count DESC, v LIMIT 1000
 * A value only in rows beyond the sample is missed: completion is a suggestion, DG606 (a data check)
 * is the proof.
 */

/** Rows read per Profiles Sync column by default (`profileSampleRows` in dg.config.json; 0 turns sampling off). */
export const DEFAULT_PROFILE_SAMPLE_ROWS = 100_000;
/** Values kept per column. */
export const MAX_SAMPLE_VALUES = 1_000;
/** Folders sampled, those holding the most Profiles Sync tables first. */
export const MAX_SAMPLED_FOLDERS = 20;

export interface ProfileSampleQuery extends Omit<ProfileValueSample, 'values'> {
  sql: string;
}

/**
 * The sampling queries for a catalog's Profiles Sync folders (only tables and columns it has, stored
 * spelling), quoted for `engine`: the warehouse that runs them (the catalog's dialect names the
 * identifier rules, which a configuration may set apart from the engine).
 */
export function profileSampleQueries(catalog: Catalog, sampleRows: number, engine: string = catalog.dialect): ProfileSampleQuery[] {
  if (sampleRows < 1) return [];
  const sql = new SqlWriter(engine);
  const queries: ProfileSampleQuery[] = [];
  for (const folder of catalog.profileFolders().slice(0, MAX_SAMPLED_FOLDERS)) {
    for (const [type, columns] of Object.entries(PROFILE_VALUE_COLUMNS)) {
      if (!folder.holds[type]) continue;
      for (const source of columns) {
        const query = sampleQuery(catalog, sql, [folder.database, folder.schema], source, sampleRows);
        if (query) queries.push(query);
      }
    }
  }
  return queries;
}

function sampleQuery(catalog: Catalog, sql: SqlWriter, folder: [string, string], source: ProfileValueColumn, sampleRows: number): ProfileSampleQuery | undefined {
  const resolution = catalog.resolve([...folder, source.table, source.column]);
  if (resolution.steps.length !== 4) return undefined;
  const [database, schema, table, column] = resolution.steps.map((s) => s.stored) as [string, string, string, string];
  return {
    folder: `${database}.${schema}`,
    table,
    column,
    link: source.link,
    sampleRows,
    sql:
      `SELECT v AS value, count(*) AS row_count ` +
      `FROM (SELECT ${sql.identifier(column)} AS v FROM ${sql.table(database, schema, table)} LIMIT ${sampleRows}) AS dg_sample ` +
      `WHERE v IS NOT NULL GROUP BY v ORDER BY row_count DESC, v LIMIT ${MAX_SAMPLE_VALUES}`,
  };
}

/** A sample from a query's rows (values as text, most frequent first). */
export function sampleFromRows(query: ProfileSampleQuery, rows: readonly Readonly<Record<string, unknown>>[]): ProfileValueSample {
  const values: ProfileValue[] = [];
  for (const row of rows) {
    const value = rowField(row, 'value');
    if (value === null || value === undefined || String(value).trim() === '') continue;
    const count = rowCount(rowField(row, 'row_count'));
    values.push(count === undefined ? { value: String(value) } : { value: String(value), rows: count });
  }
  const { sql: _sql, ...sample } = query;
  return { ...sample, values };
}

export interface SampleOptions {
  sampleRows: number;
  /** The warehouse that runs the queries (how they are quoted); the catalog's dialect by default. */
  engine?: string;
  /** Per query. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * The catalog with its Profiles Sync samples, read with `runner`, one query at a time. A query that
 * fails (no privilege on the table, the timeout) leaves its column out and says why in `problems`
 * (no secrets: the runners' errors hold none); a cancellation stops the rest.
 */
export async function sampleProfileValues(
  catalog: Catalog,
  runner: QueryRunner,
  options: SampleOptions,
): Promise<{ catalog: Catalog; problems: string[] }> {
  const samples: ProfileValueSample[] = [];
  const problems: string[] = [];
  for (const query of profileSampleQueries(catalog, options.sampleRows, options.engine)) {
    if (options.signal?.aborted) break;
    try {
      const rows = await runner.query(query.sql, { timeoutMs: options.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
      samples.push(sampleFromRows(query, rows));
    } catch (error) {
      const failure = toCatalogError(error, 'unreachable', `Sampling ${query.folder}.${query.table}`);
      problems.push(`${query.folder}.${query.table}.${query.column} not sampled: ${failure.reason}`);
      if (failure.kind === 'cancelled') break;
    }
  }
  return { catalog: samples.length ? catalog.withProfileSamples(samples) : catalog, problems };
}

/**
 * `catalog` (just read from the configuration's warehouse) with its Profiles Sync samples, read over a
 * connection of its own, closed afterwards, all within the configuration's `timeoutMs` (what is left
 * unread then is a problem, not a wait). Never fails: what could not be sampled is in `problems`.
 */
export async function sampleWarehouse(
  catalog: Catalog,
  config: DgConfig,
  connect: QueryConnector,
  options: { env: Readonly<Record<string, string | undefined>>; signal?: AbortSignal },
): Promise<{ catalog: Catalog; problems: string[] }> {
  if (!config.warehouse || profileSampleQueries(catalog, config.profileSampleRows, config.warehouse.type).length === 0) return { catalog, problems: [] };
  // One signal for the caller's cancellation and the time budget.
  const stop = new AbortController();
  let overBudget = false;
  const timer = setTimeout(() => {
    overBudget = true;
    stop.abort();
  }, config.timeoutMs);
  const onAbort = () => stop.abort();
  if (options.signal?.aborted) stop.abort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  let runner: QueryRunner | undefined;
  try {
    runner = await connect(config.warehouse, { config, env: options.env, signal: stop.signal });
    const sampled = await sampleProfileValues(catalog, runner, {
      sampleRows: config.profileSampleRows,
      engine: config.warehouse.type,
      timeoutMs: config.timeoutMs,
      signal: stop.signal,
    });
    if (!overBudget) return sampled;
    const some = sampled.catalog.profileSamples.length > 0 ? 'only partly sampled' : 'not sampled';
    return { ...sampled, problems: [`Profiles Sync tables ${some}: sampling stopped after ${config.timeoutMs} ms ("timeoutMs")`] };
  } catch (error) {
    const reason = overBudget ? `sampling stopped after ${config.timeoutMs} ms ("timeoutMs")` : toCatalogError(error, 'unreachable', 'Connecting to the warehouse').reason;
    return { catalog, problems: [`Profiles Sync tables not sampled: ${reason}`] };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    await runner?.close().catch(() => undefined);
  }
}
