import { describe, expect, it } from 'vitest';
import { hover, type HoverOptions } from '../../server/src/ide/hover';
import { BLOCKS, LEGACY_ATTRIBUTES, LEGACY_SYNTAX, attributeSpec } from '../../server/src/model/schema';
import { fixture, textOf } from '../support/fixture';
import { GRAPH, cursor, lines } from './marked';

/**
 * Hover at `$0`: `expected` is the whole Markdown (a string), fragments it must contain (an array),
 * or `null` for no hover. `span`, when given, is the text the hover is about.
 */
async function check(source: string, expected: string | string[] | null, span?: string, options?: HoverOptions) {
  const f = await fixture(source);
  const result = hover(f.analysis.model, f.offset, options);
  if (expected === null) {
    expect(result).toBeUndefined();
    return;
  }
  expect(result, 'a hover').toBeDefined();
  if (typeof expected === 'string') expect(result!.markdown).toBe(expected);
  else for (const fragment of expected) expect(result!.markdown).toContain(fragment);
  if (span !== undefined) expect(textOf(f.text, result!.span)).toBe(span);
}

const on = (marker: string) => cursor(GRAPH, marker);
/** Expected Markdown as an indented template: lines trimmed, `¶` for a blank line between paragraphs. */
const para = (text: string) => lines(text).replace(/\n¶\n/g, '\n\n');

describe('hover: entities', () => {
  const ACCOUNT = para(`
    \`\`\`dg
    entity "account"
    \`\`\`
    ¶
    **Account** — One row per customer account.
    ¶
    - \`table_ref\`: \`PROD.CUST.ACCOUNTS\`
    - \`primary_key\`: \`id\`
    - enrichment: enabled
    ¶
    Used by 1 relationship:
    - \`profile → user-accounts\` (Accounts)
  `);

  it.each<[string, string, string | string[] | null, string?]>([
    ['on its label', on('entity "acc$0ount"'), ACCOUNT, 'account'],
    ['on a related_entity value', on('related_entity = "$0account"'), ACCOUNT, 'account'],
    ['on a join prefix', on('join_on        = "accou$0nt.id'), ACCOUNT, 'account'],
    [
      'on a legacy table-name prefix: says what to write',
      on('"ACCOU$0NTS.id'),
      ['⚠ Named here by its table name `ACCOUNTS`, not its slug: write `account`.', '**Account**'],
      'ACCOUNTS',
    ],
    ['on a legacy name prefix', on('= Ca$0rt.account_id'), ['⚠ Named here by its `name` `Cart`, not its slug: write `cart`.']],
    [
      'every relationship that uses it, by path',
      on('entity "ca$0rt"'),
      [
        'Used by 2 relationships:\n- `profile → user-accounts → account-carts` (Carts)\n- `profile → user-accounts → legacy-carts` (Carts by table)',
        '- enrichment: off',
      ],
    ],
    [
      'unused',
      `data_graph {\n  entity "lo$0ne" { name = "Lone" }\n}`,
      ['- `table_ref`: _missing_', '- `primary_key`: _missing_', 'Not used by any relationship, and enrichment is off: unused.'],
    ],
    [
      'enrichment only',
      `data_graph {\n  entity "st$0ore" { enrichment_enabled = true }\n}`,
      ['- enrichment: enabled', 'Not used by any relationship (enrichment only).'],
    ],
    [
      'duplicate slug',
      `data_graph {\n  entity "a" { name = "A" }\n  entity "a$0" { name = "A2" }\n}`,
      ['⚠ 2 entities have the slug `a`; references resolve to the first.', '**A2**'],
    ],
    ['invalid slug', `data_graph {\n  entity "Ca$0rts" { name = "C" }\n}`, [`⚠ Not a valid slug. ${BLOCKS.entity.labelDoc}`]],
    [
      'user text is escaped',
      `data_graph {\n  entity "a$0" { name = "*Bold* <b>"  description = "a_b [x](y)" }\n}`,
      ['**\\*Bold\\* \\<b\\>** — a\\_b \\[x\\]\\(y\\)'],
    ],
    [
      'unresolved reference: the nearest slug',
      `data_graph {\n  entity "account" { }\n  profile { relationship "r" { related_entity = "acou$0nt" } }\n}`,
      ['No entity has the slug `acount`; did you mean `account`?', attributeSpec('relationship', 'related_entity')!.doc],
      'acount',
    ],
    [
      'unresolved join prefix: the join key',
      `data_graph {\n  entity "a" { }\n  profile { relationship "r" { related_entity = "a"\n relationship "s" { related_entity = "a"  join_on = "a.id = gh$0ost.x" } } }\n}`,
      ['No entity has the slug `ghost`.', attributeSpec('relationship', 'join_on')!.doc],
    ],
  ])('%s', async (_name, source, expected, span) => check(source, expected, span));
});

