import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CASE_RULES, DIALECTS } from '../../server/src/catalog/catalog';
import {
  configFor,
  DEFAULT_TIMEOUT_MS,
  describeWarehouse,
  dialectOf,
  findConfigFile,
  loadConfig,
  parseConfig,
  resolveSecret,
  WAREHOUSE_TYPES,
} from '../../server/src/catalog/config';
import { CatalogError, maskUrl, redact, toCatalogError } from '../../server/src/catalog/errors';
import { repoRoot } from '../support/wasm';

const temp = realpathSync(mkdtempSync(join(tmpdir(), 'dg-config-')));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const file = join(temp, 'project', 'dg.config.json');
const parse = (json: unknown) => parseConfig(JSON.stringify(json), file);

function configError(json: unknown): CatalogError {
  try {
    parse(json);
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogError);
    expect((error as CatalogError).kind).toBe('config');
    return error as CatalogError;
  }
  throw new Error('expected a config error');
}

describe('dg.config.json: parsing', () => {
  it('a DuckDB warehouse, path relative to the config file', () => {
    const config = parse({ warehouse: { type: 'duckdb', path: 'data/shop.duckdb' } });
    expect(config.warehouse).toEqual({ type: 'duckdb', path: join(temp, 'project', 'data', 'shop.duckdb'), displayPath: 'data/shop.duckdb' });
    expect(config.timeoutMs).toBe(DEFAULT_TIMEOUT_MS);
    expect(config.dir).toBe(join(temp, 'project'));
    expect(dialectOf(config)).toBe('duckdb');
    expect(describeWarehouse(config.warehouse!)).toBe('DuckDB data/shop.duckdb');
  });

  it('Postgres and Redshift through an environment variable', () => {
    const pg = parse({ warehouse: { type: 'postgres', url: 'env:DG_PG_URL' } });
    expect(pg.warehouse).toEqual({ type: 'postgres', url: { env: 'DG_PG_URL' } });
    expect(describeWarehouse(pg.warehouse!)).toBe('Postgres (env:DG_PG_URL)');
    const rs = parse({ warehouse: { type: 'redshift', url: 'env:RS' }, dialect: 'postgres' });
    expect(dialectOf(rs)).toBe('postgres');
    expect(describeWarehouse(rs.warehouse!)).toBe('Redshift (env:RS)');
    const local = parse({ warehouse: { type: 'postgres', url: 'postgres://localhost:5432/shop' } });
    expect(local.warehouse).toEqual({ type: 'postgres', url: { value: 'postgres://localhost:5432/shop' } });
  });

  it('a catalog file, dialect, identifier rules, timeout, severities and identity types', () => {
    const config = parse({
      $schema: './node_modules/dg-data-graph/client/schemas/dg.config.schema.json',
      catalog: 'target/catalog.json',
      dialect: 'snowflake',
      identifierCase: { table: 'sensitive' },
      timeoutMs: 2500,
      severities: { dg603: 'off', DG600: 'warning' },
      identityTypes: ['member_id'],
    });
    expect(config.catalog).toEqual({ path: join(temp, 'project', 'target', 'catalog.json'), displayPath: 'target/catalog.json' });
    expect(config.dialect).toBe('snowflake');
    expect(config.identifierCase).toEqual({ table: 'sensitive' });
    expect(config.timeoutMs).toBe(2500);
    expect(config.severities).toEqual({ DG603: 'off', DG600: 'warning' });
    expect(config.identityTypes).toEqual(['member_id']);
  });

  it('an empty object is a valid configuration', () => {
    expect(parse({})).toMatchObject({ timeoutMs: 10000, severities: {} });
  });

  it('errors name the setting and what it must be', () => {
    expect(configError({ warehouse: { type: 'mysql' } }).reason).toBe(
      `${file}: "warehouse.type" must be one of duckdb, postgres, redshift (found "mysql").`,
    );
    expect(configError({ warehouse: { type: 'duckdb' } }).reason).toContain('"warehouse.path" must be the DuckDB database file');
    expect(configError({ warehose: {} }).reason).toBe(`${file}: "warehose" is not a setting; did you mean "warehouse"?`);
    expect(configError({ warehouse: { type: 'duckdb', path: 'x', url: 'y' } }).reason).toContain('"warehouse.url" is not a setting');
    expect(configError({ catalog: '' }).reason).toContain('"catalog" must be the path of a dbt catalog.json or a dg catalog snapshot');
    expect(configError({ dialect: 'oracle' }).reason).toContain('"dialect" must be one of duckdb, postgres, redshift, snowflake');
    expect(configError({ identifierCase: { tables: 'upper' } }).reason).toContain('"identifierCase.tables" is not a setting; did you mean "table"?');
    expect(configError({ identifierCase: { table: 'UPPER' } }).reason).toContain('must be one of insensitive, upper, lower, sensitive');
    expect(configError({ timeoutMs: 0 }).reason).toContain('"timeoutMs" must be a whole number of milliseconds from 1 to 600000 (found 0)');
    expect(configError({ timeoutMs: '10s' }).reason).toContain('(found "10s")');
    expect(configError({ severities: { DG999: 'off' } }).reason).toContain('"severities.DG999" is not a diagnostic code');
    expect(configError({ severities: { DG600: 'fatal' } }).reason).toContain('must be one of error, warning, info, hint, off');
    expect(configError({ identityTypes: [''] }).reason).toContain('"identityTypes" must be a list of identity type names');
    expect(configError([]).reason).toBe(`${file}: must hold a JSON object (found an array).`);
    // Relative to the working directory when under it.
    expect(() => parseConfig('[]', join(process.cwd(), 'sub', 'dg.config.json'))).toThrow(/^sub\/dg\.config\.json: must hold/);
  });

  it('not JSON: the line and column', () => {
    try {
      parseConfig('{\n  "catalog": "x",\n}', file);
      expect.unreachable();
    } catch (error) {
      expect((error as CatalogError).kind).toBe('config');
      expect((error as CatalogError).reason).toMatch(/dg\.config\.json is not valid JSON at line 3, column 1: /);
    }
  });
});

