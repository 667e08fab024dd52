import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogBuilder, type Catalog } from '../../server/src/catalog/catalog';
import { catalogColumnSource } from '../../server/src/catalog/columnSource';
import { fixtureWarehouse } from '../support/warehouse';
import { graphColumnSource } from '../../server/src/ide/columns';
import { complete, type CompletionItem, type CompletionKind } from '../../server/src/ide/completion';
import { fixture, textOf } from '../support/fixture';

// Completion with the warehouse catalog (test/fixtures/catalog/warehouse.json): table_ref part by
// part, profile_folder with Profiles Sync folders first, catalog columns (with types) before the
// graph's own, junction columns in left/right_join_on from the junction's table_ref.

const warehouse: Catalog = fixtureWarehouse();

interface Expectation {
  /** Exactly these labels, in this order. */
  labels?: string[];
  /** These labels first, in this order. */
  first?: string[];
  /** The source text every item replaces. */
  replaced?: string;
  /** Label → detail. */
  detail?: Record<string, string>;
  /** Label → kind. */
  kinds?: Record<string, CompletionKind>;
  /** Label → the whole text after accepting it (snippets rendered with empty tab stops). */
  applied?: Record<string, string>;
  /** Without the catalog (its absence must not break anything). */
  catalog?: Catalog | null;
}

/** Completion at `$0` with the catalog's columns first, then the graph's; checks what the expectation names. */
async function check(source: string, want: Expectation): Promise<CompletionItem[]> {
  const { text, offset, analysis } = await fixture(source);
  const catalog = want.catalog === null ? undefined : (want.catalog ?? warehouse);
  const model = analysis.model;
  const items = complete(model, offset, {
    columns: catalog ? [catalogColumnSource(catalog), graphColumnSource(model)] : [graphColumnSource(model)],
    ...(catalog ? { catalog } : {}),
  });
  const labels = items.map((i) => i.label);
  for (const item of items) expect(item.replace.start <= offset && offset <= item.replace.end, `${item.label} replaces around the cursor`).toBe(true);
  if (want.labels) expect(labels).toEqual(want.labels);
  if (want.first) expect(labels.slice(0, want.first.length)).toEqual(want.first);
  if (want.replaced !== undefined) {
    expect(items.length).toBeGreaterThan(0);
    for (const item of items.filter((i) => !want.applied?.[i.label])) expect(textOf(text, item.replace), item.label).toBe(want.replaced);
  }
  const byLabel = (label: string) => {
    const item = items.find((i) => i.label === label);
    expect(item, `an item ${label} among ${labels.join(', ')}`).toBeDefined();
    return item!;
  };
  for (const [label, detail] of Object.entries(want.detail ?? {})) expect(byLabel(label).detail, label).toBe(detail);
  for (const [label, kind] of Object.entries(want.kinds ?? {})) expect(byLabel(label).kind, label).toBe(kind);
  for (const [label, after] of Object.entries(want.applied ?? {})) {
    const item = byLabel(label);
    const inserted = item.isSnippet ? item.insertText.replace(/(?<!\\)\$\d+/g, '').replace(/\\([$}\\])/g, '$1') : item.insertText;
    expect(text.slice(0, item.replace.start) + inserted + text.slice(item.replace.end), label).toBe(after);
  }
  return items;
}

const graph = (entity: string, profile = '', relationships = '') => `data_graph {
  entity "account" {
    name        = "Account"
    table_ref   = "prod.crm.accounts"
    primary_key = "id"
  }
${entity}
  profile {
${profile || `    profile_folder = "prod.segment_profiles"
    type           = "segment:materialized"`}
${relationships}
  }
}
`;

const entityWith = (tableRef: string, primaryKey = 'id') => `  entity "cart" {
    name        = "Cart"
    table_ref   = ${tableRef}
    primary_key = "${primaryKey}"
  }`;

