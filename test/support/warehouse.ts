import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../../server/src/catalog/catalog';
import { parseCatalogText } from '../../server/src/catalog/providers/file';
import { repoRoot } from './wasm';

/** The dg snapshot most catalog tests read (prod.crm.*, prod.segment_profiles.*). */
export const WAREHOUSE_SNAPSHOT = join(repoRoot, 'test', 'fixtures', 'catalog', 'warehouse.json');

/** That snapshot, parsed as the providers read it. */
export function fixtureWarehouse(): Catalog {
  return parseCatalogText(readFileSync(WAREHOUSE_SNAPSHOT, 'utf8'), { displayPath: 'warehouse.json' });
}
