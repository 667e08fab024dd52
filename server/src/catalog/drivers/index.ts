import type { WarehouseDrivers } from '../providers';
import type { QueryConnectors } from '../query';
import { duckdbConnector, duckdbDriver } from './duckdb';
import { postgresConnector, postgresDriver } from './postgres';

/**
 * The live warehouse drivers, by warehouse type, for `catalogProviders(config, { drivers })`. Creating
 * a provider is cheap and loads nothing: each driver imports its database package (`@duckdb/node-api`,
 * `pg`) on its first `load`, so a project without a warehouse (and every other feature) never pays for
 * them, and a missing package is a `driver-missing` CatalogError at load time.
 */
export function warehouseDrivers(): WarehouseDrivers {
  return {
    duckdb: duckdbDriver,
    postgres: postgresDriver,
    redshift: postgresDriver,
  };
}

/**
 * The connections that run the data checks' read-only SQL (`dg check --data`), by warehouse type, for
 * `dataChecks({ connectors })`. Lazy like `warehouseDrivers()`: nothing loads until a connector is called.
 */
export function warehouseConnectors(): QueryConnectors {
  return {
    duckdb: duckdbConnector,
    postgres: postgresConnector,
    redshift: postgresConnector,
  };
}

export { duckdbConnector, duckdbDriver, duckdbProvider, openDuckDb, DUCKDB_PACKAGE, type DuckDbDriverOptions, type DuckDbWarehouse } from './duckdb';
export { openPostgres, postgresConnector, postgresDriver, postgresProvider, postgresError, PG_PACKAGE, type PostgresDriverOptions, type PostgresWarehouse } from './postgres';
export { Deadline, loadDriverPackage, type DriverPackage } from './common';
