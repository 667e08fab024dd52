import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogBuilder } from '../../server/src/catalog/catalog';
import { CatalogError } from '../../server/src/catalog/errors';
import { ProjectCatalogs } from '../../server/src/catalog/project';
import { parseCatalogText, type WarehouseDrivers } from '../../server/src/catalog/providers';
import type { QueryRunner } from '../../server/src/catalog/query';
import { liveWarehouse } from '../../server/src/catalog/live';
import { pullCatalog } from '../../server/src/cli/catalog';
import { check, type CheckOptions, type CheckRun } from '../../server/src/cli/check';
import { dataChecks } from '../../server/src/catalog/dataRun';
import { UsageError } from '../../server/src/cli/files';
import { ensureBuilt } from '../support/lspClient';
import { repoRoot, wasmParser } from '../support/wasm';

// `dg check` with dg.config.json (project settings, the warehouse checks, DG607 when the catalog
// cannot be loaded), `dg check --data`'s wiring, and `dg catalog pull`. In process, plus a few runs of
// the built bundle.

const fixtures = join(repoRoot, 'test', 'fixtures', 'catalog');

/** Entities on the fixture warehouse: `carts` names a table that is not there (DG600). */
const GRAPH = `data_graph {
  entity "account" {
    name        = "Account"
    table_ref   = "prod.crm.accounts"
    primary_key = "id"
  }
  entity "cart" {
    name        = "Cart"
    table_ref   = "prod.crm.cartz"
    primary_key = "id"
  }
  profile {
    profile_folder = "prod.segment_profiles"
    type           = "segment:materialized"
    relationship "accounts" {
      name           = "Accounts"
      related_entity = "account"
      external_id {
        type     = "email"
        join_key = "emails"
      }
      relationship "carts" {
        name           = "Carts"
        related_entity = "cart"
        join_on        = "account.id = cart.account_id"
      }
    }
  }
}
`;
/** The same graph with an unquoted value (DG004, an error that needs no catalog). */
const BROKEN = GRAPH.replace('"segment:materialized"', 'segment:materialized');

let root: string;
const write = (path: string, text: string) => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
};
const config = (dir: string, value: unknown) => write(`${dir}/dg.config.json`, JSON.stringify(value, null, 2));

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'dg-catalog-cli-'));
  // A project reading a snapshot, with a severity the command line overrides.
  config('snap', { catalog: 'dg-catalog.json', severities: { DG112: 'off', DG601: 'warning' } });
  copyFileSync(join(fixtures, 'warehouse.json'), join(root, 'snap', 'dg-catalog.json'));
  write('snap/graphs/a.dg', GRAPH);
  write('snap/graphs/nested/b.dg', GRAPH);
  // A project whose catalog file is broken.
  config('broken', { catalog: 'dg-catalog.json' });
  write('broken/dg-catalog.json', '{ "format": "dg-catalog", "version": 1, ');
  write('broken/one.dg', BROKEN);
  write('broken/two.dg', GRAPH);
  // An invalid dg.config.json.
  write('invalid/dg.config.json', '{ "catalogue": "x.json" }');
  write('invalid/g.dg', GRAPH);
  // No dg.config.json at all.
  write('plain/g.dg', GRAPH);
  // A dbt project to pull from.
  config('dbt', { catalog: 'target/catalog.json', dialect: 'snowflake' });
  mkdirSync(join(root, 'dbt', 'target'), { recursive: true });
  copyFileSync(join(fixtures, 'dbt-catalog.json'), join(root, 'dbt', 'target', 'catalog.json'));
  write('dbt/models/shop.dg', GRAPH);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(paths: string[], options: Partial<CheckOptions> = {}): Promise<CheckRun> {
  return check(await wasmParser(), { paths, cwd: root, ...options });
}

const codes = (run: CheckRun, file: string) => run.files.find((f) => f.path === file)!.diagnostics.map((d) => `${d.severity} ${d.code}`);
const dg607 = (run: CheckRun, file: string) => run.files.find((f) => f.path === file)!.diagnostics.filter((d) => d.code === 'DG607');

