import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogBuilder, type Catalog, type CatalogProvider } from '../../server/src/catalog/catalog';
import { parseConfig } from '../../server/src/catalog/config';
import { CatalogError } from '../../server/src/catalog/errors';
import {
  catalogProviders,
  fileCatalogProvider,
  isDbtCatalog,
  loadCatalog,
  loadCatalogFile,
  loadFirstCatalog,
  parseCatalogText,
  readSnapshot,
  snapshotOf,
  snapshotText,
  writeSnapshot,
} from '../../server/src/catalog/providers';
import { repoRoot } from '../support/wasm';

const fixtures = join(repoRoot, 'test', 'fixtures', 'catalog');
const temp = mkdtempSync(join(tmpdir(), 'dg-catalog-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** The CatalogError a call throws (failing the test if it returns, or throws anything else). */
function errorOf(call: () => unknown): CatalogError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogError);
    return error as CatalogError;
  }
  throw new Error('expected a CatalogError');
}

async function rejectionOf(promise: Promise<unknown>): Promise<CatalogError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogError);
    return error as CatalogError;
  }
  throw new Error('expected a CatalogError');
}

const parse = (json: unknown, file = 'catalog.json') => parseCatalogText(JSON.stringify(json), { displayPath: file });

describe('dbt catalog.json', () => {
  const text = readFileSync(join(fixtures, 'dbt-catalog.json'), 'utf8');

  it('is detected by shape and read: nodes and sources, columns by index, relation types', () => {
    expect(isDbtCatalog(JSON.parse(text))).toBe(true);
    const catalog = parseCatalogText(text, { displayPath: 'target/catalog.json', dialect: 'snowflake' });
    expect(catalog.complete).toBe(false);
    expect(catalog.dialect).toBe('snowflake');
    expect(catalog.origin).toBe('dbt catalog target/catalog.json');
    expect(catalog.generatedAt).toBe('2025-05-20T09:14:03.512894Z');
    expect(catalog.stats()).toEqual({ databases: 2, schemas: 4, tables: 6, columns: 17 });
    const accounts = catalog.findTable('analytics.marts.dim_accounts');
    expect(accounts?.ref).toBe('ANALYTICS.MARTS.DIM_ACCOUNTS');
    expect(accounts?.table.comment).toBe('One row per account.');
    expect(accounts?.table.columns).toEqual([
      { name: 'ACCOUNT_ID', type: 'NUMBER', comment: 'Primary key.' },
      { name: 'ACCOUNT_NAME', type: 'TEXT' },
      { name: 'EMAIL', type: 'TEXT' },
      { name: 'CREATED_AT', type: 'TIMESTAMP_NTZ' },
    ]);
    expect(catalog.findTable('ANALYTICS.MARTS.FCT_ORDERS')?.table.kind).toBe('view');
    expect(catalog.findTable('ANALYTICS.MARTS.MV_DAILY_REVENUE')?.table.kind).toBe('materialized_view');
    expect(catalog.findTable('RAW.SEGMENT_PROFILES.USER_IDENTIFIERS')?.table.columns.map((c) => c.name)).toEqual([
      'CANONICAL_SEGMENT_ID',
      'TYPE',
      'VALUE',
    ]);
    expect(catalog.profileFolders().map((f) => f.ref)).toEqual(['RAW.SEGMENT_PROFILES']);
  });

  it('defaults to the generic dialect (a dbt catalog does not say which warehouse it describes)', () => {
    expect(parseCatalogText(text, { displayPath: 'c.json' }).dialect).toBe('generic');
  });

  it('accepts columns as an array, a null database, and a missing sources section', () => {
    const catalog = parse({
      metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/catalog/v1.json' },
      nodes: {
        'model.p.a': {
          metadata: { type: 'table', schema: 'analytics', name: 'a', database: null },
          columns: [
            { name: 'y', type: 'STRING', index: 2 },
            { name: 'x', type: 'INT64', index: 1 },
          ],
        },
      },
    });
    expect(catalog.listTables('', 'analytics')[0]?.columns.map((c) => c.name)).toEqual(['x', 'y']);
  });

  it('malformed entries name the offending member', () => {
    const base = { metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/catalog/v1.json' }, sources: {} };
    const e = errorOf(() => parse({ ...base, nodes: { 'model.p.a': { metadata: { schema: 's', database: 'd' }, columns: {} } } }));
    expect(e.kind).toBe('malformed');
    expect(e.reason).toBe('catalog.json: nodes["model.p.a"].metadata.name must be a string (found nothing).');
    expect(e.hint).toBe('Regenerate it with `dbt docs generate`.');
    const col = errorOf(() =>
      parse({ ...base, nodes: { m: { metadata: { schema: 's', name: 't', database: 'd' }, columns: { A: { type: 1 } } } } }),
    );
    expect(col.reason).toBe('catalog.json: nodes.m.columns.A.type must be a string (found 1).');
    expect(errorOf(() => parse({ ...base, nodes: [] })).reason).toBe('catalog.json: nodes must be an object (found an array).');
    expect(errorOf(() => parse({ ...base, nodes: {}, sources: 3 })).reason).toBe('catalog.json: sources must be an object (found 3).');
    // Without the schema version, the shape alone decides.
    expect(errorOf(() => parse({ nodes: [], sources: {} })).reason).toContain('neither a dbt catalog');
  });

  it('a dbt manifest is refused with what to do', () => {
    const e = errorOf(() => parse({ metadata: { dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json' }, nodes: {}, sources: {} }));
    expect(e.reason).toBe('catalog.json is a dbt manifest artifact, not a dbt catalog.');
    expect(e.hint).toContain('target/catalog.json');
  });
});

describe('dg snapshot', () => {
  const warehouse = (): Catalog => parseCatalogText(readFileSync(join(fixtures, 'warehouse.json'), 'utf8'), { displayPath: 'warehouse.json' });

  it('reads the fixture', () => {
    const c = warehouse();
    expect(c.dialect).toBe('duckdb');
    expect(c.complete).toBe(true);
    expect(c.origin).toBe('catalog snapshot warehouse.json (test fixture, 2025-06-01)');
    expect(c.findTable('prod.crm.accounts')?.table.columns[0]).toEqual({ name: 'id', type: 'INTEGER', nullable: false, comment: 'Account id.' });
    expect(c.findTable('analytics.public.customers')?.table.kind).toBe('materialized_view');
  });

  it('round-trips through the file, one column per line', async () => {
    const original = warehouse();
    const path = join(temp, 'nested', 'dg-catalog.json');
    await writeSnapshot(path, original, 'DuckDB shop.duckdb');
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('\n          {"name":"id","type":"INTEGER","nullable":false,"comment":"Account id."},\n');
    expect(JSON.parse(text)).toEqual(snapshotOf(original, 'DuckDB shop.duckdb'));
    const again = await loadCatalogFile(path, { displayPath: 'dg-catalog.json' });
    expect(again.databases).toEqual(original.databases);
    expect(again.dialect).toBe('duckdb');
    expect(again.origin).toBe('catalog snapshot dg-catalog.json (DuckDB shop.duckdb, 2025-06-01)');
  });

  it('keeps what a builder makes, empty tables and schemas included', () => {
    const b = new CatalogBuilder();
    b.table('d', 's', 'empty_table', 'view');
    b.schema('d', 'empty_schema');
    b.column('d', 's', 't', { name: 'c', type: 'VARCHAR', nullable: true });
    const c = b.build({ dialect: 'postgres', origin: 'Postgres (env:DG_PG_URL)', complete: true, generatedAt: '2025-01-02T03:04:05.000Z' });
    const back = readSnapshot(JSON.parse(snapshotText(snapshotOf(c))), { file: 'x.json' });
    expect(back.databases).toEqual(c.databases);
    expect(back.generatedAt).toBe('2025-01-02T03:04:05.000Z');
  });

  it('the configured dialect and identifier rules override the file\'s', () => {
    const c = parseCatalogText(readFileSync(join(fixtures, 'warehouse.json'), 'utf8'), {
      displayPath: 'w.json',
      dialect: 'snowflake',
      identifierCase: { column: 'sensitive' },
    });
    expect(c.dialect).toBe('snowflake');
    expect(c.rules.column).toBe('sensitive');
  });

  it('refuses a newer version, and malformed members, with the member named', () => {
    const good = { format: 'dg-catalog', version: 1, dialect: 'duckdb', databases: [] };
    const newer = errorOf(() => parse({ ...good, version: 2 }, 'dg-catalog.json'));
    expect(newer.kind).toBe('unsupported');
    expect(newer.reason).toBe('dg-catalog.json is a version 2 catalog snapshot; this dg reads version 1.');
    expect(errorOf(() => parse({ ...good, version: '1' })).reason).toBe('catalog.json: "version" must be a positive whole number.');
    expect(errorOf(() => parse({ ...good, dialect: 'oracle' })).reason).toContain('"dialect" must be one of duckdb, postgres');
    expect(errorOf(() => parse({ ...good, databases: {} })).reason).toBe('catalog.json: databases must be an array (found an object).');
    const deep = { ...good, databases: [{ name: 'd', schemas: [{ name: 's', tables: [{ name: 't', kind: 'index', columns: [] }] }] }] };
    expect(errorOf(() => parse(deep)).reason).toBe(
      'catalog.json: databases[0].schemas[0].tables[0].kind must be one of table, view, materialized_view.',
    );
    const column = { ...good, databases: [{ name: 'd', schemas: [{ name: 's', tables: [{ name: 't', columns: [{ name: '', type: 'INT' }] }] }] }] };
    expect(errorOf(() => parse(column)).reason).toBe('catalog.json: databases[0].schemas[0].tables[0].columns[0].name must not be empty.');
    expect(parse({ ...good, unknownMember: true, databases: [] }).stats().tables).toBe(0);
  });
});

describe('catalog files', () => {
  it('not JSON, empty, or neither shape: a malformed CatalogError saying where', () => {
    const broken = errorOf(() => parseCatalogText('{\n  "nodes": {,\n}', { displayPath: 'target/catalog.json' }));
    expect(broken.kind).toBe('malformed');
    expect(broken.reason).toMatch(/^target\/catalog\.json is not valid JSON at line 2, column \d+: /);
    expect(errorOf(() => parseCatalogText('  \n', { displayPath: 'c.json' })).reason).toBe('c.json is empty.');
    expect(errorOf(() => parseCatalogText('[1, 2]', { displayPath: 'c.json' })).reason).toContain(
      'c.json is neither a dbt catalog (an object with "nodes" and "sources") nor a dg catalog snapshot',
    );
    expect(errorOf(() => parseCatalogText('{"tables": []}', { displayPath: 'c.json' })).hint).toContain('dg catalog pull');
    expect(parseCatalogText('\ufeff{"format":"dg-catalog","version":1,"dialect":"generic","databases":[]}', { displayPath: 'c.json' }).dialect).toBe(
      'generic',
    );
  });

  it('a missing file or a directory: not-found / unreadable', async () => {
    const missing = await rejectionOf(loadCatalogFile(join(temp, 'nope.json'), { displayPath: 'target/catalog.json' }));
    expect(missing.kind).toBe('not-found');
    expect(missing.reason).toBe('The catalog file target/catalog.json does not exist.');
    mkdirSync(join(temp, 'dir.json'), { recursive: true });
    expect((await rejectionOf(loadCatalogFile(join(temp, 'dir.json')))).kind).toBe('unreadable');
  });

  it('a malformed file read through its provider rejects with the reason, never a raw error', async () => {
    const path = join(temp, 'bad.json');
    writeFileSync(path, '{"nodes": {"m": {"metadata": 3}}, "sources": {}}');
    const provider = fileCatalogProvider(path, { displayPath: 'bad.json' });
    expect(provider.description).toBe('catalog file bad.json');
    const e = await rejectionOf(loadCatalog(provider, { timeoutMs: 5000 }));
    expect(e.reason).toBe('bad.json: nodes.m.metadata must be an object (found 3).');
  });
});

describe('loading with a timeout and cancellation', () => {
  const slow = (ms: number, honoursSignal: boolean): CatalogProvider => ({
    description: 'a slow warehouse',
    load: (signal) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => resolve(new CatalogBuilder().build({ dialect: 'duckdb', origin: 'slow' })), ms);
        if (honoursSignal) signal?.addEventListener('abort', () => (clearTimeout(timer), reject(new DOMException('aborted', 'AbortError'))));
      }),
  });

  it('times out within the timeout even when the provider ignores its signal', async () => {
    const started = Date.now();
    const e = await rejectionOf(loadCatalog(slow(2000, false), { timeoutMs: 50 }));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(e.kind).toBe('timeout');
    expect(e.reason).toBe('a slow warehouse did not answer within 50 ms.');
    expect(e.hint).toContain('timeoutMs');
  });

  it('aborts the provider\'s signal on timeout', async () => {
    let aborted = false;
    const provider: CatalogProvider = {
      description: 'p',
      load: (signal) => new Promise(() => signal?.addEventListener('abort', () => (aborted = true))),
    };
    await rejectionOf(loadCatalog(provider, { timeoutMs: 20 }));
    expect(aborted).toBe(true);
  });

  it('cancels on the caller\'s signal, before or during the load', async () => {
    const controller = new AbortController();
    const loading = loadCatalog(slow(2000, true), { timeoutMs: 5000, signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    expect((await rejectionOf(loading)).kind).toBe('cancelled');
    expect((await rejectionOf(loadCatalog(slow(10, true), { timeoutMs: 5000, signal: AbortSignal.abort() }))).kind).toBe('cancelled');
  });

  it('wraps a raw provider failure in a CatalogError, secrets removed', async () => {
    const provider: CatalogProvider = {
      description: 'Postgres (env:DG_PG_URL)',
      load: () => Promise.reject(new Error('connect to postgres://dg:s3cr3t-pw@db:5432/shop failed')),
    };
    const e = await rejectionOf(loadCatalog(provider, { timeoutMs: 1000 }));
    expect(e.kind).toBe('unreachable');
    expect(e.message).not.toContain('s3cr3t');
    expect(e.reason).toBe('Loading Postgres (env:DG_PG_URL): connect to postgres://dg:***@db:5432/shop failed');
  });

  it('loads a fast provider', async () => {
    const c = await loadCatalog(slow(1, false), { timeoutMs: 1000 });
    expect(c.origin).toBe('slow');
  });
});

describe('providers from the configuration', () => {
  const config = (json: unknown) => parseConfig(JSON.stringify(json), join(fixtures, 'dg.config.json'));

  it('a catalog file, with the configured dialect', async () => {
    const providers = catalogProviders(config({ catalog: 'dbt-catalog.json', dialect: 'snowflake' }));
    expect(providers.map((p) => p.description)).toEqual(['catalog file dbt-catalog.json']);
    const c = await loadCatalog(providers[0]!, { timeoutMs: 5000 });
    expect(c.dialect).toBe('snowflake');
  });

  it('a warehouse without its driver fails with driver-missing, then falls back to the catalog file', async () => {
    const providers = catalogProviders(config({ warehouse: { type: 'duckdb', path: 'shop.duckdb' }, catalog: 'warehouse.json' }));
    expect(providers.map((p) => p.description)).toEqual(['DuckDB shop.duckdb', 'catalog file warehouse.json']);
    const { catalog, failures } = await loadFirstCatalog(providers, { timeoutMs: 5000 });
    expect(failures.map((f) => f.kind)).toEqual(['driver-missing']);
    expect(failures[0]!.reason).toBe('This dg has no duckdb driver, so DuckDB shop.duckdb cannot be read.');
    expect(catalog?.dialect).toBe('duckdb');
  });

  it('a registered driver gets the warehouse and the environment', async () => {
    const seen: unknown[] = [];
    const providers = catalogProviders(config({ warehouse: { type: 'postgres', url: 'env:DG_PG_URL' } }), {
      env: { DG_PG_URL: 'postgres://x' },
      drivers: {
        postgres: (warehouse, context) => {
          seen.push(warehouse, context.env.DG_PG_URL);
          return { description: 'pg', load: async () => new CatalogBuilder().build({ dialect: 'postgres', origin: 'pg' }) };
        },
      },
    });
    expect(providers).toHaveLength(1);
    expect(seen).toEqual([{ type: 'postgres', url: { env: 'DG_PG_URL' } }, 'postgres://x']);
  });

  it('neither: no providers', () => {
    expect(catalogProviders(config({ severities: { DG112: 'off' } }))).toEqual([]);
  });

  it('every provider failing: the failures, no catalog', async () => {
    const { catalog, failures } = await loadFirstCatalog([fileCatalogProvider(join(temp, 'a.json')), fileCatalogProvider(join(temp, 'b.json'))], {
      timeoutMs: 1000,
    });
    expect(catalog).toBeUndefined();
    expect(failures.map((f) => f.kind)).toEqual(['not-found', 'not-found']);
  });
});
