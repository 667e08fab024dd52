// dg/graph through the stdio server: the SVG of the document's current version, for broken text too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import { LspClient, rangeAt } from '../support/lspClient';

interface GraphResult {
  uri: string;
  version: number | null;
  svg: string;
  problems: string[];
  errors: number;
}

const GRAPH = `data_graph {
  entity "account" {
    name        = "Account"
    table_ref   = "prod.public.accounts"
    primary_key = "id"
  }
  entity "cart" {
    name        = "Cart <& \\"co\\">"
    table_ref   = "prod.public.carts"
    primary_key = "id"
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
      relationship "carts" {
        name           = "Carts"
        related_entity = "cart"
        join_on        = "account.id = cart.account_id"
      }
    }
  }
}
`;

let client: LspClient;
let counter = 0;
const nextUri = (name: string) => `file:///work/graph/${name}-${++counter}.dg`;
const graph = (params: unknown) => client.within(client.connection.sendRequest<GraphResult>('dg/graph', params), 'dg/graph');
const edgePaths = (svg: string) => svg.match(/<path class="dg-edge-path" /g)?.length ?? 0;

beforeAll(async () => {
  client = await LspClient.start({ settings: {} });
}, 180_000);
afterAll(async () => {
  await client?.dispose();
});

describe('dg/graph', () => {
  it('answers with the SVG of the open document at its version', async () => {
    const uri = nextUri('valid');
    await client.open(uri, GRAPH, 3);
    const result = await graph({ uri });
    expect(result).toMatchObject({ uri, version: 3, problems: [], errors: 0 });
    expect(result.svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="dg-graph" /);
    expect(result.svg).toContain('>account</text>');
    expect(result.svg).toContain('>cart</text>');
    expect(result.svg).toContain('>Cart &lt;&amp; "co"&gt;</text>');
    expect(edgePaths(result.svg)).toBe(2);
  });

  it('draws the version just sent, even before its diagnostics are published, and broken text still draws', async () => {
    const uri = nextUri('edited');
    await client.open(uri, GRAPH, 1);
    // related_entity = "cart" → "carz": the request right after the change answers for version 2.
    const at = GRAPH.indexOf('"cart"', GRAPH.indexOf('relationship "carts"')) + 4;
    await client.change(uri, 2, [{ range: rangeAt(GRAPH, at, at + 1), text: 'z' }]);
    const typo = await graph({ uri });
    expect(typo.version).toBe(2);
    expect(typo.problems).toEqual(['relationship "carts": related_entity "carz" names no entity']);
    expect(typo.errors).toBeGreaterThan(0);
    expect(typo.svg).toContain('data-id="missing_carz"');
    expect(typo.svg).toContain('url(#dg-arrow-problem)');
    // The closing braces deleted: still a picture of what was read.
    const edited = `${GRAPH.slice(0, at)}z${GRAPH.slice(at + 1)}`;
    const end = edited.lastIndexOf('}');
    await client.change(uri, 3, [{ range: rangeAt(edited, end - 4, end + 1), text: '' }]); // `  }\n}`
    const cut = await graph({ uri });
    expect(cut.version).toBe(3);
    expect(cut.svg).toContain('>account</text>');
    expect(edgePaths(cut.svg)).toBe(2);
    expect(cut.errors).toBeGreaterThan(0);
  });

  it('never fails on a document it cannot draw, only on malformed params', async () => {
    const garbage = nextUri('garbage');
    await client.open(garbage, '}}} {{{ "\u0000 relationship "x" { related_entity = ', 1);
    const drawn = await graph({ uri: garbage });
    expect(drawn.version).toBe(1);
    expect(drawn.svg).toContain('</svg>');

    const closed = await graph({ uri: 'file:///work/graph/never-opened.dg' });
    expect(closed).toMatchObject({ version: null, errors: 0, problems: ['file:///work/graph/never-opened.dg is not open in the language server'] });
    expect(closed.svg).toContain('</svg>');

    const error = await graph({ nope: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError<unknown>).code).toBe(-32602);
    expect(client.alive).toBe(true);
    expect(client.logs.filter((l) => l.message.includes('dg/graph failed'))).toEqual([]);
  });
});
