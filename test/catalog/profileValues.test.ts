import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogBuilder, type ProfileValueSample } from '../../server/src/catalog/catalog';
import { parseConfig } from '../../server/src/catalog/config';
import { warehouseConnectors, warehouseDrivers } from '../../server/src/catalog/drivers';
import { CatalogError } from '../../server/src/catalog/errors';
import { profileSampleQueries, sampleProfileValues, sampleWarehouse } from '../../server/src/catalog/profileValues';
import { ProjectCatalogs } from '../../server/src/catalog/project';
import { readSnapshot, snapshotOf, snapshotText } from '../../server/src/catalog/providers/snapshot';
import type { QueryRunner } from '../../server/src/catalog/query';
import { fixtureWarehouse } from '../support/warehouse';
import { repoRoot } from '../support/wasm';

// Identity types and trait names sampled from the Profiles Sync tables: the bounded SQL, reading it
// back, the samples of a real DuckDB warehouse (examples/retail) through ProjectCatalogs, failures
// that leave the catalog alone, and the samples' place in a snapshot.

const temp = mkdtempSync(join(tmpdir(), 'dg-profile-values-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

let counter = 0;
/** A copy of examples/retail with its dg.config.json extended by `extra`. */
function retail(extra: Record<string, unknown> = {}): string {
  const dir = join(temp, `retail-${++counter}`);
  mkdirSync(dir);
  copyFileSync(join(repoRoot, 'examples', 'retail', 'warehouse.sql'), join(dir, 'warehouse.sql'));
  writeFileSync(join(dir, 'dg.config.json'), JSON.stringify({ warehouse: { type: 'duckdb', path: 'retail.duckdb', init: 'warehouse.sql' }, ...extra }));
  return join(dir, 'dg.config.json');
}

async function load(configFile: string, connectors = warehouseConnectors()) {
  const project = new ProjectCatalogs({ drivers: warehouseDrivers(), connectors, env: {} });
  const state = await project.readConfig(configFile);
  if (state.kind !== 'config') throw new Error('expected a configuration');
  const loaded = await project.catalog(state.config);
  // The catalog is in use before its samples are read.
  expect(loaded.catalog?.profileSamples).toEqual([]);
  return loaded.sampling ? await loaded.sampling : loaded;
}

const valuesOf = (samples: readonly ProfileValueSample[], link: 'external_id' | 'trait') =>
  samples.filter((s) => s.link === link).flatMap((s) => s.values.map((v) => [v.value, v.rows]));

describe('the sampling queries', () => {
  it('read a bounded sample of each Profiles Sync value column, stored spelling, quoted', () => {
    const queries = profileSampleQueries(fixtureWarehouse(), 500);
    expect(queries.map(({ sql: _sql, ...q }) => q)).toEqual([
      { folder: 'prod.segment_profiles', table: 'user_identifiers', column: 'type', link: 'external_id', sampleRows: 500 },
      { folder: 'prod.segment_profiles', table: 'user_traits', column: 'name', link: 'trait', sampleRows: 500 },
    ]);
    expect(queries[0]!.sql).toBe(
      'SELECT v AS value, count(*) AS row_count FROM (SELECT "type" AS v FROM "prod"."segment_profiles"."user_identifiers" LIMIT 500) AS dg_sample ' +
        'WHERE v IS NOT NULL GROUP BY v ORDER BY row_count DESC, v LIMIT 1000',
    );
  });

  it('are quoted for the engine that runs them, whatever identifier rules the catalog follows', () => {
    const asBigQuery = new CatalogBuilder();
    asBigQuery.column('prod', 'segment_profiles', 'user_traits', { name: 'name', type: 'STRING' });
    const catalog = asBigQuery.build({ dialect: 'bigquery', origin: 'test' });
    expect(profileSampleQueries(catalog, 5)[0]!.sql).toContain('FROM (SELECT `name` AS v FROM `prod`.`segment_profiles`.`user_traits` LIMIT 5)');
    expect(profileSampleQueries(catalog, 5, 'postgres')[0]!.sql).toContain('FROM (SELECT "name" AS v FROM "prod"."segment_profiles"."user_traits" LIMIT 5)');
  });

  it('are none when sampling is off, or for a folder without the value column', () => {
    expect(profileSampleQueries(fixtureWarehouse(), 0)).toEqual([]);
    const builder = new CatalogBuilder();
    builder.column('db', 'profiles', 'user_identifiers', { name: 'canonical_segment_id', type: 'VARCHAR' });
    builder.column('db', 'raw', 'external_id_mapping_updates', { name: 'external_id_type', type: 'VARCHAR' });
    const queries = profileSampleQueries(builder.build({ dialect: 'postgres', origin: 'test' }), 10);
    expect(queries.map((q) => `${q.folder}.${q.table}.${q.column}`)).toEqual(['db.raw.external_id_mapping_updates.external_id_type']);
  });
});

describe('sampling a live warehouse (DuckDB, examples/retail)', () => {
  it('gives the catalog the identity types and trait names the profiles have, most frequent first', async () => {
    const loaded = await load(retail());
    expect(loaded.failures).toEqual([]);
    expect(loaded.sampleProblems).toBeUndefined();
    const samples = loaded.catalog!.profileSamples;
    expect(valuesOf(samples, 'external_id')).toEqual([
      ['user_id', 3],
      ['email', 2],
      ['anonymous_id', 1],
    ]);
    expect(valuesOf(samples, 'trait')).toEqual([
      ['first_name', 2],
      ['loyalty_id', 2],
      ['plan', 1],
    ]);
    expect(loaded.catalog!.profileValues('RETAIL.segment_profiles', 'trait').map((s) => s.from)).toEqual(['retail.segment_profiles.user_traits.name']);
  });

  it('reads at most profileSampleRows rows, and none when it is 0', async () => {
    const bounded = await load(retail({ profileSampleRows: 2 }));
    for (const sample of bounded.catalog!.profileSamples) {
      expect(sample.sampleRows).toBe(2);
      expect(sample.values.reduce((sum, v) => sum + (v.rows ?? 0), 0)).toBe(2);
    }
    const off = await load(retail({ profileSampleRows: 0 }));
    expect(off.catalog!.profileSamples).toEqual([]);
    expect(off.catalog!.stats().tables).toBe(bounded.catalog!.stats().tables);
  });

  it('keeps the catalog when sampling fails, and says why', async () => {
    const refused = await load(retail(), { duckdb: () => Promise.reject(new CatalogError('auth', 'permission denied for schema segment_profiles.')) });
    expect(refused.failures).toEqual([]);
    expect(refused.catalog!.profileSamples).toEqual([]);
    expect(refused.sampleProblems).toEqual(['Profiles Sync tables not sampled: permission denied for schema segment_profiles.']);

    let calls = 0;
    const flaky: QueryRunner = {
      query: async () => {
        if (++calls === 1) throw new CatalogError('timeout', 'The query did not answer within 10 s.');
        return [{ VALUE: 'plan', ROW_COUNT: '4' }, { value: null, row_count: 1 }];
      },
      close: async () => undefined,
    };
    const sampled = await sampleProfileValues(fixtureWarehouse(), flaky, { sampleRows: 10, timeoutMs: 1_000 });
    expect(sampled.problems).toEqual(['prod.segment_profiles.user_identifiers.type not sampled: The query did not answer within 10 s.']);
    expect(valuesOf(sampled.catalog.profileSamples, 'trait')).toEqual([['plan', 4]]);
    expect(valuesOf(sampled.catalog.profileSamples, 'external_id')).toEqual([]);
  });

  it('stops sampling after timeoutMs in all, keeping what was read', async () => {
    let calls = 0;
    const hanging: QueryRunner = {
      query: (_sql, { signal }) => {
        if (++calls === 1) return Promise.resolve([{ value: 'email', row_count: 1 }]);
        return new Promise((_, reject) => signal!.addEventListener('abort', () => reject(new CatalogError('cancelled', 'Querying: cancelled.'))));
      },
      close: async () => undefined,
    };
    const config = parseConfig('{"warehouse": {"type": "duckdb", "path": "x.duckdb"}, "timeoutMs": 200}', join(temp, 'dg.config.json'));
    const sampled = await sampleWarehouse(fixtureWarehouse(), config, async () => hanging, { env: {} });
    expect(sampled.problems).toEqual(['Profiles Sync tables only partly sampled: sampling stopped after 200 ms ("timeoutMs")']);
    expect(valuesOf(sampled.catalog.profileSamples, 'external_id')).toEqual([['email', 1]]);
  });

  it('says nothing was sampled when the time ran out before the first answer', async () => {
    const hanging: QueryRunner = {
      query: (_sql, { signal }) => new Promise((_, reject) => signal!.addEventListener('abort', () => reject(new CatalogError('cancelled', 'Querying: cancelled.')))),
      close: async () => undefined,
    };
    const config = parseConfig('{"warehouse": {"type": "duckdb", "path": "x.duckdb"}, "timeoutMs": 100}', join(temp, 'dg.config.json'));
    const sampled = await sampleWarehouse(fixtureWarehouse(), config, async () => hanging, { env: {} });
    expect(sampled.problems).toEqual(['Profiles Sync tables not sampled: sampling stopped after 100 ms ("timeoutMs")']);
    expect(sampled.catalog.profileSamples).toEqual([]);
  });

  it('rejects a profileSampleRows that is not a whole number of rows', () => {
    expect(() => parseConfig('{"profileSampleRows": -1}', join(temp, 'dg.config.json'))).toThrow(/"profileSampleRows" must be a whole number of rows from 0/);
    expect(parseConfig('{}', join(temp, 'dg.config.json')).profileSampleRows).toBe(100_000);
  });
});

describe('samples in a snapshot', () => {
  const samples: ProfileValueSample[] = [
    { folder: 'prod.segment_profiles', table: 'user_identifiers', column: 'type', link: 'external_id', sampleRows: 100, values: [{ value: 'email', rows: 3 }] },
  ];

  it('are written one value per line and read back', () => {
    const catalog = fixtureWarehouse().withProfileSamples(samples);
    const text = snapshotText(snapshotOf(catalog));
    expect(text).toContain(
      '  "profiles": [\n    {"folder": "prod.segment_profiles", "table": "user_identifiers", "column": "type", "link": "external_id", "sampleRows": 100, "values": [\n      {"value":"email","rows":3}\n    ]}\n  ]\n}\n',
    );
    expect(readSnapshot(JSON.parse(text), { file: 'dg-catalog.json' }).profileSamples).toEqual(samples);
    expect(snapshotText(snapshotOf(fixtureWarehouse()))).not.toContain('"profiles"');
  });

  it('that are malformed make the snapshot malformed, naming the member', () => {
    const json = JSON.parse(snapshotText(snapshotOf(fixtureWarehouse().withProfileSamples(samples))));
    json.profiles[0].link = 'identity';
    expect(() => readSnapshot(json, { file: 'dg-catalog.json' })).toThrow(/profiles\[0\]\.link.*"external_id" or "trait"/);
  });
});
