import { describe, expect, it } from 'vitest';
import { CatalogBuilder, type Catalog } from '../../server/src/catalog/catalog';
import { catalogColumnSource } from '../../server/src/catalog/columnSource';
import { fixtureWarehouse } from '../support/warehouse';
import { graphColumnSource, type ColumnSource } from '../../server/src/ide/columns';
import { complete } from '../../server/src/ide/completion';
import { fixture } from '../support/fixture';

const warehouse: Catalog = fixtureWarehouse();

/** Completion items at `$0` with the catalog first, then the graph's own columns. */
async function itemsAt(source: string, catalog: Catalog = warehouse) {
  const { analysis, offset } = await fixture(source);
  // The catalog's source plugs into completion as any ColumnSource (checked by the type here).
  const sources: ColumnSource[] = [catalogColumnSource(catalog), graphColumnSource(analysis.model)];
  return complete(analysis.model, offset, { columns: sources });
}

const graph = (entity: string, relationships = '') => `data_graph {
${entity}
  entity "carts" {
    name        = "Carts"
    table_ref   = "prod.crm.carts"
    primary_key = "id"
  }
  profile {
    profile_folder = "prod.segment_profiles"
    type           = "segment:materialized"
${relationships}
  }
}
`;

describe('catalogColumnSource', () => {
  it('answers the columns of the table_ref, in warehouse order, with type and nullability', () => {
    const source = catalogColumnSource(warehouse);
    expect(source.name).toBe('catalog');
    const columns = source.columns({ tableRef: 'PROD.CRM.ACCOUNTS' });
    expect(columns.map((c) => [c.name, c.type, c.nullable])).toEqual([
      ['id', 'INTEGER', false],
      ['name', 'VARCHAR', true],
      ['email', 'VARCHAR', true],
      ['created_at', 'TIMESTAMP WITH TIME ZONE', true],
    ]);
    expect(columns[0]).toMatchObject({ source: 'catalog' });
    expect(columns[0]!.doc).toBe(
      'Account id.\n\nFrom the warehouse catalog: table `prod.crm.accounts` (catalog snapshot warehouse.json (test fixture, 2025-06-01)).',
    );
    expect(source.columns({ tableRef: 'prod.crm.v_accounts' })[0]!.doc).toContain('view `prod.crm.v_accounts`');
  });

  it('knows nothing of unknown, blank or partial table refs', () => {
    const source = catalogColumnSource(warehouse);
    expect(source.columns({ tableRef: 'prod.crm.nope' })).toEqual([]);
    expect(source.columns({ tableRef: '  ' })).toEqual([]);
    expect(source.columns({ tableRef: 'prod.crm' })).toEqual([]);
    expect(source.columns({})).toEqual([]);
  });

  it('leaves out the nullability a dbt catalog does not record', () => {
    const b = new CatalogBuilder();
    b.column('D', 'S', 'T', { name: 'C', type: 'TEXT' });
    const [column] = catalogColumnSource(b.build({ dialect: 'snowflake', origin: 'dbt catalog x', complete: false })).columns({ tableRef: 'd.s.t' });
    expect(column).toEqual({ name: 'C', type: 'TEXT', source: 'catalog', doc: 'From the warehouse catalog: table `D.S.T` (dbt catalog x).' });
  });

  it('returns the same items for the same table (built once)', () => {
    const source = catalogColumnSource(warehouse);
    expect(source.columns({ tableRef: 'prod.crm.carts' })).toBe(source.columns({ tableRef: 'PROD.crm.carts' }));
  });
});

describe('completion with the catalog', () => {
  it('primary_key offers the real columns with their types', async () => {
    const items = await itemsAt(
      graph(`  entity "accounts" {
    name        = "Accounts"
    table_ref   = "prod.crm.accounts"
    primary_key = "$0"
  }`),
    );
    expect(items.map((i) => i.label)).toEqual(['id', 'name', 'email', 'created_at']);
    expect(items[0]!.detail).toBe('INTEGER · not null · prod.crm.accounts');
  });

  it('join_key offers the related entity\'s columns', async () => {
    const items = await itemsAt(
      graph(
        `  entity "accounts" {
    name        = "Accounts"
    table_ref   = "prod.crm.accounts"
    primary_key = "id"
  }`,
        `    relationship "user-accounts" {
      name           = "Accounts"
      related_entity = "accounts"
      external_id {
        type     = "email"
        join_key = "$0"
      }
    }`,
      ),
    );
    expect(items.map((i) => i.label)).toEqual(['id', 'name', 'email', 'created_at']);
  });

  it('columns after `slug.` in join_on come from that entity\'s table', async () => {
    const items = await itemsAt(
      graph(
        `  entity "accounts" {
    name        = "Accounts"
    table_ref   = "prod.crm.accounts"
    primary_key = "id"
  }`,
        `    relationship "user-accounts" {
      name           = "Accounts"
      related_entity = "accounts"
      external_id {
        type     = "email"
        join_key = "email"
      }
      relationship "account-carts" {
        name           = "Carts"
        related_entity = "carts"
        join_on        = "accounts.id = carts.$0"
      }
    }`,
      ),
    );
    expect(items.map((i) => `${i.label} ${i.detail}`)).toEqual([
      'id BIGINT · not null · prod.crm.carts',
      'account_id INTEGER · prod.crm.carts',
      'account_ref VARCHAR · prod.crm.carts',
      'total DECIMAL(10,2) · prod.crm.carts',
    ]);
  });
});
