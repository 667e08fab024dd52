import { describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/checks/analyze';
import type { Diagnostic, Fix } from '../../server/src/checks/diagnostic';
import { SyntaxDocument } from '../../server/src/syntax/document';
import { wasmParser } from '../support/wasm';

// The quick fixes of the structure and name rules, applied: the text they produce, and that the
// diagnostic they fix is gone afterwards.

async function diagnosticsOf(text: string): Promise<Diagnostic[]> {
  const document = SyntaxDocument.parse(await wasmParser(), text);
  try {
    return analyze(document).diagnostics;
  } finally {
    document.dispose();
  }
}

function apply(text: string, fix: Fix): string {
  const edits = [...fix.edits].sort((a, b) => b.span.start - a.span.start);
  for (const edit of edits) text = text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end);
  return text;
}

/** Applies the first fix of the first diagnostic with `code` (and `fragment` in its message). */
async function fixed(text: string, code: string, fragment = ''): Promise<string> {
  const diagnostic = (await diagnosticsOf(text)).find((d) => d.code === code && d.message.includes(fragment));
  expect(diagnostic, `${code} ${fragment}`).toBeDefined();
  const fix = diagnostic!.fixes?.[0];
  expect(fix, `fix of ${code}`).toBeDefined();
  return apply(text, fix!);
}

const lines = (...l: string[]) => l.join('\n') + '\n';

const profile = lines(
  '  profile {',
  '    profile_folder = "PROD.segment"',
  '    type           = "segment:materialized"',
  '    relationship "user-accounts" {',
  '      name           = "Accounts"',
  '      related_entity = "accounts"',
  '      external_id {',
  '        type     = "email"',
  '        join_key = "email"',
  '      }',
  '    }',
  '  }',
);

