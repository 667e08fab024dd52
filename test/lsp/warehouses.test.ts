// Issue 5 through the stdio server for the catalog sources test/lsp/catalog.test.ts does not drive: a
// dbt catalog.json (partial: it lists only dbt's relations) and a live PostgreSQL (a throw-away cluster
// from test/support/postgres.ts, read through a read-only role). Table and column completion, hover,
// DG600–DG604 as each source allows them, one DG607 for each way loading fails (never showing a
// secret), and dg/refreshCatalog; and, from an embedded DuckDB warehouse, the identity types and trait
// names sampled from its Profiles Sync tables. No sleeps: every wait is for a condition.
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import {
  CompletionItemKind,
  DiagnosticSeverity,
  type CompletionItem,
  type CompletionList,
  type MarkupContent,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { markers } from '../support/fixture';
import { offsetAt, positionAt, type LspClient } from '../support/lspClient';
import { codes, has, lspProjects, RefreshCatalog } from '../support/lspProject';
import { usePostgres, type PgServer } from '../support/postgres';
import { repoRoot } from '../support/wasm';

const lsp = lspProjects('dg-lsp-warehouses-');

const { Module, Folder, Struct, Interface, Field } = CompletionItemKind;
const { Error: E, Warning: W } = DiagnosticSeverity;

/** `text` with `from` (which must occur exactly once) replaced by `to`. */
function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`"${from}" must occur once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** `text` after each `[from, to]` edit in turn. */
const edited = (text: string, edits: readonly (readonly [string, string])[]): string => edits.reduce((t, [from, to]) => edit(t, from, to), text);

/**
 * One open document whose whole text each step replaces (a new version), with completion and hover at
 * the `$0` of the new text.
 */
class Editor {
  private version = 1;
  private text = '';

  private constructor(
    readonly client: LspClient,
    readonly uri: string,
  ) {}

  static async open(client: LspClient, uri: string, text: string): Promise<Editor> {
    await client.open(uri, text);
    return new Editor(client, uri);
  }

  /** Completion at `$0`, each item with the source text it replaces. */
  async complete(source: string): Promise<(CompletionItem & { replaced: string })[]> {
    const offset = await this.set(source);
    const list = (await this.client.completion(this.uri, positionAt(this.text, offset))) as CompletionList;
    return list.items.map((item) => {
      const edit = item.textEdit!;
      const range = 'range' in edit ? edit.range : edit.replace;
      return { ...item, replaced: this.text.slice(offsetAt(this.text, range.start), offsetAt(this.text, range.end)) };
    });
  }

  /** The hover's markdown at `$0`. */
  async hover(source: string): Promise<string> {
    const offset = await this.set(source);
    const hover = await this.client.hover(this.uri, positionAt(this.text, offset));
    return (hover?.contents as MarkupContent | undefined)?.value ?? '';
  }

  private async set(source: string): Promise<number> {
    const { text, offset } = markers(source);
    this.text = text;
    await this.client.change(this.uri, ++this.version, [{ text }]);
    return offset;
  }
}

/**
 * The diagnostics of `uri` once its project's catalog settled in `state` (`dg/status`) and the document
 * was checked against it: the status comes with (or after) that check's publication, and the round trip
 * makes sure the publication arrived.
 */
async function settled(client: LspClient, uri: string, state: 'loaded' | 'unavailable' = 'loaded'): Promise<PublishDiagnosticsParams> {
  await client.waitForStatus(uri, (s) => s.catalog.state === state);
  await client.roundTrip();
  return client.published.filter((p) => p.uri === uri).at(-1)!;
}

/** A publication as `[code, severity, the text it underlines, message]`, in document order. */
function described(text: string, published: PublishDiagnosticsParams): [unknown, unknown, string, unknown][] {
  return published.diagnostics.map((d) => [d.code, d.severity, text.slice(offsetAt(text, d.range.start), offsetAt(text, d.range.end)), d.message]);
}

/** A diagnostics case: the graph edited by `edits` (`[from, to]`), and what the server publishes for it. */
interface DiagnosticsCase {
  name: string;
  edits: [string, string][];
  expected: [string, DiagnosticSeverity, string, string][];
}

/** Opens one document per case in `client` and checks each case's publication once the catalog is in. */
async function checkCases(client: LspClient, uri: (name: string) => string, graph: string, cases: readonly DiagnosticsCase[]): Promise<void> {
  const texts = cases.map((c) => edited(graph, c.edits));
  await Promise.all(cases.map((c, i) => client.open(uri(`case-${i}.dg`), texts[i]!)));
  for (const [i, c] of cases.entries()) {
    const published = await settled(client, uri(`case-${i}.dg`));
    expect(described(texts[i]!, published), c.name).toEqual(c.expected);
  }
}

// --- dbt --------------------------------------------------------------------------------------------------

const DBT_CATALOG = readFileSync(join(repoRoot, 'test', 'fixtures', 'catalog', 'dbt-catalog.json'), 'utf8');

/**
 * Over the dbt fixture (a Snowflake project: names stored in upper case, which Snowflake matches with
 * unquoted lower-case names): valid, so no diagnostics once the catalog is in.
 */
const DBT_GRAPH = `data_graph {
  entity "account" {
    name        = "Account"
    table_ref   = "analytics.marts.dim_accounts"
    primary_key = "account_id"
  }
  entity "order" {
    name        = "Order"
    table_ref   = "analytics.marts.fct_orders"
    primary_key = "order_id"
  }
  profile {
    profile_folder = "raw.segment_profiles"
    type           = "segment:materialized"
    relationship "accounts" {
      name           = "Accounts"
      related_entity = "account"
      external_id {
        type     = "email"
        join_key = "email"
      }
      relationship "orders" {
        name           = "Orders"
        related_entity = "order"
        join_on        = "account.account_id = order.account_id"
      }
    }
  }
}
`;

/** A dbt project: dg.config.json names target/catalog.json (and the warehouse's dialect, which dbt does not record). */
const dbtProject = (catalog = DBT_CATALOG, dialect = 'snowflake') =>
  lsp.project({ catalog: 'target/catalog.json', dialect }, { 'target/catalog.json': catalog });

const DBT_ORIGIN = 'dbt catalog target/catalog.json';

describe('a dbt catalog through the language server', () => {
  it('completes table_ref part by part, columns with their types (primary_key, join_key, join_on after "slug."), and hovers them', async () => {
    const { dir, uri } = dbtProject();
    const client = await lsp.start(dir);
    const editor = await Editor.open(client, uri('complete.dg'), DBT_GRAPH);
    expect(codes(await settled(client, editor.uri))).toEqual([]);

    const accounts = 'analytics.marts.dim_accounts';
    const orders = 'analytics.marts.fct_orders';
    const accountColumns: [string, string, CompletionItemKind][] = [
      ['ACCOUNT_ID', `NUMBER · ${accounts}`, Field],
      ['ACCOUNT_NAME', `TEXT · ${accounts}`, Field],
      ['EMAIL', `TEXT · ${accounts}`, Field],
      ['CREATED_AT', `TIMESTAMP_NTZ · ${accounts}`, Field],
    ];
    const cases: { at: string; source: string; items: [string, string, CompletionItemKind][]; replaced: string }[] = [
      {
        at: 'table_ref, database',
        source: edit(DBT_GRAPH, `"${accounts}"`, '"ana$0lytics.marts.dim_accounts"'),
        items: [['ANALYTICS', 'database · 2 schemas', Module], ['RAW', 'database · 2 schemas', Module]],
        replaced: 'analytics',
      },
      {
        at: 'table_ref, schema',
        source: edit(DBT_GRAPH, `"${accounts}"`, '"analytics.$0marts.dim_accounts"'),
        items: [['MARTS', 'schema · 3 tables', Folder], ['SEEDS', 'schema · 1 table', Folder]],
        replaced: 'marts',
      },
      {
        at: 'table_ref, table (views marked)',
        source: edit(DBT_GRAPH, `"${accounts}"`, '"analytics.marts.dim_$0accounts"'),
        items: [
          ['DIM_ACCOUNTS', 'table · 4 columns', Struct],
          ['FCT_ORDERS', 'view · 4 columns', Interface],
          ['MV_DAILY_REVENUE', 'materialized view · 2 columns', Interface],
        ],
        replaced: 'dim_accounts',
      },
      {
        at: 'primary_key',
        source: edit(DBT_GRAPH, 'primary_key = "account_id"', 'primary_key = "acc$0"'),
        items: accountColumns,
        replaced: 'acc',
      },
      {
        at: 'join_key',
        source: edit(DBT_GRAPH, 'join_key = "email"', 'join_key = "$0"'),
        items: accountColumns,
        replaced: '',
      },
      {
        at: 'join_on, after "order."',
        source: edit(DBT_GRAPH, '= order.account_id"', '= order.$0"'),
        items: [
          ['ORDER_ID', `NUMBER · ${orders}`, Field],
          ['ACCOUNT_ID', `NUMBER · ${orders}`, Field],
          ['ACCOUNT_EMAIL', `TEXT · ${orders}`, Field],
          ['AMOUNT', `NUMBER · ${orders}`, Field],
        ],
        replaced: '',
      },
    ];
    for (const c of cases) {
      const items = await editor.complete(c.source);
      expect(items.map((i) => [i.label, i.detail, i.kind]), c.at).toEqual(c.items);
      expect(new Set(items.map((i) => i.replaced)), c.at).toEqual(new Set([c.replaced]));
    }

    const hovers: { on: string; source: string; shows: string[] }[] = [
      {
        on: 'a primary_key',
        source: edit(DBT_GRAPH, 'primary_key = "account_id"', 'primary_key = "acc$0ount_id"'),
        shows: ['`NUMBER` (stored as `ACCOUNT_ID`)\n\nPrimary key.'],
      },
      {
        on: 'a column in join_on',
        source: edit(DBT_GRAPH, '= order.account_id"', '= order.account_$0id"'),
        shows: ['`NUMBER` (stored as `ACCOUNT_ID`)'],
      },
      {
        on: 'a table_ref',
        source: edit(DBT_GRAPH, `"${accounts}"`, '"analytics.ma$0rts.dim_accounts"'),
        shows: [
          '**table** `ANALYTICS.MARTS.DIM_ACCOUNTS` — One row per account.\n\n| column | type | null |\n|---|---|---|\n' +
            '| `ACCOUNT_ID` | `NUMBER` |  |\n| `ACCOUNT_NAME` | `TEXT` |  |\n| `EMAIL` | `TEXT` |  |\n| `CREATED_AT` | `TIMESTAMP_NTZ` |  |',
          `From ${DBT_ORIGIN}.`,
        ],
      },
    ];
    for (const h of hovers) {
      const markdown = await editor.hover(h.source);
      for (const shown of h.shows) expect(markdown, h.on).toContain(shown);
    }
  });

  it('reports what a partial catalog can know: DG601 on tables it lists, DG600 only for a likely typo (a warning), DG602, DG604', async () => {
    const { dir, uri } = dbtProject();
    const client = await lsp.start(dir);
    const partial = `(${DBT_ORIGIN} lists only some tables)`;
    await checkCases(client, uri, DBT_GRAPH, [
      { name: 'valid', edits: [], expected: [] },
      {
        name: 'an unknown column of a listed table',
        edits: [['primary_key = "account_id"', 'primary_key = "acount_id"']],
        expected: [['DG601', E, 'acount_id', 'column "acount_id" not found in ANALYTICS.MARTS.DIM_ACCOUNTS; did you mean "ACCOUNT_ID"?']],
      },
      {
        name: 'a table in a schema the catalog does not list (its columns are not checked either)',
        edits: [['"analytics.marts.fct_orders"', '"analytics.staging.stg_orders"'], ['"order_id"', '"nope"']],
        expected: [],
      },
      {
        name: 'a table of a listed schema, with no near name',
        edits: [['"analytics.marts.fct_orders"', '"analytics.marts.web_sessions"']],
        expected: [],
      },
      {
        name: 'a likely typo',
        edits: [['"analytics.marts.fct_orders"', '"analytics.marts.fct_order"']],
        expected: [
          [
            'DG600',
            W,
            'analytics.marts.fct_order',
            `table_ref "analytics.marts.fct_order" not found: schema "ANALYTICS.MARTS" has no table or view "fct_order" ${partial}; did you mean "ANALYTICS.MARTS.FCT_ORDERS"?`,
          ],
        ],
      },
      {
        name: 'a join of a number with text',
        edits: [['"account.account_id = order.account_id"', '"account.account_id = order.account_email"']],
        expected: [
          [
            'DG602',
            W,
            'account.account_id = order.account_email',
            'join_on compares account.account_id (NUMBER, a number) with order.account_email (TEXT, text): the types are incompatible, so the join matches no rows (or fails)',
          ],
        ],
      },
      {
        name: 'a profile_folder the catalog lists, without Profiles Sync tables',
        edits: [['"raw.segment_profiles"', '"analytics.marts"']],
        expected: [
          [
            'DG604',
            W,
            'analytics.marts',
            'profile_folder "analytics.marts" should hold the Profiles Sync tables "segment:materialized" reads (user_identifiers, user_traits, profile_merges), ' +
              'but schema "ANALYTICS.MARTS" holds none of them; "RAW.SEGMENT_PROFILES" does',
          ],
        ],
      },
      { name: 'a profile_folder the catalog does not list', edits: [['"raw.segment_profiles"', '"raw.segment"']], expected: [] },
    ]);
  });

  it('reads names with the dialect dg.config.json gives (a dbt catalog does not say)', async () => {
    // Every name as stored but one table: Snowflake folds the unquoted "dim_accounts" to DIM_ACCOUNTS,
    // BigQuery's table names are case-sensitive.
    const graph = edited(DBT_GRAPH, [
      ['"analytics.marts.dim_accounts"', '"ANALYTICS.MARTS.dim_accounts"'],
      ['"analytics.marts.fct_orders"', '"ANALYTICS.MARTS.FCT_ORDERS"'],
      ['"raw.segment_profiles"', '"RAW.SEGMENT_PROFILES"'],
    ]);
    const cases = [
      { dialect: 'snowflake', expected: [] },
      {
        dialect: 'bigquery',
        expected: [['DG603', W, 'dim_accounts', 'table "dim_accounts" differs from the warehouse\'s "DIM_ACCOUNTS" only by case; BigQuery table names are case-sensitive']],
      },
    ];
    for (const c of cases) {
      const { dir, uri } = dbtProject(DBT_CATALOG, c.dialect);
      const client = await lsp.start(dir);
      await client.open(uri('dialect.dg'), graph);
      expect(described(graph, await settled(client, uri('dialect.dg'))), c.dialect).toEqual(c.expected);
    }
  });

  it('a malformed catalog.json gives one DG607 saying what is wrong and what to do, and every other diagnostic stays', async () => {
    const broken = edit(DBT_GRAPH, '"segment:materialized"', 'segment:materialized');
    const catalog = JSON.parse(DBT_CATALOG);
    delete catalog.nodes['model.retail.fct_orders'].metadata.name;
    const cases: { name: string; text: string; message: string | RegExp }[] = [
      {
        name: 'cut short',
        text: DBT_CATALOG.slice(0, 200),
        // (what is wrong there in V8's words)
        message: /^target\/catalog\.json is not valid JSON at line 6, column 28: \w.*\. Fix the file, or write it again \(`dg catalog pull`, `dbt docs generate`\)\.$/,
      },
      {
        name: 'a node without a name',
        text: JSON.stringify(catalog),
        message: 'target/catalog.json: nodes["model.retail.fct_orders"].metadata.name must be a string (found nothing). Regenerate it with `dbt docs generate`.',
      },
    ];
    for (const c of cases) {
      const { dir, uri } = dbtProject(c.text);
      const client = await lsp.start(dir);
      const document = uri('broken.dg');
      await client.open(document, broken);
      const published = await settled(client, document, 'unavailable');
      expect(codes(published).sort(), c.name).toEqual(['DG004', 'DG607']);
      const dg607 = published.diagnostics.find((d) => d.code === 'DG607')!;
      const reason = String(dg607.message).replace(/^Warehouse checks \(DG600–DG604\) skipped: /, '');
      if (typeof c.message === 'string') expect(reason, c.name).toBe(c.message);
      else expect(reason, c.name).toMatch(c.message);
      expect(dg607.severity).toBe(DiagnosticSeverity.Information);
    }
  });
});

// --- Postgres --------------------------------------------------------------------------------------------

const READER = { user: 'dg_lsp_reader', password: 'lsp-Reader-Secret-731' };
const WRONG_PASSWORD = 'not-the-Secret-913';

/**
 * `shop`: customers and orders (and a view) in crm; "Mixed"."Orders" with a quoted, mixed-case name;
 * the Profiles Sync tables in segment_profiles (last by name, first for profile_folder); an empty
 * staging schema (dg/refreshCatalog creates a table there); secret_stuff, which the reader may not use.
 */
const SETUP = `
CREATE ROLE ${READER.user} LOGIN PASSWORD '${READER.password}';
CREATE DATABASE shop;
\\connect shop
CREATE SCHEMA crm;
CREATE TABLE crm.customers (id integer PRIMARY KEY, email varchar(255) NOT NULL, created_at timestamptz);
CREATE TABLE crm.orders (order_id bigint PRIMARY KEY, customer_id integer, customer_email text);
CREATE VIEW crm.active_customers AS SELECT id, email FROM crm.customers;
CREATE SCHEMA "Mixed";
CREATE TABLE "Mixed"."Orders" ("OrderId" bigint NOT NULL, customer_id integer);
CREATE SCHEMA segment_profiles;
CREATE TABLE segment_profiles.user_identifiers (canonical_segment_id text NOT NULL, type text, value text, seq bigint, received_at timestamp, uuid_ts timestamp, "timestamp" timestamp);
CREATE TABLE segment_profiles.user_traits (canonical_segment_id text NOT NULL, name text, value text, seq bigint, received_at timestamp, uuid_ts timestamp, "timestamp" timestamp);
CREATE TABLE segment_profiles.profile_merges (canonical_segment_id text NOT NULL, segment_id text, seq bigint, received_at timestamp, uuid_ts timestamp, "timestamp" timestamp);
CREATE SCHEMA staging;
CREATE SCHEMA secret_stuff;
CREATE TABLE secret_stuff.hidden (x integer);
GRANT USAGE ON SCHEMA crm, "Mixed", segment_profiles, staging TO ${READER.user};
GRANT SELECT ON ALL TABLES IN SCHEMA crm, "Mixed", segment_profiles TO ${READER.user};
`;

const postgres = usePostgres(SETUP, 'the language-server tests against PostgreSQL');
const needServer = (context: TestContext): PgServer => postgres.need(context);

const PG_ORIGIN = 'Postgres (env:DG_TEST_PG_URL)';

/** A Postgres project: the URL comes from the server's environment (DG_TEST_PG_URL), never from the file. */
function pgProject(timeoutMs = 5_000) {
  return lsp.project({ warehouse: { type: 'postgres', url: 'env:DG_TEST_PG_URL' }, timeoutMs });
}

/** A server for `dir` whose environment holds `url` as DG_TEST_PG_URL. */
const startWithUrl = (dir: string, url: string) => lsp.start(dir, { env: { DG_TEST_PG_URL: url } });

/** Everything the server sent (publications, log messages, dg/status, progress, stderr) and `more`, holds none of `secrets`. */
function expectNoSecret(client: LspClient, secrets: string[], more: unknown[] = []): void {
  const sent = JSON.stringify([client.published, client.logs, client.statuses, client.progress, more]) + client.stderr;
  expect(sent.length).toBeGreaterThan(100);
  for (const secret of secrets) expect(sent).not.toContain(secret);
}

/** Valid against `shop`: no diagnostics once the catalog is in. */
const PG_GRAPH = `data_graph {
  entity "customer" {
    name        = "Customer"
    table_ref   = "shop.crm.customers"
    primary_key = "id"
  }
  entity "order" {
    name        = "Order"
    table_ref   = "shop.crm.orders"
    primary_key = "order_id"
  }
  profile {
    profile_folder = "shop.segment_profiles"
    type           = "segment:materialized"
    relationship "customers" {
      name           = "Customers"
      related_entity = "customer"
      external_id {
        type     = "email"
        join_key = "email"
      }
      relationship "orders" {
        name           = "Orders"
        related_entity = "order"
        join_on        = "customer.id = order.customer_id"
      }
    }
  }
}
`;

describe('a live PostgreSQL through the language server', () => {
  it('completes tables part by part (views marked), profile_folder (Profiles Sync first), columns with types, and hovers them', async (context) => {
    const s = needServer(context);
    const { dir, uri } = pgProject();
    const client = await startWithUrl(dir, s.url('shop', READER));
    const editor = await Editor.open(client, uri('complete.dg'), PG_GRAPH);
    expect(codes(await settled(client, editor.uri))).toEqual([]);

    const customers = 'shop.crm.customers';
    const sync: [string, string, CompletionItemKind] = ['segment_profiles', 'Profiles Sync · user_identifiers, user_traits, profile_merges', Folder];
    const cases: { at: string; source: string; items: [string, string, CompletionItemKind][]; replaced: string }[] = [
      {
        at: 'table_ref, database',
        source: edit(PG_GRAPH, `"${customers}"`, '"$0shop.crm.customers"'),
        items: [['shop', 'database · 5 schemas', Module]],
        replaced: 'shop',
      },
      {
        at: 'table_ref, schema',
        source: edit(PG_GRAPH, `"${customers}"`, '"shop.c$0rm.customers"'),
        items: [
          ['Mixed', 'schema · 1 table', Folder],
          ['crm', 'schema · 3 tables', Folder],
          ['public', 'schema · 0 tables', Folder],
          ['segment_profiles', 'schema · 3 tables', Folder],
          ['staging', 'schema · 0 tables', Folder],
        ],
        replaced: 'crm',
      },
      {
        at: 'table_ref, table',
        source: edit(PG_GRAPH, `"${customers}"`, '"shop.crm.$0customers"'),
        items: [
          ['active_customers', 'view · 2 columns', Interface],
          ['customers', 'table · 3 columns', Struct],
          ['orders', 'table · 3 columns', Struct],
        ],
        replaced: 'customers',
      },
      {
        at: 'profile_folder, first part',
        source: edit(PG_GRAPH, '"shop.segment_profiles"', '"$0"'),
        items: [['shop.segment_profiles', sync[1], Folder], ['shop', 'database · 5 schemas', Module]],
        replaced: '',
      },
      {
        at: 'profile_folder, schema',
        source: edit(PG_GRAPH, '"shop.segment_profiles"', '"shop.$0segment_profiles"'),
        items: [
          sync,
          ['Mixed', 'schema · 1 table', Folder],
          ['crm', 'schema · 3 tables', Folder],
          ['public', 'schema · 0 tables', Folder],
          ['staging', 'schema · 0 tables', Folder],
        ],
        replaced: 'segment_profiles',
      },
      {
        at: 'primary_key',
        source: edit(PG_GRAPH, 'primary_key = "id"', 'primary_key = "$0"'),
        items: [
          ['id', `integer · not null · ${customers}`, Field],
          ['email', `character varying · not null · ${customers}`, Field],
          ['created_at', `timestamp with time zone · ${customers}`, Field],
        ],
        replaced: '',
      },
      {
        at: 'join_on, after "order."',
        source: edit(PG_GRAPH, '= order.customer_id"', '= order.$0"'),
        items: [
          ['order_id', 'bigint · not null · shop.crm.orders', Field],
          ['customer_id', 'integer · shop.crm.orders', Field],
          ['customer_email', 'text · shop.crm.orders', Field],
        ],
        replaced: '',
      },
    ];
    for (const c of cases) {
      const items = await editor.complete(c.source);
      expect(items.map((i) => [i.label, i.detail, i.kind]), c.at).toEqual(c.items);
      expect(new Set(items.map((i) => i.replaced)), c.at).toEqual(new Set([c.replaced]));
    }

    const hovers: { on: string; source: string; shows: string[] }[] = [
      { on: 'a not-null column', source: edit(PG_GRAPH, 'primary_key = "id"', 'primary_key = "i$0d"'), shows: ['`integer` · not null'] },
      { on: 'a nullable column in join_on', source: edit(PG_GRAPH, '= order.customer_id"', '= order.customer_$0id"'), shows: ['`integer` · nullable'] },
      {
        on: 'a table_ref',
        source: edit(PG_GRAPH, `"${customers}"`, '"shop.crm.cust$0omers"'),
        shows: [
          '**table** `shop.crm.customers`\n\n| column | type | null |\n|---|---|---|\n| `id` | `integer` | not null |\n' +
            '| `email` | `character varying` | not null |\n| `created_at` | `timestamp with time zone` | nullable |',
          'From Postgres (env:DG\\_TEST\\_PG\\_URL).', // (Markdown: the underscores escaped)
        ],
      },
    ];
    for (const h of hovers) {
      const markdown = await editor.hover(h.source);
      for (const shown of h.shows) expect(markdown, h.on).toContain(shown);
    }
    expectNoSecret(client, [READER.password, s.password]);
  });

  it('reports DG600, DG601, DG602, DG603 (Postgres folds unquoted names to lower case) and DG604', async (context) => {
    const s = needServer(context);
    const { dir, uri } = pgProject();
    const client = await startWithUrl(dir, s.url('shop', READER));
    const lowerCase = (level: string, written: string, stored: string) =>
      `${level} "${written}" differs from the warehouse's "${stored}" only by case; Postgres reads an unquoted ${level} name in lower case ("${written}")`;
    await checkCases(client, uri, PG_GRAPH, [
      { name: 'valid', edits: [], expected: [] },
      {
        name: 'an unknown table, with the nearest',
        edits: [['"shop.crm.customers"', '"shop.crm.custmers"']],
        expected: [['DG600', E, 'shop.crm.custmers', 'table_ref "shop.crm.custmers" not found: schema "shop.crm" has no table or view "custmers"; did you mean "shop.crm.customers"?']],
      },
      {
        name: 'a table in a schema the read-only role may not use',
        edits: [['"shop.crm.orders"', '"shop.secret_stuff.hidden"']],
        expected: [['DG600', E, 'shop.secret_stuff.hidden', 'table_ref "shop.secret_stuff.hidden" not found: database "shop" has no schema "secret_stuff"']],
      },
      {
        name: 'an unknown column, with the nearest',
        edits: [['join_key = "email"', 'join_key = "emal"']],
        expected: [['DG601', E, 'emal', 'column "emal" not found in shop.crm.customers; did you mean "email"?']],
      },
      {
        name: 'a join of text with a number',
        edits: [['"customer.id = order.customer_id"', '"customer.email = order.customer_id"']],
        expected: [
          [
            'DG602',
            W,
            'customer.email = order.customer_id',
            'join_on compares customer.email (character varying, text) with order.customer_id (integer, a number): the types are incompatible, so the join matches no rows (or fails)',
          ],
        ],
      },
      {
        name: '"Mixed"."Orders" and "OrderId" written unquoted',
        edits: [['"shop.crm.orders"', '"shop.mixed.orders"'], ['"order_id"', '"orderid"']],
        expected: [
          ['DG603', W, 'mixed', lowerCase('schema', 'mixed', 'Mixed')],
          ['DG603', W, 'orders', lowerCase('table', 'orders', 'Orders')],
          ['DG603', W, 'orderid', 'column "orderid" differs from "OrderId" of shop.Mixed.Orders only by case; Postgres reads an unquoted column name in lower case ("orderid")'],
        ],
      },
      {
        name: 'a profile_folder without Profiles Sync tables',
        edits: [['"shop.segment_profiles"', '"shop.crm"']],
        expected: [
          [
            'DG604',
            W,
            'shop.crm',
            'profile_folder "shop.crm" should hold the Profiles Sync tables "segment:materialized" reads (user_identifiers, user_traits, profile_merges), ' +
              'but schema "shop.crm" holds none of them; "shop.segment_profiles" does',
          ],
        ],
      },
    ]);
    expectNoSecret(client, [READER.password, s.password]);
  });

  it('dg/refreshCatalog reads the warehouse again: a table created since completes, and its DG600 goes', async (context) => {
    const s = needServer(context);
    const { dir, uri } = pgProject();
    const client = await startWithUrl(dir, s.url('shop', READER));
    const graph = edited(PG_GRAPH, [['"shop.crm.orders"', '"shop.staging.carts"'], ['"order_id"', '"cart_id"']]);
    const editor = await Editor.open(client, uri('refresh.dg'), graph);
    expect(described(graph, await settled(client, editor.uri))).toEqual([
      ['DG600', E, 'shop.staging.carts', 'table_ref "shop.staging.carts" not found: schema "shop.staging" has no table or view "carts"'],
    ]);
    const tables = edit(graph, '"shop.staging.carts"', '"shop.staging.$0carts"');
    expect(await editor.complete(tables)).toEqual([]);

    await s.psql('shop', `CREATE TABLE staging.carts (cart_id integer PRIMARY KEY, customer_id integer);\nGRANT SELECT ON staging.carts TO ${READER.user};`);
    try {
      const since = client.mark();
      const result = await client.request(RefreshCatalog, { uri: editor.uri });
      expect(result).toEqual({ catalogs: [{ config: join(dir, 'dg.config.json'), origin: PG_ORIGIN, tables: 8, columns: 32, problems: [] }] });
      // The refresh re-checks the document (its current version, the one with the cursor's text).
      expect(codes(await client.waitForDiagnostics(editor.uri, (p) => !has('DG600')(p), { since }))).toEqual([]);
      expect((await editor.complete(tables)).map((i) => [i.label, i.detail])).toEqual([['carts', 'table · 2 columns']]);
      expectNoSecret(client, [READER.password, s.password], [result]);
    } finally {
      await s.psql('shop', 'DROP TABLE staging.carts;');
    }
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A server that accepts connections and never answers; `close` ends it. */
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const silent: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.resume();
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  return {
    port: (silent.address() as { port: number }).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    },
  };
}

