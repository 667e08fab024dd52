import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { describe, expect, it, type TestContext } from 'vitest';
import { parseConfig, type DgConfig } from '../../../server/src/catalog/config';
import { PG_PACKAGE, postgresProvider, warehouseConnectors, warehouseDrivers, type PostgresWarehouse } from '../../../server/src/catalog/drivers';
import { CatalogError } from '../../../server/src/catalog/errors';
import { catalogProviders, loadCatalog } from '../../../server/src/catalog/providers';
import { sampleWarehouse } from '../../../server/src/catalog/profileValues';
import { usePostgres, type PgServer } from '../../support/postgres';

// Against a real PostgreSQL server (test/support/postgres.ts: Debian's binaries, a throw-away cluster on
// a loopback port). Faults that need no server (refused connection, a server that never answers, a
// missing driver) run without one.


const READER = { user: 'dg_reader', password: 'reader-Secret-123' };

const SETUP = `
CREATE ROLE ${READER.user} LOGIN PASSWORD '${READER.password}';
CREATE DATABASE shop;
\\connect shop
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE SCHEMA crm;
CREATE TABLE crm.customers (
  id integer PRIMARY KEY,
  email varchar(255) NOT NULL,
  "Display Name" text,
  balance numeric(10, 2),
  tags text[],
  feeling mood,
  created_at timestamptz DEFAULT now()
);
CREATE VIEW crm.active_customers AS SELECT id, email FROM crm.customers WHERE balance > 0;
CREATE MATERIALIZED VIEW crm.customer_counts AS SELECT count(*) AS n FROM crm.customers;
CREATE SCHEMA "Mixed";
CREATE TABLE "Mixed"."Orders" ("OrderId" bigint NOT NULL, customer_id integer);
CREATE SCHEMA segment_profiles;
CREATE TABLE segment_profiles.user_identifiers (canonical_segment_id text NOT NULL, type text, value text, seq bigint, received_at timestamp, uuid_ts timestamp, "timestamp" timestamp);
CREATE TABLE segment_profiles.user_traits (canonical_segment_id text NOT NULL, name text, value text, seq bigint, received_at timestamp, uuid_ts timestamp, "timestamp" timestamp);
INSERT INTO segment_profiles.user_identifiers (canonical_segment_id, type, value) VALUES ('p1', 'email', 'a@x'), ('p2', 'email', 'b@x'), ('p2', 'member_id', 'M-1');
INSERT INTO segment_profiles.user_traits (canonical_segment_id, name, value) VALUES ('p1', 'plan', 'pro');
CREATE TABLE segment_profiles.profile_merges (canonical_segment_id text NOT NULL, segment_id text, seq bigint, received_at timestamp, uuid_ts timestamp, "timestamp" timestamp);
CREATE SCHEMA not_synced_yet;
CREATE SCHEMA secret_stuff;
CREATE TABLE secret_stuff.hidden (x integer);
GRANT USAGE ON SCHEMA crm, "Mixed", segment_profiles, not_synced_yet TO ${READER.user};
GRANT SELECT ON ALL TABLES IN SCHEMA crm, "Mixed", segment_profiles TO ${READER.user};
ALTER ROLE ${READER.user} SET log_statement = 'all';
`;

const postgres = usePostgres(SETUP, 'the PostgreSQL driver tests that need a server');
const needServer = (context: TestContext): PgServer => postgres.need(context);

function config(type: 'postgres' | 'redshift' = 'postgres', extra: Record<string, unknown> = {}): DgConfig {
  return parseConfig(JSON.stringify({ warehouse: { type, url: 'env:DG_TEST_PG_URL' }, ...extra }), '/project/dg.config.json');
}

