import { describe, expect, it } from 'vitest';
import {
  Catalog,
  CatalogBuilder,
  DIALECT_RULES,
  matchName,
  sameIdentifier,
  type CaseRule,
  type Dialect,
} from '../../server/src/catalog/catalog';

/** The same stored names under every dialect: lower-case, upper-case and quoted mixed-case ones. */
function warehouse(dialect: Dialect, identifierCase?: Partial<Record<'database' | 'schema' | 'table' | 'column', CaseRule>>): Catalog {
  const b = new CatalogBuilder();
  b.column('prod', 'crm', 'accounts', { name: 'id', type: 'INTEGER', nullable: false });
  b.column('prod', 'crm', 'accounts', { name: 'email', type: 'VARCHAR', nullable: true });
  b.column('prod', 'crm', 'Orders', { name: 'OrderId', type: 'INTEGER' });
  b.column('ANALYTICS', 'PUBLIC', 'CUSTOMERS', { name: 'ID', type: 'NUMBER(38,0)' });
  b.table('prod', 'crm', 'v_accounts', 'view');
  return b.build({ dialect, origin: 'test', ...(identifierCase ? { identifierCase } : {}) });
}

/** How each written table_ref resolves: `exact`/`folded` parts resolve, `case` parts get DG603, `-` not found. */
function how(catalog: Catalog, ref: string): string {
  const match = catalog.findTable(ref);
  return match ? match.steps.map((s) => s.match).join(' ') : '-';
}

