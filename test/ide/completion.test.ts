import { describe, expect, test } from 'vitest';
import { analyze } from '../../server/src/checks/analyze';
import { graphColumnSource, type ColumnSource } from '../../server/src/ide/columns';
import { complete, TRIGGER_CHARACTERS, type CompletionItem, type CompletionKind } from '../../server/src/ide/completion';
import { SyntaxDocument } from '../../server/src/syntax/document';
import { generateGraph } from '../bench/generate-graph';
import { fixture, textOf } from '../support/fixture';
import { wasmParser } from '../support/wasm';

/**
 * What completion at `$0` must return. A bare list is the exact labels, in order; an object checks
 * only what it names.
 */
type Expectation =
  | string[]
  | {
      /** Exactly these labels, in this order. */
      labels?: string[];
      /** These labels, in this relative order, among others. */
      includes?: string[];
      excludes?: string[];
      /** The source text every item replaces (the word under the cursor). */
      replaced?: string;
      /** Label → the inserted text. */
      insert?: Record<string, string>;
      /** Label → detail. */
      detail?: Record<string, string | undefined>;
      /** Exactly these labels are marked deprecated. */
      deprecated?: string[];
      /** Every item is of this kind. */
      kind?: CompletionKind;
      /** Label → the whole text after accepting it (snippet tab stops empty, choices at their first option). */
      applied?: Record<string, string>;
      /** Column sources other than the graph's own, first. */
      sources?: ColumnSource[];
    };

async function check(source: string, expectation: Expectation): Promise<CompletionItem[]> {
  const { text, offset, analysis } = await fixture(source);
  const want = Array.isArray(expectation) ? { labels: expectation } : expectation;
  const items = complete(analysis.model, offset, {
    columns: [...(want.sources ?? []), graphColumnSource(analysis.model)],
  });
  const labels = items.map((i) => i.label);

  // Invariants of every answer: the replaced range holds the cursor, and the list is in sort order.
  for (const item of items) {
    expect(item.replace.start <= offset && offset <= item.replace.end, `${item.label} replaces around the cursor`).toBe(true);
  }
  const sorted = [...items].sort((a, b) => (a.sortText! < b.sortText! ? -1 : 1));
  expect(sorted.map((i) => i.label)).toEqual(labels);

  if (want.labels) expect(labels).toEqual(want.labels);
  if (want.includes) expect(labels.filter((l) => want.includes!.includes(l))).toEqual(want.includes);
  for (const label of want.excludes ?? []) expect(labels).not.toContain(label);
  if (want.replaced !== undefined) {
    for (const item of items) expect(textOf(text, item.replace), item.label).toBe(want.replaced);
    expect(items.length).toBeGreaterThan(0);
  }
  const byLabel = (label: string) => {
    const item = items.find((i) => i.label === label);
    expect(item, `an item ${label}`).toBeDefined();
    return item!;
  };
  for (const [label, insert] of Object.entries(want.insert ?? {})) expect(byLabel(label).insertText, label).toBe(insert);
  for (const [label, detail] of Object.entries(want.detail ?? {})) expect(byLabel(label).detail, label).toBe(detail);
  if (want.deprecated) expect(items.filter((i) => i.deprecated).map((i) => i.label)).toEqual(want.deprecated);
  if (want.kind) for (const item of items) expect(item.kind, item.label).toBe(want.kind);
  for (const [label, after] of Object.entries(want.applied ?? {})) {
    const item = byLabel(label);
    const inserted = item.isSnippet ? renderSnippet(item.insertText) : item.insertText;
    expect(text.slice(0, item.replace.start) + inserted + text.slice(item.replace.end), label).toBe(after);
  }
  return items;
}

/** A snippet as the editor first shows it: tab stops empty, choices at their first option. */
const renderSnippet = (snippet: string) =>
  snippet
    .replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1')
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/(?<!\\)\$\d+/g, '')
    .replace(/\\([$}\\])/g, '$1');

