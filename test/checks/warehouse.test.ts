import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES } from '../../server/src/checks/codes';
import type { Diagnostic } from '../../server/src/checks/diagnostic';
import {
  catalogUnavailable,
  checkWarehouse,
  compatibleFamilies,
  typeFamily,
  WAREHOUSE_CODES,
  type TypeFamily,
} from '../../server/src/checks/warehouse';
import { CatalogBuilder, type Catalog, type Dialect } from '../../server/src/catalog/catalog';
import { parseCatalogText } from '../../server/src/catalog/providers/file';
import { buildModel, type GraphModel } from '../../server/src/model/graph';
import { SyntaxDocument } from '../../server/src/syntax/document';
import type { LineIndex } from '../../server/src/syntax/lineIndex';
import { readAnnotations, type Expected } from '../support/annotations';
import { repoRoot, wasmParser } from '../support/wasm';

// Fixtures: test/fixtures/catalog/checks/*.dg, checked against ../warehouse.json (a dg snapshot) or the
// catalog a `# settings: {"catalog": …, "dialect": …}` line names. Exactly the annotated DG6xx
// diagnostics must be reported: unannotated lines are near misses.
const catalogDir = join(repoRoot, 'test', 'fixtures', 'catalog');
const fixtureDir = join(catalogDir, 'checks');
const fixtures = readdirSync(fixtureDir).filter((f) => f.endsWith('.dg')).sort();

function loadCatalog(file: string, dialect?: Dialect): Catalog {
  return parseCatalogText(readFileSync(join(catalogDir, file), 'utf8'), { displayPath: file, ...(dialect ? { dialect } : {}) });
}

async function parse(text: string): Promise<{ model: GraphModel; lines: LineIndex }> {
  const document = SyntaxDocument.parse(await wasmParser(), text);
  try {
    return { model: buildModel(document.syntax), lines: document.lineIndex };
  } finally {
    document.dispose();
  }
}

async function check(text: string, catalog: Catalog, settings: Record<string, unknown> = {}): Promise<{ diagnostics: Diagnostic[]; lines: LineIndex }> {
  const { model, lines } = await parse(text);
  return { diagnostics: checkWarehouse(model, catalog, settings, lines), lines };
}

const key = (e: { line: number; startColumn?: number; endColumn?: number; code: string }) =>
  e.startColumn === undefined ? `${e.line + 1}: ${e.code}` : `${e.line + 1}:${e.startColumn}-${e.endColumn}: ${e.code}`;

describe('warehouse check fixtures', () => {
  it.each(fixtures)('%s', async (name) => {
    const text = readFileSync(join(fixtureDir, name), 'utf8');
    const { expected, settings } = readAnnotations(text);
    const { catalog: file = 'warehouse.json', dialect, ...rest } = settings as { catalog?: string; dialect?: Dialect };
    const { diagnostics, lines } = await check(text, loadCatalog(file, dialect), rest);
    const actual = diagnostics.map((d) => {
      const start = lines.positionAt(d.span.start);
      const end = lines.positionAt(d.span.end);
      return { key: key({ line: start.line, startColumn: start.character, endColumn: end.character, code: d.code }), message: d.message };
    });
    expect(actual.map((a) => a.key).sort(), actual.map((a) => `${a.key} ${a.message}`).join('\n')).toEqual(expected.map(key).sort());
    for (const e of expected.filter((x: Expected) => x.message)) {
      expect(actual.find((a) => a.key === key(e))?.message, key(e)).toContain(e.message);
    }
  });

  it('cover every warehouse code', () => {
    const annotated = new Set(fixtures.flatMap((f) => readAnnotations(readFileSync(join(fixtureDir, f), 'utf8')).expected.map((e) => e.code)));
    expect(WAREHOUSE_CODES.filter((code) => !annotated.has(code))).toEqual([]);
  });

  it('default severities follow LANGUAGE.md §5', () => {
    expect(Object.fromEntries([...WAREHOUSE_CODES, 'DG607' as const].map((c) => [c, CODES[c].severity]))).toEqual({
      DG600: 'error',
      DG601: 'error',
      DG602: 'warning',
      DG603: 'warning',
      DG604: 'warning',
      DG607: 'info',
    });
  });
});

