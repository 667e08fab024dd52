import { describe, expect, it } from 'vitest';
import {
  encodeSemanticTokens,
  SEMANTIC_TOKENS_LEGEND,
  semanticTokens,
  type SemanticToken,
} from '../../server/src/ide/semanticTokens';
import { LineIndex } from '../../server/src/syntax/lineIndex';
import { fixture, textOf } from '../support/fixture';

/** Tokens as `text type[+modifier…]`, in document order. With two `$0` markers, a range request. */
async function check(source: string, expected: string[], only?: SemanticToken['type'][]): Promise<void> {
  const f = await fixture(source);
  const range = f.end === undefined ? undefined : { start: f.offset, end: f.end };
  const tokens = semanticTokens(f.analysis.model, range);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    expect(t.span.end).toBeGreaterThan(t.span.start);
    expect(textOf(f.text, t.span)).not.toMatch(/[\r\n]/);
    if (i > 0) expect(t.span.start).toBeGreaterThanOrEqual(tokens[i - 1]!.span.end);
  }
  const shown = only ? tokens.filter((t) => only.includes(t.type)) : tokens;
  expect(shown.map((t) => `${textOf(f.text, t.span)} ${[t.type, ...t.modifiers].join('+')}`)).toEqual(expected);
  // The encoding decodes back to the same tokens.
  expect(decode(encodeSemanticTokens(tokens, f.document.lineIndex), f.document.lineIndex)).toEqual(
    tokens.map((t) => ({ ...t.span, type: t.type, modifiers: t.modifiers })),
  );
}

function decode(data: number[], lines: LineIndex) {
  const out: { start: number; end: number; type: string; modifiers: string[] }[] = [];
  let line = 0;
  let char = 0;
  for (let i = 0; i < data.length; i += 5) {
    const [dl, dc, length, type, bits] = data.slice(i, i + 5) as [number, number, number, number, number];
    char = dl === 0 ? char + dc : dc;
    line += dl;
    const start = lines.offsetAt({ line, character: char });
    out.push({
      start,
      end: start + length,
      type: SEMANTIC_TOKENS_LEGEND.tokenTypes[type]!,
      modifiers: SEMANTIC_TOKENS_LEGEND.tokenModifiers.filter((_, bit) => bits & (1 << bit)),
    });
  }
  return out;
}

const GRAPH = `data_graph {
  entity "account" {
    name = "Account"
    table_ref = "P.C.ACCOUNT"
    primary_key = "id"
  }
  entity "cart" {
    name = "Cart"
    table_ref = "P.C.CART"
    primary_key = "cart_id"
  }
  profile {
    profile_folder = "P.segment"
    type = "segment:materialized"
    relationship "accounts" {
      name = "Accounts"
      related_entity = "account"
      external_id {
        type = "email"
        join_key = "email"
      }
      relationship "carts" {
        name = "Carts"
        related_entity = "cart"
        join_on = "account.id = cart.account_id"
      }
    }
  }
}
`;

