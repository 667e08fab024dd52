import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogBuilder, type Catalog } from '../../server/src/catalog/catalog';
import { parseCatalogText } from '../../server/src/catalog/providers/file';
import { dataDiagnostics, dataQueries, dataUnavailable, type DataResult } from '../../server/src/checks/data';
import { SqlWriter } from '../../server/src/checks/sql';
import { buildModel, type GraphModel } from '../../server/src/model/graph';
import { SyntaxDocument } from '../../server/src/syntax/document';
import { marked } from '../ide/marked';
import { repoRoot, wasmParser } from '../support/wasm';

// The data checks' SQL (written from the graph and the catalog) and the reading of its rows (DG605,
// DG606). Pure: no warehouse here; rows are what drivers return (numbers, bigints, decimal strings,
// column names in any case).

const warehouse: Catalog = parseCatalogText(readFileSync(join(repoRoot, 'test', 'fixtures', 'catalog', 'warehouse.json'), 'utf8'), {
  displayPath: 'warehouse.json',
});

const GRAPH = `data_graph {
  entity "account" {
    name        = "Account"
    table_ref   = "prod.crm.accounts"
    primary_key = "id"
  }
  entity "account-again" {
    name        = "Account again"
    table_ref   = "PROD.crm.accounts"
    primary_key = "ID"
  }
  entity "cart" {
    name        = "Cart"
    table_ref   = "prod.crm.carts"
    primary_key = "nope"
  }
  entity "gone" {
    name        = "Gone"
    table_ref   = "prod.crm.gone"
    primary_key = "id"
  }
  profile {
    profile_folder = "prod.segment_profiles"
    type           = "segment:materialized"
    relationship "by-email" {
      name           = "By email"
      related_entity = "account"
      external_id {
        type     = "email"
        join_key = "email"
      }
    }
    relationship "by-member" {
      name           = "By member id"
      related_entity = "account-again"
      external_id {
        type     = "member_id"
        join_key = "id"
      }
    }
    relationship "by-plan" {
      name           = "By plan"
      related_entity = "account"
      trait {
        name     = "it's plan"
        join_key = "name"
      }
      relationship "carts" {
        name           = "Carts"
        related_entity = "cart"
        junction_table {
          table_ref     = "prod.crm.cart_products"
          primary_key   = "id"
          left_join_on  = "account.id = cart_id"
          right_join_on = "cart_code = cart.id"
        }
      }
    }
  }
}
`;

async function modelOf(text: string): Promise<GraphModel> {
  const document = SyntaxDocument.parse(await wasmParser(), text);
  try {
    return buildModel(document.syntax);
  } finally {
    document.dispose();
  }
}

describe('dataQueries', () => {
  it('writes one bounded key query per table and column, and one EXISTS query per Profiles Sync table', async () => {
    const model = await modelOf(GRAPH);
    const queries = dataQueries(model, warehouse, { dialect: 'duckdb', rowLimit: 5000 });
    expect(queries.map((q) => [q.kind, q.table, q.column])).toEqual([
      ['primary-key', 'prod.crm.accounts', 'id'],
      ['primary-key', 'prod.crm.cart_products', 'id'],
      ['identity-types', 'prod.segment_profiles.user_identifiers', 'type'],
      ['trait-names', 'prod.segment_profiles.user_traits', 'name'],
    ]);
    expect(queries[0]!.sql).toBe(
      'SELECT count(*) AS row_count, count(k) AS key_count, count(DISTINCT k) AS distinct_keys ' +
        'FROM (SELECT "id" AS k FROM "prod"."crm"."accounts" LIMIT 5000) AS dg_sample',
    );
    // Both entities on prod.crm.accounts share one query (names matched with DuckDB's rules, stored spelling queried).
    expect(queries[0]!.kind === 'primary-key' && queries[0]!.places.map((p) => p.value)).toEqual(['id', 'ID']);
    expect(queries[2]!.sql).toBe(
      `SELECT 'email' AS value WHERE EXISTS (SELECT 1 FROM "prod"."segment_profiles"."user_identifiers" WHERE "type" = 'email') UNION ALL ` +
        `SELECT 'member_id' AS value WHERE EXISTS (SELECT 1 FROM "prod"."segment_profiles"."user_identifiers" WHERE "type" = 'member_id')`,
    );
    expect(queries[3]!.sql).toBe(
      `SELECT 'it''s plan' AS value WHERE EXISTS (SELECT 1 FROM "prod"."segment_profiles"."user_traits" WHERE "name" = 'it''s plan')`,
    );
  });

  it('quotes for BigQuery and Databricks with backticks, and leaves out an empty database', () => {
    const bq = new SqlWriter('bigquery');
    expect(bq.table('my-project', 'data`set', 'orders')).toBe('`my-project`.`data\\`set`.`orders`');
    expect(bq.string("it's \\ here")).toBe("'it\\'s \\\\ here'");
    const pg = new SqlWriter('postgres');
    expect(pg.table('', 'public', 'Odd "name"')).toBe('"public"."Odd ""name"""');
    expect(pg.string("it's")).toBe("'it''s'");
  });

  it('queries only what the catalog has, spelled as the warehouse resolves it', async () => {
    const builder = new CatalogBuilder();
    builder.table('prod', 'crm', 'accounts');
    builder.column('prod', 'crm', 'accounts', { name: 'Id', type: 'INTEGER' });
    const postgres = builder.build({ dialect: 'postgres', origin: 'test' });
    // `id` differs from the stored `Id` only by case, which Postgres does not resolve (DG603): no query.
    expect(dataQueries(await modelOf(GRAPH), postgres, { dialect: 'postgres' })).toEqual([]);
  });

  it('asks nothing for a profile without a known type or folder', async () => {
    for (const type of ['segment:dbt', 'constructor', '__proto__', 'toString']) {
      const model = await modelOf(GRAPH.replace('"segment:materialized"', `"${type}"`));
      expect(dataQueries(model, warehouse, { dialect: 'duckdb' }).map((q) => q.kind), type).toEqual(['primary-key', 'primary-key']);
    }
  });
});

