import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/checks/analyze';
import { applyEdits, format, type FormattingOptions, type FormattingResult } from '../../server/src/ide/formatting';
import { SyntaxDocument } from '../../server/src/syntax/document';
import { repoRoot, wasmParser } from '../support/wasm';

/** Formats `text` once: the edits, the formatted text and the regions left alone. */
async function run(text: string, options?: FormattingOptions): Promise<FormattingResult & { output: string }> {
  const document = SyntaxDocument.parse(await wasmParser(), text);
  try {
    const result = format(document.syntax, document.lineIndex, options);
    return { ...result, output: applyEdits(text, result.edits) };
  } finally {
    document.dispose();
  }
}

/** The diagnostics of `text` (after its `dg-ignore` comments), as `code message`, sorted. */
async function diagnosticsOf(text: string): Promise<string[]> {
  const document = SyntaxDocument.parse(await wasmParser(), text);
  try {
    return analyze(document)
      .diagnostics.map((d) => `${d.code} ${d.message}`)
      .sort();
  } finally {
    document.dispose();
  }
}

/** The non-whitespace characters of `text`, in order: formatting never changes them. */
const ink = (text: string) => text.replace(/[ \t\r\n\f\v]+/g, '');

/** In the inputs below `·` is a space and `→` a tab, so that trailing whitespace shows. */
const visible = (text: string) => text.replace(/·/g, ' ').replace(/→/g, '\t');

/** Checks one (input, expected) pair: the output, idempotence, and that only whitespace changed. */
async function check(input: string, expected: string, options?: FormattingOptions): Promise<FormattingResult & { output: string }> {
  const result = await run(input, options);
  expect(result.output).toBe(expected);
  expect(ink(result.output)).toBe(ink(input));
  const again = await run(result.output, options);
  expect(again.edits).toEqual([]);
  // Edits are sorted, disjoint, and replace whitespace with whitespace.
  let end = -1;
  for (const edit of result.edits) {
    expect(edit.span.start).toBeGreaterThanOrEqual(end);
    expect(ink(input.slice(edit.span.start, edit.span.end))).toBe('');
    expect(ink(edit.newText)).toBe('');
    end = edit.span.end;
  }
  return result;
}

type Case = [name: string, input: string, expected: string, options?: FormattingOptions];

