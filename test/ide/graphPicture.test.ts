import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { renderDot } from '../../server/src/ide/graph/dot';
import { mermaidText, renderMermaid } from '../../server/src/ide/graph/mermaid';
import { graphPicture, type GraphPicture } from '../../server/src/ide/graph/picture';
import { fixture } from '../support/fixture';

// The picture of a graph (plain data) and its Mermaid and DOT texts, in full: small graphs, broken
// ones (they still draw) and hostile names (escaped).

async function pictureOf(text: string): Promise<GraphPicture> {
  return graphPicture((await fixture(text)).analysis.model);
}

/** Expected output written indented in the test: the common indentation is removed. */
function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').replace(/\n\s*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return `${lines.map((l) => l.slice(indent)).join('\n')}\n`;
}

const SHOP = `data_graph {
  entity "accounts" {
    name        = "Accounts"
    table_ref   = "prod.crm.accounts"
    primary_key = "id"
  }
  entity "carts" {
    name        = "Carts"
    table_ref   = "prod.shop.carts"
    primary_key = "cart_id"
  }
  entity "products" {
    name        = "Products"
    table_ref   = "prod.shop.products"
    primary_key = "sku"
  }
  entity "stores" {
    name        = "Stores"
    table_ref   = "prod.ops.stores"
    primary_key = "store_id"
  }
  profile {
    profile_folder = "prod.segment"
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
        relationship "cart-products" {
          name           = "Products"
          related_entity = "products"
          junction_table {
            table_ref     = "prod.shop.cart_items"
            primary_key   = "id"
            left_join_on  = "carts.cart_id = cart_id"
            right_join_on = "sku = products.sku"
          }
        }
      }
    }
    relationship "loyalty" {
      name           = "loyalty"
      related_entity = "accounts"
      trait {
        name     = "loyalty_id"
        join_key = "loyalty_id"
      }
    }
  }
}
`;

/** A typo in related_entity, with a relationship nested under it. */
const TYPO = SHOP.replace('related_entity = "carts"', 'related_entity = "cart"');

