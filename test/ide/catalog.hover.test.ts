import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogBuilder, type Catalog } from '../../server/src/catalog/catalog';
import { fixtureWarehouse } from '../support/warehouse';
import { CARD_COLUMNS } from '../../server/src/ide/catalog';
import { hover } from '../../server/src/ide/hover';
import { fixture, textOf } from '../support/fixture';
import { cursor } from './marked';

// Hover with the warehouse catalog (test/fixtures/catalog/warehouse.json): a column's type and
// nullability, a table_ref's table card, a profile_folder's schema.

const warehouse: Catalog = fixtureWarehouse();
const ORIGIN = 'catalog snapshot warehouse.json (test fixture, 2025-06-01)';

/** Hover at `$0`: the whole Markdown (a string) or fragments it must contain (an array); `span`: the text it is about. */
async function check(source: string, expected: string | string[], options: { span?: string; catalog?: Catalog | null; absent?: string[] } = {}) {
  const f = await fixture(source);
  const catalog = options.catalog === null ? undefined : (options.catalog ?? warehouse);
  const result = hover(f.analysis.model, f.offset, catalog ? { catalog } : {});
  expect(result, 'a hover').toBeDefined();
  if (typeof expected === 'string') expect(result!.markdown).toBe(expected);
  else for (const fragment of expected) expect(result!.markdown).toContain(fragment);
  for (const fragment of options.absent ?? []) expect(result!.markdown).not.toContain(fragment);
  if (options.span !== undefined) expect(textOf(f.text, result!.span)).toBe(options.span);
}

const GRAPH = `data_graph {
  entity "account" {
    name        = "Account"
    table_ref   = "prod.crm.accounts"
    primary_key = "id"
  }
  entity "cart" {
    name        = "Cart"
    table_ref   = "prod.crm.carts"
    primary_key = "missing_col"
  }
  entity "customer" {
    name        = "Customer"
    table_ref   = "ANALYTICS.PUBLIC.CUSTOMERS"
    primary_key = "id"
  }
  entity "gone" {
    name        = "Gone"
    table_ref   = "prod.crm.gone"
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
        join_key = "email"
      }
      relationship "carts" {
        name           = "Carts"
        related_entity = "cart"
        junction_table {
          table_ref     = "prod.crm.cart_products"
          primary_key   = "id"
          left_join_on  = "account.id = cart_id"
          right_join_on = "product_sku = cart.id"
        }
      }
    }
  }
}
`;
const on = (marker: string) => cursor(GRAPH, marker);

describe('hover on columns, with the catalog', () => {
  it('shows the type and nullability after the owner line', async () => {
    await check(on('primary_key = "i$0d"\n  }\n  entity "cart"'), ['**column** `id` of entity `account` (table `prod.crm.accounts`)\n\n`INTEGER` · not null\n\nAccount id.'], {
      span: 'id',
    });
    await check(on('join_key = "em$0ail"'), ['`VARCHAR` · nullable']);
  });

  it('says when the catalog does not record nullability, and shows the stored spelling', async () => {
    await check(on('"product_s$0ku = cart.id"'), ['**column** `product_sku` of the junction table `prod.crm.cart_products`', '`VARCHAR`'], {
      absent: ['nullable', 'not null'],
    });
    await check(on('table_ref   = "ANALYTICS.PUBLIC.CUSTOMERS"\n    primary_key = "i$0d"'), ['`NUMBER(38,0)` · not null (stored as `ID`)']);
  });

  it('warns about a column the table does not have', async () => {
    await check(on('"missing$0_col"'), [
      '⚠ table `prod.crm.carts` has no column `missing_col` in the warehouse catalog (' + ORIGIN + ').',
    ]);
  });

  it('adds nothing for a table the catalog does not have, or without a catalog', async () => {
    await check(on('table_ref   = "prod.crm.gone"\n    primary_key = "i$0d"'), ['**column** `id` of entity `gone` (table `prod.crm.gone`)\n\n**`primary_key`** in `entity`'], {
      absent: ['INTEGER'],
    });
    await check(on('primary_key = "i$0d"\n  }\n  entity "cart"'), ['**column** `id`'], { catalog: null, absent: ['INTEGER'] });
  });
});

