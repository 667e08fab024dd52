import { connect as netConnect } from 'node:net';
// Types only: erased from the build, so nothing loads pg until a configuration asks for it.
import type { Client, ClientConfig } from 'pg';
import type { Catalog, CatalogProvider } from '../catalog';
import { describeWarehouse, resolveSecret, type WarehouseConfig } from '../config';
import { CatalogError, redact, toCatalogError } from '../errors';
import type { DriverContext, WarehouseDriver } from '../providers';
import type { QueryConnector, QueryRunner } from '../query';
import { catalogFromRows, Deadline, formatMs, loadDriverPackage, tableKind, text, type ColumnRow, type DriverPackage, type TableRow } from './common';

/**
 * The Postgres and Redshift warehouses (Redshift speaks Postgres' wire protocol), read with `pg`.
 *
 * - The package is imported on the first load, never at startup (`driver-missing` when absent).
 * - The connection URL comes from the environment (`"url": "env:DG_PG_URL"`) and never appears in a
 *   message: driver messages pass through `redact`, and messages name the variable, not its value.
 * - Connecting is bounded by the configured timeout (`connectionTimeoutMillis`), each statement by
 *   `statement_timeout` (so the server stops working on an abandoned query too), and everything runs in a
 *   `READ ONLY` transaction; nothing is interpolated into SQL but the timeout, a number.
 * - Metadata comes from `information_schema` (schemata, tables and views, columns with `data_type` and
 *   `is_nullable`), without `pg_catalog`, `information_schema` and the `pg_*` schemas; on Postgres, the
 *   materialized views (which `information_schema` omits) from `pg_catalog`. The catalog is the connected
 *   database (`current_database()`).
 * - The timeout and the caller's AbortSignal cancel the statement on the server (a CancelRequest) and
 *   destroy the connection at once; the load settles with `timeout` or `cancelled`.
 * - Failures are CatalogErrors a person can act on: `unreachable` (connection refused, unknown host,
 *   unknown database), `auth` (wrong password, no such role, no permission), `timeout`.
 */

type Pg = typeof import('pg');
export type PostgresWarehouse = Extract<WarehouseConfig, { type: 'postgres' | 'redshift' }>;

export const PG_PACKAGE: DriverPackage<Pg> = {
  name: 'pg',
  version: '8.23.1',
  label: 'Postgres',
  load: async () => {
    const mod = (await import('pg')) as Pg & { default?: Pg };
    return typeof mod.Client === 'function' ? mod : (mod.default ?? mod);
  },
};

export interface PostgresDriverOptions {
  /** The package to load (tests: a missing one). */
  driver?: DriverPackage<Pg>;
}

/** The provider reading a Postgres or Redshift database's catalog. */
export function postgresProvider(warehouse: PostgresWarehouse, context: DriverContext, options: PostgresDriverOptions = {}): CatalogProvider {
  const description = describeWarehouse(warehouse);
  const driver = options.driver ?? PG_PACKAGE;
  return {
    description,
    load: (signal) => loadPostgres(warehouse, context, driver, description, signal),
  };
}

/** The `WarehouseDriver` for `"type": "postgres"` and `"type": "redshift"`. */
export const postgresDriver: WarehouseDriver = (warehouse, context) => {
  if (warehouse.type === 'duckdb') throw new TypeError('the Postgres driver got a DuckDB warehouse');
  return postgresProvider(warehouse, context);
};

/** Schemas that are the system's, not the user's (`pg_*` names are reserved for it). */
const USER_SCHEMA = (column: string) => `${column} <> 'information_schema' AND substr(${column}, 1, 3) <> 'pg_'`;

const SCHEMATA_SQL = `SELECT schema_name FROM information_schema.schemata WHERE ${USER_SCHEMA('schema_name')} ORDER BY schema_name`;
const TABLES_SQL = `SELECT table_schema, table_name, table_type FROM information_schema.tables
  WHERE ${USER_SCHEMA('table_schema')} ORDER BY table_schema, table_name`;
const COLUMNS_SQL = `SELECT table_schema, table_name, column_name, data_type, udt_name, is_nullable FROM information_schema.columns
  WHERE ${USER_SCHEMA('table_schema')} ORDER BY table_schema, table_name, ordinal_position`;
