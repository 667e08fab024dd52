import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { checkWarehouse } from '../../../server/src/checks/warehouse';
import { loadConfig, parseConfig, type DgConfig } from '../../../server/src/catalog/config';
import { DUCKDB_PACKAGE, duckdbProvider, warehouseConnectors, warehouseDrivers, type DuckDbWarehouse } from '../../../server/src/catalog/drivers';
import { CatalogError } from '../../../server/src/catalog/errors';
import { catalogProviders, loadCatalog } from '../../../server/src/catalog/providers';
import { buildModel } from '../../../server/src/model/graph';
import { SyntaxDocument } from '../../../server/src/syntax/document';
import { repoRoot, wasmParser } from '../../support/wasm';

type DuckDBApi = typeof import('@duckdb/node-api');

const temp = mkdtempSync(join(tmpdir(), 'dg-duckdb-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

let counter = 0;
/** A fresh project folder with dg.config.json (`warehouse` as given) and any files. */
function project(warehouse: Record<string, unknown>, files: Record<string, string | Buffer> = {}, extra: Record<string, unknown> = {}): DgConfig {
  const dir = join(temp, `p${++counter}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const text = JSON.stringify({ warehouse, ...extra });
  writeFileSync(join(dir, 'dg.config.json'), text);
  return parseConfig(text, join(dir, 'dg.config.json'));
}

function provider(config: DgConfig, options: Parameters<typeof duckdbProvider>[2] = {}) {
  return duckdbProvider(config.warehouse as DuckDbWarehouse, { config, env: {} }, options);
}

async function failure(promise: Promise<unknown>): Promise<CatalogError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogError);
    return error as CatalogError;
  }
  throw new Error('expected the load to fail');
}

const SHOP_SQL = `
CREATE SCHEMA crm;
CREATE TABLE crm.customers (
  id INTEGER PRIMARY KEY,
  email VARCHAR NOT NULL,
  "Display Name" TEXT,
  balance DECIMAL(10, 2),
  tags VARCHAR[],
  created_at TIMESTAMP WITH TIME ZONE
);
COMMENT ON TABLE crm.customers IS 'One row per customer.';
COMMENT ON COLUMN crm.customers.email IS 'Primary e-mail.';
CREATE VIEW crm.active_customers AS SELECT id, email FROM crm.customers WHERE balance > 0;
CREATE SCHEMA "Mixed_Case";
CREATE TABLE "Mixed_Case"."Orders" ("OrderId" BIGINT, customer_id INTEGER);
CREATE SCHEMA profiles;   -- empty: a Profiles Sync folder not synced yet
INSERT INTO crm.customers VALUES (1, 'a@example.com', 'A', 10, ['x'], NULL);
`;

describe('"warehouse.init" in dg.config.json', () => {
  const file = join(temp, 'cfg', 'dg.config.json');
  const parse = (warehouse: unknown) => parseConfig(JSON.stringify({ warehouse }), file);

  it('names the SQL script that builds a missing DuckDB database, relative to the config file', () => {
    expect(parse({ type: 'duckdb', path: 'db/shop.duckdb', init: ' sql/shop.sql ' }).warehouse).toEqual({
      type: 'duckdb',
      path: join(temp, 'cfg', 'db', 'shop.duckdb'),
      displayPath: 'db/shop.duckdb',
      init: { path: join(temp, 'cfg', 'sql', 'shop.sql'), displayPath: 'sql/shop.sql' },
    });
    expect(parse({ type: 'duckdb', path: 'shop.duckdb' }).warehouse).not.toHaveProperty('init');
  });

  it('must be a file name, and only for DuckDB', () => {
    for (const init of [1, '', '  ', null]) {
      expect(() => parse({ type: 'duckdb', path: 'a.duckdb', init })).toThrow(/"warehouse\.init" must be the SQL file/);
    }
    expect(() => parse({ type: 'duckdb', path: 'a.duckdb', inti: 'x.sql' })).toThrow(/"warehouse\.inti" is not a setting.* Known settings: type, path, init\./);
    expect(() => parse({ type: 'postgres', url: 'env:X', init: 'x.sql' })).toThrow(/"warehouse\.init" is not a setting/);
  });

  it('is in the JSON Schema (DuckDB only)', () => {
    const schema = JSON.parse(readFileSync(join(repoRoot, 'client', 'schemas', 'dg.config.schema.json'), 'utf8'));
    const [duckdb, postgres] = schema.properties.warehouse.oneOf;
    expect(Object.keys(duckdb.properties)).toEqual(['type', 'path', 'init']);
    expect(duckdb.properties.init).toMatchObject({ type: 'string', minLength: 1 });
    expect(duckdb.required).toEqual(['type', 'path']);
    expect(postgres.properties).not.toHaveProperty('init');
  });
});

describe('DuckDB driver', () => {
  it('builds the database from its init script once, then reads tables, views, columns, types and nullability', async () => {
    const config = project({ type: 'duckdb', path: 'data/shop.duckdb', init: 'shop.sql' }, { 'shop.sql': SHOP_SQL });
    const dbFile = join(config.dir, 'data', 'shop.duckdb');
    expect(existsSync(dbFile)).toBe(false);
    const catalog = await loadCatalog(provider(config), { timeoutMs: 10_000 });
    expect(existsSync(dbFile)).toBe(true);
    // Built in a temporary folder and moved into place: nothing else is left behind.
    expect(readdirSync(join(config.dir, 'data'))).toEqual(['shop.duckdb']);

    expect(catalog.dialect).toBe('duckdb');
    expect(catalog.complete).toBe(true);
    expect(catalog.origin).toBe('DuckDB data/shop.duckdb');
    expect(catalog.listDatabases().map((d) => d.name)).toEqual(['shop']); // the file's stem
    expect(catalog.listSchemas('shop').map((s) => s.name)).toEqual(['Mixed_Case', 'crm', 'main', 'profiles']);
    expect(catalog.listTables('shop', 'crm').map((t) => [t.name, t.kind])).toEqual([
      ['active_customers', 'view'],
      ['customers', 'table'],
    ]);
    const customers = catalog.findTable('shop.crm.customers')!.table;
    expect(customers.comment).toBe('One row per customer.');
    expect(customers.columns).toEqual([
      { name: 'id', type: 'INTEGER', nullable: false },
      { name: 'email', type: 'VARCHAR', nullable: false, comment: 'Primary e-mail.' },
      { name: 'Display Name', type: 'VARCHAR', nullable: true },
      { name: 'balance', type: 'DECIMAL(10,2)', nullable: true },
      { name: 'tags', type: 'VARCHAR[]', nullable: true },
      { name: 'created_at', type: 'TIMESTAMP WITH TIME ZONE', nullable: true },
    ]);
    expect(catalog.columnsOf('shop.crm.active_customers').map((c) => `${c.name} ${c.type}`)).toEqual(['id INTEGER', 'email VARCHAR']);
    // DuckDB's identifier rules: any case resolves.
    expect(catalog.findTable('SHOP.mixed_case.orders')?.ref).toBe('shop.Mixed_Case.Orders');
    expect(catalog.listTables('shop', 'profiles')).toEqual([]);
    expect(catalog.generatedAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    // The second load reads the same file, read-only: it is not rebuilt or written.
    const before = statSync(dbFile);
    const again = await loadCatalog(provider(config), { timeoutMs: 10_000 });
    expect(again.stats()).toEqual(catalog.stats());
    const after = statSync(dbFile);
    expect([after.mtimeMs, after.size, after.ino]).toEqual([before.mtimeMs, before.size, before.ino]);
  });

  it('reads a database without "init", and applies the configured identifier rules', async () => {
    const source = project({ type: 'duckdb', path: 'warehouse.duckdb', init: 'w.sql' }, { 'w.sql': SHOP_SQL });
    await loadCatalog(provider(source), { timeoutMs: 10_000 });
    const config = project({ type: 'duckdb', path: 'copy.duckdb' }, {}, { identifierCase: { table: 'sensitive' } });
    copyFileSync(join(source.dir, 'warehouse.duckdb'), join(config.dir, 'copy.duckdb'));
    const catalog = await loadCatalog(provider(config), { timeoutMs: 10_000 });
    expect(catalog.listDatabases().map((d) => d.name)).toEqual(['copy']);
    expect(catalog.rules.table).toBe('sensitive');
    expect(catalog.resolve(['copy', 'crm', 'CUSTOMERS']).steps.map((s) => s.match)).toEqual(['exact', 'exact', 'case']);
  });

  it('is what warehouseDrivers() gives for "duckdb" (and catalogProviders uses it)', async () => {
    const drivers = warehouseDrivers();
    expect(Object.keys(drivers).sort()).toEqual(['duckdb', 'postgres', 'redshift']);
    const config = project({ type: 'duckdb', path: 'x.duckdb', init: 'x.sql' }, { 'x.sql': 'CREATE TABLE t (a INTEGER);' });
    const [live] = catalogProviders(config, { drivers });
    expect(live!.description).toBe('DuckDB x.duckdb');
    const catalog = await loadCatalog(live!, { timeoutMs: 10_000 });
    expect(catalog.findTable('x.main.t')?.table.columns).toEqual([{ name: 'a', type: 'INTEGER', nullable: true }]);
  });

  it('a missing database file is not-found (and so is a missing init script)', async () => {
    const missing = await failure(loadCatalog(provider(project({ type: 'duckdb', path: 'nope.duckdb' })), { timeoutMs: 10_000 }));
    expect(missing.kind).toBe('not-found');
    expect(missing.reason).toBe('The DuckDB database nope.duckdb does not exist.');
    expect(missing.hint).toContain('"init"');

    const noScript = await failure(loadCatalog(provider(project({ type: 'duckdb', path: 'nope.duckdb', init: 'missing.sql' })), { timeoutMs: 10_000 }));
    expect(noScript.kind).toBe('not-found');
    expect(noScript.reason).toContain('its init script missing.sql');
  });

  it('a corrupt, empty or directory path gives a clear error, not a crash', async () => {
    const corrupt = project({ type: 'duckdb', path: 'bad.duckdb' }, { 'bad.duckdb': Buffer.alloc(20_000, 0x5a) });
    const bad = await failure(loadCatalog(provider(corrupt), { timeoutMs: 10_000 }));
    expect(bad.kind).toBe('malformed');
    expect(bad.reason).toBe('bad.duckdb is not a DuckDB database file.');

    const text = project({ type: 'duckdb', path: 'text.duckdb', init: 'x.sql' }, { 'text.duckdb': 'hello', 'x.sql': 'SELECT 1;' });
    const notDb = await failure(loadCatalog(provider(text), { timeoutMs: 10_000 }));
    expect(notDb.kind).toBe('malformed');
    expect(notDb.hint).toContain('Delete it: dg rebuilds it from x.sql');
    expect(readFileSync(join(text.dir, 'text.duckdb'), 'utf8')).toBe('hello'); // an existing file is never rebuilt

    const dirConfig = project({ type: 'duckdb', path: 'folder.duckdb' });
    mkdirSync(join(dirConfig.dir, 'folder.duckdb'));
    const dir = await failure(loadCatalog(provider(dirConfig), { timeoutMs: 10_000 }));
    expect(dir.kind).toBe('unreadable');
    expect(dir.reason).toContain('is a directory');
  });

  it('a database another program holds open for writing is reported as locked', async () => {
    const config = project({ type: 'duckdb', path: 'locked.duckdb' });
    const api = createRequire(join(repoRoot, 'package.json')).resolve('@duckdb/node-api');
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const d = require(${JSON.stringify(api)});
         (async () => { const i = await d.DuckDBInstance.create(process.argv[1]); const c = await i.connect();
           await c.run('CREATE TABLE t (a INTEGER)'); process.stdout.write('ready\\n'); process.stdin.resume(); })();`,
        join(config.dir, 'locked.duckdb'),
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        holder.once('exit', (code) => reject(new Error(`the lock holder exited (${code})`)));
      });
      const error = await failure(loadCatalog(provider(config), { timeoutMs: 10_000 }));
      expect(error.kind).toBe('unreadable');
      expect(error.reason).toBe('locked.duckdb is locked by another program that has it open for writing.');
    } finally {
      holder.kill();
    }
  });

  it('a failing init script is reported with DuckDB\'s reason, and leaves nothing behind', async () => {
    const config = project({ type: 'duckdb', path: 'w.duckdb', init: 'w.sql' }, { 'w.sql': 'CREATE TABLE a (x INTEGER);\nINSERT INTO nope VALUES (1);' });
    const error = await failure(loadCatalog(provider(config), { timeoutMs: 10_000 }));
    expect(error.kind).toBe('malformed');
    expect(error.reason).toMatch(/^Building w\.duckdb from w\.sql failed: Catalog Error: Table with name nope does not exist/);
    expect(error.hint).toContain('Fix the SQL in w.sql');
    expect(readdirSync(config.dir).sort()).toEqual(['dg.config.json', 'w.sql']);
  });

  it('runs the init script without file system access', async () => {
    const outside = join(temp, 'written-by-sql.csv');
    const config = project(
      { type: 'duckdb', path: 'w.duckdb', init: 'w.sql' },
      { 'w.sql': `CREATE TABLE a AS SELECT 1 AS x;\nCOPY a TO '${outside}';` },
    );
    const error = await failure(loadCatalog(provider(config), { timeoutMs: 10_000 }));
    expect(error.kind).toBe('malformed');
    expect(error.reason).toContain('file system operations are disabled');
    expect(existsSync(outside)).toBe(false);
    expect(existsSync(join(config.dir, 'w.duckdb'))).toBe(false);
  });

  it('two loads building the same database at once both succeed, with one file as the result', async () => {
    const config = project({ type: 'duckdb', path: 'race.duckdb', init: 'r.sql' }, { 'r.sql': SHOP_SQL });
    const [a, b] = await Promise.all([
      loadCatalog(provider(config), { timeoutMs: 10_000 }),
      loadCatalog(provider(config), { timeoutMs: 10_000 }),
    ]);
    expect(a.stats()).toEqual(b.stats());
    expect(readdirSync(config.dir).sort()).toEqual(['dg.config.json', 'r.sql', 'race.duckdb']);
  });

  it('a missing driver package is driver-missing, saying what to install', async () => {
    const config = project({ type: 'duckdb', path: 'x.duckdb' });
    const name = '@duckdb/not-installed-package';
    const error = await failure(
      loadCatalog(provider(config, { driver: { ...DUCKDB_PACKAGE, name, load: () => import(/* @vite-ignore */ name) } }), { timeoutMs: 10_000 }),
    );
    expect(error.kind).toBe('driver-missing');
    expect(error.reason).toBe(`The DuckDB driver (npm package ${name}) is not installed.`);
    expect(error.hint).toContain(`npm install ${name}@${DUCKDB_PACKAGE.version}`);

    const broken = await failure(
      loadCatalog(provider(config, { driver: { ...DUCKDB_PACKAGE, load: () => Promise.reject(new Error('libduckdb.so: cannot open shared object file')) } }), { timeoutMs: 10_000 }),
    );
    expect(broken.kind).toBe('driver-missing');
    expect(broken.reason).toContain('could not be loaded: libduckdb.so: cannot open shared object file');
  });

  it('honours the configured timeout', async () => {
    const source = project({ type: 'duckdb', path: 't.duckdb', init: 't.sql' }, { 't.sql': SHOP_SQL });
    await loadCatalog(provider(source), { timeoutMs: 10_000 });
    // timeoutMs 1: opening a database takes longer than that.
    const config = parseConfig(JSON.stringify({ warehouse: { type: 'duckdb', path: 't.duckdb' }, timeoutMs: 1 }), source.file);
    const started = Date.now();
    const error = await failure(provider(config).load());
    expect(error.kind).toBe('timeout');
    expect(error.reason).toBe('DuckDB t.duckdb did not answer within 1 ms.');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('cancels before starting and while loading', async () => {
    const config = project({ type: 'duckdb', path: 'c.duckdb', init: 'c.sql' }, { 'c.sql': SHOP_SQL });
    const aborted = new AbortController();
    aborted.abort();
    expect((await failure(provider(config).load(aborted.signal))).kind).toBe('cancelled');
    expect(existsSync(join(config.dir, 'c.duckdb'))).toBe(false); // nothing was built

    const controller = new AbortController();
    const loading = provider(config).load(controller.signal);
    controller.abort();
    const error = await failure(loading);
    expect(error.kind).toBe('cancelled');
    expect(error.reason).toBe('Loading DuckDB c.duckdb: cancelled.');
  });

  it('interrupts the running query on cancel, and closes the connection and database afterwards', async () => {
    // A catalog large enough that reading information_schema.columns takes a while: 150 views of 200 columns.
    const columns = Array.from({ length: 200 }, (_, i) => `c${i} INTEGER`).join(', ');
    const views = Array.from({ length: 150 }, (_, i) => `CREATE VIEW v${i} AS SELECT * FROM base;`).join('\n');
    const config = project({ type: 'duckdb', path: 'big.duckdb', init: 'big.sql' }, { 'big.sql': `CREATE TABLE base (${columns});\n${views}` });
    await loadCatalog(provider(config), { timeoutMs: 30_000 });

    // The real driver, with its connection and database watched.
    const events: string[] = [];
    const controller = new AbortController();
    let interruptedQuery: Promise<unknown> | undefined;
    const real = await DUCKDB_PACKAGE.load();
    const watch = (connection: DuckDBConnection): DuckDBConnection =>
      new Proxy(connection, {
        get(target, key) {
          if (key === 'interrupt') return () => (events.push('interrupt'), target.interrupt());
          if (key === 'closeSync') return () => (events.push('connection closed'), target.closeSync());
          if (key === 'runAndReadAll') {
            return (sql: string, values?: string[]) => {
              const query = target.runAndReadAll(sql, values);
              if (sql.includes('information_schema.columns')) {
                interruptedQuery = query.then(
                  () => events.push('query finished'),
                  (error: Error) => events.push(`query failed: ${error.message}`),
                );
                setImmediate(() => controller.abort()); // cancel while DuckDB is reading the columns
              }
              return query;
            };
          }
          const value = Reflect.get(target, key) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    const watched = {
      ...real,
      DuckDBInstance: {
        create: async (path?: string, options?: Record<string, string>) => {
          const instance = await real.DuckDBInstance.create(path, options);
          return new Proxy(instance, {
            get(target, key) {
              if (key === 'connect') return async () => watch(await target.connect());
              if (key === 'closeSync') return () => (events.push('database closed'), target.closeSync());
              const value = Reflect.get(target, key) as unknown;
              return typeof value === 'function' ? value.bind(target) : value;
            },
          }) as DuckDBInstance;
        },
      },
    } as unknown as DuckDBApi;

    const started = Date.now();
    const error = await failure(provider(config, { driver: { ...DUCKDB_PACKAGE, load: async () => watched } }).load(controller.signal));
    expect(error.kind).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(events[0]).toBe('interrupt');
    await interruptedQuery;
    // Closed once DuckDB let go of the interrupted query.
    await expect.poll(() => events, { timeout: 5_000 }).toContain('database closed');
    // (DuckDB drops an interrupt that comes before the query runs, so the driver repeats it until it lands.)
    const distinct = events.filter((event, i) => event !== events[i - 1]);
    expect(distinct).toEqual(['interrupt', 'query failed: INTERRUPT Error: Interrupted!', 'connection closed', 'database closed']);
  });
});

describe('DuckDB queries (the data checks)', () => {
  const connect = (config: DgConfig, signal?: AbortSignal) =>
    warehouseConnectors().duckdb!(config.warehouse!, { config, env: {}, ...(signal ? { signal } : {}) });

  it('runs read-only SQL, one statement at a time, and closes', async () => {
    const config = project({ type: 'duckdb', path: 'q.duckdb', init: 'q.sql' }, { 'q.sql': SHOP_SQL });
    const runner = await connect(config); // builds the database first
    try {
      const [rows, counts] = await Promise.all([
        runner.query('SELECT id, email FROM crm.customers ORDER BY id', { timeoutMs: 5_000 }),
        runner.query('SELECT count(*) AS n, count(DISTINCT id) AS d FROM crm.customers', { timeoutMs: 5_000 }),
      ]);
      expect(rows).toEqual([{ id: 1, email: 'a@example.com' }]);
      expect(counts).toEqual([{ n: 1n, d: 1n }]);
      const write = await failure(runner.query('CREATE TABLE crm.x (a INTEGER)', { timeoutMs: 5_000 }));
      expect(write.kind).toBe('unreadable');
      expect(write.reason).toMatch(/^DuckDB q\.duckdb: the query failed: .*read-only/);
    } finally {
      await runner.close();
    }
    await expect(runner.query('SELECT 1', { timeoutMs: 1_000 })).rejects.toMatchObject({ kind: 'cancelled' });
  });

  it('a slow query times out (interrupted) and a cancelled one stops; the connection stays usable', async () => {
    const config = project({ type: 'duckdb', path: 's.duckdb', init: 's.sql' }, { 's.sql': 'CREATE TABLE t (a INTEGER);' });
    const runner = await connect(config);
    const slow = 'SELECT sum(a.range * b.range) AS s FROM range(1000000) a, range(1000000) b';
    try {
      let started = Date.now();
      const timeout = await failure(runner.query(slow, { timeoutMs: 300 }));
      expect(timeout.kind).toBe('timeout');
      expect(timeout.reason).toBe('DuckDB s.duckdb did not answer within 300 ms.');
      expect(Date.now() - started).toBeLessThan(2_000);

      const controller = new AbortController();
      started = Date.now();
      const cancelled = runner.query(slow, { timeoutMs: 30_000, signal: controller.signal });
      setTimeout(() => controller.abort(), 100);
      expect((await failure(cancelled)).kind).toBe('cancelled');
      expect(Date.now() - started).toBeLessThan(2_000);

      // The next statement runs once DuckDB has let go of the interrupted one.
      expect(await runner.query('SELECT 42 AS x', { timeoutMs: 5_000 })).toEqual([{ x: 42 }]);
    } finally {
      await runner.close();
    }
  });

  it('cannot open a missing database', async () => {
    const config = project({ type: 'duckdb', path: 'none.duckdb' });
    await expect(connect(config)).rejects.toMatchObject({ kind: 'not-found' });
  });
});

describe('examples/retail', () => {
  const example = join(repoRoot, 'examples', 'retail');

  it('is a complete project: its DuckDB warehouse (built from warehouse.sql) passes every warehouse check', async () => {
    // A copy, so the test neither needs nor leaves examples/retail/retail.duckdb.
    const dir = join(temp, 'retail');
    mkdirSync(dir);
    for (const file of ['dg.config.json', 'warehouse.sql', 'retail.dg']) copyFileSync(join(example, file), join(dir, file));
    const config = await loadConfig(join(dir, 'dg.config.json'));
    expect(config.warehouse).toMatchObject({ type: 'duckdb', displayPath: 'retail.duckdb', init: { displayPath: 'warehouse.sql' } });
    const [live] = catalogProviders(config, { drivers: warehouseDrivers() });
    const catalog = await loadCatalog(live!, { timeoutMs: config.timeoutMs });
    expect(catalog.listDatabases().map((d) => d.name)).toEqual(['retail']);
    expect(catalog.profileFolders().map((f) => [f.ref, f.holds])).toEqual([
      ['retail.segment_profiles', { 'segment:materialized': ['user_identifiers', 'user_traits', 'profile_merges'] }],
    ]);
    expect(catalog.columnsOf('retail.segment_profiles.user_traits').map((c) => c.name)).toEqual([
      'canonical_segment_id', 'name', 'value', 'seq', 'received_at', 'uuid_ts', 'timestamp',
    ]);

    const document = SyntaxDocument.parse(await wasmParser(), readFileSync(join(dir, 'retail.dg'), 'utf8'));
    try {
      const model = buildModel(document.syntax);
      expect(model.entities.length).toBeGreaterThanOrEqual(8);
      expect(checkWarehouse(model, catalog, {}, document.lineIndex)).toEqual([]);
    } finally {
      document.dispose();
    }
  });

  it('does not commit the database, only the SQL it is built from', () => {
    const ignore = readFileSync(join(repoRoot, '.gitignore'), 'utf8').split('\n');
    expect(ignore).toContain('*.duckdb');
    expect(ignore).toContain('.dg-build-*/');
    expect(JSON.parse(readFileSync(join(example, 'dg.config.json'), 'utf8')).warehouse).toEqual({
      type: 'duckdb',
      path: 'retail.duckdb',
      init: 'warehouse.sql',
    });
  });
});