describe('Postgres faults through the language server: one DG607 within timeoutMs, no secret anywhere', () => {
  const timeoutMs = 2_000;
  const faults: {
    fault: string;
    /** The URL the server gets, and what to do afterwards (it skips the test when it needs a PostgreSQL there is not). */
    endpoint: (context: TestContext) => Promise<{ url: string; close?: () => Promise<void> }>;
    reason: (url: string) => RegExp | string;
  }[] = [
    {
      fault: 'a wrong password',
      endpoint: async (context) => ({ url: needServer(context).url('shop', { user: READER.user, password: WRONG_PASSWORD }) }),
      reason: () =>
        `${PG_ORIGIN} refused the credentials: password authentication failed for user "${READER.user}". Check the user and password in DG_TEST_PG_URL.`,
    },
    {
      fault: 'a closed port',
      endpoint: async () => ({ url: `postgres://${READER.user}:${WRONG_PASSWORD}@127.0.0.1:${await closedPort()}/shop` }),
      reason: (url) =>
        `${PG_ORIGIN} refused the connection at 127.0.0.1:${new URL(url).port}: no server is listening there. ` +
        'Check that the server is running, and the host and port in DG_TEST_PG_URL.',
    },
    {
      fault: 'a server that never answers',
      endpoint: async () => {
        const silent = await silentServer();
        return { url: `postgres://${READER.user}:${WRONG_PASSWORD}@127.0.0.1:${silent.port}/shop`, close: silent.close };
      },
      reason: (url) => new RegExp(`^${PG_ORIGIN.replace(/[()]/g, '\\$&')} did not (answer|accept the connection at 127\\.0\\.0\\.1:${new URL(url).port}) within 2 s\\. `),
    },
  ];

  for (const f of faults) {
    it(f.fault, async (context) => {
      const { url, close } = await f.endpoint(context);
      try {
        const { dir, uri } = pgProject(timeoutMs);
        const client = await startWithUrl(dir, url);
        const document = uri('fault.dg');
        const broken = edit(PG_GRAPH, '"segment:materialized"', 'segment:materialized');
        await client.open(document, broken);
        // Never a hang: the wait gives up a few seconds past timeoutMs (the reason says which limit hit).
        const published = await client.waitForDiagnostics(document, has('DG607'), { timeoutMs: timeoutMs + 3_000 });
        // The document's own diagnostics stay; one DG607 says why the warehouse checks were skipped.
        expect(codes(published).sort()).toEqual(['DG004', 'DG607']);
        const message = String(published.diagnostics.find((d) => d.code === 'DG607')!.message);
        const reason = f.reason(url);
        if (typeof reason === 'string') expect(message).toBe(`Warehouse checks (DG600–DG604) skipped: ${reason}`);
        else expect(message.replace('Warehouse checks (DG600–DG604) skipped: ', '')).toMatch(reason);
        const status = await client.waitForStatus(document, (st) => st.catalog.state === 'unavailable');
        expect(status.catalog.detail).toContain(PG_ORIGIN);
        // Loaded once, failed once: one log line, no retry on the next edit.
        await client.change(document, 2, [{ text: PG_GRAPH }]);
        expect(codes(await client.diagnosticsOf(document, 2))).toEqual(['DG607']);
        expect(client.logs.filter((l) => l.message.includes(PG_ORIGIN)).length).toBe(1);
        expectNoSecret(client, [WRONG_PASSWORD, url]);
      } finally {
        await close?.();
      }
    });
  }
});