describe('DG104 fix: insert the missing attribute', () => {
  it('lines the new attribute up with aligned siblings, before the closing brace', async () => {
    const text = lines('data_graph {', '  entity "accounts" {', '    name        = "Accounts"', '    primary_key = "id"', '  }') + profile + '}\n';
    const result = await fixed(text, 'DG104', 'table_ref');
    expect(result).toContain(lines('    name        = "Accounts"', '    primary_key = "id"', '    table_ref   = ""', '  }'));
  });

  it('does not pad after unaligned siblings', async () => {
    const text = lines('data_graph {', '  entity "accounts" {', '  \tname = "Accounts"', '  \tprimary_key = "id"', '  }') + profile + '}\n';
    const result = await fixed(text, 'DG104', 'table_ref');
    expect(result).toContain(lines('  \tprimary_key = "id"', '  \ttable_ref = ""', '  }'));
  });

  it('puts every item of a one-line block on its own line', async () => {
    const text = lines('data_graph {', '  entity "accounts" { name = "Accounts" }') + profile + '}\n';
    const result = await fixed(text, 'DG104', 'table_ref');
    expect(result).toContain(lines('  entity "accounts" {', '    name = "Accounts"', '    table_ref = ""', '  }'));
  });

  it('breaks the line before a closing brace that follows an attribute', async () => {
    const text = lines('data_graph {', '  entity "accounts" {', '    name = "Accounts"', '    table_ref = "PROD.CUST.ACCOUNTS" }') + profile + '}\n';
    const result = await fixed(text, 'DG104', 'primary_key');
    expect(result).toContain(lines('    table_ref = "PROD.CUST.ACCOUNTS"', '    primary_key = ""', '  }'));
  });

  it('keeps CRLF line ends', async () => {
    const text = (lines('data_graph {', '  entity "accounts" {', '    name = "Accounts"', '    primary_key = "id"', '  }') + profile + '}\n').replace(/\n/g, '\r\n');
    const result = await fixed(text, 'DG104', 'table_ref');
    expect(result).toContain('    primary_key = "id"\r\n    table_ref = ""\r\n  }\r\n');
    expect(result.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('inserts the one possible profile type', async () => {
    const text = lines('data_graph {', '  entity "accounts" {', '    name = "Accounts"', '    table_ref = "PROD.CUST.ACCOUNTS"', '    primary_key = "id"', '  }') + profile.replace('    type           = "segment:materialized"\n', '') + '}\n';
    const result = await fixed(text, 'DG104', '"type"');
    expect(result).toContain(lines('      }', '    }', '    type = "segment:materialized"', '  }'));
    expect((await diagnosticsOf(result)).map((d) => d.code)).toEqual([]);
  });
});

describe('other structure fixes', () => {
  const accounts = lines('data_graph {', '  entity "accounts" {', '    name        = "Accounts"', '    table_ref   = "PROD.CUST.ACCOUNTS"', '    primary_key = "id"', '  }');

  it('DG105 adds an external_id block with placeholders', async () => {
    const text = accounts + profile.replace(/ {6}external_id \{\n.*\n.*\n {6}\}\n/, '') + '}\n';
    const result = await fixed(text, 'DG105');
    expect(result).toContain(lines('      related_entity = "accounts"', '      external_id {', '        type     = ""', '        join_key = ""', '      }', '    }'));
    expect((await diagnosticsOf(result)).map((d) => d.code)).toEqual(['DG113', 'DG113']);
  });

  it('DG101 renames a legacy block', async () => {
    const text = accounts + profile.replace('external_id {', 'external_ids {') + '}\n';
    const result = await fixed(text, 'DG101');
    expect(result).toBe(accounts + profile + '}\n');
  });

  it('DG102 renames a misspelt attribute', async () => {
    const text = accounts.replace('primary_key =', 'primray_key =') + profile + '}\n';
    const result = await fixed(text, 'DG102');
    expect(result).toBe(accounts + profile + '}\n');
  });

  it('DG100 wraps a file without data_graph', async () => {
    const text = lines('entity "accounts" {', '  name        = "Accounts"', '  table_ref   = "PROD.CUST.ACCOUNTS"', '  primary_key = "id"', '}') + profile.replace(/^ {2}/gm, '');
    const result = await fixed(text, 'DG100');
    expect(result).toBe(accounts + profile + '}\n');
  });

  it('DG107 removes the second link', async () => {
    const second = lines('      trait {', '        name     = "account_id"', '        join_key = "id"', '      }');
    const text = accounts + profile.replace('      }\n    }\n', `      }\n${second}    }\n`) + '}\n';
    const result = await fixed(text, 'DG107');
    expect(result).toBe(accounts + profile + '}\n');
  });
});

describe('slug fixes', () => {
  it('DG200 lowercases the slug and the references to it', async () => {
    const text = lines(
      'data_graph {',
      '  entity "Accounts" {',
      '    name        = "Accounts"',
      '    table_ref   = "PROD.CUST.ACCOUNTS"',
      '    primary_key = "id"',
      '  }',
      '  entity "carts" {',
      '    name        = "Carts"',
      '    table_ref   = "PROD.CUST.CARTS"',
      '    primary_key = "id"',
      '  }',
      '  profile {',
      '    profile_folder = "PROD.segment"',
      '    type           = "segment:materialized"',
      '    relationship "user-accounts" {',
      '      name           = "Accounts"',
      '      related_entity = "Accounts"',
      '      external_id {',
      '        type     = "email"',
      '        join_key = "email"',
      '      }',
      '      relationship "Account Carts" {',
      '        name           = "Carts"',
      '        related_entity = "carts"',
      '        join_on        = "Accounts.id = carts.account_id"',
      '      }',
      '    }',
      '  }',
      '}',
    );
    let result = await fixed(text, 'DG200');
    result = await fixed(result, 'DG201');
    expect(result).toBe(
      text.replace('entity "Accounts"', 'entity "accounts"').replace('related_entity = "Accounts"', 'related_entity = "accounts"').replace('"Accounts.id', '"accounts.id').replace('"Account Carts"', '"account-carts"'),
    );
    expect((await diagnosticsOf(result)).map((d) => d.code)).toEqual([]);
  });

  it('offers no rename onto a slug already taken', async () => {
    const entity = (slug: string) => lines(`  entity "${slug}" {`, `    name               = "${slug}"`, '    table_ref          = "PROD.CUST.T"', '    primary_key        = "id"', '    enrichment_enabled = true', '  }');
    const text = 'data_graph {\n' + entity('Carts') + entity('carts') + '}\n';
    const diagnostic = (await diagnosticsOf(text)).find((d) => d.code === 'DG200');
    expect(diagnostic?.fixes).toBeUndefined();
  });
});

describe('DG106 fix: add a join naming both entities', () => {
  it('inserts join_on with the parent and child slugs, columns left to name', async () => {
    const entities = lines(
      '  entity "accounts" {',
      '    name = "Accounts"',
      '    table_ref = "PROD.CUST.ACCOUNTS"',
      '    primary_key = "id"',
      '  }',
      '  entity "carts" {',
      '    name = "Carts"',
      '    table_ref = "PROD.CUST.CARTS"',
      '    primary_key = "id"',
      '  }',
    );
    const nested = profile.replace(
      '      external_id {',
      lines('      relationship "account-carts" {', '        name           = "Carts"', '        related_entity = "carts"', '      }').trimEnd() +
        '\n      external_id {',
    );
    const result = await fixed(lines('data_graph {') + entities + nested + '}\n', 'DG106');
    expect(result).toContain('        join_on        = "accounts.<column> = carts.<column>"\n      }');
    expect((await diagnosticsOf(result)).map((d) => d.code)).not.toContain('DG106');
  });
});