function provider(url: string | undefined, options: { type?: 'postgres' | 'redshift'; timeoutMs?: number; driver?: typeof PG_PACKAGE } = {}) {
  const c = config(options.type, options.timeoutMs ? { timeoutMs: options.timeoutMs } : {});
  return postgresProvider(c.warehouse as PostgresWarehouse, { config: c, env: { DG_TEST_PG_URL: url } }, options.driver ? { driver: options.driver } : {});
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

/** A failure, within `limitMs`, whose messages hold none of `secrets`. */
async function timedFailure(promise: Promise<unknown>, limitMs: number, secrets: string[] = []): Promise<CatalogError> {
  const started = Date.now();
  const error = await failure(promise);
  expect(Date.now() - started).toBeLessThan(limitMs);
  for (const secret of secrets) {
    expect(error.message).not.toContain(secret);
    expect(error.reason).not.toContain(secret);
  }
  return error;
}

async function superuser(s: PgServer, database = 'shop'): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: s.url(database) });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** The backends dg opened (application_name 'dg'). */
async function dgBackends(s: PgServer): Promise<{ pid: number; wait_event_type: string | null; query: string }[]> {
  const client = await superuser(s, 'postgres');
  try {
    return (await client.query("SELECT pid, wait_event_type, query FROM pg_stat_activity WHERE application_name = 'dg' AND pid <> pg_backend_pid()")).rows;
  } finally {
    await client.end();
  }
}