describe('identifier matching per warehouse', () => {
  it('matchName applies each rule to an unquoted written name', () => {
    const table: [CaseRule, string, string, string | undefined][] = [
      ['insensitive', 'accounts', 'ACCOUNTS', 'folded'],
      ['insensitive', 'Accounts', 'accounts', 'folded'],
      ['upper', 'accounts', 'ACCOUNTS', 'folded'],
      ['upper', 'Accounts', 'ACCOUNTS', 'folded'],
      ['upper', 'accounts', 'Accounts', 'case'],
      ['upper', 'ACCOUNTS', 'accounts', 'case'],
      ['lower', 'ACCOUNTS', 'accounts', 'folded'],
      ['lower', 'accounts', 'Accounts', 'case'],
      ['lower', 'accounts', 'ACCOUNTS', 'case'],
      ['sensitive', 'accounts', 'Accounts', 'case'],
      ['sensitive', 'Accounts', 'Accounts', 'exact'],
      ['upper', 'Orders', 'Orders', 'exact'],
      ['lower', 'accounts', 'account', undefined],
    ];
    for (const [rule, written, stored, expected] of table) {
      expect(matchName(rule, written, stored), `${rule} ${written} ${stored}`).toBe(expected);
    }
    expect(sameIdentifier('upper', 'accounts', 'ACCOUNTS')).toBe(true);
    expect(sameIdentifier('lower', 'accounts', 'Accounts')).toBe(false);
  });

  it('DuckDB: any case resolves, quoted or not', () => {
    const c = warehouse('duckdb');
    expect(how(c, 'prod.crm.accounts')).toBe('exact exact exact');
    expect(how(c, 'PROD.CRM.ACCOUNTS')).toBe('folded folded folded');
    expect(how(c, 'prod.crm.orders')).toBe('exact exact folded');
    expect(how(c, 'analytics.public.customers')).toBe('folded folded folded');
  });

  it('Postgres: unquoted names fold to lower case; mixed or upper case stored names need their spelling', () => {
    const c = warehouse('postgres');
    expect(how(c, 'PROD.CRM.ACCOUNTS')).toBe('folded folded folded');
    expect(how(c, 'prod.crm.orders')).toBe('exact exact case');
    expect(how(c, 'prod.crm.Orders')).toBe('exact exact exact');
    expect(how(c, 'analytics.public.customers')).toBe('case case case');
  });

  it('Redshift: folds every identifier to lower case by default; "lower" when case-sensitive identifiers are on', () => {
    expect(how(warehouse('redshift'), 'prod.crm.ORDERS')).toBe('exact exact folded');
    expect(how(warehouse('redshift', { table: 'lower' }), 'prod.crm.ORDERS')).toBe('exact exact case');
  });

  it('Snowflake: unquoted names fold to upper case; quoted lower or mixed case stored names need their spelling', () => {
    const c = warehouse('snowflake');
    expect(how(c, 'analytics.public.customers')).toBe('folded folded folded');
    expect(how(c, 'ANALYTICS.PUBLIC.CUSTOMERS')).toBe('exact exact exact');
    expect(how(c, 'prod.crm.accounts')).toBe('exact exact exact');
    expect(how(c, 'PROD.CRM.ACCOUNTS')).toBe('case case case');
    expect(how(c, 'prod.crm.ORDERS')).toBe('exact exact case');
  });

  it('BigQuery: dataset and table names are case-sensitive, column names are not', () => {
    const c = warehouse('bigquery');
    expect(how(c, 'prod.crm.orders')).toBe('exact exact case');
    expect(c.resolve(['prod', 'crm', 'Orders', 'orderid']).steps.map((s) => s.match)).toEqual(['exact', 'exact', 'exact', 'folded']);
    expect(DIALECT_RULES.bigquery).toEqual({ database: 'sensitive', schema: 'sensitive', table: 'sensitive', column: 'insensitive' });
  });

  it('Databricks and generic: case-insensitive', () => {
    expect(how(warehouse('databricks'), 'PROD.crm.orders')).toBe('folded exact folded');
    expect(how(warehouse('generic'), 'Analytics.public.Customers')).toBe('folded folded folded');
  });

  it('prefers the exact spelling, then the folded one, when names differ only by case', () => {
    const b = new CatalogBuilder();
    b.column('db', 's', 'Accounts', { name: 'a', type: 'INTEGER' });
    b.column('db', 's', 'accounts', { name: 'b', type: 'INTEGER' });
    const c = b.build({ dialect: 'postgres', origin: 'test' });
    expect(c.findTable('db.s.Accounts')?.table.columns[0]?.name).toBe('a');
    expect(c.findTable('db.s.ACCOUNTS')?.table.columns[0]?.name).toBe('b');
    expect(c.findTable('db.s.ACCOUNTS')?.steps[2]?.match).toBe('folded');
  });

  it('the rules are configurable per level', () => {
    const c = warehouse('duckdb', { table: 'sensitive' });
    expect(c.rules).toEqual({ database: 'insensitive', schema: 'insensitive', table: 'sensitive', column: 'insensitive' });
    expect(how(c, 'PROD.crm.orders')).toBe('folded exact case');
  });

  it('explains a case mismatch in the dialect\'s terms', () => {
    expect(warehouse('postgres').explainCase('table', 'Orders')).toBe('Postgres reads an unquoted table name in lower case ("orders")');
    expect(warehouse('snowflake').explainCase('column', 'id')).toBe('Snowflake reads an unquoted column name in upper case ("ID")');
    expect(warehouse('bigquery').explainCase('table', 'x')).toBe('BigQuery table names are case-sensitive');
  });
});