const ENTITIES = `
  entity "account" {
    name        = "Account"
    table_ref   = "PROD.CUST.ACCOUNT"
    primary_key = "id"
  }
  entity "cart" {
    name        = "Cart"
    description = "One row per cart."
    table_ref   = "PROD.CUST.CART"
    primary_key = "cart_id"
  }
  entity "product" {
    name        = "Product"
    table_ref   = "PROD.CUST.PRODUCT"
    primary_key = "sku"
  }`;

/** A graph whose profile holds `body` (a level-1 relationship to `account` is there for joins). */
const graph = (body: string, entities = ENTITIES) => `data_graph {${entities}
  profile {
    profile_folder = "PROD.segment"
    type           = "segment:materialized"
${body}
  }
}
`;

/** Level 2 (`cart` under `account`) holding `body`. */
const level2 = (body: string) =>
  graph(`    relationship "accounts" {
      name           = "Accounts"
      related_entity = "account"
      external_id {
        type     = "email"
        join_key = "email"
      }
      relationship "carts" {
        name           = "Carts"
        related_entity = "cart"
${body}
      }
    }`);

/** Level 3 (`product` under `cart` under `account`) holding `body`. */
const level3 = (body: string) =>
  level2(`        join_on        = "account.id = cart.account_id"
        relationship "products" {
          name           = "Products"
          related_entity = "product"
${body}
        }`);