// Postgres only (Redshift has no pg_matviews): materialized views, which information_schema leaves out.
const MATVIEWS_SQL = `SELECT n.nspname AS table_schema, c.relname AS table_name, a.attname AS column_name,
    pg_catalog.format_type(a.atttypid, a.atttypmod) AS data_type, NOT a.attnotnull AS nullable
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  WHERE c.relkind = 'm' AND ${USER_SCHEMA('n.nspname')} AND pg_catalog.has_table_privilege(c.oid, 'SELECT')
  ORDER BY 1, 2, a.attnum`;

async function loadPostgres(
  warehouse: PostgresWarehouse,
  context: DriverContext,
  driver: DriverPackage<Pg>,
  description: string,
  signal: AbortSignal | undefined,
): Promise<Catalog> {
  const timeoutMs = context.config.timeoutMs;
  const deadline = new Deadline(description, timeoutMs, signal);
  let url: string | undefined;
  try {
    deadline.check();
    url = resolveSecret(warehouse.url, context.env);
    const pg = await deadline.race(loadDriverPackage(driver));
    deadline.check();
    const client = newClient(pg, url, timeoutMs);
    const offStop = deadline.onStop(() => abandon(client));
    try {
      await deadline.race(client.connect());
      const query = async (sql: string) => (await deadline.race(client.query(sql))).rows as Record<string, unknown>[];
      await query(`SET statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
      await query('BEGIN READ ONLY');
      const database = text((await query('SELECT current_database() AS name'))[0]?.name);
      const schemas = (await query(SCHEMATA_SQL)).map((r) => text(r.schema_name));
      const tables: TableRow[] = (await query(TABLES_SQL)).map((r) => ({
        schema: text(r.table_schema),
        table: text(r.table_name),
        kind: tableKind(text(r.table_type)),
      }));
      const columns: ColumnRow[] = (await query(COLUMNS_SQL)).map((r) => ({
        schema: text(r.table_schema),
        table: text(r.table_name),
        column: text(r.column_name),
        type: columnType(text(r.data_type), text(r.udt_name)),
        nullable: text(r.is_nullable).toUpperCase() !== 'NO',
      }));
      if (warehouse.type === 'postgres') {
        const known = new Set(tables.map((t) => `${t.schema}\u0000${t.table}`));
        for (const r of await query(MATVIEWS_SQL)) {
          const schema = text(r.table_schema);
          const table = text(r.table_name);
          const key = `${schema}\u0000${table}`;
          if (!known.has(key)) {
            known.add(key);
            tables.push({ schema, table, kind: 'materialized_view' });
          }
          columns.push({ schema, table, column: text(r.column_name), type: text(r.data_type), nullable: r.nullable !== false });
        }
      }
      await query('ROLLBACK');
      return catalogFromRows({ database, schemas, tables, columns }, { warehouse, config: context.config, description });
    } finally {
      offStop();
      if (deadline.stopped) destroy(client);
      else await client.end().catch(() => destroy(client));
    }
  } catch (error) {
    throw deadline.stopped ?? postgresError(error, warehouse, description, timeoutMs, url);
  } finally {
    deadline.dispose();
  }
}

function newClient(pg: Pg, url: string, timeoutMs: number): Client {
  const config: ClientConfig = {
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    application_name: 'dg',
    keepAlive: true,
  };
  const client = new pg.Client(config);
  // Failures reach us through the calls we await; an 'error' event after that (the server going away)
  // must not crash the process.
  client.on('error', () => undefined);
  return client;
}

/** `information_schema.columns.data_type`, with the element type of arrays and the name of user-defined types. */
function columnType(dataType: string, udtName: string): string {
  if (dataType === 'ARRAY' && udtName.startsWith('_')) return `${udtName.slice(1)}[]`;
  if (dataType === 'USER-DEFINED' && udtName) return udtName;
  return dataType;
}

/**
 * Stops a connection now: asks the server to cancel the statement in flight (the protocol's
 * CancelRequest, on a separate connection, as psql does on Ctrl-C; otherwise the server would go on
 * until `statement_timeout`), and destroys the socket, so any query in flight fails here at once.
 */
function abandon(client: Client): void {
  cancelOnServer(client);
  destroy(client);
}

function cancelOnServer(client: Client): void {
  const { processID, secretKey } = client as unknown as { processID?: number | null; secretKey?: number | null };
  if (typeof processID !== 'number' || typeof secretKey !== 'number' || !client.port) return;
  const packet = Buffer.alloc(16);
  packet.writeInt32BE(16, 0);
  packet.writeInt32BE(80877102, 4); // CancelRequest code
  packet.writeInt32BE(processID, 8);
  packet.writeInt32BE(secretKey, 12);
  const socket = client.host?.startsWith('/')
    ? netConnect({ path: `${client.host}/.s.PGSQL.${client.port}` })
    : netConnect({ host: client.host || 'localhost', port: client.port });
  socket.setTimeout(5_000, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('connect', () => socket.end(packet));
  socket.unref();
}

/** Drops the connection now: the socket is destroyed, any query in flight fails. */
function destroy(client: Client): void {
  // `end()` destroys the socket itself while a query is running or the connection is being made.
  client.end().catch(() => undefined);
  (client as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream?.destroy?.();
}

/** A pg or socket error as a CatalogError a person can act on, without the URL's secrets. */
export function postgresError(error: unknown, warehouse: PostgresWarehouse, description: string, timeoutMs: number, url?: string): CatalogError {
  if (error instanceof CatalogError) return error;
  const secrets = url ? [url] : [];
  const raw = error instanceof Error ? error.message : String(error);
  const message = redact(raw, secrets).replace(/\s*\n\s*/g, ' ').trim();
  const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : '';
  const source = 'env' in warehouse.url ? warehouse.url.env : '"warehouse.url" in dg.config.json';
  const at = url ? endpoint(url) : undefined;
  const there = at ? ` at ${at}` : '';
  const fail = (kind: CatalogError['kind'], reason: string, hint?: string) => new CatalogError(kind, reason, hint, { cause: error });
  switch (code) {
    case 'ECONNREFUSED':
      return fail('unreachable', `${description} refused the connection${there}: no server is listening there.`, `Check that the server is running, and the host and port in ${source}.`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return fail('unreachable', `${description}: the host${at ? ` ${at.replace(/:\d+$/, '')}` : ''} was not found.`, `Check the host in ${source}.`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ECONNRESET':
    case 'EPIPE':
      return fail('unreachable', `${description} could not be reached${there}: ${message}`, `Check the host and port in ${source}, and the network.`);
    case 'ETIMEDOUT':
      return fail('timeout', `${description} did not accept the connection${there} within ${formatMs(timeoutMs)}.`, 'Check that it is reachable, or raise "timeoutMs" in dg.config.json.');
    case '28P01': // invalid_password
    case '28000': // invalid_authorization_specification: no such role, no pg_hba.conf entry
      return fail('auth', `${description} refused the credentials: ${message}.`, `Check the user and password in ${source}.`);
    case '42501': // insufficient_privilege
      return fail('auth', `${description}: permission denied: ${message}.`, 'Grant the user USAGE on the schemas and SELECT on the tables the graph reads.');
    case '3D000': // invalid_catalog_name
      return fail('unreachable', `${description}: ${message}.`, `Check the database name in ${source}.`);
    case '57014': // query_canceled (statement_timeout)
      return fail('timeout', `${description} did not answer within ${formatMs(timeoutMs)}.`, 'The server is busy or the catalog is large: raise "timeoutMs" in dg.config.json.');
    case '53300': // too_many_connections
    case '57P03': // cannot_connect_now
      return fail('unreachable', `${description} is not accepting connections: ${message}.`, 'Retry later.');
  }
  if (/^08[0-9A-Z]{3}$/.test(code)) return fail('unreachable', `${description}: ${message}.`, `Check the host and port in ${source}.`);
  if (/^[0-9A-Z]{5}$/.test(code)) return fail('unreadable', `${description}: the query failed: ${message}.`);
  if (/timeout expired|connection timeout/i.test(raw)) {
    return fail('timeout', `${description} did not accept the connection${there} within ${formatMs(timeoutMs)}.`, 'Check that it is reachable, or raise "timeoutMs" in dg.config.json.');
  }
  if (/ssl|certificate/i.test(raw)) {
    return fail('unreachable', `${description}: the TLS connection failed: ${message}.`, `Check "sslmode" in ${source}.`);
  }
  return toCatalogError(error, 'unreachable', description, secrets);
}

/** `host:port` of a connection URL (never its user or password), for messages. */
function endpoint(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (!parsed.hostname) return undefined;
    return `${parsed.hostname}:${parsed.port || '5432'}`;
  } catch {
    return undefined;
  }
}

// --- queries (the data checks) --------------------------------------------------------------------------

/** The `QueryConnector` for `"type": "postgres"` and `"type": "redshift"`: runs the data checks' SQL. */
export const postgresConnector: QueryConnector = (warehouse, context) => {
  if (warehouse.type === 'duckdb') return Promise.reject(new TypeError('the Postgres driver got a DuckDB warehouse'));
  return openPostgres(warehouse, context);
};

/**
 * A connection that runs SQL one statement at a time, each in its own `READ ONLY` transaction under
 * `statement_timeout`, within its timeout and cancellable. A statement that stops drops the connection
 * (there is no other way to stop a wire-protocol query at once); the next statement reconnects. Values
 * as pg returns them (`bigint` and `numeric` as strings). Connecting happens here, so an unreachable
 * warehouse or wrong password rejects the connector, with the configured timeout and `context.signal`.
 */
export async function openPostgres(
  warehouse: PostgresWarehouse,
  context: DriverContext & { signal?: AbortSignal },
  options: PostgresDriverOptions = {},
): Promise<QueryRunner> {
  const description = describeWarehouse(warehouse);
  const connectTimeoutMs = context.config.timeoutMs;
  let url: string | undefined;
  let pg: Pg;

  const connect = async (deadline: Deadline): Promise<Client> => {
    const client = newClient(pg, url!, Math.min(connectTimeoutMs, deadline.timeoutMs));
    const off = deadline.onStop(() => destroy(client));
    try {
      await deadline.race(client.connect());
      return client;
    } catch (error) {
      destroy(client);
      throw error;
    } finally {
      off();
    }
  };

  let current: Client | undefined;
  const opening = new Deadline(description, connectTimeoutMs, context.signal);
  try {
    opening.check();
    url = resolveSecret(warehouse.url, context.env);
    pg = await opening.race(loadDriverPackage(options.driver ?? PG_PACKAGE));
    current = await connect(opening);
  } catch (error) {
    throw opening.stopped ?? postgresError(error, warehouse, description, connectTimeoutMs, url);
  } finally {
    opening.dispose();
  }

  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  return {
    query(sql, { timeoutMs, signal }) {
      const run = async (): Promise<Record<string, unknown>[]> => {
        const stop = new Deadline(description, timeoutMs, signal);
        try {
          stop.check();
          if (closed) throw new CatalogError('cancelled', `${description}: the connection is closed.`);
          const client = current ?? (current = await connect(stop));
          const off = stop.onStop(() => {
            abandon(client);
            if (current === client) current = undefined;
          });
          try {
            const run = (text: string) => stop.race(client.query(text));
            await run(`SET statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
            await run('BEGIN READ ONLY');
            try {
              return (await run(sql)).rows as Record<string, unknown>[];
            } finally {
              if (!stop.stopped) await client.query('ROLLBACK').catch(() => undefined);
            }
          } catch (error) {
            // A server error (it has a SQLSTATE) leaves the connection usable; anything else does not.
            const code = (error as { code?: unknown }).code;
            if (!(typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) && current === client) {
              destroy(client);
              current = undefined;
            }
            throw error;
          } finally {
            off();
          }
        } catch (error) {
          throw stop.stopped ?? postgresError(error, warehouse, description, timeoutMs, url);
        } finally {
          stop.dispose();
        }
      };
      const result = queue.then(run, run);
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      const client = current;
      current = undefined;
      if (client) await client.end().catch(() => destroy(client));
    },
  };
}
