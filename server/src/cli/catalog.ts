import { stat } from 'node:fs/promises';
import { basename, relative, resolve } from 'node:path';
import type { Catalog } from '../catalog/catalog';
import { CONFIG_FILE, describeWarehouse, type DgConfig } from '../catalog/config';
import { CatalogError, toCatalogError } from '../catalog/errors';
import { sampleWarehouse } from '../catalog/profileValues';
import { ProjectCatalogs } from '../catalog/project';
import type { QueryConnectors } from '../catalog/query';
import { catalogProviders, loadCatalog, SNAPSHOT_FILE, writeSnapshot, type WarehouseDrivers } from '../catalog/providers';
import { displayPath, UsageError } from './files';

/**
 * `dg catalog pull [dir|file]`: reads the catalog the project's dg.config.json names (the live
 * warehouse when it names one, else its catalog file, e.g. a dbt catalog.json) and writes it as a dg
 * snapshot (`dg-catalog.json` next to dg.config.json, or `--out`), which teammates without warehouse
 * credentials point `"catalog"` at. Messages name files and environment variables, never secrets.
 */
export interface PullOptions {
  /** A directory, a `.dg` file or a dg.config.json (default: the working directory). */
  path?: string;
  /** Where to write the snapshot (relative to `cwd`). */
  out?: string;
  cwd: string;
  drivers?: WarehouseDrivers;
  /** Connections to live warehouses: a warehouse's Profiles Sync tables are sampled into the snapshot. */
  connectors?: QueryConnectors;
  env?: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
}

export interface PullResult {
  /** 0: written; 2: nothing written (no configuration, the source failed, the file could not be written). */
  exitCode: 0 | 2;
  /** Lines for standard output (what was written) and standard error (what went wrong, what to do). */
  stdout: string[];
  stderr: string[];
  /** The snapshot's absolute path, when written. */
  written?: string;
}

export async function pullCatalog(options: PullOptions): Promise<PullResult> {
  const fail = (...lines: string[]): PullResult => ({ exitCode: 2, stdout: [], stderr: lines });
  const target = resolve(options.cwd, options.path ?? '.');
  const info = await stat(target).catch(() => undefined);
  if (!info) throw new UsageError(`no such file or directory: '${options.path ?? '.'}'`);

  const project = new ProjectCatalogs();
  const configFile = info.isFile() && basename(target) === CONFIG_FILE ? target : await project.configFileFor(target, info.isDirectory());
  const shown = (path: string) => displayPath(path, options.cwd);
  if (configFile === undefined) {
    return fail(
      `dg catalog pull: no ${CONFIG_FILE} in ${shown(info.isDirectory() ? target : resolve(target, '..'))} or above.`,
      `Create one naming the warehouse, e.g. { "warehouse": { "type": "duckdb", "path": "shop.duckdb" } }, or a dbt catalog: { "catalog": "target/catalog.json" }.`,
    );
  }
  const state = await project.readConfig(configFile);
  if (state.kind !== 'config') return fail(`dg catalog pull: ${state.kind === 'invalid' ? line(state.error) : 'no configuration'}`);
  const config = state.config;
  const out = options.out !== undefined ? resolve(options.cwd, options.out) : resolve(config.dir, SNAPSHOT_FILE);

  const source = pullSource(config, out, options);
  if ('error' in source) return fail(`dg catalog pull: ${source.error}`);
  let catalog: Catalog;
  try {
    catalog = await loadCatalog(source.provider, { timeoutMs: config.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    return fail(`dg catalog pull: ${line(toCatalogError(error, 'unreachable', `Loading ${source.provider.description}`))}`);
  }
  let sampleProblems: string[] = [];
  const connect = config.warehouse && source.origin !== undefined ? options.connectors?.[config.warehouse.type] : undefined;
  if (connect) {
    const sampled = await sampleWarehouse(catalog, config, connect, { env: options.env ?? process.env, ...(options.signal ? { signal: options.signal } : {}) });
    catalog = sampled.catalog;
    sampleProblems = sampled.problems;
  }
  try {
    await writeSnapshot(out, catalog, source.origin ?? catalog.origin);
  } catch (error) {
    return fail(`dg catalog pull: ${line(toCatalogError(error, 'unreadable', `cannot write ${shown(out)}`))}`);
  }

  const stats = catalog.stats();
  const count = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
  const stdout = [
    `Wrote ${shown(out)}: ${count(stats.tables, 'table')} and ${count(stats.columns, 'column')} in ` +
      `${count(stats.schemas, 'schema')} of ${count(stats.databases, 'database')}, from ${source.origin ?? catalog.origin}.`,
  ];
  const sampled = catalog.profileSamples;
  if (connect && sampled.length) {
    const values = (link: 'external_id' | 'trait') => new Set(sampled.filter((s) => s.link === link).flatMap((s) => s.values.map((v) => v.value))).size;
    const folders = new Set(sampled.map((s) => s.folder)).size;
    stdout.push(
      `Sampled ${count(values('external_id'), 'identity type')} and ${count(values('trait'), 'trait name')} from the Profiles Sync tables of ${count(folders, 'folder')} ` +
        `(at most ${sampled[0]!.sampleRows.toLocaleString('en-US')} rows per table), for completion.`,
    );
  }
  const rel = relative(config.dir, out).split('\\').join('/');
  const written = rel.startsWith('../../') ? out : rel;
  if (config.catalog?.path !== out) {
    stdout.push(
      `Commit it, and point "catalog" in ${shown(config.file)} at it ("catalog": "${written}") so that teammates without warehouse credentials get completion and the warehouse checks.`,
    );
  }
  return { exitCode: 0, stdout, stderr: sampleProblems.map((problem) => `dg catalog pull: ${problem}`), written: out };
}

/**
 * What to pull from: the live warehouse when the configuration names one (never its fallback file:
 * that would copy a snapshot onto itself), else the catalog file, unless it is the output itself.
 */
function pullSource(
  config: DgConfig,
  out: string,
  options: PullOptions,
): { provider: ReturnType<typeof catalogProviders>[number]; origin?: string } | { error: string } {
  const providers = catalogProviders(config, {
    ...(options.drivers ? { drivers: options.drivers } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  if (config.warehouse) return { provider: providers[0]!, origin: describeWarehouse(config.warehouse) };
  if (config.catalog) {
    if (config.catalog.path === out) {
      return {
        error:
          `${CONFIG_FILE} names no "warehouse", and its "catalog" is ${config.catalog.displayPath}, the snapshot this would write: nothing to pull from. ` +
          'Add the warehouse to dg.config.json, or pull into another file with --out.',
      };
    }
    return { provider: providers[0]! };
  }
  return {
    error: `${CONFIG_FILE} names neither a "warehouse" nor a "catalog" to pull from. Add { "warehouse": { "type": "duckdb", "path": "shop.duckdb" } } (or postgres, redshift).`,
  };
}

const line = (error: CatalogError): string => (error.hint ? `${error.reason} ${error.hint}` : error.reason);