describe('Postgres driver against a real server', () => {
  it('reads schemas, tables, views, materialized views, columns, types and nullability', async (context) => {
    const s = needServer(context);
    const catalog = await loadCatalog(provider(s.url('shop', READER)), { timeoutMs: 10_000 });
    expect(catalog.dialect).toBe('postgres');
    expect(catalog.origin).toBe('Postgres (env:DG_TEST_PG_URL)');
    expect(catalog.listDatabases().map((d) => d.name)).toEqual(['shop']);
    // System schemas are left out; schemas the user may not use are not listed by information_schema.
    const schemas = catalog.listSchemas('shop').map((x) => x.name);
    expect(schemas).toEqual(expect.arrayContaining(['Mixed', 'crm', 'not_synced_yet', 'public', 'segment_profiles']));
    expect(schemas).not.toContain('pg_catalog');
    expect(schemas).not.toContain('information_schema');
    expect(schemas).not.toContain('secret_stuff');
    expect(catalog.listTables('shop', 'crm').map((t) => [t.name, t.kind])).toEqual([
      ['active_customers', 'view'],
      ['customers', 'table'],
      ['customer_counts', 'materialized_view'],
    ]);
    expect(catalog.columnsOf('shop.crm.customers')).toEqual([
      { name: 'id', type: 'integer', nullable: false },
      { name: 'email', type: 'character varying', nullable: false },
      { name: 'Display Name', type: 'text', nullable: true },
      { name: 'balance', type: 'numeric', nullable: true },
      { name: 'tags', type: 'text[]', nullable: true },
      { name: 'feeling', type: 'mood', nullable: true },
      { name: 'created_at', type: 'timestamp with time zone', nullable: true },
    ]);
    expect(catalog.columnsOf('shop.crm.customer_counts')).toEqual([{ name: 'n', type: 'bigint', nullable: true }]);
    expect(catalog.columnsOf('shop.Mixed.Orders')[0]).toEqual({ name: 'OrderId', type: 'bigint', nullable: false });
    // Postgres' identifier rules: unquoted names fold to lower case.
    expect(catalog.resolve(['shop', 'MIXED', 'orders']).steps.map((x) => x.match)).toEqual(['exact', 'case', 'case']);
    expect(catalog.resolve(['SHOP', 'CRM', 'CUSTOMERS']).steps.map((x) => x.match)).toEqual(['folded', 'folded', 'folded']);
    expect(catalog.profileFolders().map((f) => f.ref)).toEqual(['shop.segment_profiles']);
    expect(catalog.listTables('shop', 'not_synced_yet')).toEqual([]);
    // The connection is closed afterwards.
    await expect.poll(() => dgBackends(s), { timeout: 5_000 }).toEqual([]);
  });

  it('reads Redshift through the same driver (warehouseDrivers), with Redshift\'s identifier rules', async (context) => {
    const s = needServer(context);
    const c = config('redshift');
    const [live] = catalogProviders(c, { drivers: warehouseDrivers(), env: { DG_TEST_PG_URL: s.url('shop', READER) } });
    expect(live!.description).toBe('Redshift (env:DG_TEST_PG_URL)');
    const catalog = await loadCatalog(live!, { timeoutMs: 10_000 });
    expect(catalog.dialect).toBe('redshift');
    expect(catalog.findTable('shop.crm.customers')?.table.columns.length).toBe(7);
    // (no materialized views from pg_catalog: Redshift has none there)
    expect(catalog.findTable('shop.crm.customer_counts')).toBeUndefined();
  });

  it('sets the statement timeout and runs read-only, ending with ROLLBACK', async (context) => {
    const s = needServer(context);
    // The server logs the reader's statements (ALTER ROLE … SET log_statement in SETUP).
    const before = s.log().length;
    await loadCatalog(provider(s.url('shop', READER), { timeoutMs: 7_000 }), { timeoutMs: 10_000 });
    await expect.poll(() => s.log().slice(before), { timeout: 5_000 }).toMatch(/statement: ROLLBACK/);
    const statements = [...s.log().slice(before).matchAll(/statement: (.*)/g)].map((m) => m[1]!.trim().split(/\s+/).slice(0, 4).join(' '));
    expect(statements.slice(0, 2)).toEqual(['SET statement_timeout = 7000', 'BEGIN READ ONLY']);
    expect(statements.length).toBeGreaterThan(4);
    expect(statements.at(-1)).toBe('ROLLBACK');
    expect(statements.every((q) => /^(SET statement_timeout|BEGIN READ ONLY|SELECT|ROLLBACK)/.test(q))).toBe(true);
  });

  it('a wrong password is auth, and never shows the password', async (context) => {
    const s = needServer(context);
    const wrong = 'not-the-Password-42';
    const error = await timedFailure(provider(s.url('shop', { user: READER.user, password: wrong })).load(), 5_000, [wrong, READER.password]);
    expect(error.kind).toBe('auth');
    expect(error.reason).toBe(`Postgres (env:DG_TEST_PG_URL) refused the credentials: password authentication failed for user "${READER.user}".`);
    expect(error.hint).toBe('Check the user and password in DG_TEST_PG_URL.');
  });

  it('an unknown role is auth', async (context) => {
    const s = needServer(context);
    const error = await timedFailure(provider(s.url('shop', { user: 'nobody_here', password: 'x-secret-x' })).load(), 5_000, ['x-secret-x']);
    expect(error.kind).toBe('auth');
    expect(error.reason).toContain('nobody_here');
  });

  it('an unknown database is unreachable, naming it', async (context) => {
    const s = needServer(context);
    const error = await timedFailure(provider(s.url('no_such_db', READER)).load(), 5_000, [READER.password]);
    expect(error.kind).toBe('unreachable');
    expect(error.reason).toBe('Postgres (env:DG_TEST_PG_URL): database "no_such_db" does not exist.');
    expect(error.hint).toBe('Check the database name in DG_TEST_PG_URL.');
  });

  it('a query slower than the timeout is a timeout, and the server stops working on it', async (context) => {
    const s = needServer(context);
    // Hold a lock the information_schema.columns query needs (and nothing else does): it waits.
    const holder = await superuser(s);
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE pg_catalog.pg_attrdef IN ACCESS EXCLUSIVE MODE');
      const timeoutMs = 1_500;
      const started = Date.now();
      const error = await timedFailure(provider(s.url('shop', READER), { timeoutMs }).load(), timeoutMs + 2_000, [READER.password]);
      expect(error.kind).toBe('timeout');
      expect(error.reason).toBe('Postgres (env:DG_TEST_PG_URL) did not answer within 1500 ms.');
      expect(Date.now() - started).toBeGreaterThanOrEqual(timeoutMs - 50);
      // The abandoned query ends on the server too (the driver cancels it), though the lock is still held.
      await expect.poll(() => dgBackends(s), { timeout: 5_000, interval: 100 }).toEqual([]);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });

  it('timeoutMs 1 is a timeout, at once', async (context) => {
    const s = needServer(context);
    const error = await timedFailure(provider(s.url('shop', READER), { timeoutMs: 1 }).load(), 1_000, [READER.password]);
    expect(error.kind).toBe('timeout');
  });

  it('cancelling destroys the connection at once', async (context) => {
    const s = needServer(context);
    const holder = await superuser(s);
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE pg_catalog.pg_attrdef IN ACCESS EXCLUSIVE MODE');
      const controller = new AbortController();
      const loading = provider(s.url('shop', READER), { timeoutMs: 30_000 }).load(controller.signal);
      loading.catch(() => undefined);
      // Wait until the driver's query is waiting on the lock, then cancel.
      await expect.poll(async () => (await dgBackends(s)).map((b) => b.wait_event_type), { timeout: 5_000, interval: 50 }).toEqual(['Lock']);
      const started = Date.now();
      controller.abort();
      const error = await failure(loading);
      expect(error.kind).toBe('cancelled');
      expect(error.reason).toBe('Loading Postgres (env:DG_TEST_PG_URL): cancelled.');
      expect(Date.now() - started).toBeLessThan(500);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    // The socket is gone: once the lock is released the backend finds no client and ends.
    await expect.poll(() => dgBackends(s), { timeout: 5_000, interval: 100 }).toEqual([]);
  });
});

