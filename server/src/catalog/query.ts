import type { WarehouseConfig, WarehouseType } from './config';
import type { DriverContext } from './providers';

/**
 * A live warehouse connection that runs read-only SQL: what the data checks (`dg check --data`, DG605
 * and DG606) need beyond the catalog. Opened once per configuration and run, then closed. Failures
 * are `CatalogError`s whose messages hold no secret.
 */
export interface QueryRunner {
  /** The rows of one read-only statement; rejects with a `CatalogError` (`timeout`, `cancelled`, …). */
  query(sql: string, options: { timeoutMs: number; signal?: AbortSignal }): Promise<readonly Readonly<Record<string, unknown>>[]>;
  close(): Promise<void>;
}

/** Opens a connection to a live warehouse (lazily loading its driver package). */
export type QueryConnector = (warehouse: WarehouseConfig, context: DriverContext & { signal?: AbortSignal }) => Promise<QueryRunner>;

export type QueryConnectors = Partial<Record<WarehouseType, QueryConnector>>;