describe('structure', () => {
  test('an empty file offers data_graph', async () => {
    await check('$0', {
      labels: ['data_graph'],
      kind: 'keyword',
      insert: { data_graph: 'data_graph {\n  $0\n}' },
    });
  });

  test('a half-typed data_graph at the top', async () => {
    await check('dat$0', { labels: ['data_graph'], replaced: 'dat' });
  });

  test('nothing at the top once a data_graph exists', async () => {
    await check('data_graph {\n}\n$0', []);
  });

  test('data_graph offers version, entity and profile', async () => {
    await check('data_graph {\n  $0\n}\n', ['version', 'entity', 'profile']);
  });

  test('data_graph leaves out what it has: version, the one profile', async () => {
    await check('data_graph {\n  version = "v1.0.0"\n  $0\n  profile {\n  }\n}\n', ['entity']);
  });

  test('the entity snippet lays out its required keys, indented from the cursor line', async () => {
    await check('data_graph {\n  $0\n}\n', {
      includes: ['entity'],
      insert: { entity: 'entity "$1" {\n    name = "$2"\n    table_ref = "$3"\n    primary_key = "$4"\n  }' },
      applied: {
        entity: 'data_graph {\n  entity "" {\n    name = ""\n    table_ref = ""\n    primary_key = ""\n  }\n}\n',
        profile: 'data_graph {\n  profile {\n    profile_folder = ""\n    type = ""\n    \n  }\n}\n',
      },
    });
  });

  test('snippets indent with tabs on a tab-indented line', async () => {
    await check('data_graph {\n\t$0\n}\n', {
      includes: ['entity'],
      insert: { entity: 'entity "$1" {\n\t\tname = "$2"\n\t\ttable_ref = "$3"\n\t\tprimary_key = "$4"\n\t}' },
    });
  });

  test('snippets indent by the step the file uses', async () => {
    await check('data_graph {\n    entity "a" {\n        name = "A"\n    }\n    $0\n}\n', {
      includes: ['entity'],
      insert: { entity: 'entity "$1" {\n        name = "$2"\n        table_ref = "$3"\n        primary_key = "$4"\n    }' },
    });
  });

  test('entity offers the keys it does not have yet, required first', async () => {
    await check('data_graph {\n  entity "a" {\n    name = "A"\n    $0\n  }\n}\n', {
      labels: ['table_ref', 'primary_key', 'description', 'enrichment_enabled'],
      kind: 'property',
      insert: { table_ref: 'table_ref = "$1"', enrichment_enabled: 'enrichment_enabled = ${1|true,false|}' },
      detail: { table_ref: 'string, required', enrichment_enabled: 'bool, optional' },
    });
  });

  test('attribute documentation comes from the schema', async () => {
    const items = await check('data_graph {\n  entity "a" {\n    $0\n  }\n}\n', {
      labels: ['name', 'table_ref', 'primary_key', 'description', 'enrichment_enabled'],
    });
    expect(items.find((i) => i.label === 'primary_key')!.documentation).toContain('unique per row');
  });

  test('profile offers its keys and relationship', async () => {
    await check('data_graph {\n  profile {\n    $0\n  }\n}\n', {
      labels: ['profile_folder', 'type', 'relationship'],
      insert: { relationship: 'relationship "$1" {\n      name = "$2"\n      related_entity = "$3"\n      $0\n    }' },
    });
  });

  test('a level-1 relationship offers external_id and trait', async () => {
    await check(graph('    relationship "r" {\n      $0\n    }'), {
      labels: ['name', 'related_entity', 'external_id', 'trait', 'description', 'relationship'],
      insert: {
        external_id: 'external_id {\n        type = "$1"\n        join_key = "$2"\n      }',
        trait: 'trait {\n        name = "$1"\n        join_key = "$2"\n      }',
      },
    });
  });

  test('a level-1 relationship with a link offers no other', async () => {
    await check(graph('    relationship "r" {\n      name = "R"\n      trait {\n        name = "x"\n        join_key = "y"\n      }\n      $0\n    }'), [
      'related_entity',
      'description',
      'relationship',
    ]);
  });

  test('a level-2 relationship offers join_on and junction_table', async () => {
    await check(level2('        $0'), {
      labels: ['join_on', 'junction_table', 'description', 'relationship'],
      insert: {
        join_on: 'join_on = "$1"',
        junction_table:
          'junction_table {\n          table_ref = "$1"\n          primary_key = "$2"\n          left_join_on = "$3"\n          right_join_on = "$4"\n        }',
      },
    });
  });

  test('a level-2 relationship with a join offers no other link', async () => {
    await check(level2('        join_on = "account.id = cart.account_id"\n        $0'), ['description', 'relationship']);
    await check(level2('        junction_table {\n        }\n        $0'), ['description', 'relationship']);
  });

  test('no nested relationship at the depth limit', async () => {
    // Levels 1 (accounts) … 5: the deepest allowed relationship level.
    let body = '$0';
    for (let level = 5; level >= 4; level--) {
      body = `relationship "r${level}" {\n  name = "x"\n  related_entity = "cart"\n  join_on = "cart.id = cart.parent_id"\n  ${body}\n}`;
    }
    await check(level3(body), { excludes: ['relationship'], includes: ['description'] });
    await check(level3('          $0'), { includes: ['description', 'relationship'] });
  });

  test('the relationship snippet names its level', async () => {
    await check(level2('        $0'), { detail: { relationship: 'relationship "<slug>" { name, related_entity } (level 3)' } });
  });

  test('external_id, trait and junction_table offer their keys', async () => {
    await check(graph('    relationship "r" {\n      external_id {\n        $0\n      }\n    }'), ['type', 'join_key']);
    await check(graph('    relationship "r" {\n      trait {\n        join_key = "id"\n        $0\n      }\n    }'), ['name']);
    await check(level2('        junction_table {\n          $0\n        }'), ['table_ref', 'primary_key', 'left_join_on', 'right_join_on']);
  });

  test('legacy block spellings read as the block they meant', async () => {
    await check(graph('    relationship "r" {\n      traits {\n        $0\n      }\n    }'), ['name', 'join_key']);
  });

  test('a key under the cursor that already has a value gets only its name', async () => {
    await check('data_graph {\n  entity "a" {\n    prim$0ary_key = "id"\n  }\n}\n', {
      includes: ['primary_key'],
      replaced: 'primary_key',
      insert: { primary_key: 'primary_key', name: 'name' },
    });
    await check('data_graph {\n  ent$0 "a" {\n  }\n}\n', { includes: ['entity'], insert: { entity: 'entity' } });
  });

  test('a key completed right after a block opens on the same line', async () => {
    await check(graph('    relationship "r" {\n      external_id { $0 }\n    }'), ['type', 'join_key']);
  });

  test('nothing in comments, labels, or after a complete value', async () => {
    await check('data_graph {\n  # entity $0\n}\n', []);
    await check('data_graph {\n  /* a\n  $0\n  */\n}\n', []);
    await check('data_graph {\n  entity "a$0" {\n  }\n}\n', []);
    await check('data_graph {\n  entity "a" {\n    name = "x" $0\n  }\n}\n', []);
    await check('data_graph {\n  entity "a" {\n    name $0\n  }\n}\n', []);
    await check('data_graph {\n  mystery {\n    $0\n  }\n}\n', []);
  });

  describe('broken text', () => {
    test('a half-typed key', async () => {
      await check('data_graph {\n  entity "a" {\n    name = "A"\n    prim$0\n  }\n}\n', {
        labels: ['table_ref', 'primary_key', 'description', 'enrichment_enabled'],
        replaced: 'prim',
        insert: { primary_key: 'primary_key = "$1"' },
        applied: { primary_key: 'data_graph {\n  entity "a" {\n    name = "A"\n    primary_key = ""\n  }\n}\n' },
      });
    });

    test('a fully typed lone key is still offered (to complete into key = "…")', async () => {
      await check('data_graph {\n  entity "a" {\n    name$0\n  }\n}\n', { includes: ['name'], replaced: 'name' });
    });

    test('a half-typed key at the end of the file, blocks unclosed', async () => {
      await check('data_graph {\n  entity "a" {\n    prim$0', { includes: ['primary_key'], replaced: 'prim' });
    });

    test('a half-typed block keyword', async () => {
      await check('data_graph {\n  ent$0\n  profile {\n  }\n}\n', { labels: ['version', 'entity'], replaced: 'ent' });
      await check(graph('    relationship "r" {\n      ext$0\n    }'), { includes: ['external_id'], replaced: 'ext' });
    });

    test('a block with no body yet, at the end of the file', async () => {
      await check(graph('').replace(/\n  }\n}\n$/, '') + '\n    relationship "r" {\n      external_id {$0', ['type', 'join_key']);
      await check('data_graph {\n  profile {\n    relationship "r" {\n      external_id {\n$0', ['type', 'join_key']);
      await check('data_graph {\n  profile {\n    relationship "r" {\n      external_id {\n        $0\n', ['type', 'join_key']);
    });

    test('a block opened mid-file swallows the closing braces after it', async () => {
      await check(graph('    relationship "r" {\n      external_id {\n        $0\n    }'), ['type', 'join_key']);
    });

    test('a missing } nests the next block: the cursor is in the unclosed one', async () => {
      await check('data_graph {\n  entity "a" {\n    name = "A"\n    $0\n  entity "b" {\n    name = "B"\n  }\n}\n', {
        labels: ['table_ref', 'primary_key', 'description', 'enrichment_enabled'],
      });
    });

    test('an empty file with only whitespace, and a data_graph still open', async () => {
      await check('\n\n  $0\n', ['data_graph']);
      await check('data_graph {\n  $0', ['version', 'entity', 'profile']);
    });
  });
});

