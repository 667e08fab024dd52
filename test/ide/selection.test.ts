import { describe, expect, it } from 'vitest';
import { selectionRanges, type SelectionRange } from '../../server/src/ide/selection';
import { fixture, textOf } from '../support/fixture';

/** A span's text with line breaks as ⏎, the middle of long ones elided. */
function show(text: string, span: { start: number; end: number }): string {
  const t = textOf(text, span).replace(/\r?\n/g, '⏎');
  return t.length <= 40 ? t : `${t.slice(0, 18)}…${t.slice(-12)}`;
}

function chain(range: SelectionRange): SelectionRange['span'][] {
  const out: SelectionRange['span'][] = [];
  for (let r: SelectionRange | undefined = range; r; r = r.parent) out.push(r.span);
  return out;
}

/** The selection chain at the `$0` cursor, innermost first. */
async function check(source: string, expected: string[]): Promise<void> {
  const f = await fixture(source);
  const [range] = selectionRanges(f.document.syntax, [f.offset]);
  const spans = chain(range!);
  expect(spans[0]!.start <= f.offset && f.offset <= spans[0]!.end, 'innermost contains the cursor').toBe(true);
  for (let i = 1; i < spans.length; i++) {
    const [inner, outer] = [spans[i - 1]!, spans[i]!];
    expect(outer.start <= inner.start && inner.end <= outer.end && outer.end - outer.start > inner.end - inner.start).toBe(true);
  }
  expect(spans.map((s) => show(f.text, s)).slice(0, expected.length)).toEqual(expected);
}

const REL = (body: string) => `data_graph {\n  profile {\n    relationship "r" {\n      name = "R"\n${body}\n    }\n  }\n}\n`;