describe('table_ref completion, part by part', () => {
  it('offers the databases in the first part', async () => {
    await check(graph(entityWith('"$0"')), {
      labels: ['prod', 'ANALYTICS'],
      detail: { prod: 'database · 3 schemas', ANALYTICS: 'database · 1 schema' },
      kinds: { prod: 'database' },
    });
  });

  it('replaces only the part under the cursor', async () => {
    await check(graph(entityWith('"pr$0od.crm.carts"')), {
      labels: ['prod', 'ANALYTICS'],
      replaced: 'prod',
      applied: { ANALYTICS: graph(entityWith('"ANALYTICS.crm.carts"')) },
    });
  });

  it('offers the schemas of the database written before the dot', async () => {
    await check(graph(entityWith('"prod.$0"')), {
      labels: ['crm', 'segment_profiles', 'staging'],
      detail: { crm: 'schema · 6 tables', staging: 'schema · 1 table' },
      kinds: { crm: 'schema' },
      replaced: '',
    });
    // The database is matched with the warehouse's rules (DuckDB: any case).
    await check(graph(entityWith('"PROD.c$0"')), { labels: ['crm', 'segment_profiles', 'staging'], replaced: 'c' });
  });

  it('offers the tables and views of the schema, views marked', async () => {
    const items = await check(graph(entityWith('"prod.crm.$0"')), {
      labels: ['accounts', 'carts', 'products', 'cart_products', 'Orders', 'v_accounts'],
      detail: { accounts: 'table · 4 columns', v_accounts: 'view · 2 columns' },
      kinds: { accounts: 'table', v_accounts: 'view' },
      replaced: '',
    });
    expect(items[0]!.documentation).toBe('One row per customer account.\n\nTable `prod.crm.accounts` (catalog snapshot warehouse.json (test fixture, 2025-06-01)).');
    await check(graph(entityWith('"ANALYTICS.PUBLIC.$0"')), {
      labels: ['CUSTOMERS'],
      detail: { CUSTOMERS: 'materialized view · 2 columns' },
      kinds: { CUSTOMERS: 'view' },
    });
  });

  it('replaces the table part up to the closing quote, keeping the rest', async () => {
    await check(graph(entityWith('"prod.crm.ca$0rts"')), {
      replaced: 'carts',
      applied: { accounts: graph(entityWith('"prod.crm.accounts"')) },
    });
  });

  it('completes junction tables the same way', async () => {
    const relationships = `    relationship "accounts" {
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
          table_ref     = "prod.crm.$0"
          primary_key   = "id"
          left_join_on  = "account.id = account_id"
          right_join_on = "cart_id = cart.id"
        }
      }
    }`;
    await check(graph(entityWith('"prod.crm.carts"'), '', relationships), { first: ['accounts', 'carts'], replaced: '' });
  });

  it('opens the string after `=` with no quote yet', async () => {
    await check(graph(entityWith('$0')), {
      labels: ['prod', 'ANALYTICS'],
      applied: { prod: graph(entityWith('"prod"')) },
    });
  });

  it('offers nothing for an unknown database or schema, and nothing without a catalog', async () => {
    await check(graph(entityWith('"nope.$0"')), { labels: [] });
    await check(graph(entityWith('"prod.nope.$0"')), { labels: [] });
    await check(graph(entityWith('"prod.$0"')), { labels: [], catalog: null });
  });

  it('escapes names for the string', async () => {
    const { CatalogBuilder } = await import('../../server/src/catalog/catalog');
    const builder = new CatalogBuilder();
    builder.table('db', 'odd"schema', 't');
    const odd = builder.build({ dialect: 'postgres', origin: 'test' });
    await check(graph(entityWith('"db.$0"')), { catalog: odd, applied: { 'odd"schema': graph(entityWith('"db.odd\\"schema"')) } });
  });
});

