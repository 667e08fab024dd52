import { describe, expect, it } from 'vitest';
import { findReferences } from '../../server/src/ide/references';
import { fixture } from '../support/fixture';
import { GRAPH, cursor, lines, marked } from './marked';

/** References at `$0` (declaration included unless `withDeclaration` is false), as marked lines; `null` for none. */
async function check(source: string, expected: string | null, withDeclaration = true) {
  const f = await fixture(source);
  const spans = findReferences(f.analysis.model, f.offset, { includeDeclaration: withDeclaration });
  expect(spans ? marked(f.text, spans) : null).toBe(expected === null ? null : lines(expected));
}

const on = (marker: string) => cursor(GRAPH, marker);

const ACCOUNT = `
  entity "[account]" {
  related_entity = "[account]"
  join_on        = "[account].id = cart.account_id"
  join_on        = "[ACCOUNTS].id = Cart.account_id"
`;

const CART = `
  entity "[cart]" {
  related_entity = "[cart]"
  join_on        = "account.id = [cart].account_id"
  left_join_on  = "[cart].id = cart_id"
  related_entity = "[cart]"
  join_on        = "ACCOUNTS.id = [Cart].account_id"
`;

describe('references', () => {
  it.each([
    ['entity, from its label (legacy table-name prefix included)', on('entity "acc$0ount"'), ACCOUNT],
    ['entity, from a related_entity value', on('related_entity = "acco$0unt"'), ACCOUNT],
    ['entity, from a join prefix', on('"account.id = ca$0rt.account_id"'), CART],
    ['entity, from a junction prefix', on('"$0cart.id = cart_id"'), CART],
    ['entity, from a legacy name prefix', on('= Ca$0rt.account_id"'), CART],
    ['relationship: its label only', on('relationship "cart-pro$0ducts"'), 'relationship "[cart-products]" {'],
    ['column: nothing', on('"account.id = cart.acc$0ount_id"'), null],
    ['attribute key: nothing', on('na$0me        = "Account"'), null],
    ['whitespace: nothing', on('profile {$0'), null],
    [
      'unresolved name: the other unresolved uses of the same text, no declaration',
      `data_graph {
        entity "account" { name = "A" }
        profile {
          relationship "r" {
            related_entity = "acount$0"
            relationship "s" { related_entity = "acount" }
            relationship "t" { related_entity = "account" }
          }
        }
      }`,
      `related_entity = "[acount]"
       relationship "s" { related_entity = "[acount]" }`,
    ],
    [
      'duplicate slug, second label: only itself (references resolve to the first)',
      `data_graph {
        entity "account" { name = "First" }
        entity "acc$0ount" { name = "Second" }
        profile { relationship "r" { related_entity = "account" } }
      }`,
      'entity "[account]" { name = "Second" }',
    ],
  ])('%s', async (_name, source, expected) => check(source, expected));

  it('leaves the declaration out when asked', async () => {
    await check(
      on('entity "acc$0ount"'),
      `related_entity = "[account]"
       join_on        = "[account].id = cart.account_id"
       join_on        = "[ACCOUNTS].id = Cart.account_id"`,
      false,
    );
    await check(on('relationship "cart-pro$0ducts"'), '', false);
  });

  it('finds references written with escapes at their exact place', async () => {
    await check(
      `data_graph {
        entity "account" { name = "A" }
        profile {
          relationship "r" {
            related_entity = "account"
            relationship "s" { related_entity = "account"  join_on = "\\u0061ccount.id = acc$0ount.x" }
          }
        }
      }`,
      `entity "[account]" { name = "A" }
       related_entity = "[account]"
       relationship "s" { related_entity = "[account]"  join_on = "[\\u0061ccount].id = [account].x" }`,
    );
  });
});

describe('references on broken text', () => {
  it.each([
    [
      'unterminated strings',
      `data_graph {
        entity "account" { name = "A" }
        profile {
          relationship "r" {
            related_entity = "account
            relationship "s" {
              related_entity = "acc$0ount"
              join_on = "account.id = account.parent_id
            }
          }
        }
      }`,
      `entity "[account]" { name = "A" }
       related_entity = "[account]
       related_entity = "[account]"
       join_on = "[account].id = [account].parent_id`,
    ],
    [
      'missing closing braces after the entities',
      `data_graph {
        entity "account" { name = "A" }
        profile {
          relationship "r" {
            related_entity = "acc$0ount"
            relationship "s" {
              related_entity = "account"`,
      `entity "[account]" { name = "A" }
       related_entity = "[account]"
       related_entity = "[account]"`,
    ],
    [
      'half-typed key',
      `data_graph {
        entity "acc$0ount" {
          nam
        }
        profile { relationship "r" { related_entity = "account"  join_o } }
      }`,
      `entity "[account]" {
       profile { relationship "r" { related_entity = "[account]"  join_o } }`,
    ],
    [
      'entity with no body is no declaration',
      `data_graph {
        entity "ghost"
        profile { relationship "r" { related_entity = "gho$0st" } }
      }`,
      'profile { relationship "r" { related_entity = "[ghost]" } }',
    ],
  ])('%s', async (_name, source, expected) => check(source, expected));
});
