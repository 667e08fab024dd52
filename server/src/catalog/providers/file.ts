import { readFile } from 'node:fs/promises';
import type { Catalog, CatalogProvider, CaseRule, Dialect, IdentifierLevel } from '../catalog';
import { CatalogError, toCatalogError } from '../errors';
import { artifactKind, isDbtCatalog, readDbtCatalog } from './dbt';
import { isObject, parseJson } from './json';
import { isSnapshot, readSnapshot } from './snapshot';

export interface CatalogFileOptions {
  /** The file as messages name it (a path relative to the config file reads better). */
  displayPath?: string;
  /** From dg.config.json: a dbt catalog does not say which warehouse it describes. */
  dialect?: Dialect;
  identifierCase?: Partial<Record<IdentifierLevel, CaseRule>>;
}

/**
 * A catalog file's text as a catalog: a dg snapshot (`"format": "dg-catalog"`) or a dbt `catalog.json`
 * (`nodes`/`sources`), told apart by shape. Pure; fails only with a `CatalogError`.
 */
export function parseCatalogText(text: string, options: CatalogFileOptions & { displayPath: string }): Catalog {
  const file = options.displayPath;
  const json = parseJson(text, file);
  const read = { file, ...(options.dialect ? { dialect: options.dialect } : {}), ...(options.identifierCase ? { identifierCase: options.identifierCase } : {}) };
  if (isSnapshot(json)) return readSnapshot(json, read);
  // A dbt artifact (by its schema version) is read as one: a manifest is refused by name, a catalog's
  // members are checked with their paths; otherwise the shape decides.
  if ((isObject(json) && artifactKind(json) !== undefined) || isDbtCatalog(json)) return readDbtCatalog(json, read);
  throw new CatalogError(
    'malformed',
    `${file} is neither a dbt catalog (an object with "nodes" and "sources") nor a dg catalog snapshot (an object with "format": "dg-catalog").`,
    'Point "catalog" in dg.config.json at target/catalog.json from `dbt docs generate`, or at a snapshot from `dg catalog pull`.',
  );
}

/** Reads a catalog file (snapshot or dbt catalog). Cancellable; fails only with a `CatalogError`. */
export async function loadCatalogFile(path: string, options: CatalogFileOptions = {}, signal?: AbortSignal): Promise<Catalog> {
  const displayPath = options.displayPath ?? path;
  let text: string;
  try {
    text = await readFile(path, { encoding: 'utf8', ...(signal ? { signal } : {}) });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') {
      throw new CatalogError(
        'not-found',
        `The catalog file ${displayPath} does not exist.`,
        'Run `dbt docs generate` or `dg catalog pull`, or fix "catalog" in dg.config.json.',
      );
    }
    if (code === 'EISDIR') throw new CatalogError('unreadable', `The catalog path ${displayPath} is a directory, not a file.`);
    throw toCatalogError(error, 'unreadable', `cannot read the catalog file ${displayPath}`);
  }
  if (signal?.aborted) throw new CatalogError('cancelled', `Reading ${displayPath}: cancelled.`);
  return parseCatalogText(text, { ...options, displayPath });
}

/** A provider for a catalog file. */
export function fileCatalogProvider(path: string, options: CatalogFileOptions = {}): CatalogProvider {
  const displayPath = options.displayPath ?? path;
  return {
    description: `catalog file ${displayPath}`,
    load: (signal) => loadCatalogFile(path, options, signal),
  };
}
