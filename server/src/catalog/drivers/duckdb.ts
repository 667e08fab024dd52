import { mkdir, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
// Types only: erased from the build, so nothing loads DuckDB until a configuration asks for it.
import type { DuckDBConnection, DuckDBInstance, DuckDBResultReader } from '@duckdb/node-api';
import type { Catalog, CatalogProvider } from '../catalog';
import { describeWarehouse, type WarehouseConfig } from '../config';
import { CatalogError, redact, toCatalogError } from '../errors';
import type { DriverContext, WarehouseDriver } from '../providers';
import type { QueryConnector, QueryRunner } from '../query';
import { catalogFromRows, Deadline, loadDriverPackage, tableKind, text, type DriverPackage } from './common';

/**
 * The DuckDB warehouse: a database file read with `@duckdb/node-api` (which ships DuckDB's native
 * library for each platform inside its npm packages).
 *
 * - The package is imported on the first load, never at startup; when it is missing (or its native
 *   binding is not there for this platform) the load fails with `driver-missing`, saying what to install.
 * - The file is opened READ-ONLY, without file system or network access for SQL
 *   (`enable_external_access=false`) and without installing or loading extensions, and closed after
 *   each load. Its catalog name is DuckDB's: the file's stem (`retail.duckdb` → `retail`).
 * - Metadata comes from `information_schema` (schemata, tables and views, columns with `data_type`,
 *   `is_nullable` and comments), filtered on the database name as a bound parameter; nothing is
 *   interpolated into SQL.
 * - The configured timeout and the caller's AbortSignal interrupt the running query
 *   (`connection.interrupt()`); the load settles with `timeout` or `cancelled` at once, and the
 *   connection and database are closed as soon as DuckDB lets go.
 * - `"init": "warehouse.sql"` (optional): when the database file does not exist, the first load builds
 *   it by running that SQL script in a new database (sandboxed like reads: no file or network access, so
 *   the script creates and fills tables itself), built in a temporary folder beside it and moved into
 *   place only once complete. An existing file is never written to: delete it to rebuild.
 */

type DuckDBApi = typeof import('@duckdb/node-api');
export type DuckDbWarehouse = Extract<WarehouseConfig, { type: 'duckdb' }>;

export const DUCKDB_PACKAGE: DriverPackage<DuckDBApi> = {
  name: '@duckdb/node-api',
  version: '1.5.6-r.1',
  label: 'DuckDB',
  load: async () => {
    const mod = (await import('@duckdb/node-api')) as DuckDBApi & { default?: DuckDBApi };
    return typeof mod.DuckDBInstance === 'function' ? mod : (mod.default ?? mod);
  },
};

export interface DuckDbDriverOptions {
  /** The package to load (tests: a missing one). */
  driver?: DriverPackage<DuckDBApi>;
}

/** DuckDB's settings for every database dg opens: SQL reaches nothing outside the database. */
const SANDBOX: Record<string, string> = {
  enable_external_access: 'false',
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
};

// The database's own schemas ($1: its name, from current_database()); DuckDB names result columns as
// the view stores them (TABLE_COMMENT), hence the aliases.
const USER_SCHEMA = (column: string) => `${column} NOT IN ('information_schema', 'pg_catalog')`;
const SCHEMATA_SQL = `SELECT schema_name AS schema_name FROM information_schema.schemata
  WHERE catalog_name = $1 AND ${USER_SCHEMA('schema_name')} ORDER BY schema_name`;
const TABLES_SQL = `SELECT table_schema AS table_schema, table_name AS table_name, table_type AS table_type, table_comment AS table_comment
  FROM information_schema.tables
  WHERE table_catalog = $1 AND ${USER_SCHEMA('table_schema')} ORDER BY table_schema, table_name`;
const COLUMNS_SQL = `SELECT table_schema AS table_schema, table_name AS table_name, column_name AS column_name, data_type AS data_type,
    is_nullable AS is_nullable, column_comment AS column_comment
  FROM information_schema.columns
  WHERE table_catalog = $1 AND ${USER_SCHEMA('table_schema')} ORDER BY table_schema, table_name, ordinal_position`;

/** The provider reading a DuckDB file's catalog. */
export function duckdbProvider(warehouse: DuckDbWarehouse, context: DriverContext, options: DuckDbDriverOptions = {}): CatalogProvider {
  const description = describeWarehouse(warehouse);
  const driver = options.driver ?? DUCKDB_PACKAGE;
  return {
    description,
    load: (signal) => loadDuckDb(warehouse, context, driver, description, signal),
  };
}

/** The `WarehouseDriver` for `"type": "duckdb"`. */
export const duckdbDriver: WarehouseDriver = (warehouse, context) => {
  if (warehouse.type !== 'duckdb') throw new TypeError(`the DuckDB driver got a ${warehouse.type} warehouse`);
  return duckdbProvider(warehouse, context);
};

async function loadDuckDb(
  warehouse: DuckDbWarehouse,
  context: DriverContext,
  driver: DriverPackage<DuckDBApi>,
  description: string,
  signal: AbortSignal | undefined,
): Promise<Catalog> {
  const deadline = new Deadline(description, context.config.timeoutMs, signal);
  try {
    deadline.check();
    const duckdb = await deadline.race(loadDriverPackage(driver));
    await ensureDatabase(duckdb, warehouse, deadline);
    const rows = await session(duckdb, warehouse.path, { ...SANDBOX, access_mode: 'READ_ONLY' }, deadline, warehouse, async (run) => {
      const database = text((await run('SELECT current_database() AS name')).getRowObjects()[0]?.name);
      const schemata = await run(SCHEMATA_SQL, [database]);
      const tables = await run(TABLES_SQL, [database]);
      const columns = await run(COLUMNS_SQL, [database]);
      return {
        database,
        schemas: schemata.getRowObjects().map((r) => text(r.schema_name)),
        tables: tables.getRowObjects().map((r) => ({
          schema: text(r.table_schema),
          table: text(r.table_name),
          kind: tableKind(text(r.table_type)),
          comment: r.table_comment === null ? null : text(r.table_comment),
        })),
        columns: columns.getRowObjects().map((r) => ({
          schema: text(r.table_schema),
          table: text(r.table_name),
          column: text(r.column_name),
          type: text(r.data_type),
          nullable: text(r.is_nullable).toUpperCase() !== 'NO',
          comment: r.column_comment === null ? null : text(r.column_comment),
        })),
      };
    });
    return catalogFromRows(rows, { warehouse, config: context.config, description });
  } catch (error) {
    throw toCatalogError(deadline.stopped ?? error, 'unreadable', `Reading ${description}`);
  } finally {
    deadline.dispose();
  }
}

/** The database file exists afterwards: it did, or its init script built it; else `not-found`. */
async function ensureDatabase(duckdb: DuckDBApi, warehouse: DuckDbWarehouse, deadline: Deadline): Promise<void> {
  if (!(await exists(warehouse))) {
    if (!warehouse.init) {
      throw new CatalogError(
        'not-found',
        `The DuckDB database ${warehouse.displayPath} does not exist.`,
        'Fix "warehouse.path" in dg.config.json, or add "init": "<script>.sql" there to build it from SQL.',
      );
    }
    await buildDatabase(duckdb, warehouse, deadline);
  }
  deadline.check();
}

/** Whether the database file exists (a directory or an unreadable path is an error). */
async function exists(warehouse: DuckDbWarehouse): Promise<boolean> {
  try {
    const info = await stat(warehouse.path);
    if (info.isDirectory()) {
      throw new CatalogError('unreadable', `The DuckDB database path ${warehouse.displayPath} is a directory, not a file.`, 'Fix "warehouse.path" in dg.config.json.');
    }
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return false;
    throw toCatalogError(error, 'unreadable', `Cannot read the DuckDB database ${warehouse.displayPath}`);
  }
}

type Run = (sql: string, values?: string[]) => Promise<DuckDBResultReader>;

/**
 * Opens `path`, connects, runs `work`, and closes both before returning. A stop (timeout, cancel)
 * interrupts the query in flight and rejects at once; the connection and database are then closed in the
 * background once DuckDB has let go (closing under a running query is not safe), followed by
 * `abandoned` (the caller's cleanup of files DuckDB held).
 */
async function session<T>(
  duckdb: DuckDBApi,
  path: string,
  options: Record<string, string>,
  deadline: Deadline,
  warehouse: DuckDbWarehouse,
  work: (run: Run) => Promise<T>,
  abandoned?: () => Promise<void>,
): Promise<T> {
  const opening = duckdb.DuckDBInstance.create(path, options);
  let instance: DuckDBInstance;
  try {
    instance = await deadline.race(opening);
  } catch (error) {
    if (deadline.stopped) {
      void opening.then((late) => close(undefined, late), () => undefined).then(() => abandoned?.());
      throw deadline.stopped;
    }
    throw openError(error, warehouse, path);
  }
  let connecting: Promise<DuckDBConnection> | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let off = (): unknown => undefined;
  try {
    connecting = instance.connect();
    const connection = await deadline.race(connecting);
    off = deadline.onStop(() => interruptUntilSettled(connection, running));
    return await work((sql, values) => {
      deadline.check();
      const query = connection.runAndReadAll(sql, values);
      running = query.catch(() => undefined);
      return deadline.race(query);
    });
  } finally {
    off();
    const finish = async () => {
      await running;
      close(connecting && (await connecting.catch(() => undefined)), instance);
    };
    if (deadline.stopped) void finish().then(() => abandoned?.()).catch(() => undefined);
    else await finish();
  }
}

/**
 * Interrupts the query in flight. DuckDB drops an interrupt that arrives before the query has started
 * executing, so it is repeated until the query has settled.
 */
function interruptUntilSettled(connection: DuckDBConnection, running: Promise<unknown>): void {
  let settled = false;
  const interrupt = () => settled || connection.interrupt();
  interrupt();
  const timer = setInterval(interrupt, 10);
  void running.then(() => {
    settled = true;
    clearInterval(timer);
  });
}

function close(connection: DuckDBConnection | undefined, instance: DuckDBInstance): void {
  try {
    connection?.closeSync();
  } catch {
    // already closed
  }
  try {
    instance.closeSync();
  } catch {
    // already closed
  }
}

/** Why DuckDB could not open the file, for people: the message names the file as the config does. */
function openError(error: unknown, warehouse: DuckDbWarehouse, path: string): CatalogError {
  if (error instanceof CatalogError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const message = redact(raw.split(path).join(warehouse.displayPath).split('\n')[0]!.trim());
  const file = warehouse.displayPath;
  if (/not a valid DuckDB database file/i.test(raw)) {
    return new CatalogError(
      'malformed',
      `${file} is not a DuckDB database file.`,
      warehouse.init
        ? `Delete it: dg rebuilds it from ${warehouse.init.displayPath}.`
        : 'Point "warehouse.path" in dg.config.json at a DuckDB database (a .duckdb file).',
      { cause: error },
    );
  }
  if (/lock/i.test(raw)) {
    return new CatalogError(
      'unreadable',
      `${file} is locked by another program that has it open for writing.`,
      'Close it there (a DuckDB shell, a notebook, a pipeline), or point dg at a copy.',
      { cause: error },
    );
  }
  if (/version number|storage version|incompatible/i.test(raw)) {
    return new CatalogError('unsupported', `${file} was written by a DuckDB this dg cannot read (${message}).`, `dg reads it with ${DUCKDB_PACKAGE.name} ${DUCKDB_PACKAGE.version}.`, { cause: error });
  }
  return new CatalogError('unreadable', `DuckDB cannot open ${file}: ${message}`, undefined, { cause: error });
}

/**
 * Builds the database from its init script: runs the script in a new database in a temporary folder
 * beside the target (same file name, so the catalog name is the same while it runs), then moves the
 * finished file into place. A failed or stopped build leaves nothing behind.
 */
async function buildDatabase(duckdb: DuckDBApi, warehouse: DuckDbWarehouse, deadline: Deadline): Promise<void> {
  const init = warehouse.init!;
  let sql: string;
  try {
    sql = await deadline.race(readFile(init.path, { encoding: 'utf8', signal: deadline.signal }));
  } catch (error) {
    if (deadline.stopped) throw deadline.stopped;
    if ((error as { code?: unknown }).code === 'ENOENT') {
      throw new CatalogError(
        'not-found',
        `The DuckDB database ${warehouse.displayPath} does not exist, and neither does its init script ${init.displayPath}.`,
        'Fix "warehouse.init" (or "warehouse.path") in dg.config.json.',
      );
    }
    throw toCatalogError(error, 'unreadable', `Cannot read the init script ${init.displayPath}`);
  }
  let work: string;
  try {
    await mkdir(dirname(warehouse.path), { recursive: true });
    work = await mkdtemp(join(dirname(warehouse.path), '.dg-build-'));
  } catch (error) {
    throw toCatalogError(error, 'unreadable', `Cannot create ${warehouse.displayPath}`);
  }
  const removeWork = () => rm(work, { recursive: true, force: true }).catch(() => undefined);
  const target = join(work, basename(warehouse.path));
  let closed = false;
  try {
    await session(
      duckdb,
      target,
      SANDBOX,
      deadline,
      warehouse,
      async (run) => {
        try {
          await run(sql);
          await run('CHECKPOINT');
        } catch (error) {
          if (deadline.stopped) throw deadline.stopped;
          const message = redact((error instanceof Error ? error.message : String(error)).split(target).join(warehouse.displayPath));
          throw new CatalogError(
            'malformed',
            `Building ${warehouse.displayPath} from ${init.displayPath} failed: ${message.replace(/\s*\n\s*/g, ' ').trim()}`,
            `Fix the SQL in ${init.displayPath}: dg runs it (without file or network access) when ${warehouse.displayPath} does not exist.`,
            { cause: error },
          );
        }
      },
      removeWork,
    );
    closed = true;
    deadline.check();
    // Atomic on one file system; a dg that built it meanwhile built the same thing.
    await rename(target, warehouse.path);
    await removeWork();
  } catch (error) {
    // Stopped in the session: it removes the folder once DuckDB has closed the file.
    if (closed || !deadline.stopped) await removeWork();
    throw deadline.stopped ?? toCatalogError(error, 'unreadable', `Cannot create ${warehouse.displayPath}`);
  }
}

// --- queries (the data checks) --------------------------------------------------------------------------

/** The `QueryConnector` for `"type": "duckdb"`: runs the data checks' read-only SQL. */
export const duckdbConnector: QueryConnector = (warehouse, context) => {
  if (warehouse.type !== 'duckdb') return Promise.reject(new TypeError(`the DuckDB driver got a ${warehouse.type} warehouse`));
  return openDuckDb(warehouse, context);
};

/**
 * A read-only connection to the database (built from its init script first if need be) that runs SQL,
 * one statement at a time, each within its timeout and cancellable (the query is interrupted; the
 * connection stays usable). Values as JavaScript (`BIGINT` as bigint). `close` waits for a query in flight.
 */
export async function openDuckDb(
  warehouse: DuckDbWarehouse,
  context: DriverContext & { signal?: AbortSignal },
  options: DuckDbDriverOptions = {},
): Promise<QueryRunner> {
  const description = describeWarehouse(warehouse);
  const deadline = new Deadline(description, context.config.timeoutMs, context.signal);
  let instance: DuckDBInstance | undefined;
  let connection: DuckDBConnection;
  try {
    deadline.check();
    const duckdb = await deadline.race(loadDriverPackage(options.driver ?? DUCKDB_PACKAGE));
    await ensureDatabase(duckdb, warehouse, deadline);
    const opening = duckdb.DuckDBInstance.create(warehouse.path, { ...SANDBOX, access_mode: 'READ_ONLY' });
    try {
      instance = await deadline.race(opening);
    } catch (error) {
      if (deadline.stopped) void opening.then((late) => close(undefined, late), () => undefined);
      throw deadline.stopped ?? openError(error, warehouse, warehouse.path);
    }
    const connecting = instance.connect();
    try {
      connection = await deadline.race(connecting);
    } catch (error) {
      const opened = instance;
      void connecting.then((late) => close(late, opened), () => close(undefined, opened));
      throw error;
    }
  } catch (error) {
    throw toCatalogError(deadline.stopped ?? error, 'unreadable', `Opening ${description}`);
  } finally {
    deadline.dispose();
  }

  const database = instance;
  // Settles when DuckDB has let go of the last statement: the next one starts then. A statement that
  // stops (timeout, cancel) rejects at once, though; its successor still waits for DuckDB.
  let queue: Promise<void> = Promise.resolve();
  let closed = false;
  return {
    query(sql, { timeoutMs, signal }) {
      const previous = queue;
      let release!: () => void;
      queue = new Promise<void>((resolve) => (release = resolve));
      const stop = new Deadline(description, timeoutMs, signal);
      let started = false;
      const run = async (): Promise<Record<string, unknown>[]> => {
        await stop.race(previous);
        if (closed) throw new CatalogError('cancelled', `${description}: the connection is closed.`);
        started = true;
        const query = connection.runAndReadAll(sql);
        const settled = query.then(
          () => undefined,
          () => undefined,
        );
        void settled.then(release);
        const off = stop.onStop(() => interruptUntilSettled(connection, settled));
        try {
          return (await stop.race(query)).getRowObjectsJS() as Record<string, unknown>[];
        } finally {
          off();
        }
      };
      return run()
        .catch((error: unknown) => {
          if (stop.stopped) throw stop.stopped;
          if (error instanceof CatalogError) throw error;
          const message = redact((error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ').trim());
          throw new CatalogError('unreadable', `${description}: the query failed: ${message}`, undefined, { cause: error });
        })
        .finally(() => {
          stop.dispose();
          if (!started) void previous.then(release);
        });
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      close(connection, database);
    },
  };
}
