import { describe, expect, it } from 'vitest';
import type { CheckRun, FileResult } from '../../server/src/cli/check';
import { summarize } from '../../server/src/cli/check';
import { charWidth, formatHuman, renderLine, summaryLine } from '../../server/src/cli/formats/human';
import { formatGithub } from '../../server/src/cli/formats/github';
import { formatJson, toJsonReport } from '../../server/src/cli/formats/json';
import { formatSarif, toSarif } from '../../server/src/cli/formats/sarif';
import { CODES } from '../../server/src/checks/codes';
import type { Diagnostic } from '../../server/src/checks/diagnostic';
import { LineIndex } from '../../server/src/syntax/lineIndex';

// Formatters are pure: these runs are built by hand, so they do not depend on the rules.

const TEXT = [
  'data_graph {',
  '  entity "accounts" {',
  '    name = "A"',
  '  }',
  '  profile {',
  '    relationship "r" {',
  '      related_entity = "acount"',
  '    }',
  '  }',
  '}',
  '',
].join('\n');

const at = (needle: string, length = needle.length) => {
  const start = TEXT.indexOf(needle);
  if (start < 0) throw new Error(needle);
  return { start, end: start + length };
};

const DIAGNOSTICS: Diagnostic[] = [
  {
    code: 'DG300',
    severity: 'error',
    message: 'unknown entity "acount"; did you mean "accounts"?',
    span: at('acount'),
    related: [{ span: at('accounts'), message: 'entity "accounts" is defined here' }],
    fixes: [{ title: 'Change to "accounts"', edits: [{ span: at('acount'), newText: 'accounts' }], preferred: true }],
  },
  { code: 'DG111', severity: 'warning', message: 'profile without relationships', span: at('profile') },
  { code: 'DG112', severity: 'info', message: 'entity "accounts" is unused', span: at('"accounts"') },
];

function run(files: Omit<FileResult, 'lines'>[], internalErrors: string[] = []): CheckRun {
  const results = files.map((f) => ({ ...f, lines: new LineIndex(f.text) }));
  const summary = summarize(results);
  return { files: results, summary, exitCode: summary.unreadable ? 2 : summary.errors ? 1 : 0, internalErrors };
}

const sample = () =>
  run([
    { path: 'graphs/a.dg', text: TEXT, diagnostics: DIAGNOSTICS },
    { path: 'graphs/ok.dg', text: 'data_graph {}\n', diagnostics: [] },
  ]);

