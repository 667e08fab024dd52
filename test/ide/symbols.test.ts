import { describe, expect, it } from 'vitest';
import { documentSymbols, matchRank, workspaceSymbols, type DocumentSymbol } from '../../server/src/ide/symbols';
import { fixture, textOf } from '../support/fixture';

/** The outline as indented lines: `kind name — detail [selection text]`, children indented. */
function render(text: string, symbols: DocumentSymbol[], depth = 0): string[] {
  return symbols.flatMap((s) => [
    `${'  '.repeat(depth)}${s.kind} ${s.name}${s.detail ? ` — ${s.detail}` : ''}${s.deprecated ? ' (deprecated)' : ''} [${textOf(text, s.selectionSpan)}]`,
    ...render(text, s.children, depth + 1),
  ]);
}

function invariants(symbols: DocumentSymbol[], parent?: DocumentSymbol): void {
  for (const s of symbols) {
    expect(s.name.length, s.name).toBeGreaterThan(0);
    expect(s.span.start <= s.selectionSpan.start && s.selectionSpan.end <= s.span.end, `${s.name}: selection inside span`).toBe(true);
    if (parent) expect(parent.span.start <= s.span.start && s.span.end <= parent.span.end, `${s.name} inside ${parent.name}`).toBe(true);
    invariants(s.children, s);
  }
}

async function check(source: string, expected: string): Promise<void> {
  const f = await fixture(source);
  const symbols = documentSymbols(f.document.syntax);
  invariants(symbols);
  const want = expected.split('\n').filter((l) => l.trim()).map((l) => l.replace(/^ {4}/, ''));
  const indent = Math.min(...want.map((l) => l.match(/^ */)![0].length));
  expect(render(f.text, symbols)).toEqual(want.map((l) => l.slice(indent)));
}

const GRAPH = `
data_graph {
  version = "v1.0.0"
  entity "account" {
    name = "Account"
    table_ref = "PROD.CUST.ACCOUNT"
    primary_key = "id"
  }
  entity "cart" {
    name = "Cart"
    table_ref = "PROD.CUST.CART"
    primary_key = "id"
  }
  profile {
    profile_folder = "PROD.segment"
    type = "segment:materialized"
    relationship "user-accounts" {
      name = "Accounts"
      related_entity = "account"
      external_id {
        type = "email"
        join_key = "email"
      }
      relationship "account-carts" {
        name = "Shopping Carts"
        related_entity = "cart"
        join_on = "account.id = cart.account_id"
      }
    }
  }
}
`;

describe('documentSymbols', () => {
  const cases: [string, string, string][] = [
    [
      'complete graph: data_graph flattened, relationship tree nested',
      GRAPH,
      `
      class account — PROD.CUST.ACCOUNT [account]
      class cart — PROD.CUST.CART [cart]
      module profile — PROD.segment [profile]
        field user-accounts — account [user-accounts]
          field account-carts — cart [account-carts]
      `,
    ],
    ['empty file', '', ''],
    ['empty data_graph', 'data_graph {\n}\n', ''],
    [
      'two data_graph blocks (DG100) keep their containers',
      'data_graph {\n  entity "a" {\n  }\n}\ndata_graph {\n  entity "b" {\n  }\n}\n',
      `
      namespace data_graph [data_graph]
        class a [a]
      namespace data_graph [data_graph]
        class b [b]
      `,
    ],
    [
      'blocks outside data_graph still show',
      'entity "stray" {\n  table_ref = "a.b.c"\n}\n',
      'class stray — a.b.c [stray]',
    ],
    [
      'legacy keyword is deprecated; unknown blocks and link blocks are left out',
      'data_graph {\n  entities "old" {\n  }\n  widget "w" {\n  }\n  profile {\n    relationship "r" {\n      traits {\n      }\n    }\n  }\n}\n',
      `
      class old (deprecated) [old]
      module profile [profile]
        field r [r]
      `,
    ],
    [
      'missing or empty slug gets a placeholder name, selection on the keyword',
      'data_graph {\n  entity {\n  }\n  entity "" {\n  }\n  profile {\n    relationship {\n    }\n  }\n}\n',
      `
      class entity (no slug) [entity]
      class entity (no slug) []
      module profile [profile]
        field relationship (no slug) [relationship]
      `,
    ],
    [
      'unquoted label',
      'data_graph {\n  entity carts {\n  }\n}\n',
      'class carts [carts]',
    ],
    [
      'broken: unterminated string in the detail',
      'data_graph {\n  entity "a" {\n    table_ref = "x.y\n  }\n  entity "b" {\n  }\n}\n',
      `
      class a — x.y [a]
      class b [b]
      `,
    ],
    [
      'broken: missing closing braces',
      'data_graph {\n  entity "a" {\n    name = "A"\n  }\n  profile {\n    relationship "r" {\n      related_entity = "a"\n',
      `
      class a [a]
      module profile [profile]
        field r — a [r]
      `,
    ],
    [
      'broken: an entity missing its } swallows what follows, and shows it nested',
      'data_graph {\n  entity "a" {\n    name = "A"\n  profile {\n    relationship "r" {\n    }\n  }\n}\n',
      `
      class a [a]
        module profile [profile]
          field r [r]
      `,
    ],
    [
      'broken: half-typed key and unterminated label',
      'data_graph {\n  entity "a" {\n    nam\n  }\n  entity "b\n}\n',
      'class a [a]',
    ],
    [
      'broken: block with no body reads as an attribute, not a symbol',
      'data_graph {\n  entity "a"\n  entity "b" {\n  }\n}\n',
      'class b [b]',
    ],
    [
      'broken: block with an open brace and nothing else',
      'data_graph {\n  entity "a" {',
      'class a [a]',
    ],
  ];
  it.each(cases)('%s', async (_name, source, expected) => check(source, expected));

  it('span covers the whole block, selection the slug', async () => {
    const f = await fixture(GRAPH);
    const [account] = documentSymbols(f.document.syntax);
    expect(textOf(f.text, account!.span)).toMatch(/^entity "account" \{[\s\S]*\}$/);
  });
});

