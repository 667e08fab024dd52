import { describe, expect, it } from 'vitest';
import { prepareRename, rename } from '../../server/src/ide/rename';
import { fixture } from '../support/fixture';
import { GRAPH, applyEdits, cursor, lines, marked } from './marked';

type Expected = string | { error: string };

/** prepareRename at `$0`: the span as a marked line and the placeholder, or an error containing `error`. */
async function checkPrepare(source: string, expected: string | { error: string }, placeholder?: string) {
  const f = await fixture(source);
  const result = prepareRename(f.analysis.model, f.offset);
  if (typeof expected !== 'string') {
    expect('error' in result ? result.error : result).toContain(expected.error);
    return;
  }
  if ('error' in result) throw new Error(result.error);
  expect(marked(f.text, [result.span])).toBe(lines(expected));
  expect(result.placeholder).toBe(placeholder);
}

/**
 * Rename at `$0` to `newName`: the edited lines of the new text, each replacement marked; or an
 * error containing `error`.
 */
async function check(source: string, newName: string, expected: Expected) {
  const f = await fixture(source);
  const result = rename(f.analysis.model, f.offset, newName);
  if (typeof expected !== 'string') {
    expect('error' in result ? result.error : result).toContain(expected.error);
    return;
  }
  if ('error' in result) throw new Error(result.error);
  const after = applyEdits(f.text, result.edits);
  expect(marked(after.text, after.spans)).toBe(lines(expected));
  expect(result.annotation.needsConfirmation).toBe(true);
}

const on = (marker: string) => cursor(GRAPH, marker);

describe('prepareRename', () => {
  it.each<[string, string, Expected, string?]>([
    ['entity label', on('entity "acc$0ount"'), 'entity "[account]" {', 'account'],
    ['related_entity value', on('related_entity = "$0product"'), 'related_entity = "[product]"', 'product'],
    ['join prefix', on('"sku = product$0.sku"'), 'right_join_on = "sku = [product].sku"', 'product'],
    ['relationship label', on('relationship "$0user-accounts"'), 'relationship "[user-accounts]" {', 'user-accounts'],
    ['legacy table-name prefix: refused', on('"ACCOUNTS$0.id'), { error: '"ACCOUNTS" is the table name of entity "account", not its slug' }],
    ['legacy name prefix: refused', on('= C$0art.account_id"'), { error: '"Cart" is the name of entity "cart", not its slug' }],
    ['column: refused', on('"account.id = cart.account_i$0d"'), { error: 'Only entity and relationship slugs can be renamed' }],
    ['display name: refused', on('"Acc$0ount"'), { error: 'Only entity and relationship slugs can be renamed' }],
    ['keyword: refused', on('junction_$0table'), { error: 'Only entity and relationship slugs can be renamed' }],
    [
      'unresolved name: refused',
      `data_graph { profile { relationship "r" { related_entity = "gh$0ost" } } }`,
      { error: 'No entity has the slug "ghost"' },
    ],
    [
      'reference written with escapes: the raw text, the decoded placeholder',
      `data_graph {
        entity "account" { name = "A" }
        profile { relationship "r" { related_entity = "\\u0061cc$0ount" } }
      }`,
      'profile { relationship "r" { related_entity = "[\\u0061ccount]" } }',
      'account',
    ],
  ])('%s', async (_name, source, expected, placeholder) => checkPrepare(source, expected, placeholder));
});