describe('values', () => {
  test('profile type: current first, legacy ones deprecated', async () => {
    await check(graph('').replace('"segment:materialized"', '"$0"'), {
      labels: ['segment:materialized', 'segment:unmaterialized', 'segment:dbt'],
      deprecated: ['segment:unmaterialized', 'segment:dbt'],
      kind: 'enum',
      replaced: '',
      insert: { 'segment:materialized': 'segment:materialized' },
    });
  });

  test('after = with no quote, the value comes quoted', async () => {
    await check('data_graph {\n  profile {\n    type = $0\n  }\n}\n', {
      labels: ['segment:materialized', 'segment:unmaterialized', 'segment:dbt'],
      replaced: '',
      insert: { 'segment:materialized': '"segment:materialized"' },
      applied: { 'segment:materialized': 'data_graph {\n  profile {\n    type = "segment:materialized"\n  }\n}\n' },
    });
  });

  test('a bare half-typed value is replaced, and quoted', async () => {
    await check('data_graph {\n  profile {\n    type = segment:m$0\n  }\n}\n', {
      replaced: 'segment:m',
      insert: { 'segment:materialized': '"segment:materialized"' },
    });
  });

  test('inside quotes the value replaces the content, not the quotes', async () => {
    await check('data_graph {\n  profile {\n    type = "segment:mat$0erialized"\n  }\n}\n', {
      replaced: 'segment:materialized',
      applied: { 'segment:dbt': 'data_graph {\n  profile {\n    type = "segment:dbt"\n  }\n}\n' },
    });
  });

  test('an unterminated value at the end of the file', async () => {
    await check('data_graph {\n  profile {\n    type = "segment:m$0', { replaced: 'segment:m', includes: ['segment:materialized'] });
  });

  test('an unterminated value mid-file', async () => {
    await check('data_graph {\n  profile {\n    type = "seg$0\n    profile_folder = "a.b"\n  }\n}\n', {
      replaced: 'seg',
      includes: ['segment:materialized'],
    });
  });

  test('version', async () => {
    await check('data_graph {\n  version = "$0"\n}\n', { labels: ['v1.0.0', 'v0.0.6'], deprecated: ['v0.0.6'] });
    await check('data_graph {\n  version = v1$0\n}\n', { labels: ['v1.0.0', 'v0.0.6'], replaced: 'v1', insert: { 'v1.0.0': '"v1.0.0"' } });
    await check('data_graph {\n  version = "v$0', { labels: ['v1.0.0', 'v0.0.6'], replaced: 'v' });
  });

  test('enrichment_enabled: true and false, bare', async () => {
    await check('data_graph {\n  entity "a" {\n    enrichment_enabled = $0\n  }\n}\n', {
      labels: ['true', 'false'],
      kind: 'value',
      insert: { true: 'true' },
    });
    await check('data_graph {\n  entity "a" {\n    enrichment_enabled = t$0\n  }\n}\n', { labels: ['true', 'false'], replaced: 't' });
  });

  test('a quoted bool is replaced quotes and all', async () => {
    await check('data_graph {\n  entity "a" {\n    enrichment_enabled = "t$0"\n  }\n}\n', {
      labels: ['true', 'false'],
      replaced: '"t"',
      applied: { true: 'data_graph {\n  entity "a" {\n    enrichment_enabled = true\n  }\n}\n' },
    });
    await check('data_graph {\n  entity "a" {\n    enrichment_enabled = "$0', { labels: ['true', 'false'], replaced: '"' });
  });

  test('external_id type: the identity types', async () => {
    const items = await check(graph('    relationship "r" {\n      external_id {\n        type = "$0"\n      }\n    }'), {
      includes: ['user_id', 'email', 'anonymous_id', 'phone', 'android.id', 'ios.id'],
      kind: 'enum',
      replaced: '',
    });
    expect(items.find((i) => i.label === 'email')!.documentation).toBe('Email address.');
  });

  test('external_id type, unterminated mid-file and after a dot', async () => {
    await check(graph('    relationship "r" {\n      external_id {\n        type = "em$0\n        join_key = "email"\n      }\n    }'), {
      includes: ['email'],
      replaced: 'em',
    });
    await check(graph('    relationship "r" {\n      external_id {\n        type = "android.$0"\n      }\n    }'), {
      includes: ['android.id'],
      replaced: 'android.',
    });
  });

  test('free-text values complete nothing', async () => {
    await check('data_graph {\n  entity "a" {\n    name = "$0"\n  }\n}\n', []);
    await check('data_graph {\n  entity "a" {\n    description = $0\n  }\n}\n', []);
  });

  test('the legacy key: value form completes like key = value', async () => {
    await check('data_graph {\n  profile {\n    type: "$0"\n  }\n}\n', { includes: ['segment:materialized'] });
  });
});