// --- a catalog built in code ----------------------------------------------------------------------------

function shop(dialect: Dialect = 'duckdb'): Catalog {
  const b = new CatalogBuilder();
  b.column('shop', 'main', 'accounts', { name: 'id', type: 'INTEGER', nullable: false });
  b.column('shop', 'main', 'accounts', { name: 'email', type: 'VARCHAR' });
  b.column('shop', 'main', 'carts', { name: 'id', type: 'INTEGER' });
  b.column('shop', 'main', 'carts', { name: 'account_id', type: 'INTEGER' });
  b.column('shop', 'main', 'Events', { name: 'Id', type: 'INTEGER' });
  return b.build({ dialect, origin: 'test' });
}

const graph = (body: string) => `data_graph {\n${body}\n}\n`;
const entity = (slug: string, ref: string, pk = 'id') =>
  `  entity "${slug}" {\n    name = "${slug}"\n    table_ref = "${ref}"\n    primary_key = "${pk}"\n  }`;

/** The text after applying a diagnostic's first fix. */
function applyFix(text: string, diagnostic: Diagnostic): string {
  const edits = [...diagnostic.fixes![0]!.edits].sort((a, b) => b.span.start - a.span.start);
  return edits.reduce((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), text);
}

describe('checkWarehouse', () => {
  it('offers the nearest table as the fix of DG600', async () => {
    const text = graph(entity('accounts', 'shop.main.acounts'));
    const { diagnostics } = await check(text, shop());
    expect(diagnostics.map((d) => d.code)).toEqual(['DG600']);
    expect(diagnostics[0]!.message).toBe(
      'table_ref "shop.main.acounts" not found: schema "shop.main" has no table or view "acounts"; did you mean "shop.main.accounts"?',
    );
    expect(diagnostics[0]!.fixes?.[0]?.preferred).toBe(true);
    expect(applyFix(text, diagnostics[0]!)).toContain('table_ref = "shop.main.accounts"');
  });

  it('repairs a wrong database and schema level by level', async () => {
    const { diagnostics } = await check(graph(entity('carts', 'shopp.mian.carts')), shop());
    expect(diagnostics[0]!.message).toContain('the warehouse has no database "shopp"; did you mean "shop.main.carts"?');
  });

  it('offers the nearest column as the fix of DG601', async () => {
    const text = graph(entity('accounts', 'shop.main.accounts', 'emal'));
    const { diagnostics } = await check(text, shop());
    expect(diagnostics.map((d) => d.message)).toEqual(['column "emal" not found in shop.main.accounts; did you mean "email"?']);
    expect(applyFix(text, diagnostics[0]!)).toContain('primary_key = "email"');
  });

  it('fixes the case of a DG603 part to the stored spelling', async () => {
    const text = graph(entity('events', 'shop.main.events', 'ID'));
    const { diagnostics } = await check(text, shop('postgres'));
    expect(diagnostics.map((d) => d.code)).toEqual(['DG603', 'DG603']);
    let fixed = text;
    for (const d of [...diagnostics].reverse()) fixed = applyFix(fixed, d);
    expect(fixed).toContain('table_ref = "shop.main.Events"');
    expect(fixed).toContain('primary_key = "Id"');
    expect((await check(fixed, shop('postgres'))).diagnostics).toEqual([]);
  });

  it('reports a table again wherever the same table_ref is written', async () => {
    const { diagnostics } = await check(graph([entity('a', 'shop.main.nope'), entity('b', 'shop.main.nope')].join('\n')), shop());
    expect(diagnostics.map((d) => d.code)).toEqual(['DG600', 'DG600']);
  });

  it('applies severity overrides and dg-ignore comments like runChecks', async () => {
    const b = entity('b', 'shop.main.accounts', 'nope').replace('    primary_key', '    # dg-ignore DG601\n    primary_key');
    const text = graph([entity('a', 'shop.main.nope'), b].join('\n'));
    const catalog = shop();
    expect((await check(text, catalog)).diagnostics.map((d) => d.code)).toEqual(['DG600']);
    expect((await check(text, catalog, { severities: { DG600: 'off' } })).diagnostics).toEqual([]);
    expect((await check(text, catalog, { severities: { DG600: 'hint' } })).diagnostics.map((d) => d.severity)).toEqual(['hint']);
    const unsuppressed = text.replace('# dg-ignore DG601', '# a comment');
    expect((await check(unsuppressed, catalog)).diagnostics.map((d) => d.code)).toEqual(['DG600', 'DG601']);
  });

  it('never throws on broken text', async () => {
    const text = graph('  entity "x" {\n    table_ref = "shop.main.\n    primary_key = \n  }\n  profile {\n    profile_folder = ".."\n');
    const { diagnostics } = await check(text, shop());
    expect(Array.isArray(diagnostics)).toBe(true);
  });

  it('reports an unknown database of a complete catalog, and stays silent for a partial one', async () => {
    const text = graph(entity('x', 'other.main.accounts_archive'));
    expect((await check(text, shop())).diagnostics.map((d) => d.code)).toEqual(['DG600']);
    const partial = new CatalogBuilder();
    partial.column('shop', 'main', 'accounts', { name: 'id', type: 'INTEGER' });
    const dbt = partial.build({ dialect: 'duckdb', origin: 'dbt catalog', complete: false });
    expect((await check(text, dbt)).diagnostics).toEqual([]);
    // A near table in a schema it knows: a likely typo, reported as a warning.
    const [typo] = (await check(graph(entity('x', 'shop.main.acounts')), dbt)).diagnostics;
    expect(typo).toMatchObject({ code: 'DG600', severity: 'warning' });
    expect(typo!.message).toContain('(dbt catalog lists only some tables); did you mean "shop.main.accounts"?');
  });
});

