import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isDiagnosticCode, type DiagnosticCode } from '../checks/codes';
import type { Severity } from '../checks/diagnostic';
import { nearest } from '../checks/suggest';
import { CASE_RULES, DIALECTS, isCaseRule, isDialect, type CaseRule, type Dialect, type IdentifierLevel } from './catalog';
import { CatalogError, redact } from './errors';
import { DEFAULT_PROFILE_SAMPLE_ROWS } from './profileValues';
import { describe, isObject, parseJson } from './providers/json';

/**
 * The project file `dg.config.json`: where the warehouse catalog comes from, and per-project settings.
 * Found by walking up from the `.dg` file's directory to the file system root, then in the workspace
 * roots (a `.dg` file outside every folder of it still gets the workspace's). Its JSON Schema is
 * client/schemas/dg.config.schema.json (VS Code validates and completes the file with it).
 *
 *     {
 *       "warehouse": { "type": "duckdb", "path": "shop.duckdb" },        // relative to this file
 *       "warehouse": { "type": "duckdb", "path": "shop.duckdb", "init": "warehouse.sql" },  // built on first use
 *       "warehouse": { "type": "postgres", "url": "env:DG_PG_URL" },     // or "redshift"
 *       "catalog": "target/catalog.json",   // dbt catalog or dg snapshot, relative to this file
 *       "dialect": "snowflake",             // identifier rules (a dbt catalog does not say)
 *       "identifierCase": { "table": "sensitive" },   // per-level override of the dialect's rules
 *       "timeoutMs": 10000,                 // for warehouse queries (default 10 s)
 *       "profileSampleRows": 100000,        // rows of each Profiles Sync value column read to suggest
 *                                           //   identity types and trait names (0: never read them)
 *       "severities": { "DG603": "off" },   // VS Code settings and --severity override these
 *       "identityTypes": ["member_id"]      // custom identity types (DG405)
 *     }
 *
 * Credentials only come from the environment: `url` is `env:NAME` (or a URL without a password); a
 * password written in the file is refused, and messages name the variable, never its value.
 */
export const CONFIG_FILE = 'dg.config.json';
export const DEFAULT_TIMEOUT_MS = 10_000;
export const MAX_TIMEOUT_MS = 600_000;
export const MAX_PROFILE_SAMPLE_ROWS = 100_000_000;

export const WAREHOUSE_TYPES = ['duckdb', 'postgres', 'redshift'] as const;
export type WarehouseType = (typeof WAREHOUSE_TYPES)[number];

/** A value read from the environment (`env:NAME`), or written in the file (only when it holds no secret). */
export type SecretRef = { env: string } | { value: string };

export type WarehouseConfig =
  | {
      type: 'duckdb';
      /** Absolute path of the database file. */
      path: string;
      /** As written in dg.config.json (messages). */
      displayPath: string;
      /**
       * A SQL script that creates the database when its file does not exist yet (`"init":
       * "warehouse.sql"`): the first load runs it into a new file, then reads that file as usual. An
       * existing file is never touched, so delete it to rebuild. Absent: a missing file is `not-found`.
       */
      init?: { path: string; displayPath: string };
    }
  | { type: 'postgres' | 'redshift'; url: SecretRef };

export interface CatalogFileConfig {
  /** Absolute path. */
  path: string;
  /** As written in dg.config.json (messages). */
  displayPath: string;
}

export interface DgConfig {
  /** Absolute path of dg.config.json. */
  file: string;
  /** Its directory: relative paths in it start here. */
  dir: string;
  warehouse?: WarehouseConfig;
  catalog?: CatalogFileConfig;
  dialect?: Dialect;
  identifierCase?: Partial<Record<IdentifierLevel, CaseRule>>;
  timeoutMs: number;
  /** Rows read per Profiles Sync value column when a live warehouse loads (0: none). */
  profileSampleRows: number;
  severities: Partial<Record<DiagnosticCode, Severity | 'off'>>;
  identityTypes?: string[];
}

const KEYS = ['$schema', 'warehouse', 'catalog', 'dialect', 'identifierCase', 'timeoutMs', 'profileSampleRows', 'severities', 'identityTypes'];
const SEVERITIES = ['error', 'warning', 'info', 'hint', 'off'] as const;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LEVELS: IdentifierLevel[] = ['database', 'schema', 'table', 'column'];

/**
 * Parses and validates dg.config.json's text (`file`: its absolute path). Fails with a `CatalogError` of
 * kind `config` naming the setting and what it must be.
 */
