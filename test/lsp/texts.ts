/** Small `.dg` texts shared by the language-server tests. */

/** A complete, valid graph: no diagnostics. */
export const VALID = `data_graph {
  version = "v1.0.0"

  entity "account" {
    name        = "Account"
    table_ref   = "prod.public.accounts"
    primary_key = "id"
    description = "Café 日本 🎉 accounts"
  }

  profile {
    profile_folder = "prod.segment"
    type           = "segment:materialized"

    relationship "accounts" {
      name           = "Accounts"
      related_entity = "account"
      external_id {
        type     = "email"
        join_key = "email"
      }
    }
  }
}
`;

/** VALID with `type` unquoted: one DG004 (an error with a quick fix) on `segment:materialized`. */
export const UNQUOTED = VALID.replace('"segment:materialized"', 'segment:materialized');

/** VALID with an unterminated `name` string: DG001. */
export const UNTERMINATED = VALID.replace('name        = "Account"', 'name        = "Account');

/**
 * Non-ASCII before the problem on the same line: `${` after accents, CJK and an emoji in a description
 * (DG010), and an unquoted value after a block comment holding the same characters (DG004).
 */
export const NON_ASCII = VALID.replace('"Café 日本 🎉 accounts"', '"Café 日本 🎉 ${x}"').replace(
  'type           = "segment:materialized"',
  '/* Café 日本 🎉 */ type = segment:materialized',
);

/**
 * A graph against the fixture warehouse (test/fixtures/catalog/warehouse.json): `cart` names
 * prod.crm.cartz, which it does not have (DG600); `unused` is related by nothing (DG112).
 */
export const CATALOG_GRAPH = `data_graph {
  entity "account" {
    name        = "Account"
    table_ref   = "prod.crm.accounts"
    primary_key = "id"
  }
  entity "cart" {
    name        = "Cart"
    table_ref   = "prod.crm.cartz"
    primary_key = "id"
  }
  entity "unused" {
    name        = "Unused"
    table_ref   = "prod.crm.products"
    primary_key = "sku"
  }
  profile {
    profile_folder = "prod.segment_profiles"
    type           = "segment:materialized"
    relationship "accounts" {
      name           = "Accounts"
      related_entity = "account"
      external_id {
        type     = "email"
        join_key = "email"
      }
      relationship "carts" {
        name           = "Carts"
        related_entity = "cart"
        join_on        = "account.id = cart.account_id"
      }
    }
  }
}
`;