describe('dg check with dg.config.json', () => {
  it('runs the warehouse checks against the configured catalog, with the project\'s severities', async () => {
    const result = await run(['snap']);
    expect(result.files.map((f) => f.path)).toEqual(['snap/graphs/a.dg', 'snap/graphs/nested/b.dg']);
    for (const file of result.files) {
      expect(codes(result, file.path)).toEqual(['error DG600', 'warning DG601']);
      expect(file.diagnostics[0]!.message).toContain('table_ref "prod.crm.cartz" not found');
      expect(file.diagnostics[0]!.fixes?.[0]?.title).toBe('Change to "prod.crm.carts"');
      expect(file.diagnostics[1]!.message).toContain('column "emails" not found in prod.crm.accounts; did you mean "email"?');
    }
    expect(result.exitCode).toBe(1);
  });

  it('lets --severity override the project\'s severities', async () => {
    const result = await run(['snap/graphs/a.dg'], { settings: { severities: { DG600: 'off', DG601: 'error' } } });
    expect(codes(result, 'snap/graphs/a.dg')).toEqual(['error DG601']);
  });

  it('loads each configuration\'s catalog once, however many files use it', async () => {
    let loads = 0;
    const snapshot = parseCatalogText(readFileSync(join(fixtures, 'warehouse.json'), 'utf8'), { displayPath: 'warehouse.json' });
    const drivers: WarehouseDrivers = {
      duckdb: (warehouse) => ({
        description: `DuckDB ${'displayPath' in warehouse ? warehouse.displayPath : ''}`,
        load: async () => {
          loads++;
          return snapshot;
        },
      }),
    };
    config('live', { warehouse: { type: 'duckdb', path: 'shop.duckdb' } });
    for (const name of ['a', 'b', 'c']) write(`live/${name}.dg`, GRAPH);
    const result = await run(['live'], { catalogs: new ProjectCatalogs({ drivers }) });
    expect(loads).toBe(1);
    expect(result.files.map((f) => codes(result, f.path))).toEqual(Array(3).fill(['error DG600', 'error DG601']));
  });

  it('gives one DG607 per file when the catalog cannot be loaded, and every other check still runs', async () => {
    const result = await run(['broken']);
    for (const file of ['broken/one.dg', 'broken/two.dg']) {
      const [d, ...more] = dg607(result, file);
      expect(more).toEqual([]);
      expect(d).toMatchObject({ severity: 'info', span: { start: 0, end: 'data_graph'.length } });
      expect(d!.message).toMatch(/^Warehouse checks \(DG600–DG604\) skipped: dg-catalog\.json is not valid JSON/);
      expect(d!.message).toContain('Fix the file, or write it again (`dg catalog pull`, `dbt docs generate`).');
    }
    expect(codes(result, 'broken/one.dg')).toContain('error DG004');
    expect(codes(result, 'broken/two.dg')).toEqual(['info DG607']);
    expect(result.exitCode).toBe(1); // DG004's; DG607 alone does not fail a run
    expect((await run(['broken/two.dg'])).exitCode).toBe(0);
  });

  it('reports an invalid dg.config.json as DG607, naming the setting', async () => {
    const result = await run(['invalid']);
    const [d] = dg607(result, 'invalid/g.dg');
    expect(d!.message).toContain('"catalogue" is not a setting; did you mean "catalog"?');
    expect(result.exitCode).toBe(0);
  });

  it('falls back to the catalog file when the warehouse fails, saying so', async () => {
    config('fallback', { warehouse: { type: 'postgres', url: 'env:DG_TEST_UNSET_URL' }, catalog: 'dg-catalog.json' });
    copyFileSync(join(fixtures, 'warehouse.json'), join(root, 'fallback', 'dg-catalog.json'));
    write('fallback/g.dg', GRAPH);
    const failing: WarehouseDrivers = {
      postgres: () => ({
        description: 'Postgres (env:DG_TEST_UNSET_URL)',
        load: () => Promise.reject(new CatalogError('config', 'The environment variable DG_TEST_UNSET_URL (warehouse.url in dg.config.json) is not set.', 'Set it.')),
      }),
    };
    const result = await run(['fallback'], { catalogs: new ProjectCatalogs({ drivers: failing }) });
    expect(codes(result, 'fallback/g.dg')).toEqual(['info DG607', 'error DG600', 'error DG601']);
    expect(dg607(result, 'fallback/g.dg')[0]!.message).toBe(
      'Warehouse checks (DG600–DG604) used catalog snapshot dg-catalog.json (test fixture, 2025-06-01), which may be stale: ' +
        'The environment variable DG_TEST_UNSET_URL (warehouse.url in dg.config.json) is not set. Set it.',
    );
  });

  it('reads no configuration above a file that has none, or when told not to', async () => {
    expect(codes(await run(['plain']), 'plain/g.dg')).toEqual([]);
    expect(codes(await run(['snap/graphs/a.dg'], { catalogs: false }), 'snap/graphs/a.dg')).toEqual([]);
  });

  it('finds standard input\'s configuration from --stdin-filename', async () => {
    const result = await run(['-'], { readStdin: async () => GRAPH, stdinFilename: 'snap/graphs/new.dg' });
    expect(codes(result, 'snap/graphs/new.dg')).toEqual(['error DG600', 'warning DG601']);
  });
});