describe('Catalog lookups', () => {
  const c = warehouse('duckdb');

  it('finds a table by its table_ref text or parts, split from the right', () => {
    const match = c.findTable(' PROD.crm.Accounts ');
    expect(match?.ref).toBe('prod.crm.accounts');
    expect(match?.table.kind).toBe('table');
    expect(c.findTable(['prod', 'crm', 'v_accounts'])?.table.kind).toBe('view');
    expect(c.findTable('crm.accounts')).toBeUndefined();
    expect(c.findTable('prod.crm.nope')).toBeUndefined();
    const b = new CatalogBuilder();
    b.column('example.com:proj', 'sales', 'orders', { name: 'id', type: 'INT64' });
    expect(b.build({ dialect: 'bigquery', origin: 't' }).findTable('example.com:proj.sales.orders')?.ref).toBe('example.com:proj.sales.orders');
  });

  it('lists databases, schemas and tables for completion; columns in warehouse order', () => {
    expect(c.listDatabases().map((d) => d.name)).toEqual(['prod', 'ANALYTICS']);
    expect(c.listSchemas('PROD').map((s) => s.name)).toEqual(['crm']);
    expect(c.listTables('prod', 'CRM').map((t) => `${t.name}:${t.kind}`)).toEqual(['accounts:table', 'Orders:table', 'v_accounts:view']);
    expect(c.listSchemas('nope')).toEqual([]);
    expect(c.listTables('prod', 'nope')).toEqual([]);
    expect(c.columnsOf('prod.crm.accounts').map((col) => col.name)).toEqual(['id', 'email']);
    expect(c.columnsOf('prod.crm.nope')).toEqual([]);
    expect(c.column(c.findTable('prod.crm.accounts')!.table, 'EMAIL')?.type).toBe('VARCHAR');
  });

  it('resolves paths level by level for the checks', () => {
    expect(c.resolve(['prod', 'crm', 'accounts', 'email'])).toMatchObject({
      steps: [{ stored: 'prod' }, { stored: 'crm' }, { stored: 'accounts' }, { stored: 'email' }],
      table: { kind: 'table' },
      column: { name: 'email', type: 'VARCHAR', nullable: true },
    });
    expect(c.resolve(['prod', 'nope', 'accounts']).steps.length).toBe(1);
    expect(c.names([])).toEqual(['prod', 'ANALYTICS']);
    expect(c.names(['prod', 'crm', 'accounts'])).toEqual(['id', 'email']);
    expect(c.names(['prod', 'nope'])).toEqual([]);
    expect(c.tablesNamed('ORDERS')).toEqual([['prod', 'crm', 'Orders']]);
  });

  it('finds the schemas holding Profiles Sync tables, most first', () => {
    const b = new CatalogBuilder();
    for (const t of ['user_identifiers', 'user_traits', 'profile_merges']) b.table('raw', 'segment', t);
    b.table('raw', 'old_segment', 'ID_GRAPH_UPDATES');
    b.table('raw', 'shop', 'orders');
    b.schema('raw', 'empty');
    const folders = b.build({ dialect: 'snowflake', origin: 't' }).profileFolders();
    expect(folders.map((f) => [f.ref, f.count, f.holds])).toEqual([
      ['raw.segment', 3, { 'segment:materialized': ['user_identifiers', 'user_traits', 'profile_merges'] }],
      ['raw.old_segment', 1, { 'segment:unmaterialized': ['id_graph_updates'] }],
    ]);
  });

  it('counts what it holds', () => {
    expect(c.stats()).toEqual({ databases: 2, schemas: 2, tables: 4, columns: 4 });
  });

  it('builder: the first column of a name wins; empty schemas are kept', () => {
    const b = new CatalogBuilder();
    b.column('d', 's', 't', { name: 'a', type: 'INTEGER' });
    b.column('d', 's', 't', { name: 'a', type: 'VARCHAR' });
    b.column('d', 's', 't', { name: 'A', type: 'VARCHAR' });
    b.schema('d', 'empty');
    const built = b.build({ dialect: 'postgres', origin: 't' });
    expect(built.columnsOf('d.s.t').map((col) => `${col.name} ${col.type}`)).toEqual(['a INTEGER', 'A VARCHAR']);
    expect(built.listSchemas('d').map((s) => s.name)).toEqual(['s', 'empty']);
    expect(built.complete).toBe(true);
    expect(new Catalog({ dialect: 'generic', databases: [], origin: 'x', complete: false }).complete).toBe(false);
  });
});