describe('profile_folder completion', () => {
  const folder = (value: string, type = 'segment:materialized') => graph('', `    profile_folder = ${value}\n    type           = "${type}"`);

  it('offers the Profiles Sync folders as whole values first, then the databases', async () => {
    await check(folder('"$0"'), {
      labels: ['prod.segment_profiles', 'prod', 'ANALYTICS'],
      detail: { 'prod.segment_profiles': 'Profiles Sync · user_identifiers, user_traits, profile_merges' },
      kinds: { 'prod.segment_profiles': 'schema', prod: 'database' },
      applied: { 'prod.segment_profiles': folder('"prod.segment_profiles"') },
    });
  });

  it('ranks the schemas holding Profiles Sync tables first in the second part', async () => {
    await check(folder('"prod.$0"'), {
      labels: ['segment_profiles', 'crm', 'staging'],
      detail: { crm: 'schema · 6 tables' },
      replaced: '',
    });
  });

  it('puts the folders of the profile type first', async () => {
    const { CatalogBuilder } = await import('../../server/src/catalog/catalog');
    const builder = new CatalogBuilder();
    for (const t of ['user_identifiers', 'user_traits', 'profile_merges']) builder.table('db', 'materialized', t);
    builder.table('db', 'raw', 'id_graph_updates');
    builder.table('db', 'apps', 'events');
    const both = builder.build({ dialect: 'duckdb', origin: 'test' });
    await check(folder('"db.$0"'), { catalog: both, labels: ['materialized', 'raw', 'apps'] });
    await check(folder('"db.$0"', 'segment:unmaterialized'), { catalog: both, labels: ['raw', 'materialized', 'apps'] });
    await check(folder('"$0"', 'segment:unmaterialized'), { catalog: both, first: ['db.raw', 'db.materialized', 'db'] });
  });

  it('offers no whole values once a dot is written', async () => {
    await check(folder('"pr$0od.x"'), { labels: ['prod', 'ANALYTICS'], replaced: 'prod' });
  });
});

describe('columns from the catalog', () => {
  it('come before the graph\'s own, with type and nullability', async () => {
    await check(graph(entityWith('"prod.crm.carts"', '$0')), {
      labels: ['id', 'account_id', 'account_ref', 'total'],
      detail: { id: 'BIGINT · not null · prod.crm.carts', total: 'DECIMAL(10,2) · prod.crm.carts' },
      kinds: { id: 'column' },
    });
  });

  it('fill a profile link\'s join_key from the related entity\'s table', async () => {
    const relationships = `    relationship "accounts" {
      name           = "Accounts"
      related_entity = "account"
      external_id {
        type     = "email"
        join_key = "$0"
      }
    }`;
    await check(graph('', '', relationships), { first: ['id', 'name', 'email', 'created_at'], detail: { email: 'VARCHAR · prod.crm.accounts' } });
  });

  it('fill join_on after an entity prefix, then the graph\'s own columns the catalog does not list', async () => {
    const relationships = (join: string) => `    relationship "accounts" {
      name           = "Accounts"
      related_entity = "account"
      external_id {
        type     = "email"
        join_key = "legacy_email"
      }
      relationship "carts" {
        name           = "Carts"
        related_entity = "cart"
        join_on        = ${join}
      }
    }`;
    await check(graph(entityWith('"prod.crm.carts"'), '', relationships('"account.$0 = cart.account_id"')), {
      labels: ['id', 'name', 'email', 'created_at', 'legacy_email'],
      detail: { id: 'INTEGER · not null · prod.crm.accounts', legacy_email: 'prod.crm.accounts' },
      replaced: '',
    });
  });

  it('in left_join_on and right_join_on, the junction side lists the junction table\'s columns', async () => {
    const junction = (left: string, right: string) => `    relationship "accounts" {
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
          left_join_on  = ${left}
          right_join_on = ${right}
        }
      }
    }`;
    const junctionColumns = ['id', 'cart_id', 'cart_code', 'product_sku', 'product_uuid'];
    await check(graph(entityWith('"prod.crm.carts"'), '', junction('"account.id = $0"', '"cart_id = cart.id"')), {
      labels: junctionColumns,
      detail: { cart_id: 'BIGINT · prod.crm.cart_products' },
    });
    await check(graph(entityWith('"prod.crm.carts"'), '', junction('"account.id = cart_id"', '"ca$0 = cart.id"')), {
      labels: junctionColumns,
      replaced: 'ca',
    });
    // The other side is the entity's table.
    await check(graph(entityWith('"prod.crm.carts"'), '', junction('"account.id = cart_id"', '"cart_id = cart.$0"')), {
      labels: ['id', 'account_id', 'account_ref', 'total'],
    });
  });
});