describe('hover: relationships', () => {
  it.each<[string, string, string | string[] | null, string?]>([
    [
      '1:many via join_on',
      on('relationship "account-$0carts"'),
      para(`
        \`\`\`dg
        relationship "account-carts"
        \`\`\`
        ¶
        **Carts**
        ¶
        \`profile → user-accounts → account-carts\` · depth 3 of 6
        ¶
        Leads to entity \`cart\` (Cart).
        ¶
        **1:many** via \`join_on\`: each \`account\` row (\`id\`) matches \`cart\` rows whose \`account_id\` equals it.
        ¶
        Nested: \`cart-products\`
      `),
      'account-carts',
    ],
    [
      'many:many through a junction table',
      on('relationship "cart-pro$0ducts"'),
      [
        '`profile → user-accounts → account-carts → cart-products` · depth 4 of 6',
        '**many:many** through junction table `PROD.CUST.CART_PRODUCTS`: each `cart` row (`id`) matches junction rows whose `cart_id` equals it, ' +
          "and each junction row's `sku` matches `product` rows whose `sku` equals it.",
      ],
    ],
    [
      'profile link by external id',
      on('relationship "user-acc$0ounts"'),
      [
        '`profile → user-accounts` · depth 2 of 6',
        "**Profile link** by external id: each profile's `email` identifier matches `account` rows whose `email` equals it.",
        'Nested: `account-carts`, `legacy-carts`',
      ],
    ],
    [
      'profile link by trait',
      `data_graph {
        entity "household" { name = "Household" }
        profile {
          relationship "user-house$0holds" {
            related_entity = "household"
            trait { name = "household_id"  join_key = "id" }
          }
        }
      }`,
      ["**Profile link** by trait: each profile's trait `household_id` matches `household` rows whose `id` equals it."],
    ],
    [
      'legacy prefixes read as the entities they name',
      on('relationship "legacy-ca$0rts"'),
      ['**1:many** via `join_on`: each `account` row (`id`) matches `cart` rows whose `account_id` equals it.'],
    ],
    [
      'reversed join',
      `data_graph {
        entity "a" { }
        entity "b" { }
        profile {
          relationship "r" {
            related_entity = "a"
            relationship "s$0" { related_entity = "b"  join_on = "b.a_id = a.id" }
          }
        }
      }`,
      ['each `b` row (`a_id`) matches `a` rows whose `id` equals it.', '⚠ The sides are reversed: the parent (`a`) comes first.'],
    ],
    [
      'unreadable join',
      `data_graph {
        entity "a" { }
        profile { relationship "r" { related_entity = "a"
          relationship "s$0" { related_entity = "a"  join_on = "a.id == a.x" } } }
      }`,
      ['**1:many** via `join_on`, which cannot be read yet: more than one equality.'],
    ],
    [
      'empty join',
      `data_graph {\n  entity "a" { }\n  profile { relationship "r" { related_entity = "a"\n relationship "s$0" { related_entity = "a"  join_on = "" } } }\n}`,
      ['**1:many** via `join_on`, which cannot be read yet: no `=`.'],
    ],
    [
      'too deep',
      `data_graph {
        entity "e" { }
        profile {
          relationship "l1" { related_entity = "e"
            relationship "l2" { related_entity = "e"  join_on = "e.id = e.p"
              relationship "l3" { related_entity = "e"  join_on = "e.id = e.p"
                relationship "l4" { related_entity = "e"  join_on = "e.id = e.p"
                  relationship "l5" { related_entity = "e"  join_on = "e.id = e.p"
                    relationship "l$06" { related_entity = "e"  join_on = "e.id = e.p" } } } } } }
        }
      }`,
      ['`profile → l1 → l2 → l3 → l4 → l5 → l6` · depth 7 of 6 (too deep)'],
    ],
    [
      'level 1 without a link, unknown entity',
      `data_graph {\n  profile { relationship "r$0" { related_entity = "ghost" } }\n}`,
      ['Leads to `ghost`, which is not a defined entity.', '⚠ No `external_id` or `trait` yet: how the profile links to the entity is missing.'],
    ],
    [
      'nested without a join, no related_entity',
      `data_graph {\n  entity "a" { }\n  profile { relationship "r" { related_entity = "a"\n relationship "s$0" { } } }\n}`,
      ['⚠ No `related_entity` yet.', '⚠ No `join_on` or `junction_table` yet: how it joins its parent is missing.'],
    ],
  ])('%s', async (_name, source, expected, span) => check(source, expected, span));
});