const canonical: Case[] = [
  [
    'indentation by nesting depth, two spaces a level',
    `data_graph {
entity "a" {
        name = "A"
 }
    profile {
relationship "r" {
  name = "R"
          external_id {
type = "email"
}
}
    }
}
`,
    `data_graph {
  entity "a" {
    name = "A"
  }
  profile {
    relationship "r" {
      name = "R"
      external_id {
        type = "email"
      }
    }
  }
}
`,
  ],
  [
    'one attribute per line: one-line blocks and attributes sharing a line are split',
    `data_graph { entity "a" { name = "A" table_ref = "x.y.z" } }
`,
    `data_graph {
  entity "a" {
    name      = "A"
    table_ref = "x.y.z"
  }
}
`,
  ],
  [
    '= aligned in a run of attribute lines; a blank line, a comment line and a nested block end a run',
    `data_graph {
  entity "a" {
    name = "A"
    table_ref = "x.y.z"
    primary_key="id"

    description = "d"
    enrichment_enabled = true
    # comment
    x = 1
  }
  relationship "r" {
    name  =  "R"
    related_entity = "a"
    external_id {
      type = "email"
      join_key = "email"
    }
    description = "after the block"
  }
}
`,
    `data_graph {
  entity "a" {
    name        = "A"
    table_ref   = "x.y.z"
    primary_key = "id"

    description        = "d"
    enrichment_enabled = true
    # comment
    x = 1
  }
  relationship "r" {
    name           = "R"
    related_entity = "a"
    external_id {
      type     = "email"
      join_key = "email"
    }
    description = "after the block"
  }
}
`,
  ],
  [
    'over-wide alignment shrinks back to the longest key of the run',
    `data_graph {
  name                    = "A"
  table_ref               = "x.y.z"
}
`,
    `data_graph {
  name      = "A"
  table_ref = "x.y.z"
}
`,
  ],
  [
    'block headers: single spaces between type, labels and {; a { on the next line stays there, at the header\'s indentation',
    `data_graph{
  entity     "a"{
    name = "A"
  }
  relationship   "r"
  {
    name = "R"
  }
}
`,
    `data_graph {
  entity "a" {
    name = "A"
  }
  relationship "r"
  {
    name = "R"
  }
}
`,
  ],
  [
    '} on its own line at its block\'s indentation; an empty block is {}',
    `data_graph {
  entity "a" {
    name = "A" }
  profile {

  }
  entity "b" { }
  entity "c" {}
    }
`,
    `data_graph {
  entity "a" {
    name = "A"
  }
  profile {}
  entity "b" {}
  entity "c" {}
}
`,
  ],
  [
    'blank lines: at most one between items, none after {, before } or at the start of the file',
    `


data_graph {


  version = "v1.0.0"



  entity "a" {

    name = "A"

  }


}
`,
    `data_graph {
  version = "v1.0.0"

  entity "a" {
    name = "A"
  }
}
`,
  ],
  [
    'no trailing whitespace; exactly one final line break (added)',
    visible(`data_graph {···
  version = "v1.0.0"→·
}··`),
    `data_graph {
  version = "v1.0.0"
}
`,
  ],
  [
    'exactly one final line break (extra ones and trailing blank lines removed)',
    visible(`data_graph {
}
··
→
`),
    `data_graph {}
`,
  ],
  [
    'CRLF line endings stay CRLF, including the ones the formatter adds',
    'data_graph {\r\n\r\n\r\n  entity "a" { name = "A"\r\n      table_ref = "x.y.z"  \r\n}\r\n}',
    'data_graph {\r\n  entity "a" {\r\n    name      = "A"\r\n    table_ref = "x.y.z"\r\n  }\r\n}\r\n',
  ],
  [
    'tabs: one tab a level when insertSpaces is false; alignment stays spaces',
    `data_graph {
  entity "a" {
    name = "A"
    primary_key = "id"
  }
}
`,
    visible(`data_graph {
→entity "a" {
→→name········= "A"
→→primary_key = "id"
→}
}
`),
    { insertSpaces: false },
  ],
  [
    'tab size 4',
    `data_graph {
  entity "a" {
    name = "A"
  }
}
`,
    `data_graph {
    entity "a" {
        name = "A"
    }
}
`,
    { tabSize: 4 },
  ],
  [
    'comments: own-line ones re-indented, trailing ones kept on their line, # // and /* */',
    `# header


// second header
data_graph {   # opens the graph

      # about a
  entity "a" {
  name = "A"   // the name
        /* a block
     comment, inside untouched */
    table_ref = "x.y.z" /* inline */
  }    # closes a
  # last
}
# end of file`,
    `# header

// second header
data_graph { # opens the graph
  # about a
  entity "a" {
    name = "A" // the name
    /* a block
     comment, inside untouched */
    table_ref = "x.y.z" /* inline */
  } # closes a
  # last
}
# end of file
`,
  ],
  [
    'trailing comments of consecutive lines of a run share a column',
    `data_graph {
  entity "a" {
    name = "Account" # display name
    table_ref = "p.c.accounts"   # the table
    primary_key = "id" # unique
    description = "d"
    enrichment_enabled = true # for Linked Events
  }
}
`,
    `data_graph {
  entity "a" {
    name               = "Account"      # display name
    table_ref          = "p.c.accounts" # the table
    primary_key        = "id"           # unique
    description        = "d"
    enrichment_enabled = true # for Linked Events
  }
}
`,
  ],
  [
    'a comment before an item on its line gets its own line; one inside an item stays where it is',
    `data_graph {
  /* lead */ name = "A"
  key /* odd */  =   "v"
  entity /* kind */ "a" {
  }
}
`,
    `data_graph {
  /* lead */
  name = "A"
  key /* odd */  = "v"
  entity /* kind */ "a" {}
}
`,
  ],
  [
    'string contents never change',
    `data_graph {
  name   =   "  spaced   out  "
  join_on="a.id   =   b.a_id"
  description = "tab\\there \\"quoted\\" \\u00e9"
}
`,
    `data_graph {
  name        = "  spaced   out  "
  join_on     = "a.id   =   b.a_id"
  description = "tab\\there \\"quoted\\" \\u00e9"
}
`,
  ],
  [
    'legacy forms are left as they are, only the whitespace around them changes',
    `data_graph {
  profile {
    type   =   segment:materialized
      relationship  :   "r"   {
    name :   "R"
      ...
    }
  }
  entity   carts {
    name = "Carts"
  }
}
`,
    `data_graph {
  profile {
    type = segment:materialized
    relationship: "r" {
      name: "R"
      ...
    }
  }
  entity carts {
    name = "Carts"
  }
}
`,
  ],
  [
    'values of every kind; a multi-line tuple keeps its inside',
    `data_graph {
  enrichment_enabled = true
  count = 42
  tags = [
      "a",
    "b" ]
  other = 1
}
`,
    `data_graph {
  enrichment_enabled = true
  count              = 42
  tags = [
      "a",
    "b" ]
  other = 1
}
`,
  ],
  ['an empty file stays empty', '', ''],
  ['a file of whitespace becomes empty', '  \n\n\t\n', ''],
  ['a comment-only file', '   # just a note   ', '# just a note\n'],
  [
    'a byte order mark is kept',
    '\uFEFF  data_graph {\n    version = "v1.0.0"\n}',
    '\uFEFFdata_graph {\n  version = "v1.0.0"\n}\n',
  ],
];