describe('graphPicture', () => {
  it('has the profile, the entities (unused marked) and one edge per relationship with its join', async () => {
    expect(await pictureOf(SHOP)).toEqual({
      nodes: [
        { kind: 'profile', id: 'profile', folder: 'prod.segment', type: 'segment:materialized' },
        { kind: 'entity', id: 'e_accounts', slug: 'accounts', name: 'Accounts', tableRef: 'prod.crm.accounts', primaryKey: 'id', unused: false, duplicate: false },
        { kind: 'entity', id: 'e_carts', slug: 'carts', name: 'Carts', tableRef: 'prod.shop.carts', primaryKey: 'cart_id', unused: false, duplicate: false },
        { kind: 'entity', id: 'e_products', slug: 'products', name: 'Products', tableRef: 'prod.shop.products', primaryKey: 'sku', unused: false, duplicate: false },
        { kind: 'entity', id: 'e_stores', slug: 'stores', name: 'Stores', tableRef: 'prod.ops.stores', primaryKey: 'store_id', unused: true, duplicate: false },
      ],
      edges: [
        { id: 'r_user_accounts', from: 'profile', to: 'e_accounts', slug: 'user-accounts', name: 'Accounts', level: 1, joins: [{ kind: 'external_id', type: 'email', joinKey: 'email' }] },
        { id: 'r_account_carts', from: 'e_accounts', to: 'e_carts', slug: 'account-carts', name: 'Carts', level: 2, joins: [{ kind: 'join_on', text: 'accounts.id = carts.account_id' }] },
        { id: 'r_cart_products', from: 'e_carts', to: 'e_products', slug: 'cart-products', name: 'Products', level: 3, joins: [{ kind: 'junction', tableRef: 'prod.shop.cart_items' }] },
        { id: 'r_loyalty', from: 'profile', to: 'e_accounts', slug: 'loyalty', name: 'loyalty', level: 1, joins: [{ kind: 'trait', name: 'loyalty_id', joinKey: 'loyalty_id' }] },
      ],
      problems: [],
    });
  });

  it('points an unresolved related_entity at a missing node, and draws what hangs under it from there', async () => {
    const picture = await pictureOf(TYPO);
    expect(picture.nodes.filter((n) => n.kind === 'missing')).toEqual([{ kind: 'missing', id: 'missing_cart', slug: 'cart' }]);
    expect(picture.edges.map((e) => `${e.from} -> ${e.to}`)).toEqual([
      'profile -> e_accounts',
      'e_accounts -> missing_cart',
      'missing_cart -> e_products',
      'profile -> e_accounts',
    ]);
    // carts is now related by nothing.
    expect(picture.nodes.find((n) => n.id === 'e_carts')).toMatchObject({ unused: true });
    expect(picture.problems).toEqual(['relationship "account-carts": related_entity "cart" names no entity']);
  });

  it('keeps ids unique and made of [A-Za-z0-9_] whatever the slugs are', async () => {
    const picture = await pictureOf(`data_graph {
  entity "a-b" { name = "1" }
  entity "a_b" { name = "2" }
  entity "a-b" { name = "3" }
  entity "Ünï cödé" { name = "4" }
  profile {
    relationship "x" { related_entity = "nowhere" }
    relationship "y" { related_entity = "nowhere" }
    relationship "z" { }
  }
}`);
    const ids = picture.nodes.map((n) => n.id);
    expect(ids).toEqual(['profile', 'e_a_b', 'e_a_b_2', 'e_a_b_3', 'e__n__c_d_', 'missing_nowhere', 'missing_z']);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_]+$/);
    expect(picture.nodes.find((n) => n.id === 'e_a_b_3')).toMatchObject({ slug: 'a-b', duplicate: true });
    // Both relationships share the one missing node.
    expect(picture.edges.map((e) => e.to)).toEqual(['missing_nowhere', 'missing_nowhere', 'missing_z']);
    expect(picture.problems).toEqual([
      'entity "a-b" is defined more than once',
      'relationship "x": related_entity "nowhere" names no entity',
      'relationship "y": related_entity "nowhere" names no entity',
      'relationship "z" has no related_entity',
    ]);
  });
});