describe('hover: columns', () => {
  it.each<[string, string, string | string[] | null, string?]>([
    ['join column', on('"account.id = cart.accou$0nt_id"'), '**column** `account_id` of entity `cart` (table `PROD.CUST.CARTS`)', 'account_id'],
    ['junction column', on('right_join_on = "s$0ku'), '**column** `sku` of the junction table `PROD.CUST.CART_PRODUCTS`'],
    [
      'primary_key value: the column and the key',
      on('primary_key = "s$0ku"'),
      para(`
        **column** \`sku\` of entity \`product\` (table \`PROD.CUST.PRODUCTS\`)
        ¶
        **\`primary_key\`** in \`entity\`: string, required
        ¶
        ${attributeSpec('entity', 'primary_key')!.doc}
      `),
    ],
    ['join_key value', on('join_key = "em$0ail"'), ['**column** `email` of entity `account`', '**`join_key`** in `external_id`']],
  ])('%s', async (_name, source, expected, span) => check(source, expected, span));
});

describe('hover: keywords, keys and values', () => {
  it.each<[string, string, string | string[] | null, string?]>([
    [
      'block keyword',
      on('pro$0file {'),
      para(`
        \`\`\`dg
        profile { … }
        \`\`\`
        ¶
        ${BLOCKS.profile.doc}
        ¶
        **Attributes:**
        - \`profile_folder\`: string, required
        - \`type\`: string, required
        ¶
        **Blocks:** \`relationship\`
      `),
      'profile',
    ],
    ['labelled block keyword', on('ent$0ity "cart"'), ['```dg\nentity "<slug>" { … }\n```', `**Label:** ${BLOCKS.entity.labelDoc}`]],
    [
      'block in the wrong place',
      `data_graph {\n  profile {\n    enti$0ty "x" { }\n  }\n}`,
      ['⚠ Not allowed inside `profile`: it belongs inside `data_graph`.', BLOCKS.entity.doc],
    ],
    ['unknown block', `data_graph {\n  entit$0ty "x" { }\n}`, 'Unknown block type `entitty` in `data_graph`; did you mean `entity`?\n\nBlocks allowed here: `entity`, `profile`.'],
    [
      'attribute key',
      on('table_$0ref   = "PROD.CUST.CARTS"'),
      `**\`table_ref\`** in \`entity\`: string, required\n\n${attributeSpec('entity', 'table_ref')!.doc}`,
      'table_ref',
    ],
    ['optional key', on('enrichment_$0enabled'), ['**`enrichment_enabled`** in `entity`: bool, optional']],
    ['key with known values', on('ty$0pe           = "segment'), ['**`type`** in `profile`: string, required', 'Known values:\n- `segment:materialized`: ', '_(deprecated)_']],
    ['identity type key', on('ty$0pe     = "email"'), ['**`type`** in `external_id`', '- `user_id`: ', '- `email`: Email address.']],
    ['unknown key', `data_graph {\n  entity "a" {\n    nme$0 = "A"\n  }\n}`, ['Unknown attribute `nme` in `entity`; did you mean `name`?', 'Attributes of `entity`: `name`, `table_ref`']],
    ['known value', on('"segment:materi$0alized"'), '`segment:materialized`: Current. Reads `user_identifiers`, `user_traits` and `profile_merges`.', '"segment:materialized"'],
    ['identity type value', on('"em$0ail"\n        join_key'), '`email`: Email address.'],
    ['custom identity type', `data_graph { profile { relationship "r" { external_id { type = "crm$0_id" } } } }`, ['`crm_id` is not a standard identity type: fine if your space defines it.', 'Standard ones:\n- `user_id`']],
    [
      'custom identity type from the settings',
      `data_graph { profile { relationship "r" { external_id { type = "crm$0_id" } } } }`,
      '`crm_id`: a custom identity type of your space (from the `identityTypes` setting).',
    ],
    ['unknown profile type: the nearest current value', `data_graph { profile { type = "segment:materialised$0" } }`, ['`segment:materialised` is not a known value of `type`; did you mean `segment:materialized`?']],
    ['legacy version value', `data_graph { version = "v0.0$0.6" }`, ['`v0.0.6`: Pre-2024-06 version. ⚠ Deprecated: write `"v1.0.0"`.']],
    ['other values: the key', on('"Prod$0uct"'), ['**`name`** in `entity`: string, required']],
    ['whitespace: nothing', on('profile {$0'), null],
    ['comment: nothing', `# a comm$0ent\ndata_graph { }`, null],
  ])('%s', async (name, source, expected, span) =>
    check(source, expected, span, name.includes('settings') ? { identityTypes: ['crm_id'] } : undefined),
  );
});

