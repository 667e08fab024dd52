import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/checks/analyze';
import { CODES } from '../../server/src/checks/codes';
import { checkImpact } from '../../server/src/checks/impact';
import { buildModel } from '../../server/src/model/graph';
import { WAREHOUSE_CODES } from '../../server/src/checks/warehouse';
import type { Diagnostic } from '../../server/src/checks/diagnostic';
import { SyntaxDocument } from '../../server/src/syntax/document';
import { readAnnotations, type Expected } from '../support/annotations';
import { repoRoot, wasmParser } from '../support/wasm';

// Every fixture's diagnostics must be exactly the ones its annotations list: unannotated lines are
// near misses that must stay silent. A fixture `name.dg` with a sibling `name.baseline.dg` is also
// compared with that baseline (checkImpact, DG5xx, the baseline named `HEAD` in messages); the
// baseline file itself is not a fixture.
const fixtureDir = join(repoRoot, 'test', 'fixtures', 'diagnostics');
const BASELINE = '.baseline.dg';

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return fixtureFiles(path);
    return name.endsWith('.dg') && !name.endsWith(BASELINE) ? [path] : [];
  });
}

const files = fixtureFiles(fixtureDir).sort();

const baselineOf = (file: string) => file.replace(/\.dg$/, BASELINE);

async function diagnosticsOf(text: string, settings: Record<string, unknown>, baselineText?: string) {
  const parser = await wasmParser();
  const document = SyntaxDocument.parse(parser, text);
  try {
    const crashes: unknown[] = [];
    const { diagnostics, model } = analyze(document, settings, (_family, error) => crashes.push(error));
    expect(crashes).toEqual([]);
    if (baselineText === undefined) return { diagnostics, lines: document.lineIndex };
    const old = SyntaxDocument.parse(parser, baselineText);
    try {
      const impact = checkImpact(model, buildModel(old.syntax), settings, document.lineIndex, 'HEAD');
      return { diagnostics: [...diagnostics, ...impact], lines: document.lineIndex };
    } finally {
      old.dispose();
    }
  } finally {
    document.dispose();
  }
}

const key = (e: { line: number; startColumn?: number; endColumn?: number; code: string }) =>
  e.startColumn === undefined ? `${e.line + 1}: ${e.code}` : `${e.line + 1}:${e.startColumn}-${e.endColumn}: ${e.code}`;

describe('diagnostic fixtures', () => {
  it.each(files.map((f) => [relative(fixtureDir, f), f]))('%s', async (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const { expected, settings } = readAnnotations(text);
    const baseline = existsSync(baselineOf(file)) ? readFileSync(baselineOf(file), 'utf8') : undefined;
    const { diagnostics, lines } = await diagnosticsOf(text, settings, baseline);
    const actual = diagnostics.map((d: Diagnostic) => {
      const start = lines.positionAt(d.span.start);
      const end = lines.positionAt(d.span.end);
      const lineOnly = expected.some((e) => e.startColumn === undefined && e.line === start.line && e.code === d.code);
      return {
        key: lineOnly
          ? key({ line: start.line, code: d.code })
          : key({ line: start.line, startColumn: start.character, endColumn: end.line === start.line ? end.character : -1, code: d.code }),
        message: d.message,
      };
    });
    expect(actual.map((a) => a.key).sort(), actual.map((a) => `${a.key} ${a.message}`).join('\n')).toEqual(
      expected.map(key).sort(),
    );
    for (const e of expected.filter((x: Expected) => x.message)) {
      const match = actual.find((a) => a.key === key(e));
      expect(match?.message, key(e)).toContain(e.message);
    }
  });

  it('cover every diagnostic code', () => {
    const annotated = new Set(files.flatMap((f) => readAnnotations(readFileSync(f, 'utf8')).expected.map((e) => e.code)));
    // The warehouse codes need a catalog (test/checks/warehouse.test.ts), the data codes a warehouse (test/checks/data.test.ts).
    const elsewhere = new Set<string>([...WAREHOUSE_CODES, 'DG605', 'DG606', 'DG607']);
    const missing = Object.keys(CODES).filter((code) => !annotated.has(code) && !elsewhere.has(code));
    expect(missing).toEqual([]);
  });
});