describe('entity slugs', () => {
  const related = (value: string) => graph(`    relationship "r" {\n      related_entity = ${value}\n    }`);

  test('related_entity offers the slugs, with name and table as detail', async () => {
    const items = await check(related('"$0"'), {
      labels: ['account', 'cart', 'product'],
      kind: 'entity',
      replaced: '',
      detail: { account: 'Account · PROD.CUST.ACCOUNT', cart: 'Cart · PROD.CUST.CART' },
    });
    expect(items.find((i) => i.label === 'cart')!.documentation).toContain('One row per cart.');
  });

  test('related_entity after = inserts the quotes', async () => {
    await check(related('$0'), { labels: ['account', 'cart', 'product'], insert: { account: '"account"' }, replaced: '' });
    await check(related('ac$0'), { labels: ['account', 'cart', 'product'], insert: { account: '"account"' }, replaced: 'ac' });
  });

  test('related_entity replaces the whole slug under the cursor', async () => {
    await check(related('"ac$0count"'), { replaced: 'account', insert: { cart: 'cart' } });
  });

  test('related_entity unterminated, at the end of the file', async () => {
    await check('data_graph {' + ENTITIES + '\n  profile {\n    relationship "r" {\n      related_entity = "acc$0', {
      labels: ['account', 'cart', 'product'],
      replaced: 'acc',
    });
  });

  test('related_entity unterminated, mid-file', async () => {
    await check(graph('    relationship "r" {\n      related_entity = "acc$0\n      name = "R"\n    }'), {
      labels: ['account', 'cart', 'product'],
      replaced: 'acc',
      applied: {
        account: graph('    relationship "r" {\n      related_entity = "account\n      name = "R"\n    }'),
      },
    });
  });

  test('a duplicate slug is offered once', async () => {
    await check(related('"$0"').replace('entity "cart"', 'entity "account"'), ['account', 'product']);
  });

  describe('join prefixes', () => {
    // `products` (entity product) under `carts` (entity cart): the parent is cart, this one product.
    test('join_on left side: the parent relationship\'s entity first', async () => {
      await check(level3('          join_on = "$0"'), { labels: ['cart', 'account', 'product'], replaced: '' });
      await check(level3('          join_on = "ca$0"'), { labels: ['cart', 'account', 'product'], replaced: 'ca' });
    });

    test('join_on right side: this relationship\'s entity first', async () => {
      await check(level3('          join_on = "cart.id = $0"'), { labels: ['product', 'account', 'cart'], replaced: '' });
      await check(level3('          join_on = "cart.id =pro$0"'), { labels: ['product', 'account', 'cart'], replaced: 'pro' });
    });

    test('a prefix is replaced up to its dot, not the column', async () => {
      await check(level3('          join_on = "ca$0rt.cart_id = product.cart_id"'), {
        labels: ['cart', 'account', 'product'],
        replaced: 'cart',
      });
    });

    test('join_on unterminated, at the end of the file and mid-file', async () => {
      await check('data_graph {' + ENTITIES + '\n  profile {\n    relationship "a" {\n      related_entity = "cart"\n      relationship "b" {\n        related_entity = "product"\n        join_on = "cart.cart_id = $0', {
        labels: ['product', 'account', 'cart'],
        replaced: '',
      });
      await check(level3('          join_on = "c$0\n          description = "x"'), { labels: ['cart', 'account', 'product'], replaced: 'c' });
    });

    test('join_on after = opens the string and leaves the cursor in it', async () => {
      await check(level3('          join_on = $0'), {
        labels: ['cart', 'account', 'product'],
        insert: { cart: '"cart$0"' },
        applied: { cart: level3('          join_on = "cart"') },
      });
    });

    test('junction left_join_on: the parent first; right_join_on: this entity first', async () => {
      const junction = (left: string, right: string) =>
        level3(`          junction_table {\n            table_ref = "PROD.CUST.CART_PRODUCT"\n            primary_key = "id"\n            left_join_on = ${left}\n            right_join_on = ${right}\n          }`);
      await check(junction('"$0"', '"product_sku = product.sku"'), { labels: ['cart', 'account', 'product'] });
      await check(junction('"cart.cart_id = cart_id"', '"product_sku = $0"'), { labels: ['product', 'account', 'cart'] });
      await check(junction('"cart.cart_id = cart_id"', '"product_sku = pr$0'), { labels: ['product', 'account', 'cart'], replaced: 'pr' });
    });

    test('legacy prefixes still find their entity', async () => {
      await check(level3('          join_on = "CART.$0"'), { includes: ['cart_id'] });
      await check(level3('          join_on = "PROD.CUST.CART.$0"'), { includes: ['cart_id'] });
    });
  });
});