describe('dg.config.json: secrets', () => {
  it('refuses a password written in the file, without repeating it', () => {
    const e = configError({ warehouse: { type: 'postgres', url: 'postgres://dg:hunter22@db:5432/shop' } });
    expect(e.reason).toBe(`${file}: "warehouse.url" holds a password; credentials must not be written in dg.config.json.`);
    expect(e.hint).toBe('Write "url": "env:DG_PG_URL" and set DG_PG_URL in the environment that runs dg.');
    expect(e.message).not.toContain('hunter22');
  });

  it('never repeats an invalid url or env reference (it may be a secret)', () => {
    for (const url of ['env:postgres://dg:hunter22@db/x', 'hunter22-not-a-url', 'mysql://dg@db/x']) {
      const e = configError({ warehouse: { type: 'postgres', url } });
      expect(e.message).not.toContain('hunter22');
      expect(e.reason).toContain('"warehouse.url"');
    }
  });

  it('resolves env:NAME from the environment, and names only the variable when it is missing', () => {
    expect(resolveSecret({ env: 'DG_PG_URL' }, { DG_PG_URL: 'postgres://u:p@h/d' })).toBe('postgres://u:p@h/d');
    expect(resolveSecret({ value: 'postgres://h/d' }, {})).toBe('postgres://h/d');
    try {
      resolveSecret({ env: 'DG_PG_URL' }, {});
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CatalogError);
      expect((error as CatalogError).reason).toBe('The environment variable DG_PG_URL (warehouse.url in dg.config.json) is not set.');
    }
  });

  it('redacts secrets and URL passwords from messages', () => {
    const url = 'postgres://dg:p%40ss-w0rd@db.internal:5432/shop';
    expect(maskUrl(url)).toBe('postgres://dg:***@db.internal:5432/shop');
    expect(redact(`password authentication failed for "p@ss-w0rd" (${url})`, [url])).toBe(
      'password authentication failed for "***" (postgres://dg:***@db.internal:5432/shop)',
    );
    expect(redact('token abcdef leaked', ['abcdef'])).toBe('token *** leaked');
    const wrapped = toCatalogError(new Error(`cannot connect to ${url}`), 'unreachable', 'Postgres (env:DG_PG_URL)', [url]);
    expect(wrapped.reason).toBe('Postgres (env:DG_PG_URL): cannot connect to postgres://dg:***@db.internal:5432/shop');
    expect(toCatalogError(new DOMException('x', 'AbortError'), 'unreachable', 'Postgres').kind).toBe('cancelled');
  });
});