describe('format: the canonical layout', () => {
  it.each(canonical)('%s', async (_name, input, expected, options) => {
    const result = await check(input, expected, options);
    expect(result.errors).toEqual([]);
  });

  it('answers with small edits, not a whole-document replacement', async () => {
    const text = `data_graph {
  entity "a" {
    name = "A"
      table_ref = "x.y.z"
  }
}
`;
    const { edits } = await run(text);
    // Five spaces more after `name` (to align its =), two fewer before `table_ref`.
    const afterName = text.indexOf('name =') + 'name '.length;
    const tableRefLine = text.indexOf('      table_ref');
    expect(edits).toEqual([
      { span: { start: afterName, end: afterName }, newText: '     ' },
      { span: { start: tableRefLine + 4, end: tableRefLine + 6 }, newText: '' },
    ]);
  });
});

/** A broken case: the expected output, the lines that must be exactly as in the input. */
type BrokenCase = [name: string, input: string, expected: string, untouched: string[]];

const broken: BrokenCase[] = [
  [
    'unterminated string: its line is kept, the rest is formatted',
    `data_graph {
  entity "a" {
       name  =  "Acc
    table_ref = "x.y.z"
      primary_key="id"
  }
}
`,
    `data_graph {
  entity "a" {
       name  =  "Acc
    table_ref   = "x.y.z"
    primary_key = "id"
  }
}
`,
    ['       name  =  "Acc'],
  ],
  [
    'missing }: where it is missing is unknown, so the unclosed block is kept whole',
    `# header   

data_graph {
  entity "a" {
      name = "A"

  entity "b" {
  name="B"
  }
}
`,
    `# header

data_graph {
  entity "a" {
      name = "A"

  entity "b" {
  name="B"
  }
}
`,
    ['      name = "A"', '  name="B"'],
  ],
  [
    'a junk line: how the parser recovers depends on the whitespace around it, near or far, so nothing changes',
    `data_graph {
 entity "a" {
    name =   "A"
      %%% junk !!
  table_ref  =  "x"
  }
}
   # after   
entity "b" {
name = "B"
}
`,
    `data_graph {
 entity "a" {
    name =   "A"
      %%% junk !!
  table_ref  =  "x"
  }
}
   # after   
entity "b" {
name = "B"
}
`,
    [' entity "a" {', '    name =   "A"', '      %%% junk !!', '  table_ref  =  "x"', '   # after   ', 'name = "B"'],
  ],
  [
    'missing = : the attribute is kept as it is',
    `data_graph {
  entity "a" {
    name "A"
      table_ref = "x.y.z"
  }
}
`,
    `data_graph {
  entity "a" {
    name "A"
    table_ref = "x.y.z"
  }
}
`,
    ['    name "A"'],
  ],
  [
    'a brace in an unparsed region: nothing changes',
    `data_graph {
  entity "a" {{
      name = "A"
  }
}
# after   
`,
    `data_graph {
  entity "a" {{
      name = "A"
  }
}
# after   
`,
    ['  entity "a" {{', '      name = "A"', '# after   '],
  ],
  [
    'a } with no block: everything up to it is kept',
    `data_graph {
  entity "a" {
      name = "A" }
  }
}
   # after
`,
    `data_graph {
  entity "a" {
      name = "A" }
  }
}
# after
`,
    ['      name = "A" }', '  }'],
  ],
  [
    'unterminated block comment: kept to the end of the file',
    `data_graph {
    version = "v1.0.0"
}
/* open
   still   open   `,
    `data_graph {
  version = "v1.0.0"
}
/* open
   still   open   `,
    ['   still   open   '],
  ],
];