describe('human format', () => {
  it('prints location, severity, code, the source line, a caret underline, fixes and notes', () => {
    expect(formatHuman(sample(), { color: false })).toBe(
      [
        'graphs/a.dg:7:25: error DG300: unknown entity "acount"; did you mean "accounts"?',
        '    7 |       related_entity = "acount"',
        '      |                         ^~~~~~',
        '      = fix: Change to "accounts"',
        'graphs/a.dg:2:11: note: entity "accounts" is defined here',
        '    2 |   entity "accounts" {',
        '      |           ^~~~~~~~',
        'graphs/a.dg:5:3: warning DG111: profile without relationships',
        '    5 |   profile {',
        '      |   ^~~~~~~',
        'graphs/a.dg:2:10: info DG112: entity "accounts" is unused',
        '    2 |   entity "accounts" {',
        '      |          ^~~~~~~~~~',
        '1 error, 1 warning, 1 info in 2 files',
        '',
      ].join('\n'),
    );
  });

  it('colours only when asked', () => {
    expect(formatHuman(sample(), { color: false })).not.toContain('\x1b[');
    const coloured = formatHuman(sample(), { color: true });
    expect(coloured).toContain('\x1b[31m'); // red
    expect(coloured.replace(/\x1b\[\d+m/g, '')).toBe(formatHuman(sample(), { color: false }));
  });

  it('reports unreadable files and a clean summary', () => {
    const out = formatHuman(
      run([
        { path: 'x.dg', text: '', diagnostics: [], error: 'cannot read file: permission denied' },
        { path: 'y.dg', text: 'data_graph {}', diagnostics: [] },
      ]),
      { color: false },
    );
    expect(out).toBe('x.dg: error: cannot read file: permission denied\nNo problems found in 2 files; 1 could not be read\n');
    expect(summaryLine({ errors: 0, warnings: 0, infos: 0, hints: 0, files: 3, unreadable: 0 })).toBe('No problems in 3 files');
    expect(summaryLine({ errors: 2, warnings: 1, infos: 0, hints: 2, files: 1, unreadable: 0 })).toBe(
      '2 errors, 1 warning, 2 hints in 1 file',
    );
  });

  it('clips a multi-line span to its first line', () => {
    const text = 'data_graph {\n  profile {\n  }\n}\n';
    const out = formatHuman(
      run([{ path: 'm.dg', text, diagnostics: [{ code: 'DG111', severity: 'warning', message: 'm', span: { start: 15, end: 28 } }] }]),
      { color: false },
    );
    expect(out.split('\n').slice(1, 3)).toEqual(['    2 |   profile {', '      |   ^~~~~~~~~']);
  });

  it('puts a single caret under an empty span, also at the end of a line', () => {
    expect(renderLine('  name = ', 9, 9)).toEqual({ source: '  name = ', underline: '         ^' });
    expect(renderLine('abc', 1, 1)).toEqual({ source: 'abc', underline: ' ^' });
  });
});

describe('renderLine', () => {
  it('expands tabs to tab stops and keeps the caret aligned', () => {
    const line = '\tname\t= "x"';
    const { source, underline } = renderLine(line, line.indexOf('"x"'), line.length);
    expect(source).toBe('    name    = "x"');
    expect(underline).toBe('              ^~~');
  });

  it('counts wide characters as two columns and astral characters as one code point', () => {
    const line = 'name = "日本" # 😀 x';
    const x = line.lastIndexOf('x');
    expect(renderLine(line, line.indexOf('"'), line.indexOf('"') + 4).underline).toBe('       ^~~~~~');
    expect(renderLine(line, x, x + 1).underline).toBe(' '.repeat(19) + '^');
    expect(charWidth('日'.codePointAt(0)!)).toBe(2);
    expect(charWidth(0x301)).toBe(0);
    expect(charWidth(0x41)).toBe(1);
  });

  it('makes control characters visible', () => {
    expect(renderLine('a\u0000b', 1, 2)).toEqual({ source: 'a\u2400b', underline: ' ^' });
  });

  it('cuts very long lines to a window around the span', () => {
    const line = 'x'.repeat(500) + ' target ' + 'y'.repeat(500);
    const start = line.indexOf('target');
    const { source, underline } = renderLine(line, start, start + 6);
    expect(source.startsWith('…')).toBe(true);
    expect(source.endsWith('…')).toBe(true);
    expect(source.length).toBeLessThanOrEqual(170);
    expect(source.slice(underline.indexOf('^'), underline.length)).toBe('target');
  });
});

describe('json format', () => {
  it('has the documented, stable shape', () => {
    const report = JSON.parse(formatJson(sample()));
    expect(report).toEqual(toJsonReport(sample()));
    expect(report.version).toBe(1);
    expect(report.summary).toEqual({ errors: 1, warnings: 1, infos: 1, hints: 0, files: 2, unreadable: 0 });
    expect(report.files.map((f: { path: string }) => f.path)).toEqual(['graphs/a.dg', 'graphs/ok.dg']);
    expect(report.files[1].diagnostics).toEqual([]);
    expect(report.files[0].diagnostics[0]).toEqual({
      code: 'DG300',
      severity: 'error',
      message: 'unknown entity "acount"; did you mean "accounts"?',
      range: { start: { line: 6, character: 24 }, end: { line: 6, character: 30 } },
      location: 'graphs/a.dg:7:25',
      related: [
        {
          message: 'entity "accounts" is defined here',
          range: { start: { line: 1, character: 10 }, end: { line: 1, character: 18 } },
          location: 'graphs/a.dg:2:11',
        },
      ],
      fixes: [
        {
          title: 'Change to "accounts"',
          preferred: true,
          edits: [{ range: { start: { line: 6, character: 24 }, end: { line: 6, character: 30 } }, newText: 'accounts' }],
        },
      ],
    });
    expect(report.files[0].diagnostics[1].related).toEqual([]);
    expect(report.files[0].diagnostics[1].fixes).toEqual([]);
  });

  it('carries the read error of a file', () => {
    const report = toJsonReport(run([{ path: 'x.dg', text: '', diagnostics: [], error: 'cannot read file: is a directory' }]));
    expect(report.files[0]).toEqual({ path: 'x.dg', error: 'cannot read file: is a directory', diagnostics: [] });
  });
});

describe('sarif format', () => {
  it('is a SARIF 2.1.0 log with one rule per code and results pointing at their rule', () => {
    const log = JSON.parse(formatSarif(sample(), { version: '1.2.3' }));
    expect(log).toEqual(JSON.parse(JSON.stringify(toSarif(sample(), { version: '1.2.3' }))));
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
    const [sarifRun] = log.runs;
    expect(sarifRun.columnKind).toBe('utf16CodeUnits');
    expect(sarifRun.tool.driver.name).toBe('dg');
    expect(sarifRun.tool.driver.version).toBe('1.2.3');
    const rules = sarifRun.tool.driver.rules as { id: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }[];
    expect(rules.map((r) => r.id).sort()).toEqual(Object.keys(CODES).sort());
    for (const rule of rules) {
      const info = CODES[rule.id as keyof typeof CODES];
      expect(rule.shortDescription.text).toBe(info.summary);
      expect(rule.defaultConfiguration.level).toBe({ error: 'error', warning: 'warning', info: 'note', hint: 'note' }[info.severity]);
    }
    expect(sarifRun.results).toHaveLength(3);
    for (const result of sarifRun.results) expect(rules[result.ruleIndex]!.id).toBe(result.ruleId);
    const [first, , third] = sarifRun.results;
    expect(first.level).toBe('error');
    expect(third.level).toBe('note');
    expect(first.message.text).toContain('acount');
    expect(first.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'graphs/a.dg', uriBaseId: '%SRCROOT%' },
      region: { startLine: 7, startColumn: 25, endLine: 7, endColumn: 31 },
    });
    expect(first.relatedLocations[0].physicalLocation.region).toEqual({ startLine: 2, startColumn: 11, endLine: 2, endColumn: 19 });
    expect(first.fixes[0].artifactChanges[0].replacements[0].insertedContent.text).toBe('accounts');
    expect(sarifRun.invocations[0].executionSuccessful).toBe(true);
  });

  it('encodes URIs and reports unreadable files as notifications', () => {
    const log = JSON.parse(formatSarif(
      run([
        { path: '<stdin>', text: 'x', diagnostics: [{ code: 'DG001', severity: 'error', message: 'm', span: { start: 0, end: 1 } }] },
        { path: 'my dir/x.dg', text: '', diagnostics: [], error: 'cannot read file: permission denied' },
        { path: '/abs/y z.dg', text: 'x', diagnostics: [{ code: 'DG001', severity: 'error', message: 'm', span: { start: 0, end: 1 } }] },
      ]),
      { version: '0.0.0' },
    ));
    const [sarifRun] = log.runs;
    expect(sarifRun.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('%3Cstdin%3E');
    expect(sarifRun.results[1].locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'file:///abs/y%20z.dg' });
    expect(sarifRun.invocations[0].executionSuccessful).toBe(false);
    expect(sarifRun.invocations[0].toolExecutionNotifications[0].locations[0].physicalLocation.artifactLocation.uri).toBe(
      'my%20dir/x.dg',
    );
  });
});

