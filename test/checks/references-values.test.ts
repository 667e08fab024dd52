import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/checks/analyze';
import type { CheckSettings } from '../../server/src/checks/context';
import type { Diagnostic } from '../../server/src/checks/diagnostic';
import { SyntaxDocument } from '../../server/src/syntax/document';
import { wasmParser } from '../support/wasm';

// Severities and quick fixes of DG3xx/DG4xx (the fixtures check codes, ranges and messages only).

const graph = (profile: string, nested = '', entities = '') => `data_graph {
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
${entities}  profile {
${profile}
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
${nested}
      }
    }
  }
}
`;
const PROFILE = '    profile_folder = "PROD.segment"\n    type           = "segment:materialized"';
const JOIN = '        join_on        = "accounts.id = carts.account_id"';

async function check(text: string, settings: CheckSettings = {}): Promise<Diagnostic[]> {
  const document = SyntaxDocument.parse(await wasmParser(), text);
  try {
    return analyze(document, settings).diagnostics;
  } finally {
    document.dispose();
  }
}

function applyFix(text: string, diagnostic: Diagnostic | undefined, index = 0): string {
  const fix = diagnostic?.fixes?.[index];
  if (!fix) throw new Error(`no fix on ${diagnostic?.code ?? 'missing diagnostic'}`);
  let result = text;
  for (const edit of [...fix.edits].sort((a, b) => b.span.start - a.span.start)) {
    result = result.slice(0, edit.span.start) + edit.newText + result.slice(edit.span.end);
  }
  return result;
}

const only = (diagnostics: Diagnostic[], code: string) => diagnostics.filter((d) => d.code === code);

describe('references', () => {
  it('swaps a reversed join_on, escapes kept as written', async () => {
    const text = graph(PROFILE, '        join_on        = "carts.account_id = accounts.\\u0069d"');
    const [reversed] = only(await check(text), 'DG304');
    expect(reversed?.severity).toBe('warning');
    const fixed = applyFix(text, reversed);
    expect(fixed).toContain('join_on        = "accounts.\\u0069d = carts.account_id"');
    expect(await check(fixed)).toEqual([]);
  });

  it('maps spans through escapes in join strings', async () => {
    const text = graph(PROFILE, '        join_on        = "\\u0061ccounts.id = cart.account_id"');
    const [unknown] = only(await check(text), 'DG300');
    expect(text.slice(unknown!.span.start, unknown!.span.end)).toBe('cart');
    expect(await check(applyFix(text, unknown))).toEqual([]);
  });

  it('replaces a legacy prefix with the slug', async () => {
    const text = graph(PROFILE, '        join_on        = "ACCOUNTS.ID = CARTS.ACCOUNT_ID"');
    const legacy = only(await check(text), 'DG305');
    expect(legacy.map((d) => d.severity)).toEqual(['warning', 'warning']);
    const fixed = applyFix(applyFix(text, legacy[1]), legacy[0]);
    expect(fixed).toContain('"accounts.ID = carts.ACCOUNT_ID"');
    expect(await check(fixed)).toEqual([]);
  });

  it('drops the qualifier of a junction column', async () => {
    const junction = `        junction_table {
          table_ref     = "PROD.CUST.ACCOUNT_CARTS"
          primary_key   = "id"
          left_join_on  = "accounts.id = ACCOUNT_CARTS.account_id"
          right_join_on = "cart_id = carts.id"
        }`;
    const text = graph(PROFILE, junction);
    const [qualified] = await check(text);
    expect(qualified?.code).toBe('DG307');
    expect(qualified?.severity).toBe('warning');
    expect(await check(applyFix(text, qualified))).toEqual([]);
  });
});

describe('values', () => {
  it('segment:dbt is an error, segment:unmaterialized a warning', async () => {
    const dbt = await check(graph('    profile_folder = "PROD.segment"\n    type           = "segment:dbt"', JOIN));
    expect(dbt.map((d) => [d.code, d.severity])).toEqual([['DG401', 'error']]);
    const raw = await check(graph('    profile_folder = "PROD.segment"\n    type           = "segment:unmaterialized"', JOIN));
    expect(raw.map((d) => [d.code, d.severity])).toEqual([['DG401', 'warning']]);
  });

  it('replaces materialization with a type, or deletes its line when a type exists', async () => {
    const without = graph('    profile_folder  = "PROD.segment"\n    materialization = "none"', JOIN);
    const [legacy] = await check(without);
    expect(legacy?.code).toBe('DG402');
    const fixed = applyFix(without, legacy);
    expect(fixed).toContain('    type = "segment:materialized"\n');
    expect(await check(fixed)).toEqual([]);

    const withType = graph(`${PROFILE}\n    materialization = "none"`, JOIN);
    const [duplicate] = await check(withType);
    expect(applyFix(withType, duplicate)).toBe(graph(PROFILE, JOIN));
  });

  it('two-part table_ref and one-part profile_folder are warnings; empty parts errors', async () => {
    const legacy = await check(graph('    profile_folder = "segment"\n    type           = "segment:materialized"', JOIN).replace('"PROD.CUST.CARTS"', '"CUST.CARTS"'));
    expect(legacy.map((d) => [d.code, d.severity])).toEqual([
      ['DG403', 'warning'],
      ['DG404', 'warning'],
    ]);
    const empty = await check(graph(PROFILE, JOIN).replace('"PROD.CUST.CARTS"', '"PROD..CARTS"'));
    expect(empty.map((d) => [d.code, d.severity])).toEqual([['DG403', 'error']]);
  });

  it('"user id" is an error fixed to user_id; custom types are warnings unless configured', async () => {
    const text = graph(PROFILE, JOIN).replace('type     = "email"', 'type     = "user id"');
    const [spaced] = await check(text);
    expect([spaced?.code, spaced?.severity]).toEqual(['DG405', 'error']);
    expect(await check(applyFix(text, spaced))).toEqual([]);

    const custom = graph(PROFILE, JOIN).replace('type     = "email"', 'type     = "crm_id"');
    expect((await check(custom)).map((d) => [d.code, d.severity])).toEqual([['DG405', 'warning']]);
    expect(await check(custom, { identityTypes: ['crm_id'] })).toEqual([]);
  });

  it('fixes enrichment_enabled = "true" to the bool', async () => {
    const text = graph(PROFILE, JOIN, '  entity "users" {\n    name               = "Users"\n    table_ref          = "PROD.CUST.USERS"\n    primary_key        = "id"\n    enrichment_enabled = "TRUE"\n  }\n');
    const [wrong] = await check(text);
    expect(wrong?.code).toBe('DG406');
    const fixed = applyFix(text, wrong);
    expect(fixed).toContain('enrichment_enabled = true\n');
    expect(await check(fixed)).toEqual([]);
  });
});