export function parseConfig(text: string, file: string): DgConfig {
  const name = displayName(file);
  const json = (() => {
    try {
      return parseJson(text, name);
    } catch (error) {
      if (error instanceof CatalogError) throw new CatalogError('config', error.reason, error.hint);
      throw error;
    }
  })();
  const fail = (setting: string, problem: string, hint?: string): never => {
    const end = /[.?]$/.test(problem) ? '' : '.';
    throw new CatalogError('config', `${name}: ${setting ? `"${setting}" ` : ''}${problem}${end}`, hint);
  };
  if (!isObject(json)) return fail('', `must hold a JSON object (found ${describe(json)})`);
  const unknownKey = (key: string, allowed: readonly string[], where: string) => {
    const suggestion = nearest(key, allowed);
    fail(where ? `${where}.${key}` : key, `is not a setting${suggestion ? `; did you mean "${suggestion}"?` : ''}`, `Known settings: ${allowed.filter((k) => k !== '$schema').join(', ')}.`);
  };
  for (const key of Object.keys(json)) if (!KEYS.includes(key)) unknownKey(key, KEYS, '');

  const dir = dirname(file);
  const config: DgConfig = { file, dir, timeoutMs: DEFAULT_TIMEOUT_MS, profileSampleRows: DEFAULT_PROFILE_SAMPLE_ROWS, severities: {} };

  if (json.warehouse !== undefined) config.warehouse = readWarehouse(json.warehouse, dir, fail, unknownKey);
  if (json.catalog !== undefined) {
    if (typeof json.catalog !== 'string' || json.catalog.trim() === '') {
      fail('catalog', 'must be the path of a dbt catalog.json or a dg catalog snapshot, relative to dg.config.json');
    }
    const written = (json.catalog as string).trim();
    config.catalog = { path: resolve(dir, written), displayPath: written };
  }
  if (json.dialect !== undefined) {
    if (!isDialect(json.dialect)) fail('dialect', `must be one of ${DIALECTS.join(', ')} (found ${describe(json.dialect)})`);
    config.dialect = json.dialect as Dialect;
  }
  if (json.identifierCase !== undefined) {
    if (!isObject(json.identifierCase)) fail('identifierCase', `must be an object (found ${describe(json.identifierCase)})`);
    const rules: Partial<Record<IdentifierLevel, CaseRule>> = {};
    for (const [level, rule] of Object.entries(json.identifierCase as Record<string, unknown>)) {
      if (!(LEVELS as string[]).includes(level)) unknownKey(level, LEVELS, 'identifierCase');
      if (!isCaseRule(rule)) fail(`identifierCase.${level}`, `must be one of ${CASE_RULES.join(', ')} (found ${describe(rule)})`);
      rules[level as IdentifierLevel] = rule as CaseRule;
    }
    config.identifierCase = rules;
  }
  if (json.timeoutMs !== undefined) {
    const t = json.timeoutMs;
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > MAX_TIMEOUT_MS) {
      fail('timeoutMs', `must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS} (found ${describe(t)})`);
    }
    config.timeoutMs = t as number;
  }
  if (json.profileSampleRows !== undefined) {
    const n = json.profileSampleRows;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_PROFILE_SAMPLE_ROWS) {
      fail('profileSampleRows', `must be a whole number of rows from 0 (never sample) to ${MAX_PROFILE_SAMPLE_ROWS} (found ${describe(n)})`);
    }
    config.profileSampleRows = n as number;
  }
  if (json.severities !== undefined) {
    if (!isObject(json.severities)) fail('severities', `must be an object of codes to severities (found ${describe(json.severities)})`);
    for (const [key, value] of Object.entries(json.severities as Record<string, unknown>)) {
      const code = key.toUpperCase();
      if (!/^DG\d{3}$/.test(code) || !isDiagnosticCode(code)) fail(`severities.${key}`, 'is not a diagnostic code (DG001…DG607)');
      if (typeof value !== 'string' || !(SEVERITIES as readonly string[]).includes(value)) {
        fail(`severities.${key}`, `must be one of ${SEVERITIES.join(', ')} (found ${describe(value)})`);
      }
      config.severities[code as DiagnosticCode] = value as Severity | 'off';
    }
  }
  if (json.identityTypes !== undefined) {
    const types = json.identityTypes;
    if (!Array.isArray(types) || types.some((t) => typeof t !== 'string' || t.trim() === '')) {
      fail('identityTypes', 'must be a list of identity type names');
    }
    config.identityTypes = types as string[];
  }
  return config;
}

type Fail = (setting: string, problem: string, hint?: string) => never;

