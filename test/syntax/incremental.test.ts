import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toSyntaxFile } from '../../server/src/syntax/convert';
import { SyntaxDocument } from '../../server/src/syntax/document';
import { wasmParser } from '../support/wasm';

// Edits re-read only the innermost block around them; the result must equal a full read.
const graph = `data_graph {
  version = "v1.0.0"
  entity "accounts" {
    name        = "Accounts" # the customers
    table_ref   = "PROD.CUST.ACCOUNTS"
    primary_key = "id"
  }
  entity "carts" { name = "Carts" table_ref = "PROD.CUST.CARTS" primary_key = "id" }
  /* unused */
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

const snippets = ['x', '"', '}', '{', ' = ', '\n', '#', 'entity "e" {', '...', 'é😀', ''];

function positionOf(text: string, offset: number) {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

describe('incremental syntax views', () => {
  it('equal a full read after any sequence of single edits', async () => {
    const parser = await wasmParser();
    await fc.assert(
      fc.property(
        fc.array(
          fc.record({ at: fc.nat(), length: fc.nat({ max: 12 }), insert: fc.constantFrom(...snippets) }),
          { minLength: 1, maxLength: 8 },
        ),
        (edits) => {
          let document = SyntaxDocument.parse(parser, graph);
          void document.syntax;
          try {
            for (const edit of edits) {
              const text = document.text;
              const start = edit.at % (text.length + 1);
              const end = Math.min(text.length, start + edit.length);
              document = document.update([
                { range: { start: positionOf(text, start), end: positionOf(text, end) }, text: edit.insert },
              ]);
              const incremental = document.syntax;
              const full = toSyntaxFile(document.syntaxTree!, document.text);
              expect(incremental).toEqual(full);
            }
          } finally {
            document.dispose();
          }
        },
      ),
      { numRuns: Number(process.env.DG_FUZZ_RUNS ?? 150) },
    );
  });
});
