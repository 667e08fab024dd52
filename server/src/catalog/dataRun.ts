import { describeWarehouse, type DgConfig } from './config';
import { toCatalogError } from './errors';
import type { CatalogLoad, ConfigState } from './project';
import type { QueryConnectors, QueryRunner } from './query';
import type { CheckSettings } from '../checks/context';
import { dataDiagnostics, dataQueries, dataUnavailable, type DataResult } from '../checks/data';
import type { Diagnostic } from '../checks/diagnostic';
import type { GraphModel } from '../model/graph';
import type { LineIndex } from '../syntax/lineIndex';

export interface DataCheckOptions {
  /** Connections by warehouse type (the drivers that can run queries). */
  connectors: QueryConnectors;
  env?: Readonly<Record<string, string | undefined>>;
  /** DG605 reads at most this many rows per table. */
  rowLimit?: number;
  signal?: AbortSignal;
  /** One line per query, as it starts (the CLI: standard error; the language server: work-done progress), with how many queries ran before it and how many there are. */
  progress?: (line: string, done: number, total: number) => void;
}

/** Runs the data checks of one file: its model, its project (configuration and catalog load), settings, lines. */
export type DataChecks = (
  model: GraphModel,
  project: { config: ConfigState; load?: CatalogLoad },
  settings: CheckSettings,
  lines: LineIndex,
) => Promise<Diagnostic[]>;

/**
 * The data checks, shared by `dg check --data` (server/src/cli/data.ts) and the language server's
 * `dg/runDataChecks`: per file, the data-check queries (server/src/checks/data.ts) run on the warehouse
 * of the file's dg.config.json, one connection per configuration (opened on first use, closed by
 * `close`), one query at a time, each within the configuration's timeout. When they cannot run, one
 * DG607 per file says why, unless the warehouse checks already reported one (the catalog is missing,
 * or a fallback: the warehouse was not reachable).
 */
export function dataChecks(options: DataCheckOptions): { run: DataChecks; close: () => Promise<void> } {
  const connections = new Map<string, Promise<QueryRunner | { error: { reason: string; hint?: string } }>>();

  const connect = (config: DgConfig) => {
    let connection = connections.get(config.file);
    if (!connection) {
      const warehouse = config.warehouse!;
      const connector = options.connectors[warehouse.type];
      connection = connector
        ? connector(warehouse, { config, env: options.env ?? process.env, ...(options.signal ? { signal: options.signal } : {}) }).catch((error: unknown) => {
            const failure = toCatalogError(error, 'unreachable', `Connecting to ${describeWarehouse(warehouse)}`);
            return { error: { reason: failure.reason, ...(failure.hint ? { hint: failure.hint } : {}) } };
          })
        : Promise.resolve({
            error: {
              reason: `this dg cannot run queries on ${describeWarehouse(warehouse)} (its ${warehouse.type} driver reads the catalog only)`,
            },
          });
      connections.set(config.file, connection);
    }
    return connection;
  };

  const run: DataChecks = async (model: GraphModel, project: { config: ConfigState; load?: CatalogLoad }, settings: CheckSettings, lines: LineIndex): Promise<Diagnostic[]> => {
    if (model.dataGraphs.length === 0) return [];
    const { config, load } = project;
    if (config.kind === 'invalid') return []; // DG607 from the warehouse checks
    if (config.kind === 'none') {
      return dataUnavailable(model, { reason: 'no dg.config.json applies to this file', hint: 'Create one naming the warehouse, e.g. { "warehouse": { "type": "duckdb", "path": "shop.duckdb" } }.' }, settings, lines);
    }
    if (load?.configured && (!load.catalog || load.failures.length)) return []; // the warehouse checks' DG607 says why
    if (!config.config.warehouse) {
      return dataUnavailable(
        model,
        { reason: 'dg.config.json names no live warehouse (a catalog file has no data)', hint: 'Add "warehouse" to dg.config.json.' },
        settings,
        lines,
      );
    }
    if (!load?.catalog) return [];
    // Quoted for the engine that runs them (the catalog's dialect may be set apart from it).
    const engine = config.config.warehouse.type;
    const queries = dataQueries(model, load.catalog, { dialect: engine, ...(options.rowLimit ? { rowLimit: options.rowLimit } : {}) });
    if (queries.length === 0) return [];
    const connection = await connect(config.config);
    if ('error' in connection) return dataUnavailable(model, connection.error, settings, lines);
    const results: DataResult[] = [];
    for (const [index, query] of queries.entries()) {
      if (options.signal?.aborted) {
        results.push({ error: { reason: 'cancelled' } });
        break;
      }
      options.progress?.(
        query.kind === 'primary-key'
          ? `checking that ${query.column} is unique in ${query.table} (at most ${query.rowLimit.toLocaleString('en-US')} rows)`
          : `looking up ${query.values.length} ${query.kind === 'identity-types' ? 'identity type' : 'trait name'}${query.values.length === 1 ? '' : 's'} in ${query.table}`,
        index,
        queries.length,
      );
      try {
        results.push({ rows: await connection.query(query.sql, { timeoutMs: config.config.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) }) });
      } catch (error) {
        const failure = toCatalogError(error, 'unreachable', `Querying ${query.table}`);
        results.push({ error: { reason: failure.reason, ...(failure.hint ? { hint: failure.hint } : {}) } });
        if (failure.kind === 'cancelled') break;
      }
    }
    return dataDiagnostics(model, queries, results, settings, lines);
  };

  const close = async () => {
    const open = [...connections.values()];
    connections.clear();
    for (const connection of open) {
      const runner = await connection;
      if (!('error' in runner)) await runner.close().catch(() => undefined);
    }
  };
  return { run, close };
}