describe('dataDiagnostics', () => {
  async function findings(results: (DataResult | undefined)[], settings = {}) {
    const model = await modelOf(GRAPH);
    const queries = dataQueries(model, warehouse, { dialect: 'duckdb', rowLimit: 1000 });
    const diagnostics = dataDiagnostics(model, queries, results, settings);
    return { diagnostics, shown: marked(GRAPH, diagnostics.map((d) => d.span)), messages: diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`) };
  }
  const unique = { rows: [{ row_count: 3, key_count: 3, distinct_keys: 3 }] };

  it('DG605 on every primary_key of a table whose key repeats or is NULL, counts as drivers return them', async () => {
    const { shown, messages } = await findings([{ rows: [{ ROW_COUNT: 12n, KEY_COUNT: 11n, DISTINCT_KEYS: 9n }] }, { rows: [{ row_count: '1000', key_count: '1000', distinct_keys: '999' }] }]);
    expect(shown).toBe(['primary_key = "[id]"', 'primary_key = "[ID]"', 'primary_key   = "[id]"'].join('\n'));
    expect(messages).toEqual([
      'warning DG605: primary_key "id" is not unique in prod.crm.accounts: 2 rows repeat a key another row has, and 1 row has no key (NULL) in 12 rows; Segment needs one row per key (pick a unique column, or deduplicate the table)',
      'warning DG605: primary_key "ID" is not unique in prod.crm.accounts: 2 rows repeat a key another row has, and 1 row has no key (NULL) in 12 rows; Segment needs one row per key (pick a unique column, or deduplicate the table)',
      'warning DG605: primary_key "id" is not unique in prod.crm.cart_products: 1 row repeats a key another row has among the first 1,000 rows read; Segment needs one row per key (pick a unique column, or deduplicate the table)',
    ]);
  });

  it('DG606 on each identity type and trait name no row holds', async () => {
    const { shown, messages } = await findings([unique, unique, { rows: [{ VALUE: 'email' }] }, { rows: [] }]);
    expect(shown).toBe(['type     = "[member_id]"', 'name     = "[it\'s plan]"'].join('\n'));
    expect(messages).toEqual([
      'info DG606: identity type "member_id" never appears in prod.segment_profiles.user_identifiers (column "type"): no profile has it yet, so this relationship links no rows',
      'info DG606: trait "it\'s plan" never appears in prod.segment_profiles.user_traits (column "name"): no profile has it yet, so this relationship links no rows',
    ]);
  });

  it('nothing when the data is fine, or for queries not run', async () => {
    expect((await findings([unique, unique, { rows: [{ value: 'email' }, { value: 'member_id' }] }, { rows: [{ value: "it's plan" }] }])).diagnostics).toEqual([]);
    expect((await findings([])).diagnostics).toEqual([]);
  });

  it('a failed query is one DG607 where it was about', async () => {
    const { shown, messages } = await findings([{ error: { reason: 'prod.crm.accounts did not answer within 10 s.', hint: 'Raise "timeoutMs".' } }]);
    expect(shown).toBe('primary_key = "[id]"');
    expect(messages).toEqual([
      'info DG607: Data check (DG605, whether "id" is unique) of prod.crm.accounts skipped: prod.crm.accounts did not answer within 10 s. Raise "timeoutMs".',
    ]);
  });

  it('follows the severities', async () => {
    const { messages } = await findings([{ rows: [{ row_count: 2, key_count: 2, distinct_keys: 1 }] }], { severities: { DG605: 'error' } });
    expect(messages[0]).toMatch(/^error DG605/);
    expect((await findings([{ rows: [{ row_count: 2, key_count: 2, distinct_keys: 1 }] }], { severities: { DG605: 'off' } })).diagnostics).toEqual([]);
  });

  it('dataUnavailable: one DG607 on the data_graph keyword', async () => {
    const model = await modelOf(GRAPH);
    const [d, ...rest] = dataUnavailable(model, { reason: 'no connection.', hint: 'Add one.' });
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'DG607', severity: 'info', span: { start: 0, end: 10 }, message: 'Data checks (DG605, DG606) skipped: no connection. Add one.' });
  });
});