describe('dg check --data (wiring)', () => {
  // The SQL and its interpretation are tested in test/checks/data.test.ts; here, a query runner that
  // answers from canned rows stands in for a warehouse connection.
  const rowsFor = (sql: string): Record<string, unknown>[] => {
    if (sql.includes('"accounts"')) return [{ ROW_COUNT: 10n, KEY_COUNT: 10n, DISTINCT_KEYS: 8n }];
    if (sql.includes('count(DISTINCT')) return [{ row_count: '3', key_count: '3', distinct_keys: '3' }];
    return [];
  };

  it('runs the queries on one connection per configuration and merges DG605/DG606', async () => {
    const asked: string[] = [];
    let opened = 0;
    let closed = 0;
    const snapshot = parseCatalogText(readFileSync(join(fixtures, 'warehouse.json'), 'utf8'), { displayPath: 'warehouse.json' });
    const drivers: WarehouseDrivers = { duckdb: () => ({ description: 'DuckDB shop.duckdb', load: async () => snapshot }) };
    const runner: QueryRunner = {
      query: async (sql) => (asked.push(sql), rowsFor(sql)),
      close: async () => void closed++,
    };
    const progress: string[] = [];
    const data = dataChecks({ connectors: { duckdb: async () => (opened++, runner) }, progress: (line) => progress.push(line) });
    const result = await run(['live'], { catalogs: new ProjectCatalogs({ drivers }), data: data.run });
    await data.close();
    expect(opened).toBe(1);
    expect(closed).toBe(1);
    for (const file of result.files) {
      expect(codes(result, file.path)).toEqual(['warning DG605', 'error DG600', 'info DG606', 'error DG601']);
    }
    expect(progress[0]).toBe('checking that id is unique in prod.crm.accounts (at most 1,000,000 rows)');
    // Per file: the key of prod.crm.accounts (prod.crm.cartz is not in the catalog), the identity types.
    expect(asked.length).toBe(2 * 3);
    expect(asked[1]).toContain('FROM "prod"."segment_profiles"."user_identifiers" WHERE "type" = \'email\'');
  });

  it('says once per file why the data checks cannot run', async () => {
    const data = dataChecks({ connectors: {} });
    const snap = await run(['snap/graphs/a.dg'], { data: data.run });
    expect(dg607(snap, 'snap/graphs/a.dg')[0]!.message).toBe(
      'Data checks (DG605, DG606) skipped: dg.config.json names no live warehouse (a catalog file has no data). Add "warehouse" to dg.config.json.',
    );
    const plain = await run(['plain'], { data: data.run });
    expect(dg607(plain, 'plain/g.dg')[0]!.message).toContain('no dg.config.json applies to this file');
    // No second DG607 when the catalog itself failed.
    expect(dg607(await run(['broken/two.dg'], { data: data.run }), 'broken/two.dg')).toHaveLength(1);
    const snapshot = parseCatalogText(readFileSync(join(fixtures, 'warehouse.json'), 'utf8'), { displayPath: 'warehouse.json' });
    const drivers: WarehouseDrivers = { duckdb: () => ({ description: 'DuckDB shop.duckdb', load: async () => snapshot }) };
    const live = await run(['live/a.dg'], { catalogs: new ProjectCatalogs({ drivers }), data: data.run });
    expect(dg607(live, 'live/a.dg')[0]!.message).toBe(
      'Data checks (DG605, DG606) skipped: this dg cannot run queries on DuckDB shop.duckdb (its duckdb driver reads the catalog only).',
    );
  });
});