describe('github format', () => {
  it('prints one workflow command per diagnostic, 1-based, severities mapped, then the summary', () => {
    expect(formatGithub(sample())).toBe(
      [
        '::error file=graphs/a.dg,line=7,col=25,endLine=7,endColumn=31,title=DG300::unknown entity "acount"; did you mean "accounts"?',
        '::warning file=graphs/a.dg,line=5,col=3,endLine=5,endColumn=10,title=DG111::profile without relationships',
        '::notice file=graphs/a.dg,line=2,col=10,endLine=2,endColumn=20,title=DG112::entity "accounts" is unused',
        '1 error, 1 warning, 1 info in 2 files',
        '',
      ].join('\n'),
    );
  });

  it('escapes what would end a property or the message, and reports an unreadable file', () => {
    const odd = run([
      { path: 'a,b:c%.dg', text: TEXT, diagnostics: [{ code: 'DG111', severity: 'hint', message: '50% done\r\nnext: line', span: at('profile') }] },
      { path: 'gone.dg', text: '', diagnostics: [], error: 'cannot read: ENOENT' },
    ]);
    expect(formatGithub(odd).split('\n').slice(0, 2)).toEqual([
      '::notice file=a%2Cb%3Ac%25.dg,line=5,col=3,endLine=5,endColumn=10,title=DG111::50%25 done%0D%0Anext: line',
      '::error file=gone.dg,title=dg::cannot read: ENOENT',
    ]);
  });
});
