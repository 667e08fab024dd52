import type { Span } from '../../server/src/syntax/ast';

/**
 * Spans written as marked text, for readable expectations: the lines of `text` that hold a span,
 * trimmed, each span wrapped in `[` `]`, e.g. `join_on = "[account].id = cart.account_id"`.
 */
export function marked(text: string, spans: readonly Span[]): string {
  const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= offset) line++;
    return line;
  };
  const lines = new Set<number>();
  for (const span of sorted) for (let l = lineOf(span.start); l <= lineOf(span.end); l++) lines.add(l);
  let out = '';
  let at = 0;
  for (const span of sorted) {
    out += `${text.slice(at, span.start)}[${text.slice(span.start, span.end)}]`;
    at = span.end;
  }
  out += text.slice(at);
  return out
    .split('\n')
    .filter((_, index) => lines.has(index))
    .map((line) => line.trim())
    .join('\n');
}

/** Applies non-overlapping edits; returns the new text and where each replacement landed. */
export function applyEdits(text: string, edits: readonly { span: Span; newText: string }[]): { text: string; spans: Span[] } {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start);
  let out = '';
  let at = 0;
  const spans: Span[] = [];
  for (const edit of sorted) {
    if (edit.span.start < at) throw new Error('overlapping edits');
    out += text.slice(at, edit.span.start);
    spans.push({ start: out.length, end: out.length + edit.newText.length });
    out += edit.newText;
    at = edit.span.end;
  }
  return { text: out + text.slice(at), spans };
}

/** An expectation written as an indented template: lines trimmed, blank lines dropped. */
export const lines = (expected: string): string =>
  expected
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');

/** `text` with the cursor marker `$0` put where `marker` (a piece of `text` holding `$0`) says. */
export function cursor(text: string, marker: string): string {
  const plain = marker.replace('$0', '');
  const at = text.indexOf(plain);
  if (at < 0 || text.indexOf(plain, at + 1) >= 0) throw new Error(`cursor marker ${JSON.stringify(marker)} must match once`);
  return text.slice(0, at) + marker + text.slice(at + plain.length);
}

/** The graph most feature tests start from: three entities, a profile link, a join, a junction, a legacy join. */
export const GRAPH = `data_graph {
  entity "account" {
    name        = "Account"
    description = "One row per customer account."
    table_ref   = "PROD.CUST.ACCOUNTS"
    primary_key = "id"
    enrichment_enabled = true
  }
  entity "cart" {
    name        = "Cart"
    table_ref   = "PROD.CUST.CARTS"
    primary_key = "id"
  }
  entity "product" {
    name        = "Product"
    table_ref   = "PROD.CUST.PRODUCTS"
    primary_key = "sku"
  }
  profile {
    profile_folder = "PROD.segment"
    type           = "segment:materialized"
    relationship "user-accounts" {
      name           = "Accounts"
      related_entity = "account"
      external_id {
        type     = "email"
        join_key = "email"
      }
      relationship "account-carts" {
        name           = "Carts"
        related_entity = "cart"
        join_on        = "account.id = cart.account_id"
        relationship "cart-products" {
          name           = "Products"
          related_entity = "product"
          junction_table {
            table_ref     = "PROD.CUST.CART_PRODUCTS"
            primary_key   = "id"
            left_join_on  = "cart.id = cart_id"
            right_join_on = "sku = product.sku"
          }
        }
      }
      relationship "legacy-carts" {
        name           = "Carts by table"
        related_entity = "cart"
        join_on        = "ACCOUNTS.id = Cart.account_id"
      }
    }
  }
}
`;