describe('format: broken text', () => {
  it.each(broken)('%s', async (_name, input, expected, untouched) => {
    const result = await check(input, expected);
    expect(result.errors.length).toBeGreaterThan(0);
    const outputLines = result.output.split('\n');
    for (const line of untouched) {
      expect(input.split('\n')).toContain(line);
      expect(outputLines).toContain(line);
    }
  });
});

describe('format: range formatting', () => {
  const text = `data_graph {
entity "a" {
name = "A"
table_ref   =   "x.y.z"
}
entity "b" {
name = "B"
}
}
`;

  it('edits only the lines of the range', async () => {
    const lines = text.split('\n');
    const inRange = (l: number) => l >= 2 && l <= 3;
    const { edits, output } = await run(text, { lines: { start: 2, end: 3 } });
    expect(edits.length).toBeGreaterThan(0);
    const formattedLines = output.split('\n');
    expect(formattedLines).toHaveLength(lines.length);
    for (let l = 0; l < lines.length; l++) if (!inRange(l)) expect(formattedLines[l]).toBe(lines[l]);
    expect(formattedLines.slice(2, 4)).toEqual(['    name      = "A"', '    table_ref = "x.y.z"']);
  });

  it('formats the whole run layout, even when part of the run is outside the range', async () => {
    const { output } = await run(text, { lines: { start: 3, end: 3 } });
    expect(output.split('\n')[3]).toBe('    table_ref = "x.y.z"');
    expect(output.split('\n')[2]).toBe('name = "A"');
  });

  it('never joins a line in the range with one outside it', async () => {
    const source = 'data_graph {\n  entity "a" {\n    name =\n      "A"\n  }\n}\n';
    expect((await run(source, { lines: { start: 2, end: 2 } })).edits).toEqual([]);
    expect((await run(source, { lines: { start: 2, end: 3 } })).output).toBe('data_graph {\n  entity "a" {\n    name = "A"\n  }\n}\n');
  });

  it('a range covering the whole file gives the whole-file edits', async () => {
    expect((await run(text, { lines: { start: 0, end: 100 } })).edits).toEqual((await run(text)).edits);
  });
});

/** Every `.dg` file under `dir`, recursively. */
function dgFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? dgFiles(path) : entry.name.endsWith('.dg') ? [path] : [];
  });
}

const corpus = [...dgFiles(join(repoRoot, 'examples')), ...dgFiles(join(repoRoot, 'test', 'fixtures', 'diagnostics'))];

describe('format: the examples and the diagnostics fixtures', () => {
  it('finds them', () => {
    expect(corpus.length).toBeGreaterThan(40);
  });

  it.each(corpus.map((path) => [relative(repoRoot, path), path]))(
    '%s: only whitespace changes, the diagnostics stay the same, and a second pass gives no edits',
    async (_name, path) => {
      const text = readFileSync(path, 'utf8');
      const first = await run(text);
      expect(ink(first.output)).toBe(ink(text));
      expect((await run(first.output)).edits).toEqual([]);
      // Whitespace only, so the analysis finds the same problems (with the same messages).
      expect(await diagnosticsOf(first.output)).toEqual(await diagnosticsOf(text));
    },
  );

  it.each([...canonical.map(([name, input, , options]) => [name, input, options] as const), ...broken.map(([name, input]) => [name, input, undefined] as const)])(
    'the inputs of the cases above keep their diagnostics: %s',
    async (_name, input, options) => {
      const { output } = await run(input, options);
      expect(await diagnosticsOf(output)).toEqual(await diagnosticsOf(input));
    },
  );

  it('the examples are already formatted', async () => {
    for (const path of dgFiles(join(repoRoot, 'examples'))) {
      const result = await run(readFileSync(path, 'utf8'));
      expect({ path: relative(repoRoot, path), edits: result.edits, errors: result.errors }).toEqual({
        path: relative(repoRoot, path),
        edits: [],
        errors: [],
      });
    }
  });
});

