import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { CheckSettings } from '../checks/context';
import type { Diagnostic } from '../checks/diagnostic';
import { catalogFallback, catalogUnavailable, checkWarehouse } from '../checks/warehouse';
import type { GraphModel } from '../model/graph';
import type { LineIndex } from '../syntax/lineIndex';
import type { Catalog } from './catalog';
import { CONFIG_FILE, loadConfig, type DgConfig } from './config';
import { CatalogError, toCatalogError } from './errors';
import { sampleWarehouse } from './profileValues';
import { catalogProviders, loadFirstCatalog, type WarehouseDrivers } from './providers';
import type { QueryConnector, QueryConnectors } from './query';

/**
 * The catalogs of a set of `.dg` files, as `dg check` and the language server need them: each file's
 * dg.config.json (found by walking up, the lookups cached per directory), each configuration read once,
 * and each configuration's catalog loaded once, however many files share it. Loads happen only when
 * asked for (`catalog`), never on a lookup. `forget` drops what was read (a refresh).
 */

/** What a file's configuration says, once read. */
export type ConfigState =
  /** No dg.config.json applies: no warehouse checks, no DG607. */
  | { kind: 'none' }
  | { kind: 'config'; file: string; config: DgConfig }
  /** dg.config.json is invalid or unreadable: DG607 with the reason. */
  | { kind: 'invalid'; file: string; error: CatalogError };

/** A configuration's catalog, once loading it settled. */
export interface CatalogLoad {
  config: DgConfig;
  /** Absent when no provider yielded one (see `failures`), or when the configuration names none. */
  catalog?: Catalog;
  /** The providers that failed, in order (before `catalog`'s, or all of them). */
  failures: CatalogError[];
  /** Whether the configuration names a warehouse or a catalog file at all. */
  configured: boolean;
  /** Profiles Sync columns that could not be sampled, and why (for logs; the catalog is fine). */
  sampleProblems?: string[];
  /**
   * This load again once the warehouse's Profiles Sync samples are read (in the background, after the
   * catalog is in use; never rejects). Absent when nothing is sampled.
   */
  sampling?: Promise<CatalogLoad>;
}

export interface ProjectCatalogOptions {
  /** Workspace roots: a file with no dg.config.json above it gets the first root's that has one. */
  roots?: readonly string[];
  /** Live warehouse drivers by type (`warehouseDrivers()`); none means only catalog files are read. */
  drivers?: WarehouseDrivers;
  /** Where `env:NAME` references are read (default: the process environment). */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Connections to live warehouses (`warehouseConnectors()`): when given, a catalog loaded from the
   * warehouse also gets its Profiles Sync samples (identity types and trait names; see profileValues.ts).
   */
  connectors?: QueryConnectors;
}

export class ProjectCatalogs {
  /** Directory → the dg.config.json found walking up from it (roots not included). */
  private readonly walks = new Map<string, Promise<string | undefined>>();
  private readonly configs = new Map<string, Promise<ConfigState>>();
  private readonly loads = new Map<string, { promise: Promise<CatalogLoad>; controller: AbortController }>();
  private currentRoots: readonly string[];

  constructor(private readonly options: ProjectCatalogOptions = {}) {
    this.currentRoots = [...(options.roots ?? [])];
  }

  get roots(): readonly string[] {
    return this.currentRoots;
  }

  /** Replaces the workspace roots (folders added or removed); lookups made from now on use them. */
  setRoots(roots: readonly string[]): void {
    this.currentRoots = [...roots];
  }

  /** The dg.config.json that applies to a `.dg` file (or a directory): the nearest above it, else a root's. */
  async configFileFor(path: string, isDirectory = false): Promise<string | undefined> {
    const absolute = resolve(path);
    const found = await this.walk(isDirectory ? absolute : dirname(absolute));
    if (found !== undefined) return found;
    for (const root of this.roots) {
      const candidate = join(resolve(root), CONFIG_FILE);
      if (await isFile(candidate)) return candidate;
    }
    return undefined;
  }

  /** The configuration that applies to `path`, read once per dg.config.json. */
  async configFor(path: string, isDirectory = false): Promise<ConfigState> {
    const file = await this.configFileFor(path, isDirectory);
    return file === undefined ? { kind: 'none' } : this.readConfig(file);
  }

  /** A dg.config.json, read and validated once. */
  readConfig(file: string): Promise<ConfigState> {
    let state = this.configs.get(file);
    if (!state) {
      state = loadConfig(file).then(
        (config): ConfigState => ({ kind: 'config', file, config }),
        (error: unknown): ConfigState => ({ kind: 'invalid', file, error: toCatalogError(error, 'config', `Reading ${CONFIG_FILE}`) }),
      );
      this.configs.set(file, state);
    }
    return state;
  }