describe('workspaceSymbols', () => {
  async function checkWorkspace(query: string, expected: string[], limit?: number): Promise<void> {
    const one = await fixture(GRAPH);
    const two = await fixture('data_graph {\n  entity "account-history" {\n    name = "History"\n  }\n}\n');
    const result = workspaceSymbols(
      query,
      [
        { uri: 'file:///one.dg', analysis: one.analysis },
        { uri: 'file:///two.dg', analysis: two.analysis },
      ],
      { limit },
    );
    const texts: Record<string, string> = { 'file:///one.dg': one.text, 'file:///two.dg': two.text };
    for (const s of result) expect(textOf(texts[s.uri]!, s.selectionSpan)).toBe(s.name);
    expect(
      result.map((s) => `${s.kind} ${s.name}${s.containerName ? ` in ${s.containerName}` : ''}${s.detail ? ` — ${s.detail}` : ''} (${s.uri.slice(8)})`),
    ).toEqual(expected);
  }

  const cases: [string, string[]][] = [
    [
      '',
      [
        'class account — PROD.CUST.ACCOUNT (one.dg)',
        'class cart — PROD.CUST.CART (one.dg)',
        'field user-accounts in profile — account (one.dg)',
        'field account-carts in user-accounts — cart (one.dg)',
        'class account-history (two.dg)',
      ],
    ],
    // exact first, then prefix, then substring, then subsequence
    ['account', ['class account — PROD.CUST.ACCOUNT (one.dg)', 'field account-carts in user-accounts — cart (one.dg)', 'class account-history (two.dg)', 'field user-accounts in profile — account (one.dg)']],
    ['ACC', ['class account — PROD.CUST.ACCOUNT (one.dg)', 'field account-carts in user-accounts — cart (one.dg)', 'class account-history (two.dg)', 'field user-accounts in profile — account (one.dg)']],
    ['uac', ['field user-accounts in profile — account (one.dg)']],
    ['acrt', ['field account-carts in user-accounts — cart (one.dg)']],
    // the display name matches after slugs
    ['shopping', ['field account-carts in user-accounts — cart (one.dg)']],
    ['zzz', []],
  ];
  it.each(cases)('query %j', async (query, expected) => checkWorkspace(query, expected));

  it('limit keeps the best matches', async () =>
    checkWorkspace('account', ['class account — PROD.CUST.ACCOUNT (one.dg)', 'field account-carts in user-accounts — cart (one.dg)'], 2));

  it('broken documents contribute what they define', async () => {
    const broken = await fixture('data_graph {\n  entity "half" {\n    name = "x\n  }\n  profile {\n    relationship "r" {\n');
    const result = workspaceSymbols('', [{ uri: 'file:///b.dg', analysis: broken.analysis }]);
    expect(result.map((s) => s.name)).toEqual(['half', 'r']);
  });

  it('matchRank', () => {
    expect([matchRank('', 'x'), matchRank('ab', 'ab'), matchRank('ab', 'abc'), matchRank('bc', 'abc'), matchRank('ac', 'abc'), matchRank('ca', 'abc')]).toEqual([0, 0, 1, 2, 3, undefined]);
  });
});
