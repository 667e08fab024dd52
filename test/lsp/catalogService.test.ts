import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogError } from '../../server/src/catalog/errors';
import type { QueryRunner } from '../../server/src/catalog/query';
import { CatalogService } from '../../server/src/lsp/catalogs';
import { fixtureWarehouse } from '../support/warehouse';

// CatalogService in process, with a warehouse driver and connection that answer at will: the catalog is
// in use before its Profiles Sync samples arrive, and nothing waits for them.

const root = mkdtempSync(join(tmpdir(), 'dg-catalog-service-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('CatalogService and the Profiles Sync samples', () => {
  it('settles (and refreshes) with the catalog while the samples are still being read, then swaps them in', async () => {
    const dir = join(root, 'project');
    mkdirSync(dir);
    // A long timeoutMs: if anything waited for the hanging samples, the test would time out.
    writeFileSync(join(dir, 'dg.config.json'), JSON.stringify({ warehouse: { type: 'duckdb', path: 'shop.duckdb' }, timeoutMs: 600_000 }));
    const uri = pathToFileURL(join(dir, 'shop.dg')).href;

    let answer: ((rows: Record<string, unknown>[]) => void) | undefined;
    const runner: QueryRunner = {
      query: (_sql, { signal }) =>
        new Promise((resolve, reject) => {
          answer = resolve;
          signal?.addEventListener('abort', () => reject(new CatalogError('cancelled', 'cancelled')));
        }),
      close: async () => undefined,
    };
    const statuses: string[] = [];
    const service = new CatalogService({
      drivers: { duckdb: () => ({ description: 'DuckDB shop.duckdb', load: async () => fixtureWarehouse() }) },
      connectors: { duckdb: async () => runner },
      onChange: () => undefined,
      onStatus: (status) => statuses.push(status.catalog.detail ?? ''),
    });
    try {
      const project = await service.settled(uri);
      expect(project?.load?.catalog?.profileSamples).toEqual([]);
      const refreshed = await service.refresh(uri, [uri]);
      expect(refreshed.catalogs.map((c) => c.tables)).toEqual([fixtureWarehouse().stats().tables]);
      expect(statuses.some((s) => s.endsWith('profiles sampled'))).toBe(false);

      // The samples arrive: one query at a time, each answered.
      await expect.poll(() => answer !== undefined).toBe(true);
      while (!service.catalogOf(uri)?.profileSamples.length) {
        const reply = answer;
        answer = undefined;
        reply?.([{ value: 'email', row_count: 2 }]);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(service.catalogOf(uri)!.profileValues('prod.segment_profiles', 'external_id')[0]!.values).toEqual([{ value: 'email', rows: 2 }]);
      expect(statuses.at(-1)).toMatch(/ tables, profiles sampled$/);
    } finally {
      service.stop();
    }
  });
});