describe('renderMermaid', () => {
  const cases: { name: string; text: string; mermaid: string }[] = [
    {
      name: 'a sound graph: stadium profile, boxes, joins on the edges, the unused entity dashed',
      text: SHOP,
      mermaid: `
        flowchart LR
          profile(["Profile<br/>prod.segment<br/>segment:materialized"])
          e_accounts["accounts<br/>Accounts<br/>prod.crm.accounts<br/>key id"]
          e_carts["carts<br/>Carts<br/>prod.shop.carts<br/>key cart_id"]
          e_products["products<br/>Products<br/>prod.shop.products<br/>key sku"]
          e_stores["stores<br/>Stores<br/>prod.ops.stores<br/>key store_id<br/>unused"]
          profile -->|"user-accounts (Accounts)<br/>external_id email → email"| e_accounts
          e_accounts -->|"account-carts (Carts)<br/>accounts.id = carts.account_id"| e_carts
          e_carts -->|"cart-products (Products)<br/>via prod.shop.cart_items"| e_products
          profile -->|"loyalty<br/>trait loyalty_id → loyalty_id"| e_accounts
          classDef unused stroke-dasharray: 5 5
          class e_stores unused
      `,
    },
    {
      name: 'an unresolved related_entity: a red hexagon reached by a dotted edge, the rest still drawn',
      text: TYPO,
      mermaid: `
        flowchart LR
          profile(["Profile<br/>prod.segment<br/>segment:materialized"])
          e_accounts["accounts<br/>Accounts<br/>prod.crm.accounts<br/>key id"]
          e_carts["carts<br/>Carts<br/>prod.shop.carts<br/>key cart_id<br/>unused"]
          e_products["products<br/>Products<br/>prod.shop.products<br/>key sku"]
          e_stores["stores<br/>Stores<br/>prod.ops.stores<br/>key store_id<br/>unused"]
          missing_cart{{"cart<br/>missing entity"}}
          profile -->|"user-accounts (Accounts)<br/>external_id email → email"| e_accounts
          e_accounts -.->|"account-carts (Carts)<br/>accounts.id = carts.account_id"| missing_cart
          missing_cart -->|"cart-products (Products)<br/>via prod.shop.cart_items"| e_products
          profile -->|"loyalty<br/>trait loyalty_id → loyalty_id"| e_accounts
          classDef unused stroke-dasharray: 5 5
          class e_carts,e_stores unused
          classDef problem stroke:#d1242f,stroke-width:2px,stroke-dasharray: 5 5
          class missing_cart problem
      `,
    },
    {
      name: 'a file cut short (no closing braces) and half-written blocks: what was read is drawn',
      text: `data_graph {
  entity "accounts" {
    name      = "Accounts"
    table_ref = "prod.crm.accounts"
  }
  profile {
    relationship "user-accounts" {
      related_entity = "accounts"
      external_id {
        type = "email"
`,
      mermaid: `
        flowchart LR
          profile(["Profile<br/>no profile_folder<br/>no type"])
          e_accounts["accounts<br/>Accounts<br/>prod.crm.accounts<br/>no primary_key"]
          profile -->|"user-accounts<br/>external_id email → ?"| e_accounts
      `,
    },
    {
      name: 'no join at all, and both kinds of link (each is shown)',
      text: `data_graph {
  entity "a" { name = "a" }
  profile {
    relationship "both" {
      related_entity = "a"
      external_id { type = "email" }
      trait { join_key = "k" }
      relationship "bare" { related_entity = "a" }
    }
  }
}`,
      mermaid: `
        flowchart LR
          profile(["Profile<br/>no profile_folder<br/>no type"])
          e_a["a<br/>no table_ref<br/>no primary_key"]
          profile -->|"both<br/>external_id email → ? #124; trait ? → k"| e_a
          e_a -->|"bare<br/>no join"| e_a
      `,
    },
    {
      name: 'hostile names: quotes, HTML, entities, pipes, backticks and a control character are escaped',
      text: `data_graph {
  entity "accounts" {
    name        = "Say \\"hi\\" <b>&amp;</b> | #35; \`x\` %% end"
    table_ref   = "prod.crm.accounts"
    primary_key = "id\\u0000"
  }
  profile {
    profile_folder = "prod.segment"
    type           = "segment:materialized"
    relationship "r" {
      name           = "A -->|B| C"
      related_entity = "accounts"
      trait {
        name     = "a<b"
        join_key = "k"
      }
    }
  }
}`,
      mermaid: `
        flowchart LR
          profile(["Profile<br/>prod.segment<br/>segment:materialized"])
          e_accounts["accounts<br/>Say #quot;hi#quot; #lt;b#gt;#amp;amp;#lt;/b#gt; #124; #35;35; #96;x#96; %% end<br/>prod.crm.accounts<br/>key id "]
          profile -->|"r (A --#gt;#124;B#124; C)<br/>trait a#lt;b → k"| e_accounts
      `,
    },
    {
      name: 'an empty file: an empty flowchart',
      text: '',
      mermaid: 'flowchart LR',
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      expect(renderMermaid(await pictureOf(c.text))).toBe(dedent(c.mermaid));
    });
  }

  it('escapes so that no quoted label can end early or turn into markup', () => {
    const hostile = 'a"b#c&d<e>f|g`h\ni';
    const escaped = mermaidText(hostile);
    expect(escaped).toBe('a#quot;b#35;c#amp;d#lt;e#gt;f#124;g#96;h i');
    expect(escaped).not.toMatch(/["<>|`\n]/);
    // Every # left starts one of the entities written.
    expect(escaped.replace(/#(quot|amp|lt|gt|\d+);/g, '')).not.toContain('#');
  });

  it('draws the same text for the same graph', async () => {
    expect(renderMermaid(await pictureOf(SHOP))).toBe(renderMermaid(await pictureOf(SHOP)));
  });
});

/** Graphviz's `dot` is installed (the round-trip test needs it). */
const HAS_GRAPHVIZ = spawnSync('dot', ['-V'], { encoding: 'utf8' }).status === 0;

/** An entity name that HTML entity decoding, quotes or backslashes would change. */
const ACCOUNTS_NAME = 'AT&T &amp; &lt;b&gt; &#38; "q" \\ end';
const HOSTILE_NAMES = SHOP.replace('name        = "Accounts"', `name        = ${JSON.stringify(ACCOUNTS_NAME)}`).replace(
  'relationship "user-accounts" {\n      name           = "Accounts"',
  'relationship "user-accounts" {\n      name           = "R&D"',
);

describe('renderDot', () => {
  it('writes a left-to-right digraph with quoted, escaped ids and labels', async () => {
    const text = TYPO.replace('name        = "Stores"', 'name        = "Stores \\"main\\" \\\\ <all>"');
    expect(renderDot(await pictureOf(text))).toBe(
      dedent(String.raw`
        digraph data_graph {
          rankdir=LR;
          node [shape=box, style=rounded, fontname="Helvetica", fontsize=11];
          edge [fontname="Helvetica", fontsize=10];
          "profile" [label="Profile\nprod.segment\nsegment:materialized", shape=ellipse, style=solid];
          "e_accounts" [label="accounts\nAccounts\nprod.crm.accounts\nkey id"];
          "e_carts" [label="carts\nCarts\nprod.shop.carts\nkey cart_id\nunused", style="rounded,dashed"];
          "e_products" [label="products\nProducts\nprod.shop.products\nkey sku"];
          "e_stores" [label="stores\nStores \"main\" \\ <all>\nprod.ops.stores\nkey store_id\nunused", style="rounded,dashed"];
          "missing_cart" [label="cart\nmissing entity", shape=hexagon, style=dashed, color="#d1242f", fontcolor="#d1242f"];
          "profile" -> "e_accounts" [label="user-accounts (Accounts)\nexternal_id email → email"];
          "e_accounts" -> "missing_cart" [label="account-carts (Carts)\naccounts.id = carts.account_id", style=dashed, color="#d1242f"];
          "missing_cart" -> "e_products" [label="cart-products (Products)\nvia prod.shop.cart_items"];
          "profile" -> "e_accounts" [label="loyalty\ntrait loyalty_id → loyalty_id"];
        }
      `),
    );
  });

  it('writes every & of a label as &amp;, since Graphviz decodes HTML entities in labels', async () => {
    const dot = renderDot(await pictureOf(HOSTILE_NAMES));
    expect(dot).toContain('"e_accounts" [label="accounts\\nAT&amp;T &amp;amp; &amp;lt;b&amp;gt; &amp;#38; \\"q\\" \\\\ end\\nprod.crm.accounts\\nkey id"];');
    expect(dot).toContain('[label="user-accounts (R&amp;D)\\nexternal_id email → email"];');
    // Ids are [A-Za-z0-9_] and stay as they are.
    expect(dot).toContain('"profile" -> "e_accounts"');
  });

  it.skipIf(!HAS_GRAPHVIZ)('comes back from Graphviz as written (dot -Tsvg)', async () => {
    const run = spawnSync('dot', ['-Tsvg'], { input: renderDot(await pictureOf(HOSTILE_NAMES)), encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    // Each label line is one <text>, XML-escaped by Graphviz.
    const texts = [...run.stdout.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) =>
      m[1]!.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, (_, e: string) =>
        e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e]!,
      ),
    );
    expect(texts).toContain(ACCOUNTS_NAME);
    expect(texts).toContain('user-accounts (R&D)');
  });
});

