import type { Catalog, CatalogProvider } from '../catalog';
import { describeWarehouse, dialectOf, type DgConfig, type WarehouseConfig, type WarehouseType } from '../config';
import { CatalogError, toCatalogError } from '../errors';
import { fileCatalogProvider } from './file';

export { fileCatalogProvider, loadCatalogFile, parseCatalogText, type CatalogFileOptions } from './file';
export { isDbtCatalog, readDbtCatalog } from './dbt';
export {
  isSnapshot,
  readSnapshot,
  snapshotOf,
  snapshotText,
  writeSnapshot,
  SNAPSHOT_FILE,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  type SnapshotFile,
} from './snapshot';

/** What a live warehouse driver gets: the configuration, and where secrets come from. */
export interface DriverContext {
  config: DgConfig;
  /** Environment to resolve `env:NAME` references from (the process's by default; the client's secrets in VS Code). */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * Creates the provider of a live warehouse. Drivers load their database package lazily, inside `load`
 * (a missing package is a `driver-missing` CatalogError there, not an import failure at startup).
 */
export type WarehouseDriver = (warehouse: WarehouseConfig, context: DriverContext) => CatalogProvider;

export type WarehouseDrivers = Partial<Record<WarehouseType, WarehouseDriver>>;

/**
 * The providers a configuration names, to try in order: the live warehouse (if any), then the catalog
 * file (a dbt catalog, or the snapshot teammates without credentials read). Empty when it names neither.
 */
export function catalogProviders(
  config: DgConfig,
  options: { drivers?: WarehouseDrivers; env?: Readonly<Record<string, string | undefined>> } = {},
): CatalogProvider[] {
  const providers: CatalogProvider[] = [];
  const dialect = dialectOf(config);
  if (config.warehouse) {
    const warehouse = config.warehouse;
    const driver = options.drivers?.[warehouse.type];
    if (driver) providers.push(driver(warehouse, { config, env: options.env ?? process.env }));
    else providers.push(unavailable(describeWarehouse(warehouse), warehouse.type));
  }
  if (config.catalog) {
    providers.push(
      fileCatalogProvider(config.catalog.path, {
        displayPath: config.catalog.displayPath,
        ...(dialect ? { dialect } : {}),
        ...(config.identifierCase ? { identifierCase: config.identifierCase } : {}),
      }),
    );
  }
  return providers;
}

function unavailable(description: string, type: WarehouseType): CatalogProvider {
  return {
    description,
    load: () =>
      Promise.reject(
        new CatalogError(
          'driver-missing',
          `This dg has no ${type} driver, so ${description} cannot be read.`,
          'Point "catalog" in dg.config.json at a dbt catalog or a dg snapshot instead.',
        ),
      ),
  };
}

/**
 * Loads a catalog within `timeoutMs`, cancellable through `signal`: it settles by then even if the
 * provider ignores its signal (the provider's signal is aborted, and the late result dropped). Fails only
 * with a `CatalogError` (`timeout`, `cancelled`, or the provider's).
 */
export async function loadCatalog(
  provider: CatalogProvider,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<Catalog> {
  const controller = new AbortController();
  const outer = options.signal;
  if (outer?.aborted) throw new CatalogError('cancelled', `Loading ${provider.description}: cancelled.`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new CatalogError(
          'timeout',
          `${provider.description} did not answer within ${formatMs(options.timeoutMs)}.`,
          'Check that it is reachable, or raise "timeoutMs" in dg.config.json.',
        ),
      );
    }, options.timeoutMs);
    onAbort = () => {
      controller.abort();
      reject(new CatalogError('cancelled', `Loading ${provider.description}: cancelled.`));
    };
    outer?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const loading = Promise.resolve().then(() => provider.load(controller.signal));
    loading.catch(() => undefined); // a late failure after the deadline is not unhandled
    return await Promise.race([loading, deadline]);
  } catch (error) {
    throw toCatalogError(error, 'unreachable', `Loading ${provider.description}`);
  } finally {
    clearTimeout(timer);
    if (onAbort) outer?.removeEventListener('abort', onAbort);
  }
}

/**
 * The first catalog the providers yield, in order, with the failures of those before it (for DG607:
 * "the warehouse is unreachable; using the snapshot"). `catalog` is absent when every provider failed.
 */
export async function loadFirstCatalog(
  providers: readonly CatalogProvider[],
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<{ catalog?: Catalog; failures: CatalogError[] }> {
  const failures: CatalogError[] = [];
  for (const provider of providers) {
    try {
      return { catalog: await loadCatalog(provider, options), failures };
    } catch (error) {
      const failure = toCatalogError(error, 'unreachable', `Loading ${provider.description}`);
      failures.push(failure);
      if (failure.kind === 'cancelled') break;
    }
  }
  return { failures };
}

const formatMs = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);