const cases: [string, string, string[], SemanticToken['type'][]?][] = [
  [
    'complete graph',
    GRAPH,
    [
      'data_graph keyword',
      'entity keyword',
      'account class+declaration',
      'name property',
      'table_ref property',
      'primary_key property',
      'id variable',
      'entity keyword',
      'cart class+declaration',
      'name property',
      'table_ref property',
      'primary_key property',
      'cart_id variable',
      'profile keyword',
      'profile_folder property',
      'type property',
      'relationship keyword',
      'accounts interface+declaration',
      'name property',
      'related_entity property',
      'account class',
      'external_id keyword',
      'type property',
      'join_key property',
      'email variable',
      'relationship keyword',
      'carts interface+declaration',
      'name property',
      'related_entity property',
      'cart class',
      'join_on property',
      'account class',
      'id variable',
      'cart class',
      'account_id variable',
    ],
  ],
  [
    'range request: only tokens overlapping the range',
    GRAPH.replace('relationship "carts"', '$0relationship "carts"').replace('join_on', '$0join_on'),
    ['relationship keyword', 'carts interface+declaration', 'name property', 'related_entity property', 'cart class'],
  ],
  [
    'legacy forms are deprecated',
    `data_graph {
  version = "v0.0.6"
  entities "e" {
  }
  entity "t" {
    name = "Tname"
    table_ref = "P.C.TBL"
  }
  profile {
    materialization = "none"
    type = "segment:dbt"
    relationship "r" {
      related_entity = "e"
      traits {
      }
      relationship "s" {
        related_entity = "t"
        join_on = "e.id = Tname.e_id"
        Junction_table {
        }
      }
    }
  }
}
`,
    [
      'data_graph keyword',
      'version property',
      '"v0.0.6" string+deprecated',
      'entities keyword+deprecated',
      'e class+declaration',
      'entity keyword',
      't class+declaration',
      'name property',
      'table_ref property',
      'profile keyword',
      'materialization property+deprecated',
      'type property',
      '"segment:dbt" string+deprecated',
      'relationship keyword',
      'r interface+declaration',
      'related_entity property',
      'e class',
      'traits keyword+deprecated',
      'relationship keyword',
      's interface+declaration',
      'related_entity property',
      't class',
      'join_on property',
      'e class',
      'id variable',
      'Tname class+deprecated',
      'e_id variable',
      'Junction_table keyword+deprecated',
    ],
  ],
  [
    'legacy table-name prefix; unresolved prefixes are not deprecated',
    `data_graph {
  entity "a" {
    table_ref = "P.C.ACC"
  }
  profile {
    relationship "r" {
      related_entity = "a"
      relationship "s" {
        related_entity = "a"
        join_on = "P.C.ACC.id = nope.x"
      }
    }
  }
}
`,
    ['a class+declaration', 'a class', 'a class', 'P.C.ACC class+deprecated', 'id variable', 'nope class', 'x variable'],
    ['class', 'variable'],
  ],
  [
    'unquoted values and labels; segment:unmaterialized',
    'data_graph {\n  entity carts {\n  }\n  profile {\n    type = segment:materialized\n    type = "segment:unmaterialized"\n    enrichment = true\n  }\n}\n',
    [
      'data_graph keyword',
      'entity keyword',
      'carts class+declaration+deprecated',
      'profile keyword',
      'type property',
      'segment:materialized string+deprecated',
      'type property',
      '"segment:unmaterialized" string+deprecated',
      'enrichment property',
    ],
  ],
  [
    'unknown blocks: no keyword token, keys still properties; `type` outside profile is plain',
    'data_graph {\n  widget "w" {\n    type = "segment:dbt"\n  }\n}\n',
    ['data_graph keyword', 'type property'],
  ],
  [
    'junction table columns',
    `data_graph {
  profile {
    relationship "r" {
      relationship "s" {
        junction_table {
          primary_key = "pk"
          left_join_on = "a.id = a_id"
          right_join_on = "b_id = b.id"
        }
      }
    }
  }
}
`,
    ['pk variable', 'a class', 'id variable', 'a_id variable', 'b_id variable', 'b class', 'id variable'],
    ['class', 'variable'],
  ],
  // Broken text
  [
    'broken: unterminated string still yields its tokens',
    'data_graph {\n  entity "a" {\n    primary_key = "i\n  }\n}\n',
    ['data_graph keyword', 'entity keyword', 'a class+declaration', 'primary_key property', 'i variable'],
  ],
  [
    'broken: unterminated join string',
    'data_graph {\n  profile {\n    relationship "r" {\n      relationship "s" {\n        join_on = "a.id = b.\n',
    [
      'data_graph keyword',
      'profile keyword',
      'relationship keyword',
      'r interface+declaration',
      'relationship keyword',
      's interface+declaration',
      'join_on property',
      'a class',
      'id variable',
      'b class',
    ],
  ],
  [
    'broken: missing } and half-typed key',
    'data_graph {\n  entity "a" {\n    nam\n  entity "b" {\n',
    ['data_graph keyword', 'entity keyword', 'a class+declaration', 'nam property', 'entity keyword', 'b class+declaration'],
  ],
  [
    'broken: block with no body',
    'data_graph {\n  entity "a"\n}\n',
    ['data_graph keyword', 'entity property'],
  ],
  ['broken: unterminated label (reads as an attribute)', 'data_graph {\n  entity "a\n}\n', ['data_graph keyword', 'entity property']],
  ['empty file', '', []],
];

describe('semanticTokens', () => {
  it.each(cases)('%s', async (_name, source, expected, only) => check(source, expected, only));
});

describe('encodeSemanticTokens', () => {
  const token = (start: number, end: number, type: SemanticToken['type'], ...modifiers: SemanticToken['modifiers']): SemanticToken => ({
    span: { start, end },
    type,
    modifiers,
  });
  const types = SEMANTIC_TOKENS_LEGEND.tokenTypes;
  const t = (name: string) => types.indexOf(name);

  it('relative lines and characters, modifier bits', () => {
    const lines = new LineIndex('abc def\n  ghi\r\n\nxy');
    expect(
      encodeSemanticTokens(
        [token(0, 3, 'keyword'), token(4, 7, 'class', 'declaration', 'deprecated'), token(10, 13, 'property'), token(16, 18, 'variable')],
        lines,
      ),
    ).toEqual([0, 0, 3, t('keyword'), 0, 0, 4, 3, t('class'), 3, 1, 2, 3, t('property'), 0, 2, 0, 2, t('variable'), 0]);
  });

  it('sorts unsorted input, drops overlapping and empty tokens', () => {
    const lines = new LineIndex('abcdef');
    expect(encodeSemanticTokens([token(3, 5, 'class'), token(0, 2, 'keyword'), token(1, 3, 'property'), token(5, 5, 'string')], lines)).toEqual([
      0, 0, 2, t('keyword'), 0, 0, 3, 2, t('class'), 0,
    ]);
  });

  it('splits a token that crosses line breaks', () => {
    const lines = new LineIndex('ab\ncd\r\nef');
    expect(encodeSemanticTokens([token(1, 8, 'string', 'deprecated')], lines)).toEqual([
      0, 1, 1, t('string'), 2, 1, 0, 2, t('string'), 2, 1, 0, 1, t('string'), 2,
    ]);
  });

  it('legend lists every type and modifier once', () => {
    expect(new Set(SEMANTIC_TOKENS_LEGEND.tokenTypes).size).toBe(SEMANTIC_TOKENS_LEGEND.tokenTypes.length);
    expect(SEMANTIC_TOKENS_LEGEND.tokenModifiers).toEqual(['declaration', 'deprecated']);
  });
});