describe('dg.config.json: finding it', () => {
  const root = join(temp, 'find');
  mkdirSync(join(root, 'repo', 'graphs', 'deep'), { recursive: true });
  mkdirSync(join(root, 'elsewhere'), { recursive: true });
  writeFileSync(join(root, 'repo', 'dg.config.json'), JSON.stringify({ catalog: 'target/catalog.json' }));
  writeFileSync(join(root, 'repo', 'graphs', 'deep', 'shop.dg'), 'data_graph {}');
  writeFileSync(join(root, 'elsewhere', 'loose.dg'), 'data_graph {}');

  it('walks up from the .dg file', async () => {
    expect(await findConfigFile(join(root, 'repo', 'graphs', 'deep', 'shop.dg'))).toBe(join(root, 'repo', 'dg.config.json'));
    expect(await findConfigFile(join(root, 'repo', 'graphs'))).toBe(join(root, 'repo', 'dg.config.json'));
    const config = await configFor(join(root, 'repo', 'graphs', 'deep', 'shop.dg'));
    expect(config?.catalog?.path).toBe(join(root, 'repo', 'target', 'catalog.json'));
  });

  it('the nearest wins', async () => {
    writeFileSync(join(root, 'repo', 'graphs', 'dg.config.json'), '{}');
    try {
      expect(await findConfigFile(join(root, 'repo', 'graphs', 'deep', 'shop.dg'))).toBe(join(root, 'repo', 'graphs', 'dg.config.json'));
    } finally {
      rmSync(join(root, 'repo', 'graphs', 'dg.config.json'));
    }
  });

  it('then the workspace roots; none: undefined', async () => {
    const loose = join(root, 'elsewhere', 'loose.dg');
    expect(await findConfigFile(loose, [join(root, 'nothing-here'), join(root, 'repo')])).toBe(join(root, 'repo', 'dg.config.json'));
    // (Walking up from the temp directory finds no dg.config.json, unless the machine has one in / or /tmp.)
    expect(await configFor(loose)).toBeUndefined();
  });

  it('an invalid file is a config error; an unreadable one too', async () => {
    const bad = join(root, 'bad', 'dg.config.json');
    mkdirSync(join(root, 'bad'), { recursive: true });
    writeFileSync(bad, '{"timeoutMs": -1}');
    await expect(loadConfig(bad)).rejects.toMatchObject({ kind: 'config' });
    await expect(loadConfig(join(root, 'missing', 'dg.config.json'))).rejects.toMatchObject({ kind: 'config' });
  });
});

describe('the JSON Schema for dg.config.json', () => {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'client', 'schemas', 'dg.config.schema.json'), 'utf8'));
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));

  it('is contributed to VS Code for dg.config.json', () => {
    expect(pkg.contributes.jsonValidation).toContainEqual({ fileMatch: 'dg.config.json', url: './client/schemas/dg.config.schema.json' });
  });

  it('names the settings, warehouse types, dialects and case rules the parser reads', () => {
    expect(Object.keys(schema.properties).sort()).toEqual(
      ['$schema', 'warehouse', 'catalog', 'dialect', 'identifierCase', 'timeoutMs', 'profileSampleRows', 'severities', 'identityTypes'].sort(),
    );
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.warehouse.properties.type.enum).toEqual([...WAREHOUSE_TYPES]);
    expect(schema.properties.dialect.enum).toEqual([...DIALECTS]);
    expect(schema.definitions.caseRule.enum).toEqual([...CASE_RULES]);
    expect(schema.properties.timeoutMs.default).toBe(DEFAULT_TIMEOUT_MS);
    // Every setting the schema names parses (an example of each).
    expect(() =>
      parse({
        $schema: 'x',
        warehouse: { type: 'duckdb', path: 'a.duckdb' },
        catalog: 'c.json',
        dialect: 'duckdb',
        identifierCase: { database: 'insensitive', schema: 'lower', table: 'upper', column: 'sensitive' },
        timeoutMs: schema.properties.timeoutMs.maximum,
        profileSampleRows: schema.properties.profileSampleRows.maximum,
        severities: { DG600: 'hint' },
        identityTypes: ['x'],
      }),
    ).not.toThrow();
  });

  it('its url patterns accept env references and password-free URLs only, as the parser does', () => {
    const patterns: RegExp[] = schema.properties.warehouse.oneOf[1].properties.url.anyOf.map((p: { pattern: string }) => new RegExp(p.pattern));
    const accepted = (url: string) => patterns.some((p) => p.test(url));
    const parses = (url: string) => {
      try {
        parse({ warehouse: { type: 'postgres', url } });
        return true;
      } catch {
        return false;
      }
    };
    for (const url of ['env:DG_PG_URL', 'postgres://localhost/shop', 'postgresql://dg@db:5432/shop', 'postgres://dg:pw@db/shop', 'env:', 'mysql://db/x']) {
      expect(accepted(url), url).toBe(parses(url));
    }
  });
});
