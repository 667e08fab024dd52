import { describe, expect, it } from 'vitest';
import type { Diagnostic, TextEdit } from '../../server/src/checks/diagnostic';
import { codeActions, fixAll, type CodeAction, type CodeActionOptions } from '../../server/src/ide/codeActions';
import { fixture } from '../support/fixture';

function apply(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start);
  for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.span.end).toBeLessThanOrEqual(sorted[i - 1]!.span.start);
  return sorted.reduce((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), text);
}

const describeAction = (a: CodeAction) =>
  `${a.kind}${a.isPreferred ? '*' : ''} ${a.title}${a.diagnostic ? ` (${a.diagnostic.code})` : ` (${a.diagnostics!.map((d) => d.code).join(' ')})`}`;

/**
 * The actions at the `$0` cursor (or `$0…$0` range): `kind[*preferred] title (codes)`; with `after`,
 * the text once the action whose title starts with `after[0]` is applied. With `codes`, only the
 * diagnostics of those codes are considered (so other checks' evolution does not break the case).
 */
async function check(
  source: string,
  expected: string[],
  options?: CodeActionOptions,
  after?: [string, string],
  codes?: string[],
): Promise<void> {
  const f = await fixture(source);
  const range = { start: f.offset, end: f.end ?? f.offset };
  const diagnostics = codes ? f.analysis.diagnostics.filter((d) => codes.includes(d.code)) : f.analysis.diagnostics;
  const actions = codeActions(diagnostics, range, options);
  expect(actions.map(describeAction)).toEqual(expected);
  if (after) {
    const action = actions.find((a) => a.title.startsWith(after[0]));
    expect(action, after[0]).toBeDefined();
    expect(apply(f.text, action!.edits)).toBe(after[1]);
  }
}

const cases: [string, string, string[], CodeActionOptions?, [string, string]?, string[]?][] = [
  [
    'unquoted value: quick fix, preferred',
    'data_graph {\n  profile {\n    profile_folder = "a.b"\n    type = segment:mat$0erialized\n  }\n}\n',
    ['quickfix* Quote it: "segment:materialized" (DG004)'],
    { only: ['quickfix'] },
    ['Quote it', 'data_graph {\n  profile {\n    profile_folder = "a.b"\n    type = "segment:materialized"\n  }\n}\n'],
    ['DG004'],
  ],
  [
    'cursor away from any diagnostic: nothing',
    'data_graph {\n  $0version = "v1.0.0"\n  profile {\n    type = segment:materialized\n  }\n}\n',
    [],
    { only: ['quickfix'] },
  ],
  [
    'cursor touching the end of the diagnostic counts',
    'data_graph {\n  entity "Carts"$0 {\n    name = "C"\n    table_ref = "a.b.c"\n    primary_key = "id"\n    enrichment_enabled = true\n  }\n}\n',
    ['quickfix* Change the slug to "carts" (DG200)'],
    { only: ['quickfix'] },
    undefined,
    ['DG200'],
  ],
  [
    'a range selection gets the fixes of every diagnostic it overlaps',
    'data_graph {\n  profile {\n    profile_folder = "a.b"\n$0    type = segment:materialized\n    relationship: "r" {\n$0      name = "R"\n    }\n  }\n}\n',
    ['quickfix* Quote it: "segment:materialized" (DG004)', 'quickfix* Remove the colon (DG003)'],
    { only: ['quickfix'] },
    undefined,
    ['DG003', 'DG004'],
  ],
  [
    'per-code fix-all when a code has several preferred fixes',
    'data_graph {\n  profile {\n    relationship "R$0one" {\n    }\n    relationship "Rtwo" {\n    }\n  }\n}\n',
    ['quickfix* Change the slug to "rone" (DG201)', 'quickfix Fix all DG201 problems in this file (DG201 DG201)'],
    { only: ['quickfix'] },
    ['Fix all DG201', 'data_graph {\n  profile {\n    relationship "rone" {\n    }\n    relationship "rtwo" {\n    }\n  }\n}\n'],
    ['DG201'],
  ],
  [
    'source.fixAll applies every preferred fix',
    'data_graph {\n  profile {\n    profile_folder = "a.b"\n    type = segment:materialized\n    relationship: "R" {\n    }\n  }\n}\n',
    ['source.fixAll.dg Fix all auto-fixable problems (DG004 DG003 DG201)'],
    { only: ['source.fixAll'] },
    ['Fix all auto-fixable', 'data_graph {\n  profile {\n    profile_folder = "a.b"\n    type = "segment:materialized"\n    relationship "r" {\n    }\n  }\n}\n'],
    ['DG003', 'DG004', 'DG201'],
  ],
  [
    'only: source (a parent kind) includes source.fixAll.dg',
    'data_graph {\n  profile {\n    type = segment:materiali$0zed\n  }\n}\n',
    ['source.fixAll.dg Fix all auto-fixable problems (DG004)'],
    { only: ['source'] },
    undefined,
    ['DG004'],
  ],
  ['only: refactor gives nothing', 'data_graph {\n  profile {\n    type = segment:materiali$0zed\n  }\n}\n', [], { only: ['refactor'] }],
  [
    'no only: quick fixes and the fix-all source action',
    'data_graph {\n  profile {\n    type = segment:materiali$0zed\n  }\n}\n',
    ['quickfix* Quote it: "segment:materialized" (DG004)', 'source.fixAll.dg Fix all auto-fixable problems (DG004)'],
    undefined,
    undefined,
    ['DG004'],
  ],
  // Broken text
  [
    'broken: unterminated string nearby does not stop fixes',
    'data_graph {\n  entity "Ca$0rts" {\n    name = "C\n  }\n}\n',
    ['quickfix* Change the slug to "carts" (DG200)'],
    { only: ['quickfix'] },
    ['Change the slug', 'data_graph {\n  entity "carts" {\n    name = "C\n  }\n}\n'],
    ['DG200'],
  ],
  [
    'broken: missing } still offers the fix',
    'data_graph {\n  profile {\n    relationship$0: "r" {\n',
    ['quickfix* Remove the colon (DG003)'],
    { only: ['quickfix'] },
    ['Remove the colon', 'data_graph {\n  profile {\n    relationship "r" {\n'],
    ['DG003'],
  ],
  [
    'broken: half-typed key: nothing on the key itself',
    'data_graph {\n  entity "a" {\n    nam$0\n  }\n}\n',
    [],
    { only: ['quickfix'] },
    undefined,
    ['DG001', 'DG102'],
  ],
  [
    'unknown attribute: the near name, preferred',
    'data_graph {\n  entity "a" {\n    nam$0 = "A"\n  }\n}\n',
    ['quickfix* Change to "name" (DG102)'],
    { only: ['quickfix'] },
    ['Change to', 'data_graph {\n  entity "a" {\n    name = "A"\n  }\n}\n'],
    ['DG102'],
  ],
];

