import { describe, expect, it } from 'vitest';
import { definition } from '../../server/src/ide/definition';
import { fixture, textOf } from '../support/fixture';
import { GRAPH, cursor, lines, marked } from './marked';

/** Go to definition at `$0`: the targets' label spans as marked lines, or `null` for none. */
async function check(source: string, expected: string | null) {
  const f = await fixture(source);
  const result = definition(f.analysis.model, f.offset);
  expect(result ? marked(f.text, result.targets.map((t) => t.span)) : null).toBe(expected === null ? null : lines(expected));
}

const on = (marker: string) => cursor(GRAPH, marker);

describe('definition', () => {
  it.each([
    ['related_entity value', on('related_entity = "acc$0ount"'), 'entity "[account]" {'],
    ['related_entity value, cursor at its end', on('related_entity = "product$0"'), 'entity "[product]" {'],
    ['related_entity value, cursor on its opening quote', on('related_entity = $0"product"'), 'entity "[product]" {'],
    ['join_on left prefix', on('join_on        = "acc$0ount.id'), 'entity "[account]" {'],
    ['join_on right prefix', on('= ca$0rt.account_id"'), 'entity "[cart]" {'],
    ['left_join_on prefix', on('"$0cart.id = cart_id"'), 'entity "[cart]" {'],
    ['right_join_on prefix', on('"sku = prod$0uct.sku"'), 'entity "[product]" {'],
    ['legacy table-name prefix', on('"ACC$0OUNTS.id'), 'entity "[account]" {'],
    ['legacy name prefix', on('= Ca$0rt.account_id"'), 'entity "[cart]" {'],
    ['entity label: itself', on('entity "ca$0rt"'), 'entity "[cart]" {'],
    ['relationship label: itself', on('relationship "account-$0carts"'), 'relationship "[account-carts]" {'],
    ['join column: nothing', on('"account.i$0d = cart'), null],
    ['attribute key: nothing', on('related_en$0tity = "cart"\n        join_on        = "account'), null],
    ['name value: nothing', on('"Acc$0ount"'), null],
    ['block keyword: nothing', on('prof$0ile {'), null],
    [
      'unresolved related_entity: nothing',
      `data_graph {
        entity "account" { name = "A" }
        profile { relationship "r" { related_entity = "acou$0nt" } }
      }`,
      null,
    ],
    [
      'duplicate slug: the first entity, the one references resolve to',
      `data_graph {
        entity "account" { name = "First" }
        entity "account" { name = "Second" }
        profile { relationship "r" { related_entity = "acc$0ount" } }
      }`,
      'entity "[account]" { name = "First" }',
    ],
  ])('%s', async (_name, source, expected) => check(source, expected));

  it('gives the origin and the whole block', async () => {
    const f = await fixture(on('related_entity = "pro$0duct"'));
    const result = definition(f.analysis.model, f.offset)!;
    expect(textOf(f.text, result.origin)).toBe('product');
    expect(textOf(f.text, result.targets[0]!.blockSpan)).toMatch(/^entity "product" \{[^}]*\}$/);
  });
});

describe('definition on broken text', () => {
  it.each([
    [
      'unterminated related_entity string',
      `data_graph {
        entity "account" { name = "A" }
        profile {
          relationship "r" {
            related_entity = "acc$0ount
          }
        }
      }`,
      'entity "[account]" { name = "A" }',
    ],
    [
      'unterminated join string',
      `data_graph {
        entity "account" { name = "A" }
        entity "cart" { name = "C" }
        profile {
          relationship "r" {
            related_entity = "account"
            relationship "c" {
              related_entity = "cart"
              join_on = "account.id = ca$0rt.acc
            }
          }
        }
      }`,
      'entity "[cart]" { name = "C" }',
    ],
    [
      'missing closing braces at the end of the file',
      `data_graph {
        entity "account" { name = "A" }
        profile {
          relationship "r" {
            related_entity = "acc$0ount"
      `,
      'entity "[account]" { name = "A" }',
    ],
    [
      'half-typed key next to the reference',
      `data_graph {
        entity "account" { name = "A" }
        profile {
          relationship "r" {
            relat
            related_entity = "acc$0ount"
            join_
          }
        }
      }`,
      'entity "[account]" { name = "A" }',
    ],
    [
      'entity with no body: not an entity',
      `data_graph {
        entity "ghost"
        profile { relationship "r" { related_entity = "gh$0ost" } }
      }`,
      null,
    ],
    [
      'entity with no body: the other entities still resolve',
      `data_graph {
        entity "ghost"
        entity "account" { name = "A" }
        profile { relationship "r" { related_entity = "acc$0ount" } }
      }`,
      'entity "[account]" { name = "A" }',
    ],
    [
      'label of an entity still being typed',
      `data_graph {
        entity "acc$0ount" {
          name =
      `,
      'entity "[account]" {',
    ],
  ])('%s', async (_name, source, expected) => check(source, expected));
});
