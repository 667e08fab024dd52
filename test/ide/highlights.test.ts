import { describe, expect, it } from 'vitest';
import { highlights } from '../../server/src/ide/highlights';
import { fixture } from '../support/fixture';
import { GRAPH, cursor, lines } from './marked';

/**
 * Highlights at `$0`, as marked lines: a write (the declaring label) as `<slug>`, a read as `[slug]`.
 */
async function check(source: string, expected: string) {
  const f = await fixture(source);
  const result = highlights(f.analysis.model, f.offset);
  expect(markKinds(f.text, result)).toBe(lines(expected));
}

function markKinds(text: string, result: ReturnType<typeof highlights>): string {
  const sorted = [...result].sort((a, b) => a.span.start - b.span.start);
  const rows = new Set(sorted.map((h) => text.slice(0, h.span.start).split('\n').length - 1));
  let out = '';
  let at = 0;
  for (const h of sorted) {
    const [open, close] = h.kind === 'write' ? ['<', '>'] : ['[', ']'];
    out += `${text.slice(at, h.span.start)}${open}${text.slice(h.span.start, h.span.end)}${close}`;
    at = h.span.end;
  }
  out += text.slice(at);
  return out
    .split('\n')
    .filter((_, i) => rows.has(i))
    .map((l) => l.trim())
    .join('\n');
}

const on = (marker: string) => cursor(GRAPH, marker);

describe('highlights', () => {
  it.each([
    [
      'entity: label written, references read (legacy prefixes too)',
      on('related_entity = "ca$0rt"\n        join_on        = "account'),
      `entity "<cart>" {
       related_entity = "[cart]"
       join_on        = "account.id = [cart].account_id"
       left_join_on  = "[cart].id = cart_id"
       related_entity = "[cart]"
       join_on        = "ACCOUNTS.id = [Cart].account_id"`,
    ],
    ['relationship: its label, written', on('relationship "legacy-$0carts"'), 'relationship "<legacy-carts>" {'],
    ['column: nothing', on('primary_key = "s$0ku"'), ''],
    ['keyword: nothing', on('entity "pro$0duct"').replace('entity "pro$0duct"', 'ent$0ity "product"'), ''],
    [
      'unresolved name: its uses, read',
      `data_graph {
        profile {
          relationship "r" {
            related_entity = "gh$0ost"
            relationship "s" { related_entity = "ghost"  join_on = "ghost.id = ghost.x" }
          }
        }
      }`,
      `related_entity = "[ghost]"
       relationship "s" { related_entity = "[ghost]"  join_on = "[ghost].id = [ghost].x" }`,
    ],
  ])('%s', async (_name, source, expected) => check(source, expected));
});

describe('highlights on broken text', () => {
  it.each([
    [
      'unterminated strings',
      `data_graph {
        entity "cart" {
          name = "C
        }
        profile { relationship "r" { related_entity = "ca$0rt
        } }
      }`,
      `entity "<cart>" {
       profile { relationship "r" { related_entity = "[cart]`,
    ],
    [
      'missing closing braces',
      `data_graph {
        entity "cart" { name = "C" }
        profile {
          relationship "r" {
            related_entity = "cart"
            relationship "s$0" {
              related_en`,
      `relationship "<s>" {`,
    ],
    [
      'block with no body next to a real one',
      `data_graph {
        entity "cart"
        entity "cart" { name = "C" }
        profile { relationship "r" { related_entity = "cart$0" } }
      }`,
      `entity "<cart>" { name = "C" }
       profile { relationship "r" { related_entity = "[cart]" } }`,
    ],
  ])('%s', async (_name, source, expected) => check(source, expected));
});