describe('rename', () => {
  it.each<[string, string, string, Expected]>([
    [
      'entity from its label: label, related_entity and join prefixes; the legacy prefix still resolves by table',
      on('entity "acc$0ount"'),
      'acct',
      `entity "[acct]" {
       related_entity = "[acct]"
       join_on        = "[acct].id = cart.account_id"`,
    ],
    [
      'entity from a junction prefix',
      on('"$0cart.id = cart_id"'),
      'basket',
      `entity "[basket]" {
       related_entity = "[basket]"
       join_on        = "account.id = [basket].account_id"
       left_join_on  = "[basket].id = cart_id"
       related_entity = "[basket]"`,
    ],
    ['relationship: its label', on('relationship "account-ca$0rts"'), 'user-carts', 'relationship "[user-carts]" {'],
    ['same slug: nothing to change', on('entity "acc$0ount"'), 'account', ''],
    [
      'reference written with escapes: replaced whole',
      `data_graph {
        entity "account" { name = "A" }
        profile { relationship "r" { related_entity = "\\u0061cc$0ount" } }
      }`,
      'acct',
      `entity "[acct]" { name = "A" }
       profile { relationship "r" { related_entity = "[acct]" } }`,
    ],
    ['upper case: refused', on('entity "acc$0ount"'), 'Acct', { error: '"Acct" is not a valid entity slug: use only lowercase letters, digits, "-" and "_" (for example "acct")' }],
    ['spaces: refused', on('relationship "account-ca$0rts"'), 'my carts', { error: '"my carts" is not a valid relationship slug: use only lowercase letters, digits, "-" and "_" (for example "my-carts")' }],
    ['empty: refused', on('entity "acc$0ount"'), '', { error: 'The new entity slug is empty' }],
    ['entity slug taken: refused', on('entity "acc$0ount"'), 'cart', { error: 'Another entity already has the slug "cart"' }],
    [
      'relationship slug taken anywhere in the graph: refused',
      on('relationship "legacy-ca$0rts"'),
      'cart-products',
      { error: 'Relationship "cart-products" already exists (profile → user-accounts → account-carts → cart-products)' },
    ],
    ['relationship slug "profile": refused', on('relationship "legacy-ca$0rts"'), 'profile', { error: '"profile" is reserved' }],
    ['entity and relationship slugs do not collide', on('relationship "legacy-ca$0rts"'), 'cart', 'relationship "[cart]" {'],
    [
      'would re-point a legacy prefix: refused',
      `data_graph {
        entity "account" { table_ref = "PROD.CUST.accounts" }
        entity "cart$0" { table_ref = "PROD.CUST.carts" }
        profile {
          relationship "r" {
            related_entity = "account"
            relationship "s" { related_entity = "cart"  join_on = "accounts.id = cart.account_id" }
          }
        }
      }`,
      'accounts',
      { error: 'The join prefix "accounts" names entity "account" by its table name' },
    ],
  ])('%s', async (_name, source, newName, expected) => check(source, newName, expected));

  it('annotates an entity rename as a breaking change needing confirmation', async () => {
    const f = await fixture(on('entity "acc$0ount"'));
    const result = rename(f.analysis.model, f.offset, 'acct');
    expect('error' in result ? result : result.annotation).toEqual({
      label: 'Rename entity "account" to "acct"',
      description:
        'Breaking change in Segment: the slug is the entity\'s identity, so renaming it deletes entity "account" and creates a new ' +
        'entity "acct". Audiences and Linked Events enrichments that use "account" break and must be rebuilt. Updates 3 places in this file.',
      needsConfirmation: true,
    });
  });

  it('annotates a relationship rename with the paths that change', async () => {
    const f = await fixture(on('relationship "user-acc$0ounts"'));
    const result = rename(f.analysis.model, f.offset, 'accounts');
    expect('error' in result ? result : result.annotation).toEqual({
      label: 'Rename relationship "user-accounts" to "accounts"',
      description:
        'Breaking change in Segment: the slug is the relationship\'s identity, so renaming it deletes relationship "user-accounts" ' +
        '(profile → user-accounts) and creates a new relationship "accounts". The paths of its 3 nested relationships change too. ' +
        'Audiences that use it break and must be rebuilt.',
      needsConfirmation: true,
    });
  });
});

describe('rename on broken text', () => {
  it.each<[string, string, string, Expected]>([
    [
      'unterminated strings',
      `data_graph {
        entity "account" { name = "A" }
        profile {
          relationship "r" {
            related_entity = "acc$0ount
            relationship "s" {
              related_entity = "account"
              join_on = "account.id = account.parent
            }
          }
        }
      }`,
      'acct',
      `entity "[acct]" { name = "A" }
       related_entity = "[acct]
       related_entity = "[acct]"
       join_on = "[acct].id = [acct].parent`,
    ],
    [
      'missing closing braces',
      `data_graph {
        entity "account" { name = "A" }
        profile {
          relationship "r$0" {
            related_entity = "account"
            relationship "s" {
              related_entity = "acc`,
      'root',
      'relationship "[root]" {',
    ],
    [
      'half-typed key and a block with no body',
      `data_graph {
        entity "account" {
          na
        }
        entity "ghost"
        profile {
          relationship "r" {
            related_entity = "acc$0ount"
            join_
          }
        }
      }`,
      'acct',
      `entity "[acct]" {
       related_entity = "[acct]"`,
    ],
    [
      'the label of a block with no body: refused',
      `data_graph {
        entity "gh$0ost"
      }`,
      'spirit',
      { error: 'Only entity and relationship slugs can be renamed' },
    ],
    [
      'the new name collides with a slug on a broken line',
      `data_graph {
        entity "account" { name = "A" }
        entity "cart" {
          name = "C
        }
        profile { relationship "r" { related_entity = "acc$0ount" } }
      }`,
      'cart',
      { error: 'Another entity already has the slug "cart"' },
    ],
  ])('%s', async (_name, source, newName, expected) => check(source, newName, expected));
});