function readWarehouse(
  value: unknown,
  dir: string,
  fail: Fail,
  unknownKey: (key: string, allowed: readonly string[], where: string) => void,
): WarehouseConfig {
  if (!isObject(value)) return fail('warehouse', `must be an object such as { "type": "duckdb", "path": "shop.duckdb" } (found ${describe(value)})`);
  if (typeof value.type !== 'string' || !(WAREHOUSE_TYPES as readonly string[]).includes(value.type)) {
    return fail('warehouse.type', `must be one of ${WAREHOUSE_TYPES.join(', ')} (found ${describe(value.type)})`);
  }
  const type = value.type as WarehouseType;
  if (type === 'duckdb') {
    const keys = ['type', 'path', 'init'];
    for (const key of Object.keys(value)) if (!keys.includes(key)) unknownKey(key, keys, 'warehouse');
    if (typeof value.path !== 'string' || value.path.trim() === '') {
      return fail('warehouse.path', 'must be the DuckDB database file, relative to dg.config.json');
    }
    const written = value.path.trim();
    const warehouse: Extract<WarehouseConfig, { type: 'duckdb' }> = { type, path: resolve(dir, written), displayPath: written };
    if (value.init !== undefined) {
      if (typeof value.init !== 'string' || value.init.trim() === '') {
        return fail('warehouse.init', 'must be the SQL file that creates the database when it does not exist, relative to dg.config.json');
      }
      const init = value.init.trim();
      warehouse.init = { path: resolve(dir, init), displayPath: init };
    }
    return warehouse;
  }
  for (const key of Object.keys(value)) if (key !== 'type' && key !== 'url') unknownKey(key, ['type', 'url'], 'warehouse');
  const url = value.url;
  const envHint = 'Write "url": "env:DG_PG_URL" and set DG_PG_URL in the environment that runs dg.';
  if (typeof url !== 'string' || url.trim() === '') return fail('warehouse.url', 'must be "env:NAME", naming the environment variable holding the connection URL', envHint);
  const text = url.trim();
  if (text.startsWith('env:')) {
    const name = text.slice(4);
    if (!ENV_NAME.test(name)) return fail('warehouse.url', '"env:" must be followed by an environment variable name (letters, digits and _)', envHint);
    return { type, url: { env: name } };
  }
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return fail('warehouse.url', 'must be "env:NAME" (or a postgres:// URL without a password)', envHint);
  }
  if (parsed.password) {
    return fail('warehouse.url', 'holds a password; credentials must not be written in dg.config.json', envHint);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    return fail('warehouse.url', `must be a postgres:// or postgresql:// URL (found ${parsed.protocol}//…)`, envHint);
  }
  return { type, url: { value: text } };
}

/** The dialect whose identifier rules apply: the configured one, else the warehouse's. */
export function dialectOf(config: DgConfig): Dialect | undefined {
  return config.dialect ?? config.warehouse?.type;
}

/**
 * The value of a secret reference, from `env` (default: the process environment). Fails with a
 * `CatalogError` (`config`) naming the variable when it is not set; the value itself never appears in
 * messages.
 */
export function resolveSecret(ref: SecretRef, env: Readonly<Record<string, string | undefined>> = process.env): string {
  if ('value' in ref) return ref.value;
  const value = env[ref.env];
  if (value === undefined || value === '') {
    throw new CatalogError(
      'config',
      `The environment variable ${ref.env} (warehouse.url in dg.config.json) is not set.`,
      `Set ${ref.env} to the connection URL (postgres://user:password@host:5432/database) where dg runs; in VS Code, before starting it.`,
    );
  }
  return value;
}

/** The warehouse as messages and logs name it, without secrets: `DuckDB shop.duckdb`, `Postgres (env:DG_PG_URL)`. */
export function describeWarehouse(warehouse: WarehouseConfig): string {
  if (warehouse.type === 'duckdb') return `DuckDB ${warehouse.displayPath}`;
  const name = warehouse.type === 'postgres' ? 'Postgres' : 'Redshift';
  return 'env' in warehouse.url ? `${name} (env:${warehouse.url.env})` : `${name} ${redact(warehouse.url.value)}`;
}

// --- finding and reading it ---------------------------------------------------------------------------

/**
 * The dg.config.json that applies to `from` (a `.dg` file or a directory): the nearest one walking up
 * from its directory, else the first of the workspace roots that holds one.
 */
export async function findConfigFile(from: string, workspaceRoots: readonly string[] = []): Promise<string | undefined> {
  let dir = resolve(from);
  if (!(await isDirectory(dir))) dir = dirname(dir);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE);
    if (await isFile(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const root of workspaceRoots) {
    const candidate = join(resolve(root), CONFIG_FILE);
    if (await isFile(candidate)) return candidate;
  }
  return undefined;
}

/** Reads and validates a dg.config.json. Fails only with a `CatalogError` of kind `config`. */
export async function loadConfig(file: string): Promise<DgConfig> {
  const absolute = resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new CatalogError('config', `${displayName(absolute)} cannot be read${typeof code === 'string' ? ` (${code})` : ''}.`);
  }
  return parseConfig(text, absolute);
}

/** The configuration that applies to a `.dg` file, or `undefined` when there is none. */
export async function configFor(dgFile: string, workspaceRoots: readonly string[] = []): Promise<DgConfig | undefined> {
  const file = await findConfigFile(dgFile, workspaceRoots);
  return file === undefined ? undefined : loadConfig(file);
}

/** `dg.config.json`, or a path relative to the working directory when that is short. */
function displayName(file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith(`..${sep}..`) && !isAbsolute(rel) ? rel : file;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