describe('format: property', () => {
  const complete = readFileSync(join(repoRoot, 'examples', 'complete.dg'), 'utf8');
  const lines = complete.replace(/\n$/, '').split('\n');
  const spaces = fc.array(fc.constantFrom(' ', '\t'), { minLength: 0, maxLength: 6 }).map((a) => a.join(''));
  const someSpace = fc.array(fc.constantFrom(' ', '\t'), { minLength: 1, maxLength: 6 }).map((a) => a.join(''));
  const ATTRIBUTE = /^\s*([a-z_]+)\s*=\s*(.+)$/;
  const HEADER = /^\s*([a-z_]+)((?: "[^"]*")*) \{$/;

  /**
   * One line with its whitespace changed at random (strings and comments untouched), a quoted value
   * perhaps on the line after its `=`, and what ends it: a line break (with extra blank lines after a
   * `{`, before a `}` or next to a blank line), or, between attribute lines or an attribute line and a
   * `}`, spaces that join the two lines.
   */
  const perturbLine = (line: string, next: string | undefined) =>
    fc
      .tuple(spaces, spaces, spaces, spaces, fc.array(someSpace, { minLength: 3, maxLength: 3 }), fc.nat({ max: 2 }), fc.boolean(), fc.boolean())
      .map(([indent, before, after, trailing, gaps, blanks, join, valueBelow]) => {
        const attribute = ATTRIBUTE.exec(line);
        const header = HEADER.exec(line);
        let body = line.trim();
        if (attribute) {
          const below = valueBelow && attribute[2]!.startsWith('"');
          body = `${attribute[1]}${before}=${after}${below ? `\n${indent}${gaps[1]}` : ''}${attribute[2]}`;
        } else if (header) {
          const labels = header[2]!.trim() ? header[2]!.trim().split(' ') : [];
          body = [header[1], ...labels].map((part, i) => (i ? gaps[i - 1]! : '') + part).join('') + gaps[2]! + '{';
        }
        const nextTrim = next?.trim();
        if (attribute && join && (ATTRIBUTE.test(next ?? '') || nextTrim === '}')) return `${indent}${body}${gaps[0]}`;
        const roomy = line.trim() === '' || line.trim().endsWith('{') || nextTrim === '}' || nextTrim === '';
        const extra = roomy ? '\n'.repeat(blanks) : '';
        return line.trim() === '' ? `${trailing}\n${extra}` : `${indent}${body}${trailing}\n${extra}`;
      });
  const perturbed = fc
    .tuple(fc.tuple(...lines.map((line, i) => perturbLine(line, lines[i + 1]))), fc.boolean(), fc.nat({ max: 3 }), spaces)
    .map(([parts, crlf, leading, end]) => {
      const text = '\n'.repeat(leading) + parts.join('') + end;
      return { text: crlf ? text.replace(/\n/g, '\r\n') : text, crlf };
    });

  it('random whitespace changes to examples/complete.dg format back to it (LF and CRLF)', async () => {
    await fc.assert(
      fc.asyncProperty(perturbed, async ({ text, crlf }) => {
        const { output, errors } = await run(text);
        expect(errors).toEqual([]);
        expect(output).toBe(crlf ? complete.replace(/\n/g, '\r\n') : complete);
      }),
      { numRuns: 100 },
    );
  });
});

/** Formats `input` and checks the output, that only whitespace changed, idempotence and the diagnostics. */
async function checkKeepsDiagnostics(input: string, expected: string, options?: FormattingOptions): Promise<FormattingResult & { output: string }> {
  const result = await check(input, expected, options);
  expect(await diagnosticsOf(result.output)).toEqual(await diagnosticsOf(input));
  return result;
}

describe('format: line breaks the parse or the checks depend on are kept', () => {
  const cases: [name: string, input: string, expected: string][] = [
    [
      'a legacy `key:` with its unquoted value on the next line (joined, the value would read as a block label)',
      'data_graph {\n  profile {\n    type:\n      segment:materialized\n  }\n}\n',
      'data_graph {\n  profile {\n    type:\n      segment:materialized\n  }\n}\n',
    ],
    [
      'a legacy `key:` with its value on the next line does not swallow the next attribute',
      'entity "a" {\n  name:   \nfoo\n  x = 1\n}\n',
      'entity "a" {\n  name:\n    foo\n  x = 1\n}\n',
    ],
    [
      'an unquoted value on the line after its `=`',
      'data_graph {\n  entity "a" {\n    name =\n  foo\n    table_ref = "x.y.z"\n  }\n}\n',
      'data_graph {\n  entity "a" {\n    name =\n      foo\n    table_ref = "x.y.z"\n  }\n}\n',
    ],
    [
      'a quoted value on the line after its `=` is joined (that is safe)',
      'data_graph {\n  entity "a" {\n    name\n    =\n      "A"\n    table_ref = "x.y.z"\n  }\n}\n',
      'data_graph {\n  entity "a" {\n    name      = "A"\n    table_ref = "x.y.z"\n  }\n}\n',
    ],
    [
      'a block header over two lines (the checks do not look into such a block: joining it would change dg check)',
      'data_graph {\n  relationship   "r"   \n      {\n    name = "R"\n  }\n  entity\n"a" {}\n}\n',
      'data_graph {\n  relationship "r"\n  {\n    name = "R"\n  }\n  entity\n    "a" {}\n}\n',
    ],
    [
      'the space before a `:` after an `=` with no value (without it, `name:` reads as that value)',
      'data_graph {\n  x =\n  name : "v"\n  relationship : "r" {}\n}\n',
      'data_graph {\n  x =\n  name : "v"\n  relationship: "r" {}\n}\n',
    ],
    [
      'two legacy `key: value` on one line (dg check reports one DG001 per line)',
      'data_graph {\n    a: 1 b: 2\n      c = "3"   d = "4"\n}\n',
      'data_graph {\n    a: 1 b: 2\n  c = "3"\n  d = "4"\n}\n',
    ],
  ];
  it.each(cases)('%s', async (_name, input, expected) => {
    await checkKeepsDiagnostics(input, expected);
  });
});

describe('format: dg-ignore comments', () => {
  it('leaves a one-line block with a dg-ignore comment after it as it is', async () => {
    const input = 'entity "a" { name = foo table_ref = "x.y.z" primary_key = "id" } # dg-ignore DG004\n';
    await checkKeepsDiagnostics(input, input);
    const above = '# dg-ignore DG004\nentity "a" { name = foo table_ref = "x.y.z" primary_key = "id" }\n';
    await checkKeepsDiagnostics(above, above);
  });

  it('leaves the line after a dg-ignore comment (and the comment) alone, and formats the rest', async () => {
    await checkKeepsDiagnostics(
      'data_graph {\n    # dg-ignore DG004\n    entity "a" { name = foo table_ref = "x.y.z" primary_key = "id" }\n    entity "b" { name = foo }\n}\n',
      'data_graph {\n    # dg-ignore DG004\n    entity "a" { name = foo table_ref = "x.y.z" primary_key = "id" }\n  entity "b" {\n    name = foo\n  }\n}\n',
    );
  });

  it('keeps a blank line after a dg-ignore comment (removing it would silence the next line)', async () => {
    const input = 'data_graph { # dg-ignore DG004\n\n  profile {\n    type = segment:materialized\n  }\n}\n';
    await checkKeepsDiagnostics(input, input);
  });

  it('a dg-ignore comment before an item on its line stays on the item\'s line', async () => {
    const input = 'data_graph {\n  /* dg-ignore DG004 */ name = foo\n  x = bar\n}\n';
    await checkKeepsDiagnostics(input, input);
  });
});

describe('format: long and wide input', () => {
  it('a long chain of comments after a `{` (no recursion per comment, linear)', async () => {
    const text = 'x {' + ' /**/'.repeat(30_000) + '\n  a = 1\n}\n';
    const started = performance.now();
    const { output } = await run(text);
    expect(output).toBe(text);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('aligns trailing comments by display width: wide (CJK) characters and emoji take two columns', async () => {
    await check(
      `data_graph {
  entity "a" {
    name = "日本語" # ja
    table_ref = "x.y.z" # t
    description = "🎉" # emoji
  }
}
`,
      `data_graph {
  entity "a" {
    name        = "日本語" # ja
    table_ref   = "x.y.z"  # t
    description = "🎉"     # emoji
  }
}
`,
    );
  });
});

describe('format: fuzz', () => {
  // Small graphs with the legacy forms (`key: value`, `relationship: "r" {`, unquoted values and
  // labels, `...`), broken ones (no `=`, no value, a lone key, an unterminated string, junk, a
  // missing or extra `}`), comments (dg-ignore ones too) and line breaks between any two tokens.
  const key = fc.constantFrom('name', 'table_ref', 'primary_key', 'type', 'related_entity', 'x');
  const value = fc.constantFrom('"A"', '"x.y.z"', '"日本"', 'foo', 'segment:materialized', 'true', '42', '...', '["a", "b"]', '"${x}"', '"open');
  const attribute = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(key, value).map(([k, v]) => [k, '=', v]) },
    { weight: 3, arbitrary: fc.tuple(key, value).map(([k, v]) => [k, ':', v]) },
    { weight: 1, arbitrary: fc.tuple(key, value).map(([k, v]) => [k, v]) },
    { weight: 1, arbitrary: key.map((k) => [k, '=']) },
    { weight: 1, arbitrary: key.map((k) => [k]) },
    { weight: 1, arbitrary: fc.constant<string[]>(['...']) },
    { weight: 1, arbitrary: fc.constantFrom<string[]>(['%%%'], ['='], ['{'], ['name', '=', '=', '"A"']) },
  );
  const blockType = fc.constantFrom('entity', 'relationship', 'profile', 'external_id', 'data_graph', 'enrichment');
  const label = fc.constantFrom('"a"', '"b"', 'carts', '"user-carts"');
  const { item } = fc.letrec<{ item: string[]; block: string[] }>((tie) => ({
    item: fc.oneof({ maxDepth: 3, depthIdentifier: 'item' }, attribute, tie('block')),
    block: fc
      .tuple(blockType, fc.boolean(), fc.array(label, { maxLength: 2 }), fc.array(tie('item'), { maxLength: 4 }))
      .map(([type, colon, labels, items]) => [type, ...(colon ? [':'] : []), ...labels, '{', ...items.flat(), '}']),
  }));
  const separator = fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(' ', '  ', '\t ') },
    { weight: 6, arbitrary: fc.constantFrom('\n', '\n    ', '\n\n  ', ' \n\n\n ') },
    { weight: 2, arbitrary: fc.constantFrom(' /* c */ ', '\n/* two\n   lines */\n', ' # note\n', ' // note\n  ') },
    { weight: 3, arbitrary: fc.constantFrom(' # dg-ignore DG004\n', '\n# dg-ignore\n', ' /* dg-ignore DG104 */ ', ' // dg-ignore DG001 DG004\n\n', '\n  # dg-ignore DG111\n') },
    { weight: 1, arbitrary: fc.constant('') },
  );
  const tokens = fc
    .tuple(fc.array(item, { maxLength: 4 }), fc.boolean(), fc.constantFrom('none', 'none', 'none', 'drop', 'add'), fc.nat())
    .map(([items, wrapped, brace, at]) => {
      const all = wrapped ? ['data_graph', '{', ...items.flat(), '}'] : items.flat();
      const closes = all.flatMap((t, i) => (t === '}' ? [i] : []));
      if (brace === 'drop' && closes.length) all.splice(closes[at % closes.length]!, 1);
      if (brace === 'add') all.splice(at % (all.length + 1), 0, '}');
      return all;
    });
  const graph = fc
    .tuple(tokens, fc.boolean())
    .chain(([toks, crlf]) =>
      fc.array(separator, { minLength: toks.length + 1, maxLength: toks.length + 1 }).map((seps) => {
        const text = seps[0]! + toks.map((t, i) => t + seps[i + 1]!).join('');
        return crlf ? text.replace(/\n/g, '\r\n') : text;
      }),
    );

  // DG_FUZZ_RUNS=20000 for a longer hunt.
  const runs = Number(process.env.DG_FUZZ_RUNS) || 400;

  it('only whitespace changes, the diagnostics stay the same, and a second pass gives no edits', async () => {
    await fc.assert(
      fc.asyncProperty(graph, async (text) => {
        const first = await run(text);
        expect(ink(first.output)).toBe(ink(text));
        expect((await run(first.output)).edits).toEqual([]);
        expect(await diagnosticsOf(first.output)).toEqual(await diagnosticsOf(text));
      }),
      { numRuns: runs },
    );
  }, Math.max(60_000, runs * 100));
});