const cases: [string, string, string[]][] = [
  [
    'join prefix → operand → content → string → attribute → body → block → … → file',
    REL('      join_on = "account.id = ca$0rt.account_id"'),
    [
      'cart',
      'cart.account_id',
      'account.id = cart.account_id',
      '"account.id = cart.account_id"',
      'join_on = "account.id = cart.account_id"',
      'name = "R"⏎      j….account_id"',
      'relationship "r" {…nt_id"⏎    }',
      'profile {⏎    rela…d"⏎    }⏎  }',
      'data_graph {⏎  pro…⏎    }⏎  }⏎}',
      'data_graph {⏎  pro…    }⏎  }⏎}⏎',
    ],
  ],
  [
    'join column',
    REL('      join_on = "account.i$0d = cart.account_id"'),
    ['id', 'account.id', 'account.id = cart.account_id', '"account.id = cart.account_id"', 'join_on = "account.id = cart.account_id"'],
  ],
  [
    'cursor right after a join column (end of the string content)',
    REL('      join_on = "account.id = cart.account_id$0"'),
    ['account_id', 'cart.account_id', 'account.id = cart.account_id', '"account.id = cart.account_id"'],
  ],
  [
    'legacy table prefix is one word',
    REL('      join_on = "PROD.CUST.ACC$0OUNT.ID = cart.account_id"'),
    ['PROD.CUST.ACCOUNT', 'PROD.CUST.ACCOUNT.ID', 'PROD.CUST.ACCOUNT.ID = cart.account_id'],
  ],
  [
    'junction join: bare column side',
    REL('      junction_table {\n        left_join_on = "cart.id = ca$0rt_id"\n      }'),
    ['cart_id', 'cart.id = cart_id', '"cart.id = cart_id"', 'left_join_on = "cart.id = cart_id"', 'junction_table {⏎ …_id"⏎      }'],
  ],
  [
    'join string with escapes: source offsets',
    REL('      join_on = "a\\u002eid = b.c$0ol"'),
    ['col', 'b.col', 'a\\u002eid = b.col'],
  ],
  [
    'join string with escapes: an escaped dot splits prefix and column',
    REL('      join_on = "a\\u002ei$0d = b.col"'),
    ['id', 'a\\u002eid', 'a\\u002eid = b.col'],
  ],
  [
    'on the = of a join: the content',
    REL('      join_on = "account.id $0= cart.account_id"'),
    ['account.id = cart.account_id', '"account.id = cart.account_id"'],
  ],
  [
    'a word in a plain string (dots separate words)',
    'data_graph {\n  entity "a" {\n    table_ref = "PROD.CU$0ST.ACCOUNT"\n  }\n}\n',
    ['CUST', 'PROD.CUST.ACCOUNT', '"PROD.CUST.ACCOUNT"', 'table_ref = "PROD.CUST.ACCOUNT"', 'entity "a" {⏎    t…ACCOUNT"⏎  }'],
  ],
  [
    'slugs with - are one word',
    'data_graph {\n  profile {\n    relationship "r" {\n      related_entity = "cart-ent$0ity"\n    }\n  }\n}\n',
    ['cart-entity', '"cart-entity"', 'related_entity = "cart-entity"', 'relationship "r" {…ntity"⏎    }'],
  ],
  ['label: slug → quoted label → block', REL('').replace('"r"', '"r$0"'), ['r', '"r"', 'relationship "r" {…= "R"⏎⏎    }']],
  ['block keyword → block', REL('').replace('relationship', 'relat$0ionship'), ['relationship', 'relationship "r" {…= "R"⏎⏎    }']],
  ['attribute key → attribute', REL('').replace('name =', 'na$0me ='), ['name', 'name = "R"', 'relationship "r" {…= "R"⏎⏎    }']],
  ['cursor after a closing quote: the string', 'data_graph {\n  entity "a" {\n    name = "Acc"$0\n  }\n}\n', ['"Acc"', 'name = "Acc"', 'entity "a" {⏎    name = "Acc"⏎  }']],
  ['cursor after a }: the block', 'data_graph {\n  entity "a" {\n  }$0\n}\n', ['entity "a" {⏎  }', 'data_graph {⏎  entity "a" {⏎  }⏎}']],
  ['inside an empty block: the inside of the braces', 'data_graph {\n  entity "a" {$0}\n}\n', ['entity "a" {}', 'data_graph {⏎  entity "a" {}⏎}']],
  ['number value', 'data_graph {\n  entity "a" {\n    size = 4$02\n  }\n}\n', ['42', 'size = 42']],
  ['tuple element', 'data_graph {\n  tags = ["a", "b$0c"]\n}\n', ['bc', '"bc"', '["a", "bc"]', 'tags = ["a", "bc"]']],
  [
    'comment: word → comment → body',
    REL('      # some wo$0rds here'),
    ['words', '# some words here', 'name = "R"⏎      # some words here', 'relationship "r" {…s here⏎    }'],
  ],
  [
    'trailing comment after an attribute',
    REL('      related_entity = "x" # some wo$0rds here'),
    ['words', '# some words here', 'name = "R"⏎      r…e words here'],
  ],
  ['block comment', '/* a long\n   com$0ment */\ndata_graph {\n}\n', ['comment', '/* a long⏎   comment */']],
  ['top level whitespace: the whole file', '# x\n$0\ndata_graph {\n}\n', ['# x⏎⏎data_graph {⏎}⏎']],
  ['empty file', '$0', ['']],
  // Broken text
  [
    'broken: unterminated string (the line break is left out)',
    'data_graph {\n  entity "a" {\n    name = "hello wo$0rld\n  }\n}\n',
    ['world', 'hello world', '"hello world', 'name = "hello world', 'entity "a" {⏎    name = "hello world⏎  }'],
  ],
  [
    'broken: unterminated join string',
    REL('      join_on = "account.id = ca$0rt.acc'),
    ['cart', 'cart.acc', 'account.id = cart.acc', '"account.id = cart.acc', 'join_on = "account.id = cart.acc'],
  ],
  [
    'broken: unclosed blocks run to the end of the file',
    'data_graph {\n  entity "a" {\n    name = "hel$0lo"\n',
    ['hello', '"hello"', 'name = "hello"', 'entity "a" {⏎    name = "hello"', 'data_graph {⏎  ent…me = "hello"', 'data_graph {⏎  ent…e = "hello"⏎'],
  ],
  ['broken: half-typed key', 'data_graph {\n  entity "a" {\n    na$0\n  }\n}\n', ['na', 'entity "a" {⏎    na⏎  }']],
  ['broken: key with = and no value', 'data_graph {\n  entity "a" {\n    name$0 =\n  }\n}\n', ['name', 'name =', 'entity "a" {⏎    name =⏎  }']],
  ['broken: block with no body', 'data_graph {\n  entity "a$0"\n}\n', ['a', '"a"', 'entity "a"', 'data_graph {⏎  entity "a"⏎}']],
  [
    'broken: unquoted value',
    'data_graph {\n  profile {\n    type = segment:mat$0erialized\n  }\n}\n',
    ['materialized', 'segment:materialized', 'type = segment:materialized', 'profile {⏎    type…rialized⏎  }'],
  ],
];

describe('selectionRanges', () => {
  it.each(cases)('%s', async (_name, source, expected) => check(source, expected));

  it('one chain per offset, in order; offsets past the end are clamped', async () => {
    const f = await fixture('data_graph {\n  entity "a" {\n    name = "x"\n  }\n}');
    const ranges = selectionRanges(f.document.syntax, [f.text.indexOf('name'), f.text.indexOf('"a"') + 1, 10_000]);
    expect(ranges.map((r) => textOf(f.text, r.span))).toEqual(['name', 'a', f.text]);
  });
});