describe('identity types and trait names from the Profiles Sync tables', () => {
  const sampled = warehouse.withProfileSamples([
    {
      folder: 'prod.segment_profiles',
      table: 'user_identifiers',
      column: 'type',
      link: 'external_id',
      sampleRows: 100_000,
      values: [
        { value: 'anonymous_id', rows: 900 },
        { value: 'email', rows: 412 },
        { value: 'member_id', rows: 7 },
      ],
    },
    { folder: 'prod.segment_profiles', table: 'user_traits', column: 'name', link: 'trait', sampleRows: 100_000, values: [{ value: 'plan', rows: 1 }, { value: 'first "name"', rows: 2 }] },
  ]);
  const link = (body: string, folder = 'prod.segment_profiles') =>
    graph('', `    profile_folder = "${folder}"\n    type           = "segment:materialized"`, `    relationship "accounts" {\n      related_entity = "account"\n${body}\n    }`);

  it('offers the identity types seen in the warehouse first, most frequent first, then the standard ones', async () => {
    const items = await check(link('      external_id {\n        type = "$0"\n      }'), {
      catalog: sampled,
      first: ['anonymous_id', 'email', 'member_id', 'user_id', 'phone'],
      detail: { anonymous_id: '900 rows in user_identifiers.type', member_id: '7 rows in user_identifiers.type' },
      kinds: { member_id: 'value', user_id: 'enum' },
      replaced: '',
    });
    expect(items.filter((i) => i.label === 'email')).toHaveLength(1);
    // A standard type keeps its documentation, and says where it was seen.
    expect(items.find((i) => i.label === 'email')!.documentation).toBe(
      'Email address.\n\nFound in 412 rows of `prod.segment_profiles.user_identifiers.type` (a sample of at most 100,000 rows).',
    );
  });

  it('offers only the standard identity types without samples, or for another folder', async () => {
    const standard = ['user_id', 'email', 'anonymous_id'];
    await check(link('      external_id {\n        type = "$0"\n      }'), { first: standard });
    await check(link('      external_id {\n        type = "$0"\n      }', 'prod.staging'), { catalog: sampled, first: standard });
    await check(link('      external_id {\n        type = "$0"\n      }'), { catalog: null, first: standard });
  });

  it('offers the trait names seen, escaped for the string, and quotes them after `=`', async () => {
    await check(link('      trait {\n        name = "$0"\n      }'), {
      catalog: sampled,
      labels: ['plan', 'first "name"'],
      applied: { 'first "name"': link('      trait {\n        name = "first \\"name\\""\n      }') },
    });
    await check(link('      trait {\n        name = $0\n      }'), {
      catalog: sampled,
      labels: ['plan', 'first "name"'],
      applied: { plan: link('      trait {\n        name = "plan"\n      }') },
    });
    await check(link('      trait {\n        name = "$0"\n      }'), { labels: [] });
  });

  it('offers the trait columns of profile_traits_updates for unmaterialized profiles', async () => {
    const builder = new CatalogBuilder();
    for (const column of ['segment_id', 'seq', 'triggering_event_type', 'plan', 'lifetime_value', 'received_at']) {
      builder.column('prod', 'raw_profiles', 'profile_traits_updates', { name: column, type: 'VARCHAR' });
    }
    builder.column('prod', 'raw_profiles', 'external_id_mapping_updates', { name: 'external_id_type', type: 'VARCHAR' });
    const catalog = builder.build({ dialect: 'duckdb', origin: 'test' });
    await check(link('      trait {\n        name = "$0"\n      }', 'PROD.raw_profiles'), {
      catalog,
      labels: ['plan', 'lifetime_value'],
      detail: { plan: 'column of profile_traits_updates' },
    });
  });
});
