import type { Catalog, ProfileValueSource } from '../catalog/catalog';
import { stringAttr } from '../model/graph';
import type { ProfileValueColumn } from '../model/schema';
import type { BlockSyntax } from '../syntax/ast';
import { blockKindFor } from './completionContext';

/**
 * The identity types and trait names the warehouse's profiles have (the catalog's Profiles Sync
 * samples, and unmaterialized trait columns), for `external_id.type` and `trait.name` completion and
 * hover. Values come from the profile folder of the profile around the cursor.
 */

type Link = ProfileValueColumn['link'];

export interface WarehouseValue {
  value: string;
  /** One line: where it was seen, how often. */
  detail: string;
  /** Markdown. */
  documentation: string;
}

/** The `profile_folder` of the profile enclosing a block path. */
export function profileFolderOf(path: readonly BlockSyntax[]): string | undefined {
  const profile = path.find((block) => blockKindFor(block.type.text) === 'profile');
  return profile && stringAttr(profile, 'profile_folder')?.value;
}

/** The values of `link` profiles in `folder` have, each once: sampled ones most frequent first, then trait columns. */
export function warehouseValues(catalog: Catalog | undefined, folder: string | undefined, link: Link): WarehouseValue[] {
  if (!catalog || !folder) return [];
  const seen = new Set<string>();
  const values: WarehouseValue[] = [];
  for (const source of catalog.profileValues(folder, link)) {
    for (const value of source.values) {
      if (seen.has(value.value)) continue;
      seen.add(value.value);
      values.push({ value: value.value, ...describe(source, value.rows) });
    }
  }
  return values;
}

/** What the warehouse says about one value (hover), if it has it. */
export function warehouseValue(catalog: Catalog | undefined, folder: string | undefined, link: Link, value: string): WarehouseValue | undefined {
  if (!catalog || !folder) return undefined;
  for (const source of catalog.profileValues(folder, link)) {
    const found = source.values.find((v) => v.value === value);
    if (found) return { value, ...describe(source, found.rows) };
  }
  return undefined;
}

const count = (n: number): string => n.toLocaleString('en-US');

function describe(source: ProfileValueSource, rows: number | undefined): { detail: string; documentation: string } {
  if (source.sampleRows === undefined) {
    return {
      detail: `column of ${source.from.split('.').pop()}`,
      documentation: `A trait column of \`${source.from}\` (unmaterialized profiles keep one column per trait).`,
    };
  }
  const table = source.from.split('.').slice(-2).join('.');
  const where = `\`${source.from}\``;
  return {
    detail: rows === undefined ? `in ${table}` : `${count(rows)} row${rows === 1 ? '' : 's'} in ${table}`,
    documentation:
      rows === undefined
        ? `Found in ${where} (a sample of at most ${count(source.sampleRows)} rows).`
        : `Found in ${count(rows)} row${rows === 1 ? '' : 's'} of ${where} (a sample of at most ${count(source.sampleRows)} rows).`,
  };
}