describe('dg check --data against a real DuckDB warehouse', () => {
  // The project builds its DuckDB file from SQL (the driver's `init`), with a duplicated and a NULL
  // key, and Profiles Sync tables that hold `email` but not `member_id`.
  const SQL = `
    CREATE SCHEMA crm;
    CREATE TABLE crm.accounts (id INTEGER, email VARCHAR);
    INSERT INTO crm.accounts VALUES (1, 'a@x'), (2, 'b@x'), (2, 'c@x'), (NULL, 'd@x');
    CREATE TABLE crm.carts (id BIGINT, account_id INTEGER);
    INSERT INTO crm.carts VALUES (10, 1), (11, 2);
    CREATE SCHEMA segment_profiles;
    CREATE TABLE segment_profiles.user_identifiers (canonical_segment_id VARCHAR, type VARCHAR, value VARCHAR);
    INSERT INTO segment_profiles.user_identifiers VALUES ('p1', 'email', 'a@x'), ('p2', 'user_id', '2');
    CREATE TABLE segment_profiles.user_traits (canonical_segment_id VARCHAR, name VARCHAR, value VARCHAR);
    CREATE TABLE segment_profiles.profile_merges (canonical_segment_id VARCHAR, segment_id VARCHAR);
  `;
  const SHOP = GRAPH.replaceAll('prod.', 'shop.').replace('"shop.crm.cartz"', '"shop.crm.carts"').replace('"emails"', '"email"').replace(
    `    relationship "accounts" {`,
    `    relationship "members" {
      name           = "Members"
      related_entity = "account"
      external_id {
        type     = "member_id"
        join_key = "id"
      }
    }
    relationship "accounts" {`,
  );

  it('reports DG605 and DG606 from bounded queries, and nothing else changes', async () => {
    config('duck', { warehouse: { type: 'duckdb', path: 'shop.duckdb', init: 'warehouse.sql' }, identityTypes: ['member_id'] });
    write('duck/warehouse.sql', SQL);
    write('duck/shop.dg', SHOP);
    const live = liveWarehouse();
    const data = dataChecks({ connectors: live.connectors });
    let result: CheckRun;
    try {
      result = await run(['duck'], { catalogs: new ProjectCatalogs({ drivers: live.drivers }), data: data.run });
    } finally {
      await data.close();
    }
    const file = result.files[0]!;
    expect(file.diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`)).toEqual([
      'warning DG605: primary_key "id" is not unique in shop.crm.accounts: 1 row repeats a key another row has, and 1 row has no key (NULL) in 4 rows; Segment needs one row per key (pick a unique column, or deduplicate the table)',
      'info DG606: identity type "member_id" never appears in shop.segment_profiles.user_identifiers (column "type"): no profile has it yet, so this relationship links no rows',
    ]);
    expect(result.exitCode).toBe(0);
    // Without --data: the warehouse checks only, all clean.
    expect((await run(['duck'], { catalogs: new ProjectCatalogs({ drivers: live.drivers }) })).files[0]!.diagnostics).toEqual([]);
  });
});

describe('dg catalog pull', () => {
  it('writes a dg snapshot of a dbt catalog next to dg.config.json', async () => {
    const result = await pullCatalog({ cwd: root, path: 'dbt/models/shop.dg' });
    expect(result).toMatchObject({ exitCode: 0, stderr: [], written: join(root, 'dbt', 'dg-catalog.json') });
    expect(result.stdout[0]).toMatch(/^Wrote dbt\/dg-catalog\.json: \d+ tables and \d+ columns in \d+ schemas of 2 databases, from dbt catalog target\/catalog\.json\.$/);
    expect(result.stdout[1]).toContain('"catalog": "dg-catalog.json"');
    const text = readFileSync(join(root, 'dbt', 'dg-catalog.json'), 'utf8');
    const pulled = parseCatalogText(text, { displayPath: 'dg-catalog.json' });
    const original = parseCatalogText(readFileSync(join(fixtures, 'dbt-catalog.json'), 'utf8'), { displayPath: 'x', dialect: 'snowflake' });
    expect(pulled.dialect).toBe('snowflake');
    expect(pulled.complete).toBe(false);
    expect(pulled.stats()).toEqual(original.stats());
    expect(pulled.columnsOf('ANALYTICS.MARTS.DIM_ACCOUNTS').map((c) => c.name)).toEqual(['ACCOUNT_ID', 'ACCOUNT_NAME', 'EMAIL', 'CREATED_AT']);
    expect(JSON.parse(text)).toMatchObject({ format: 'dg-catalog', version: 1, origin: 'dbt catalog target/catalog.json' });
  });

  it('writes where --out says, from a directory', async () => {
    const result = await pullCatalog({ cwd: root, path: 'dbt', out: 'elsewhere/snap.json' });
    expect(result.exitCode).toBe(0);
    expect(existsSync(join(root, 'elsewhere', 'snap.json'))).toBe(true);
    expect(result.stdout[1]).toContain('"catalog": "../elsewhere/snap.json"');
  });

  it('refuses to pull a snapshot onto itself, and says what to do without a configuration', async () => {
    const self = await pullCatalog({ cwd: root, path: 'snap' });
    expect(self.exitCode).toBe(2);
    expect(self.stderr[0]).toContain('nothing to pull from');
    const none = await pullCatalog({ cwd: root, path: 'plain' });
    expect(none.exitCode).toBe(2);
    expect(none.stderr[0]).toMatch(/no dg\.config\.json in plain or above/);
    await expect(pullCatalog({ cwd: root, path: 'nowhere' })).rejects.toBeInstanceOf(UsageError);
  });

  it('pulls from the live warehouse when one is configured, and reports its failure without secrets', async () => {
    const builder = new CatalogBuilder();
    builder.table('shop', 'main', 'orders');
    builder.column('shop', 'main', 'orders', { name: 'id', type: 'INTEGER', nullable: false });
    const live = builder.build({ dialect: 'duckdb', origin: 'DuckDB shop.duckdb' });
    const drivers: WarehouseDrivers = { duckdb: () => ({ description: 'DuckDB shop.duckdb', load: async () => live }) };
    const result = await pullCatalog({ cwd: root, path: 'live', drivers });
    expect(result.exitCode).toBe(0);
    expect(parseCatalogText(readFileSync(join(root, 'live', 'dg-catalog.json'), 'utf8'), { displayPath: 's' }).columnsOf('shop.main.orders')).toEqual([
      { name: 'id', type: 'INTEGER', nullable: false },
    ]);

    const secret = 'postgres://dg:hunter2@db.example:5432/shop';
    config('pg', { warehouse: { type: 'postgres', url: 'env:DG_TEST_PG' } });
    const refusing: WarehouseDrivers = {
      postgres: () => ({ description: 'Postgres (env:DG_TEST_PG)', load: () => Promise.reject(new Error(`password authentication failed for ${secret}`)) }),
    };
    const failed = await pullCatalog({ cwd: root, path: 'pg', drivers: refusing, env: { DG_TEST_PG: secret } });
    expect(failed.exitCode).toBe(2);
    expect(failed.stderr.join('\n')).toContain('Loading Postgres (env:DG_TEST_PG)');
    expect(failed.stderr.join('\n')).not.toContain('hunter2');
    expect(existsSync(join(root, 'pg', 'dg-catalog.json'))).toBe(false);
  });

  it('samples the identity types and trait names of a live warehouse into the snapshot', async () => {
    config('sampled', { warehouse: { type: 'duckdb', path: 'shop.duckdb', init: 'warehouse.sql' }, profileSampleRows: 1000 });
    write(
      'sampled/warehouse.sql',
      `CREATE SCHEMA segment_profiles;
       CREATE TABLE segment_profiles.user_identifiers (canonical_segment_id VARCHAR, type VARCHAR, value VARCHAR);
       INSERT INTO segment_profiles.user_identifiers VALUES ('p1', 'email', 'a@x'), ('p2', 'user_id', '2'), ('p2', 'email', 'b@x');
       CREATE TABLE segment_profiles.user_traits (canonical_segment_id VARCHAR, name VARCHAR, value VARCHAR);`,
    );
    const live = liveWarehouse();
    const result = await pullCatalog({ cwd: root, path: 'sampled', drivers: live.drivers, connectors: live.connectors });
    expect(result).toMatchObject({ exitCode: 0, stderr: [] });
    expect(result.stdout[1]).toBe('Sampled 2 identity types and 0 trait names from the Profiles Sync tables of 1 folder (at most 1,000 rows per table), for completion.');
    const pulled = parseCatalogText(readFileSync(join(root, 'sampled', 'dg-catalog.json'), 'utf8'), { displayPath: 's' });
    expect(pulled.profileValues('shop.segment_profiles', 'external_id').flatMap((s) => s.values.map((v) => v.value))).toEqual(expect.arrayContaining(['email', 'user_id']));
    // Pulled again from that snapshot (no warehouse): the samples are copied, not sampled.
    config('resampled', { catalog: '../sampled/dg-catalog.json' });
    const copied = await pullCatalog({ cwd: root, path: 'resampled', out: 'resampled/copy.json' });
    expect(copied.stdout.join('\n')).not.toContain('Sampled');
    expect(parseCatalogText(readFileSync(join(root, 'resampled', 'copy.json'), 'utf8'), { displayPath: 'c' }).profileSamples).toEqual(pulled.profileSamples);
  });
});

describe('the built bundle', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  const dg = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(repoRoot, 'server', 'bin', 'dg.js'), ...args], { cwd: root }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      );
    });

  it('dg check reads the project and dg catalog pull writes a snapshot', async () => {
    const checked = await dg(['check', '--format', 'json', 'snap', 'broken/two.dg']);
    expect(checked.code).toBe(1);
    const report = JSON.parse(checked.stdout) as { files: { path: string; diagnostics: { code: string }[] }[] };
    expect(report.files.map((f) => f.diagnostics.map((d) => d.code))).toEqual([['DG600', 'DG601'], ['DG600', 'DG601'], ['DG607']]);

    rmSync(join(root, 'dbt', 'dg-catalog.json'), { force: true });
    const pulled = await dg(['catalog', 'pull', 'dbt']);
    expect(pulled).toMatchObject({ code: 0, stderr: '' });
    expect(pulled.stdout).toMatch(/^Wrote dbt\/dg-catalog\.json: /);
    expect(JSON.parse(readFileSync(join(root, 'dbt', 'dg-catalog.json'), 'utf8')).format).toBe('dg-catalog');

    const missing = await dg(['catalog', 'pull', 'plain']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no dg.config.json');
    const usage = await dg(['catalog', 'pull', 'nowhere']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("(run 'dg catalog pull --help' for usage)");
  });
});