describe('Postgres queries (the data checks) against a real server', () => {
  const connect = (url: string, signal?: AbortSignal) => {
    const c = config('postgres', { timeoutMs: 5_000 });
    return warehouseConnectors().postgres!(c.warehouse!, { config: c, env: { DG_TEST_PG_URL: url }, ...(signal ? { signal } : {}) });
  };

  it('runs read-only SQL, one statement at a time, and closes', async (context) => {
    const s = needServer(context);
    const runner = await connect(s.url('shop', READER));
    try {
      const [rows, counts] = await Promise.all([
        runner.query("SELECT 'x'::text AS value, 1::int AS n", { timeoutMs: 5_000 }),
        runner.query('SELECT count(*) AS row_count FROM crm.customers', { timeoutMs: 5_000 }),
      ]);
      expect(rows).toEqual([{ value: 'x', n: 1 }]);
      expect(counts).toEqual([{ row_count: '0' }]);
      const write = await failure(runner.query('CREATE TABLE crm.nope (a int)', { timeoutMs: 5_000 }));
      expect(write.kind).toBe('unreadable');
      expect(write.reason).toBe('Postgres (env:DG_TEST_PG_URL): the query failed: cannot execute CREATE TABLE in a read-only transaction.');
      // a failed statement leaves the connection usable
      expect(await runner.query('SELECT 2 AS two', { timeoutMs: 5_000 })).toEqual([{ two: 2 }]);
    } finally {
      await runner.close();
    }
    await expect.poll(() => dgBackends(s), { timeout: 5_000 }).toEqual([]);
  });

  it('samples the identity types and trait names of the Profiles Sync tables, then closes', async (context) => {
    const s = needServer(context);
    const c = config('postgres', { profileSampleRows: 10 });
    const env = { DG_TEST_PG_URL: s.url('shop', READER) };
    const catalog = await loadCatalog(provider(env.DG_TEST_PG_URL), { timeoutMs: 10_000 });
    const sampled = await sampleWarehouse(catalog, c, warehouseConnectors().postgres!, { env });
    expect(sampled.problems).toEqual([]);
    expect(sampled.catalog.profileSamples.map((x) => [x.folder, x.table, x.column, x.values])).toEqual([
      ['shop.segment_profiles', 'user_identifiers', 'type', [{ value: 'email', rows: 2 }, { value: 'member_id', rows: 1 }]],
      ['shop.segment_profiles', 'user_traits', 'name', [{ value: 'plan', rows: 1 }]],
    ]);
    await expect.poll(() => dgBackends(s), { timeout: 5_000 }).toEqual([]);
  });

  it('a slow query times out, a cancelled one stops, and the next reconnects', async (context) => {
    const s = needServer(context);
    const runner = await connect(s.url('shop', READER));
    try {
      let started = Date.now();
      const timeout = await timedFailure(runner.query('SELECT pg_sleep(20)', { timeoutMs: 300 }), 2_000, [READER.password]);
      expect(timeout.kind).toBe('timeout');
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);

      const controller = new AbortController();
      started = Date.now();
      const cancelled = runner.query('SELECT pg_sleep(20)', { timeoutMs: 30_000, signal: controller.signal });
      await expect.poll(async () => (await dgBackends(s)).some((b) => b.query.includes('pg_sleep')), { timeout: 5_000, interval: 50 }).toBe(true);
      controller.abort();
      expect((await failure(cancelled)).kind).toBe('cancelled');

      expect(await runner.query('SELECT 3 AS three', { timeoutMs: 5_000 })).toEqual([{ three: 3 }]);
    } finally {
      await runner.close();
    }
    // statement_timeout ended the abandoned sleeps on the server too.
    await expect.poll(() => dgBackends(s), { timeout: 5_000, interval: 100 }).toEqual([]);
  }, 20_000);

  it('connecting with a wrong password rejects the connector with auth', async (context) => {
    const s = needServer(context);
    const error = await timedFailure(connect(s.url('shop', { user: READER.user, password: 'nope-Nope-1' })), 5_000, ['nope-Nope-1']);
    expect(error.kind).toBe('auth');
  });
});