  /**
   * The catalog a configuration names, loaded once (the first call starts it; later calls share it).
   * Never rejects: failures are in the result.
   */
  catalog(config: DgConfig): Promise<CatalogLoad> {
    const known = this.loads.get(config.file);
    if (known) return known.promise;
    const controller = new AbortController();
    const providers = catalogProviders(config, {
      ...(this.options.drivers ? { drivers: this.options.drivers } : {}),
      ...(this.options.env ? { env: this.options.env } : {}),
    });
    const promise =
      providers.length === 0
        ? Promise.resolve<CatalogLoad>({ config, failures: [], configured: false })
        : loadFirstCatalog(providers, { timeoutMs: config.timeoutMs, signal: controller.signal }).then(
            async (result): Promise<CatalogLoad> => {
              const load: CatalogLoad = { config, failures: result.failures, configured: true, ...(result.catalog ? { catalog: result.catalog } : {}) };
              // Failures first mean the catalog is a file's, not the warehouse's: nothing to sample.
              const connect = config.warehouse && this.options.connectors?.[config.warehouse.type];
              if (load.catalog && connect && load.failures.length === 0) load.sampling = this.sample(load, connect, controller.signal);
              return load;
            },
            (error: unknown): CatalogLoad => ({ config, failures: [toCatalogError(error, 'unreachable', 'Loading the catalog')], configured: true }),
          );
    this.loads.set(config.file, { promise, controller });
    return promise;
  }

  /** The load with its catalog's Profiles Sync samples read from the warehouse (never failing: problems are noted). */
  private async sample(load: CatalogLoad, connect: QueryConnector, signal: AbortSignal): Promise<CatalogLoad> {
    const { sampling: _, ...loaded } = load;
    const sampled = await sampleWarehouse(load.catalog!, load.config, connect, { env: this.options.env ?? process.env, signal });
    return { ...loaded, catalog: sampled.catalog, ...(sampled.problems.length ? { sampleProblems: sampled.problems } : {}) };
  }

  /**
   * Forgets what was read, so the next lookups read the disk again: the configuration `file` and its
   * catalog, or everything (every directory walk too). A load under way is cancelled.
   */
  forget(file?: string): void {
    if (file === undefined) {
      this.walks.clear();
      this.configs.clear();
      for (const load of this.loads.values()) load.controller.abort();
      this.loads.clear();
      return;
    }
    this.configs.delete(file);
    this.loads.get(file)?.controller.abort();
    this.loads.delete(file);
  }

  /** Forgets the directory walks (a dg.config.json may have been created or removed). */
  forgetLookups(): void {
    this.walks.clear();
  }

  /** Cancels every load under way (shutdown). */
  cancelAll(): void {
    for (const load of this.loads.values()) load.controller.abort();
  }

  private walk(dir: string): Promise<string | undefined> {
    let found = this.walks.get(dir);
    if (!found) {
      found = (async () => {
        const candidate = join(dir, CONFIG_FILE);
        if (await isFile(candidate)) return candidate;
        const parent = dirname(dir);
        return parent === dir ? undefined : this.walk(parent);
      })();
      this.walks.set(dir, found);
    }
    return found;
  }
}

/**
 * The settings a file is checked with: the configuration's severities, overridden by `overrides`' (the
 * command line's `--severity`, VS Code's `dataGraph.severities`); the identity types of both.
 */
export function mergeSettings(config: DgConfig | undefined, overrides: CheckSettings = {}): CheckSettings {
  if (!config) return overrides;
  const merged: CheckSettings = { severities: { ...config.severities, ...(overrides.severities ?? {}) } };
  const types = [...(config.identityTypes ?? []), ...(overrides.identityTypes ?? [])];
  if (types.length) merged.identityTypes = [...new Set(types)];
  return merged;
}

/** The reason and what to do, for DG607, from one or more failures (secrets were removed by the providers). */
export function describeFailures(failures: readonly CatalogError[]): { reason: string; hint?: string } {
  if (failures.length === 0) return { reason: 'no catalog was loaded' };
  const reason = failures.map((f) => f.reason.replace(/\.$/, '')).join('; ');
  const hints = [...new Set(failures.map((f) => f.hint ?? DEFAULT_HINTS[f.kind]).filter((h): h is string => !!h))];
  return hints.length ? { reason, hint: hints.join(' ') } : { reason };
}

/**
 * The warehouse diagnostics of one file: DG600–DG604 against the catalog (and a DG607 when it is a
 * fallback after the warehouse failed), or one DG607 saying why they were skipped, or nothing when no
 * catalog is configured.
 */
export function warehouseDiagnostics(
  model: GraphModel,
  state: { config: ConfigState; load?: CatalogLoad },
  settings: CheckSettings,
  lines?: LineIndex,
): Diagnostic[] {
  if (model.dataGraphs.length === 0) return [];
  const { config, load } = state;
  if (config.kind === 'none') return [];
  if (config.kind === 'invalid') return catalogUnavailable(model, { reason: config.error.reason, ...hintOf(config.error) }, settings, lines);
  if (!load || !load.configured) return [];
  if (!load.catalog) return catalogUnavailable(model, describeFailures(load.failures), settings, lines);
  const diagnostics = checkWarehouse(model, load.catalog, settings, lines);
  if (load.failures.length === 0) return diagnostics;
  return [...catalogFallback(model, describeFailures(load.failures), load.catalog.origin, settings, lines), ...diagnostics];
}

/** What to do, for failures that did not say. */
const DEFAULT_HINTS: Partial<Record<CatalogError['kind'], string>> = {
  malformed: 'Fix the file, or write it again (`dg catalog pull`, `dbt docs generate`).',
  unreadable: 'Check the file\'s permissions, or fix "catalog" in dg.config.json.',
  unreachable: 'Check the warehouse settings in dg.config.json and that it is reachable, then refresh the catalog.',
  auth: 'Check the credentials in the environment variable dg.config.json names.',
};

const hintOf = (error: CatalogError): { hint?: string } => (error.hint ? { hint: error.hint } : {});

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