describe('codeActions', () => {
  it.each(cases)('%s', async (_name, source, expected, options, after, codes) => check(source, expected, options, after, codes));
});

describe('fixAll', () => {
  const diag = (code: string, ...edits: [number, number, string][]): Diagnostic => ({
    code: code as Diagnostic['code'],
    severity: 'error',
    message: code,
    span: { start: edits[0]?.[0] ?? 0, end: edits[0]?.[1] ?? 0 },
    fixes: [{ title: code, edits: edits.map(([start, end, newText]) => ({ span: { start, end }, newText })), preferred: true }],
  });

  const cases: [string, Diagnostic[], string[], string][] = [
    ['disjoint fixes all apply, in document order', [diag('DG004', [6, 7, 'X']), diag('DG003', [0, 1, 'A'])], ['DG003', 'DG004'], 'AbcdefXhij'],
    ['overlapping: the first (by position) wins', [diag('DG004', [2, 5, 'X']), diag('DG003', [0, 3, 'Y'])], ['DG003'], 'Ydefghij'],
    ['identical fixes apply once', [diag('DG200', [1, 2, 'B']), diag('DG200', [1, 2, 'B'])], ['DG200', 'DG200'], 'aBcdefghij'],
    ['two insertions at one offset conflict', [diag('DG104', [3, 3, '1']), diag('DG104', [3, 3, '2'])], ['DG104'], 'abc1defghij'],
    ['a multi-edit fix is all or nothing', [diag('DG200', [0, 1, 'A'], [8, 9, 'I']), diag('DG300', [8, 10, 'Z'])], ['DG200'], 'AbcdefghIj'],
    ['an insertion at the end of a replacement is fine', [diag('DG003', [0, 2, '']), diag('DG004', [2, 2, '!'])], ['DG003', 'DG004'], '!cdefghij'],
  ];
  it.each(cases)('%s', (_name, diagnostics, fixed, text) => {
    const result = fixAll(diagnostics);
    expect(result.diagnostics.map((d) => d.code)).toEqual(fixed);
    expect(apply('abcdefghij', result.edits)).toBe(text);
  });

  it('ignores fixes that are not preferred', () => {
    const d: Diagnostic = { code: 'DG300', severity: 'error', message: '', span: { start: 0, end: 1 }, fixes: [{ title: 'maybe', edits: [{ span: { start: 0, end: 1 }, newText: 'x' }] }] };
    expect(fixAll([d])).toEqual({ edits: [], diagnostics: [] });
    expect(codeActions([d], { start: 0, end: 0 }).map((a) => `${a.title} ${a.isPreferred}`)).toEqual(['maybe false']);
  });
});