describe('catalogUnavailable (DG607)', () => {
  it('says what was skipped and why, on the data_graph keyword', async () => {
    const { model, lines } = await parse(graph(entity('a', 'shop.main.accounts')));
    const [d] = catalogUnavailable(model, { reason: 'The catalog file target/catalog.json does not exist.', hint: 'Run `dbt docs generate`.' }, {}, lines);
    expect(d).toMatchObject({ code: 'DG607', severity: 'info', span: { start: 0, end: 'data_graph'.length } });
    expect(d!.message).toBe(
      'Warehouse checks (DG600–DG604) skipped: The catalog file target/catalog.json does not exist. Run `dbt docs generate`.',
    );
    expect(catalogUnavailable(model, { reason: 'x' }, { severities: { DG607: 'off' } }, lines)).toEqual([]);
  });
});

describe('type families (DG602)', () => {
  const cases: [string, TypeFamily][] = [
    ['INTEGER', 'number'],
    ['NUMBER(38,0)', 'number'],
    ['DECIMAL(10, 2)', 'number'],
    ['double precision', 'number'],
    ['INT64', 'number'],
    ['FLOAT64', 'number'],
    ['HUGEINT', 'number'],
    ['int unsigned', 'number'],
    ['VARCHAR', 'text'],
    ['character varying(255)', 'text'],
    ['STRING', 'text'],
    ['TEXT', 'text'],
    ['bpchar', 'text'],
    ['BOOLEAN', 'boolean'],
    ['DATE', 'temporal'],
    ['TIMESTAMP_NTZ', 'temporal'],
    ['timestamp with time zone', 'temporal'],
    ['TIMESTAMP(6) WITH TIME ZONE', 'temporal'],
    ['BLOB', 'binary'],
    ['bytea', 'binary'],
    ['UUID', 'uuid'],
    ['VARIANT', 'other'],
    ['ARRAY<INT64>', 'other'],
    ['integer[]', 'other'],
    ['STRUCT(a INTEGER)', 'other'],
    ['jsonb', 'other'],
    ['USER-DEFINED', 'other'],
    ['', 'other'],
  ];
  it.each(cases)('%s is %s', (type, family) => expect(typeFamily(type)).toBe(family));

  it('compatibility: same family, uuid with text, unknown with anything', () => {
    expect(compatibleFamilies('number', 'number')).toBe(true);
    expect(compatibleFamilies('uuid', 'text')).toBe(true);
    expect(compatibleFamilies('other', 'number')).toBe(true);
    expect(compatibleFamilies('number', 'text')).toBe(false);
    expect(compatibleFamilies('temporal', 'number')).toBe(false);
    expect(compatibleFamilies('boolean', 'text')).toBe(false);
  });
});
