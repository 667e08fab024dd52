import { CatalogBuilder, type Catalog, type TableKind } from '../catalog';
import { dialectOf, type DgConfig, type WarehouseConfig } from '../config';
import { CatalogError, redact } from '../errors';

/**
 * What the live warehouse drivers share: loading their package lazily (a missing one is a
 * `driver-missing` CatalogError saying what to install), a deadline that combines the configured
 * timeout with the caller's AbortSignal and runs the driver's own teardown (interrupt the query, drop
 * the connection) the moment either fires, and building the catalog from information_schema rows.
 */

/** A database package the drivers load on first use, and the version this dg is tested with. */
export interface DriverPackage<T> {
  /** npm package name: `@duckdb/node-api`. */
  name: string;
  /** The exact version package.json pins. */
  version: string;
  /** What it is for, in messages: `DuckDB`. */
  label: string;
  /** Imports it (a dynamic `import()`, so neither startup nor other features load it). */
  load: () => Promise<T>;
}

const loaded = new WeakMap<DriverPackage<unknown>, Promise<unknown>>();

/**
 * The package, imported once per process. Any failure to load it (not installed, a native binding
 * missing for this platform) is a `driver-missing` CatalogError naming the package and how to install it.
 */
export function loadDriverPackage<T>(pkg: DriverPackage<T>): Promise<T> {
  let loading = loaded.get(pkg) as Promise<T> | undefined;
  if (!loading) {
    loading = pkg.load().then(
      (mod) => mod,
      (error: unknown) => {
        loaded.delete(pkg); // installing it later (without restarting) works
        const code = (error as { code?: unknown }).code;
        const missing = (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && String((error as Error).message).includes(pkg.name);
        const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        throw new CatalogError(
          'driver-missing',
          missing
            ? `The ${pkg.label} driver (npm package ${pkg.name}) is not installed.`
            : `The ${pkg.label} driver (npm package ${pkg.name}) could not be loaded: ${redact(message)}`,
          `Install it next to dg (\`npm install ${pkg.name}@${pkg.version}\`), or point "catalog" in dg.config.json at a dg snapshot or dbt catalog instead.`,
          { cause: error },
        );
      },
    );
    loaded.set(pkg, loading);
  }
  return loading;
}

/** `1 s`, `250 ms`. */
export const formatMs = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/**
 * The time a load may take (the configured timeout) and the caller's cancellation, as one signal. When
 * either fires, the teardown actions registered with `onStop` run at once (interrupting a query or
 * destroying a socket), and every promise passed through `race` rejects with the matching
 * `CatalogError` (`timeout` or `cancelled`), whatever the driver is doing.
 */
export class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly actions = new Set<() => void>();
  private readonly onOuterAbort: () => void;
  private failure?: CatalogError;

  constructor(
    private readonly description: string,
    readonly timeoutMs: number,
    private readonly outer?: AbortSignal,
  ) {
    this.onOuterAbort = () => this.stop(new CatalogError('cancelled', `Loading ${description}: cancelled.`));
    this.timer = setTimeout(
      () =>
        this.stop(
          new CatalogError(
            'timeout',
            `${description} did not answer within ${formatMs(timeoutMs)}.`,
            'Check that it is reachable, or raise "timeoutMs" in dg.config.json.',
          ),
        ),
      timeoutMs,
    );
    if (outer?.aborted) this.onOuterAbort();
    else outer?.addEventListener('abort', this.onOuterAbort, { once: true });
  }

  /** Aborted when the load must stop. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Why it stopped (`timeout` or `cancelled`), once it has. */
  get stopped(): CatalogError | undefined {
    return this.failure;
  }

  /** Throws the stop reason if the load must stop. */
  check(): void {
    if (this.failure) throw this.failure;
  }

  /** Runs `action` when the load stops (at once if it already has); returns a function to unregister it. */
  onStop(action: () => void): () => void {
    if (this.failure) {
      safely(action);
      return () => undefined;
    }
    this.actions.add(action);
    return () => this.actions.delete(action);
  }

  /** `promise`, or the stop reason as soon as the load stops. A late rejection of `promise` is not unhandled. */
  race<T>(promise: Promise<T>): Promise<T> {
    promise.catch(() => undefined);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      const off = this.onStop(() => reject(this.failure));
      promise.then(
        (value) => {
          off();
          if (this.failure) reject(this.failure);
          else resolve(value);
        },
        (error: unknown) => {
          off();
          reject(this.failure ?? error);
        },
      );
    });
  }

  /** Stops the clock and forgets the caller's signal (call when the load settles). */
  dispose(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.onOuterAbort);
    this.actions.clear();
  }

  private stop(failure: CatalogError): void {
    if (this.failure) return;
    this.failure = failure;
    clearTimeout(this.timer);
    this.controller.abort(failure);
    const actions = [...this.actions];
    this.actions.clear();
    for (const action of actions) safely(action);
  }
}

function safely(action: () => void): void {
  try {
    action();
  } catch {
    // teardown is best effort: the load has already failed with the stop reason
  }
}

// --- catalog rows -----------------------------------------------------------------------------------

/** A row of `information_schema.tables` (the columns the drivers select). */
export interface TableRow {
  schema: string;
  table: string;
  kind: TableKind;
  comment?: string | null;
}

/** A row of `information_schema.columns`, in the warehouse's column order. */
export interface ColumnRow {
  schema: string;
  table: string;
  column: string;
  type: string;
  nullable: boolean;
  comment?: string | null;
}

/** `information_schema.tables.table_type` as a table kind (`BASE TABLE`, `VIEW`, `MATERIALIZED VIEW`). */
export function tableKind(tableType: string): TableKind {
  const type = tableType.toUpperCase();
  if (type === 'VIEW') return 'view';
  if (type.includes('MATERIALIZED')) return 'materialized_view';
  return 'table';
}

/** The catalog of one database from its rows: empty schemas too (a Profiles Sync folder not synced yet). */
export function catalogFromRows(
  rows: { database: string; schemas: readonly string[]; tables: readonly TableRow[]; columns: readonly ColumnRow[] },
  origin: { warehouse: WarehouseConfig; config: DgConfig; description: string },
): Catalog {
  const builder = new CatalogBuilder();
  const db = rows.database;
  for (const schema of rows.schemas) builder.schema(db, schema);
  for (const t of rows.tables) builder.table(db, t.schema, t.table, t.kind, t.comment ?? undefined);
  for (const c of rows.columns) {
    builder.column(db, c.schema, c.table, {
      name: c.column,
      type: c.type,
      nullable: c.nullable,
      ...(c.comment ? { comment: c.comment } : {}),
    });
  }
  const { config } = origin;
  return builder.build({
    dialect: dialectOf(config) ?? origin.warehouse.type,
    ...(config.identifierCase ? { identifierCase: config.identifierCase } : {}),
    complete: true,
    origin: origin.description,
    generatedAt: new Date().toISOString(),
  });
}

/** `information_schema` text as a string (DuckDB and pg return strings; be safe with anything else). */
export const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));
