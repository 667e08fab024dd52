import { warehouseConnectors, warehouseDrivers } from './drivers';
import type { WarehouseDrivers } from './providers';
import type { QueryConnectors } from './query';

/**
 * The live warehouse drivers of this build, for the entry points (the CLI and the language server):
 * catalog readers by warehouse type, and the connections that run the data checks' queries. The
 * drivers load their database packages lazily, so this costs nothing until a configuration names a
 * warehouse.
 */
export function liveWarehouse(): { drivers: WarehouseDrivers; connectors: QueryConnectors } {
  return { drivers: warehouseDrivers(), connectors: warehouseConnectors() };
}