describe('hover on table_ref, with the catalog', () => {
  it('shows the table card: kind, stored name, comment, columns with types', async () => {
    await check(on('"prod.crm.acc$0ounts"'), [
      [
        '**table** `prod.crm.accounts` — One row per customer account.',
        '',
        '| column | type | null |',
        '|---|---|---|',
        '| `id` | `INTEGER` | not null |',
        '| `name` | `VARCHAR` | nullable |',
        '| `email` | `VARCHAR` | nullable |',
        '| `created_at` | `TIMESTAMP WITH TIME ZONE` | nullable |',
        '',
        `From ${ORIGIN}.`,
        '',
        '**`table_ref`** in `entity`',
      ].join('\n'),
    ], { span: '"prod.crm.accounts"' });
  });

  it('marks views and materialized views, for entities and junctions alike', async () => {
    await check(on('"ANALYTICS.PUBLIC.CUST$0OMERS"'), ['**materialized view** `ANALYTICS.PUBLIC.CUSTOMERS`', '| `ID` | `NUMBER(38,0)` | not null |']);
    await check(on('"prod.crm.cart_pro$0ducts"'), ['**table** `prod.crm.cart_products`', '| `cart_id` | `BIGINT` |  |']);
  });

  it('says when the table is not in the catalog', async () => {
    await check(on('"prod.crm.go$0ne"'), [`Not in the warehouse catalog (${ORIGIN}).`, '**`table_ref`** in `entity`']);
  });

  it('lists at most CARD_COLUMNS columns', async () => {
    const builder = new CatalogBuilder();
    builder.table('prod', 'crm', 'accounts');
    for (let i = 0; i < CARD_COLUMNS + 7; i++) builder.column('prod', 'crm', 'accounts', { name: `c${i}`, type: 'INTEGER' });
    const wide = builder.build({ dialect: 'duckdb', origin: 'wide' });
    const f = await fixture(on('"prod.crm.acc$0ounts"'));
    const markdown = hover(f.analysis.model, f.offset, { catalog: wide })!.markdown;
    expect(markdown.match(/^\| `c\d+` /gm)).toHaveLength(CARD_COLUMNS);
    expect(markdown).toContain('… and 7 more columns.');
  });

  it('is the key documentation alone without a catalog', async () => {
    await check(on('"prod.crm.acc$0ounts"'), ['**`table_ref`** in `entity`'], { catalog: null, absent: ['| column |'] });
  });
});

describe('hover on profile_folder, with the catalog', () => {
  it('shows the schema and the Profiles Sync tables it holds', async () => {
    await check(on('"prod.segment_pro$0files"'), [
      '**schema** `prod.segment_profiles` · 3 tables\n\nProfiles Sync tables: `user_identifiers`, `user_traits`, `profile_merges`.',
      '**`profile_folder`** in `profile`',
    ]);
  });

  it('says when a schema holds none, or is not in the catalog', async () => {
    const other = GRAPH.replace('"prod.segment_profiles"', '"prod.crm"');
    await check(cursor(other, '"prod.c$0rm"'), ['**schema** `prod.crm` · 6 tables\n\nNo Profiles Sync tables.']);
    const missing = GRAPH.replace('"prod.segment_profiles"', '"prod.nope"');
    await check(cursor(missing, '"prod.no$0pe"'), [`Not in the warehouse catalog (${ORIGIN}).`]);
  });
});

describe('hover on identity types and trait names, with Profiles Sync samples', () => {
  const sampled = warehouse.withProfileSamples([
    { folder: 'prod.segment_profiles', table: 'user_identifiers', column: 'type', link: 'external_id', sampleRows: 1_000, values: [{ value: 'email', rows: 1 }] },
    { folder: 'prod.segment_profiles', table: 'user_traits', column: 'name', link: 'trait', sampleRows: 1_000, values: [{ value: 'plan', rows: 12 }] },
  ]);
  const withTrait = GRAPH.replace('external_id {\n        type     = "email"', 'trait {\n        name     = "plan"');

  it('says where an identity type was seen', async () => {
    await check(GRAPH.replace('type     = "email"', 'type     = "em$0ail"'), ['`email`: Email address.', 'Found in 1 row of `prod.segment_profiles.user_identifiers.type` (a sample of at most 1,000 rows).'], {
      catalog: sampled,
    });
    await check(GRAPH.replace('type     = "email"', 'type     = "em$0ail"'), '`email`: Email address.', {});
  });

  it('says where a trait name was seen, and nothing more for one not seen', async () => {
    await check(withTrait.replace('"plan"', '"pl$0an"'), ['`plan`: a trait profiles have.', 'Found in 12 rows of `prod.segment_profiles.user_traits.name`'], { catalog: sampled });
    await check(withTrait.replace('"plan"', '"pl$0an"'), [], { catalog: warehouse, absent: ['a trait profiles have'] });
  });
});