describe('hover: legacy forms', () => {
  const materialization = LEGACY_ATTRIBUTES.profile!.materialization!;
  it.each<[string, string, string | string[] | null, string?]>([
    ['traits', `data_graph { profile { relationship "r" { tra$0its { } } } }`, ['⚠ **Legacy form:** `traits`', '`traits` is an older spelling of `trait`: write `trait`.', BLOCKS.trait.doc]],
    ['Junction_table', `data_graph { profile { relationship "r" { Junction$0_table { } } } }`, ['`Junction_table` is an older spelling of `junction_table`: write `junction_table`.']],
    [
      'materialization key',
      `data_graph { profile { materializ$0ation = "none" } }`,
      `⚠ **Legacy form:** \`${materialization.written}\`\n\n${materialization.doc} Write \`type = "segment:materialized"\` instead.`,
    ],
    ['materialization value', `data_graph { profile { materialization = "no$0ne" } }`, [materialization.doc]],
    ['segment:dbt', `data_graph { profile { type = "segment:d$0bt" } }`, '`segment:dbt`: Removed in 2024-07. ⚠ Deprecated: write `"segment:materialized"`.'],
    [
      'segment: materialized',
      `data_graph { profile { type = "segment: mat$0erialized" } }`,
      ['⚠ **Legacy form:** `segment: materialized`', 'Write `"segment:materialized"`.', '`segment:materialized`: Current.'],
    ],
    ['user id', `data_graph { profile { relationship "r" { external_id { type = "user$0 id" } } } }`, ['Write `"user_id"`.']],
    [
      'unquoted value',
      `data_graph { profile { type = segment:mat$0erialized } }`,
      [`⚠ **Legacy form:** \`${LEGACY_SYNTAX.unquotedValue.written}\``, 'Write `type = "segment:materialized"`.', '`user_identifiers`'],
      'segment:materialized',
    ],
    [
      'colon after the block keyword',
      `data_graph { profile { relationship$0: "r" { } } }`,
      [LEGACY_SYNTAX.blockColon.doc, 'Write `relationship "r" {`.', BLOCKS.relationship.doc],
    ],
    ['placeholder line', `data_graph {\n  entity "a" {\n    .$0..\n  }\n}`, [LEGACY_SYNTAX.placeholder.doc, 'Write the real attributes or blocks (or nothing: delete it).'], '...'],
    ['placeholder value', `data_graph {\n  entity "a" {\n    name = ..$0.\n  }\n}`, [LEGACY_SYNTAX.placeholder.doc, 'Write the value of `name`.']],
  ])('%s', async (_name, source, expected, span) => check(source, expected, span));
});

describe('hover on broken text', () => {
  it.each<[string, string, string | string[] | null, string?]>([
    ['unterminated known value', `data_graph {\n  profile {\n    type = "segment:d$0bt\n  }\n}`, ['`segment:dbt`: Removed in 2024-07.']],
    [
      'unterminated string in the entity',
      `data_graph {\n  entity "a$0" {\n    name = "Acc\n    table_ref = "P.C.A"\n  }\n}`,
      ['**Acc**', '- `table_ref`: `P.C.A`'],
    ],
    [
      'missing closing braces',
      `data_graph {\n  entity "e" { }\n  profile {\n    relationship "r" {\n      related_entity = "e"\n      relationship "s$0" {\n        related_entity = "e"\n        join_on = "e.id = e.parent_id`,
      ['`profile → r → s` · depth 3 of 6', 'each `e` row (`id`) matches `e` rows whose `parent_id` equals it.'],
    ],
    ['half-typed key', `data_graph {\n  entity "a" {\n    primary_k$0\n  }\n}`, ['Unknown attribute `primary_k` in `entity`; did you mean `primary_key`?']],
    [
      'block with no body, on its keyword',
      `data_graph {\n  enti$0ty "ghost"\n}`,
      [BLOCKS.entity.doc, 'This block has no body yet: write `entity "ghost" { … }`.'],
      'entity',
    ],
    ['block with no body, on its label', `data_graph {\n  entity "gho$0st"\n}`, ['This block has no body yet: write `entity "ghost" { … }`.']],
    [
      'half-typed block keyword',
      `data_graph { profile { relationship "r" {\n  external_i$0\n} } }`,
      ['Unknown attribute `external_i` in `relationship`; did you mean the block `external_id { … }`?'],
    ],
    [
      'block keyword with no body yet',
      `data_graph { profile { relationship "r" {\n  external_id$0\n} } }`,
      [BLOCKS.external_id.doc, 'This block has no body yet: write `external_id { … }`.'],
    ],
    ['empty file', `$0`, null],
  ])('%s', async (_name, source, expected, span) => check(source, expected, span));
});