describe('columns', () => {
  // Columns the graph names: account.id (primary key), account.email (join key), cart.cart_id,
  // cart.account_id (join_on right side), product.sku, product.cart_id (below).
  test('after slug. in a join string: that entity\'s columns', async () => {
    await check(level3('          join_on = "cart.$0"'), {
      labels: ['account_id', 'cart_id'],
      kind: 'column',
      replaced: '',
      detail: { cart_id: 'PROD.CUST.CART' },
    });
    await check(level3('          join_on = "cart.cart_id = account.$0"'), { labels: ['email', 'id'], replaced: '' });
  });

  test('only the column part is replaced, and the half-typed column is no suggestion', async () => {
    await check(level3('          join_on = "cart.ca$0"'), { labels: ['account_id', 'cart_id'], replaced: 'ca' });
    await check(level3('          join_on = "cart.zz$0"'), { labels: ['account_id', 'cart_id'], replaced: 'zz' });
    await check(level3('          join_on = "cart.car$0t_id = product.cart_id"'), {
      labels: ['account_id', 'cart_id'],
      replaced: 'cart_id',
      applied: { account_id: level3('          join_on = "cart.account_id = product.cart_id"') },
    });
  });

  test('join columns, unterminated at the end of the file and mid-file', async () => {
    await check('data_graph {' + ENTITIES + '\n  profile {\n    relationship "a" {\n      related_entity = "cart"\n      relationship "b" {\n        related_entity = "product"\n        join_on = "cart.cart_id = product.$0', {
      labels: ['sku'],
      replaced: '',
    });
    await check(level3('          join_on = "cart.$0\n          description = "x"'), { labels: ['account_id', 'cart_id'] });
  });

  test('an unknown prefix has no columns', async () => {
    await check(level3('          join_on = "nope.$0"'), []);
  });

  test('primary_key: the columns named for the entity\'s table', async () => {
    // account's table holds id and email (the external_id join key); typing replaces the value.
    const withPk = (pk: string) => level2('        join_on = "account.id = cart.account_id"').replace('primary_key = "id"', `primary_key = ${pk}`);
    await check(withPk('"$0"'), { labels: ['email', 'id'], replaced: '' });
    await check(withPk('"i$0"'), { labels: ['email', 'id'], replaced: 'i' });
    await check(withPk('$0'), { labels: ['email', 'id'], insert: { email: '"email"' } });
    await check(withPk('"e$0\n    description = "x"'), { labels: ['email', 'id'], replaced: 'e' });
  });

  test('entities sharing a table share its columns', async () => {
    const twin = `${ENTITIES}\n  entity "account2" {\n    table_ref   = "prod.cust.account"\n    primary_key = "$0"\n  }`;
    await check(graph('', twin), { labels: ['id'] });
  });

  test('external_id and trait join_key: the related entity\'s columns', async () => {
    await check(level2('        join_on = "account.id = cart.account_id"').replace('join_key = "email"', 'join_key = "$0"'), {
      labels: ['id'],
      replaced: '',
    });
    await check(graph('    relationship "r" {\n      related_entity = "cart"\n      trait {\n        join_key = "acc$0\n      }\n    }'), {
      labels: ['cart_id'],
      replaced: 'acc',
    });
    await check(graph('    relationship "r" {\n      related_entity = "cart"\n      trait {\n        join_key = $0'), {
      labels: ['cart_id'],
      insert: { cart_id: '"cart_id"' },
    });
  });

  test('a join_key with no related entity has no columns', async () => {
    await check(graph('    relationship "r" {\n      external_id {\n        join_key = "$0"\n      }\n    }'), []);
  });

  describe('junction tables', () => {
    const junction = (body: string) =>
      level3(`          junction_table {\n            table_ref = "PROD.CUST.CART_PRODUCT"\n${body}\n          }`);
    const named = '            primary_key = "id"\n            left_join_on = "cart.cart_id = cart_id"\n            right_join_on = "product_sku = product.sku"';

    test('the junction side of a join string: the junction\'s bare columns', async () => {
      await check(junction(named.replace('= cart_id"', '= $0"')), { labels: ['id', 'product_sku'], replaced: '' });
      await check(junction(named.replace('"product_sku =', '"prod$0 =')), { labels: ['cart_id', 'id'], replaced: 'prod' });
    });

    test('the entity side of a junction join: slug, then columns', async () => {
      await check(junction(named.replace('"cart.cart_id =', '"cart.$0 =')), { labels: ['account_id', 'cart_id'], replaced: '' });
      await check(junction(named.replace('product.sku"', 'product.$0"')), { labels: ['sku'], replaced: '' });
      await check(junction(named.replace('"cart.cart_id =', '"$0 =')), { labels: ['cart', 'account', 'product'] });
    });

    test('junction primary_key', async () => {
      await check(junction(named.replace('primary_key = "id"', 'primary_key = "$0"')), { labels: ['cart_id', 'product_sku'] });
    });

    test('right_join_on after = opens the string with a junction column', async () => {
      await check(junction(named.replace('right_join_on = "product_sku = product.sku"', 'right_join_on = $0')), {
        labels: ['cart_id', 'id'],
        insert: { id: '"id$0"' },
      });
    });

    test('a column name with snippet syntax ($, }, \\) is escaped in the snippet', async () => {
      const dollar = named.replace('= cart_id"', '= CART$ID"').replace('right_join_on = "product_sku = product.sku"', 'right_join_on = $0');
      await check(junction(dollar), {
        insert: { CART$ID: '"CART\\$ID$0"' },
        applied: { CART$ID: junction(dollar.replace('right_join_on = $0', 'right_join_on = "CART$ID"')).replace('$0', '') },
      });
    });

    test('junction columns, unterminated mid-file', async () => {
      await check(junction(named.replace('= cart_id"', '= ca$0')), { labels: ['id', 'product_sku'], replaced: 'ca' });
    });
  });

  test('another column source plugs in first: its columns, types and order', async () => {
    const catalog: ColumnSource = {
      name: 'catalog',
      columns: (query) =>
        query.tableRef?.toLowerCase() === 'prod.cust.cart'
          ? [
              { name: 'CART_ID', type: 'NUMBER', nullable: false, source: 'catalog' },
              { name: 'CREATED_AT', type: 'TIMESTAMP_NTZ', source: 'catalog' },
            ]
          : [],
    };
    await check(level3('          join_on = "cart.$0"'), {
      sources: [catalog],
      labels: ['CART_ID', 'CREATED_AT', 'account_id'],
      detail: { CART_ID: 'NUMBER · not null · PROD.CUST.CART', account_id: 'PROD.CUST.CART' },
    });
  });
});

test('trigger characters: the quote and the dot', () => {
  expect(TRIGGER_CHARACTERS).toEqual(['"', '.']);
});

test('a 1 MB graph completes entity slugs and columns', async () => {
  const text = generateGraph({ targetBytes: 1 << 20, seed: 3 });
  const document = SyntaxDocument.parse(await wasmParser(), text);
  const { model } = analyze(document);
  expect(model.entities.length).toBeGreaterThan(1000);
  const columns = [graphColumnSource(model)];
  const related = text.indexOf('related_entity = "', text.length / 2) + 'related_entity = "'.length;
  const join = text.indexOf('join_on', text.length / 2);
  const joinDot = text.indexOf('.', join) + 1;
  // Latency is measured by `npm run bench`, not asserted here.
  expect(complete(model, related, { columns }).length).toBeGreaterThan(1000);
  expect(complete(model, joinDot, { columns }).length).toBeGreaterThan(0);
});
