import { describe, expect, it } from 'vitest';
import { foldingRanges, type FoldingOptions } from '../../server/src/ide/folding';
import { fixture } from '../support/fixture';

/** Ranges as `start-end[ kind]`, zero-based lines. */
async function check(source: string, expected: string[], options?: FoldingOptions): Promise<void> {
  const f = await fixture(source);
  const ranges = foldingRanges(f.document.syntax, f.document.lineIndex, options);
  const lineCount = f.document.lineIndex.lineCount;
  for (const r of ranges) {
    expect(r.startLine).toBeLessThan(r.endLine);
    expect(r.endLine).toBeLessThan(lineCount);
  }
  expect(ranges.map((r) => `${r.startLine}-${r.endLine}${r.kind ? ` ${r.kind}` : ''}`)).toEqual(expected);
}

const cases: [string, string, string[], FoldingOptions?][] = [
  [
    'nested blocks, from the { line to the } line',
    'data_graph {\n  entity "a" {\n    name = "A"\n  }\n  profile {\n    relationship "r" {\n      external_id {\n        type = "email"\n      }\n    }\n  }\n}\n',
    ['0-11', '1-3', '4-10', '5-9', '6-8'],
  ],
  [
    'keepClosingLine stops on the line before the }',
    'data_graph {\n  entity "a" {\n    name = "A"\n  }\n  entity "b" {\n  }\n}\n',
    ['0-5', '1-2'],
    { keepClosingLine: true },
  ],
  ['one-line blocks do not fold', 'data_graph { entity "a" { name = "A" } }\n', []],
  [
    'the { on a later line: the fold starts there; } after an attribute ends on that line',
    'data_graph\n{\n  entity "a" {\n    name = "A" }\n}\n',
    ['1-4', '2-3'],
  ],
  ['two blocks opening on one line: the outer one only', 'data_graph { entity "a" {\n  name = "A"\n}\n}\n', ['0-3']],
  [
    'multi-line tuple',
    'data_graph {\n  tags = [\n    "a",\n    "b",\n  ]\n}\n',
    ['0-5', '1-4'],
  ],
  [
    'comment runs of 2+ lines, # and // mixed; a blank line splits a run',
    '# one\n# two\n// three\n\n# alone\ndata_graph {\n  # a\n  # b\n}\n',
    ['0-2 comment', '5-8', '6-7 comment'],
  ],
  [
    'trailing comments do not make a run',
    'data_graph {\n  name = "a" # x\n  name = "b" # y\n  # z\n}\n',
    ['0-4'],
  ],
  [
    'block comments: multi-line fold, one-line do not',
    '/* a\n   b\n*/\n/* one */\ndata_graph {\n}\n',
    ['0-2 comment', '4-5'],
  ],
  [
    'a block comment ends a line-comment run',
    '# a\n# b\n/* c\n d */\n# e\n',
    ['0-1 comment', '2-3 comment'],
  ],
  [
    'region markers',
    '# region entities\ndata_graph {\n  // #region inner\n  entity "a" {\n  }\n  // #endregion\n}\n# endregion\n',
    ['0-7 region', '1-6', '2-5 region', '3-4'],
  ],
  ['an endregion without a region is ignored', '# endregion\n# endregion\n', []],
  [
    'CRLF line endings',
    'data_graph {\r\n  entity "a" {\r\n  }\r\n}\r\n',
    ['0-3', '1-2'],
  ],
  // Broken text
  [
    'broken: unclosed blocks end on their last non-blank line',
    'data_graph {\n  entity "a" {\n    name = "A"\n\n\n',
    ['0-2', '1-2'],
  ],
  [
    'broken: unclosed inner block before a closed outer }',
    'data_graph {\n  entity "a" {\n    name = "A"\n}\n',
    ['0-3', '1-3'],
  ],
  [
    'broken: unterminated string',
    'data_graph {\n  entity "a" {\n    name = "A\n  }\n}\n',
    ['0-4', '1-3'],
  ],
  [
    'broken: half-typed key',
    'data_graph {\n  entity "a" {\n    nam\n  }\n}\n',
    ['0-4', '1-3'],
  ],
  [
    'broken: block with no body, and one with only its {',
    'data_graph {\n  entity "a"\n  entity "b" {\n',
    ['0-2'],
  ],
  [
    'broken: unterminated block comment folds to the end',
    'data_graph {\n}\n/* open\nstill\nmore',
    ['0-1', '2-4 comment'],
  ],
  ['empty file', '', []],
];

describe('foldingRanges', () => {
  it.each(cases)('%s', async (_name, source, expected, options) => check(source, expected, options));
});