describe('Postgres driver faults without a server', () => {
  it('a refused connection is unreachable', async () => {
    const port = await closedPort();
    const url = `postgres://u:pw-Secret-9@127.0.0.1:${port}/shop`;
    const error = await timedFailure(provider(url).load(), 5_000, ['pw-Secret-9']);
    expect(error.kind).toBe('unreachable');
    expect(error.reason).toBe(`Postgres (env:DG_TEST_PG_URL) refused the connection at 127.0.0.1:${port}: no server is listening there.`);
    expect(error.hint).toBe('Check that the server is running, and the host and port in DG_TEST_PG_URL.');
  });

  it('a server that accepts but never answers is a timeout within timeoutMs', async () => {
    const sockets = new Set<Socket>();
    let hungUp = 0;
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => hungUp++);
      socket.resume(); // read (and ignore) the startup message, so the client's hang-up is seen
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as { port: number }).port;
      const error = await timedFailure(provider(`postgres://u:pw-Secret-9@127.0.0.1:${port}/shop`, { timeoutMs: 500 }).load(), 2_500, ['pw-Secret-9']);
      expect(error.kind).toBe('timeout');
      expect(error.reason).toMatch(/did not (answer|accept the connection at 127\.0\.0\.1:\d+) within 500 ms\.$/);
      // and the driver hung up
      expect(sockets.size).toBe(1);
      await expect.poll(() => hungUp, { timeout: 2_000 }).toBe(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('an unset environment variable is a config error naming it', async () => {
    const error = await failure(provider(undefined).load());
    expect(error.kind).toBe('config');
    expect(error.reason).toBe('The environment variable DG_TEST_PG_URL (warehouse.url in dg.config.json) is not set.');
  });

  it('a missing pg package is driver-missing, saying what to install', async () => {
    const name = 'pg-not-installed-package';
    const error = await failure(
      provider('postgres://u@127.0.0.1/x', { driver: { ...PG_PACKAGE, name, load: () => import(/* @vite-ignore */ name) } }).load(),
    );
    expect(error.kind).toBe('driver-missing');
    expect(error.reason).toBe(`The Postgres driver (npm package ${name}) is not installed.`);
    expect(error.hint).toContain(`npm install ${name}@8.23.1`);
  });

  it('cancelled before it starts: no connection is attempted', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await failure(provider('postgres://u@127.0.0.1:1/x').load(controller.signal));
    expect(error.kind).toBe('cancelled');
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
