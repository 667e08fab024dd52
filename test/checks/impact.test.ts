import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES } from '../../server/src/checks/codes';
import { checkImpact, IMPACT_CODES } from '../../server/src/checks/impact';
import { buildModel, type GraphModel } from '../../server/src/model/graph';
import { SyntaxDocument } from '../../server/src/syntax/document';
import type { LineIndex } from '../../server/src/syntax/lineIndex';
import { repoRoot, wasmParser } from '../support/wasm';

// The annotated cases are fixtures: test/fixtures/diagnostics/impact/NAME.dg against NAME.baseline.dg
// (run by fixtures.test.ts). Here: what annotations cannot say (fixes, related information, the
// baseline's name) and robustness on arbitrary broken text.

const impactDir = join(repoRoot, 'test', 'fixtures', 'diagnostics', 'impact');

async function parse(text: string): Promise<{ model: GraphModel; lines: LineIndex }> {
  const document = SyntaxDocument.parse(await wasmParser(), text);
  try {
    return { model: buildModel(document.syntax), lines: document.lineIndex };
  } finally {
    document.dispose();
  }
}

async function impact(baseline: string, current: string, name = 'origin/main') {
  const old = await parse(baseline);
  const now = await parse(current);
  return checkImpact(now.model, old.model, {}, now.lines, name);
}

/** `text` after a diagnostic's fix (edits do not overlap). */
const applyFix = (text: string, edits: { span: { start: number; end: number }; newText: string }[]) =>
  [...edits].sort((a, b) => b.span.start - a.span.start).reduce((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), text);

const GRAPH = `data_graph {
  entity "accounts" {
    name        = "Accounts"
    table_ref   = "PROD.CUST.ACCOUNTS"
    primary_key = "id"
  }
  entity "carts" {
    name        = "Carts"
    table_ref   = "PROD.CUST.CARTS"
    primary_key = "id"
  }
  profile {
    profile_folder = "PROD.segment"
    type           = "segment:materialized"
    relationship "user-accounts" {
      name           = "Accounts"
      related_entity = "accounts"
      external_id {
        type     = "email"
        join_key = "email"
      }
      relationship "account-carts" {
        name           = "Carts"
        related_entity = "carts"
        join_on        = "accounts.id = carts.account_id"
      }
    }
  }
}
`;

describe('checkImpact', () => {
  it('has the severities of LANGUAGE.md §5', () => {
    expect(Object.fromEntries(IMPACT_CODES.map((c) => [c, CODES[c].severity]))).toEqual({
      DG500: 'warning',
      DG501: 'warning',
      DG502: 'info',
      DG503: 'info',
    });
  });

  it('reports nothing against the same text', async () => {
    expect(await impact(GRAPH, GRAPH)).toEqual([]);
  });

  it('names the baseline as given, and offers to put a renamed entity slug back with its references', async () => {
    const renamed = GRAPH.replace('entity "carts"', 'entity "cart"').replace('related_entity = "carts"', 'related_entity = "cart"').replace('carts.account_id', 'cart.account_id');
    const [dg500, ...rest] = await impact(GRAPH, renamed);
    expect(rest).toEqual([]);
    expect(dg500).toMatchObject({ code: 'DG500', severity: 'warning' });
    expect(dg500!.message).toMatch(/^entity "carts" renamed to "cart" since origin\/main: a definite breaking change/);
    expect(renamed.slice(dg500!.span.start, dg500!.span.end)).toBe('"cart"');
    const table = renamed.indexOf('"PROD.CUST.CARTS"');
    expect(dg500!.related).toEqual([
      { span: { start: table, end: table + '"PROD.CUST.CARTS"'.length }, message: 'same table_ref "PROD.CUST.CARTS" as entity "carts" had at origin/main' },
    ]);
    expect(dg500!.fixes).toHaveLength(1);
    expect(dg500!.fixes![0]).toMatchObject({ title: 'Change the slug back to "carts" (and its references)' });
    expect(dg500!.fixes![0]!.preferred).toBeUndefined(); // the rename may be wanted: never applied by "fix all"
    expect(applyFix(renamed, dg500!.fixes![0]!.edits)).toBe(GRAPH);
  });

  it('offers to put a renamed relationship slug back', async () => {
    const renamed = GRAPH.replace('relationship "account-carts"', 'relationship "carts"');
    const [dg501, ...rest] = await impact(GRAPH, renamed);
    expect(rest).toEqual([]);
    expect(dg501).toMatchObject({ code: 'DG501', severity: 'warning' });
    expect(dg501!.message).toContain('relationship "account-carts" renamed to "carts" since origin/main');
    expect(applyFix(renamed, dg501!.fixes![0]!.edits)).toBe(GRAPH);
  });

  it('points a moved relationship at the parent it left', async () => {
    // account-carts moves from under user-accounts to the profile (with a link of its own).
    const moved = GRAPH.replace(
      /      relationship "account-carts" \{[^}]*\}\n/,
      '',
    ).replace(
      '    relationship "user-accounts" {',
      `    relationship "account-carts" {
      name           = "Carts"
      related_entity = "carts"
      trait {
        name     = "cart_id"
        join_key = "id"
      }
    }
    relationship "user-accounts" {`,
    );
    const [dg501, ...rest] = await impact(GRAPH, moved, 'HEAD~1');
    expect(rest).toEqual([]);
    expect(dg501!.message).toContain('relationship "account-carts" moved under the profile since HEAD~1 (it was under relationship "user-accounts")');
    const parent = moved.indexOf('"user-accounts"');
    expect(dg501!.related).toEqual([
      { span: { start: parent, end: parent + '"user-accounts"'.length }, message: 'relationship "account-carts" was under relationship "user-accounts" at HEAD~1' },
    ]);
  });

  it('never throws on broken text on either side (every 97th prefix of the fixtures), nor says nonsense', async () => {
    const texts = readdirSync(impactDir).filter((f) => f.endsWith('.dg')).map((f) => readFileSync(join(impactDir, f), 'utf8'));
    const parser = await wasmParser();
    const models = (text: string) => {
      const document = SyntaxDocument.parse(parser, text);
      try {
        return { model: buildModel(document.syntax), lines: document.lineIndex };
      } finally {
        document.dispose();
      }
    };
    const full = models(GRAPH);
    for (const text of [...texts, '', '}}}{{{', 'data_graph {', 'entity "x" {}', '\u0000\uffff"']) {
      for (let end = 0; end <= text.length; end += 97) {
        const prefix = models(text.slice(0, end));
        for (const d of [...checkImpact(prefix.model, full.model, {}, prefix.lines), ...checkImpact(full.model, prefix.model, {}, full.lines)]) {
          expect(IMPACT_CODES).toContain(d.code);
          expect(d.span.start).toBeGreaterThanOrEqual(0);
          expect(d.message).not.toMatch(/undefined|\[object/);
        }
      }
    }
  });

  it('reports every removed entity of an emptied file at its start', async () => {
    const found = await impact(GRAPH, '');
    expect(found.map((d) => [d.code, d.span, d.message.split(':')[0]])).toEqual([
      ['DG500', { start: 0, end: 0 }, 'entity "accounts" removed since origin/main'],
      ['DG500', { start: 0, end: 0 }, 'entity "carts" removed since origin/main'],
      ['DG501', { start: 0, end: 0 }, 'relationship "user-accounts" (user-accounts) removed since origin/main (with the relationship under it)'],
    ]);
  });
});