describe('an embedded DuckDB warehouse (examples/retail) through the language server', () => {
  const retail = join(repoRoot, 'examples', 'retail');
  const GRAPH = readFileSync(join(retail, 'retail.dg'), 'utf8');

  it('completes the identity types and trait names its Profiles Sync tables hold, and hovers where they were seen', async () => {
    const { dir, uri } = lsp.project(JSON.parse(readFileSync(join(retail, 'dg.config.json'), 'utf8')), {
      'warehouse.sql': readFileSync(join(retail, 'warehouse.sql'), 'utf8'),
    });
    const client = await lsp.start(dir);
    const editor = await Editor.open(client, uri('retail.dg'), GRAPH);
    expect(codes(await settled(client, editor.uri))).toEqual([]);
    // The samples are read after the catalog is in use.
    await client.waitForStatus(editor.uri, (s) => s.catalog.detail?.endsWith(' tables, profiles sampled') === true);

    const traits = await editor.complete(edit(GRAPH, 'name     = "loyalty_id"', 'name     = "$0loyalty_id"'));
    expect(traits.map((i) => [i.label, i.detail, i.replaced])).toEqual([
      ['first_name', '2 rows in user_traits.name', 'loyalty_id'],
      ['loyalty_id', '2 rows in user_traits.name', 'loyalty_id'],
      ['plan', '1 row in user_traits.name', 'loyalty_id'],
    ]);
    const types = await editor.complete(edit(GRAPH, 'type     = "user_id"', 'type     = "$0"'));
    expect(types.slice(0, 4).map((i) => [i.label, i.detail])).toEqual([
      ['user_id', '3 rows in user_identifiers.type'],
      ['email', '2 rows in user_identifiers.type'],
      ['anonymous_id', '1 row in user_identifiers.type'],
      ['phone', undefined],
    ]);
    const hover = await editor.hover(edit(GRAPH, 'name     = "loyalty_id"', 'name     = "loy$0alty_id"'));
    expect(hover).toContain('Found in 2 rows of `retail.segment_profiles.user_traits.name` (a sample of at most 100,000 rows).');
  });
});
