// dg/graph through the stdio server: the SVG of the document's current version, for broken text too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import type { GraphPicture } from '../../server/src/ide/graph/picture';
import { MAX_LAYOUT_SIZE } from '../../server/src/ide/graph/svg';
import { SvgCache } from '../../server/src/lsp/graph';
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

  it('answers unchanged pictures with the same SVG, and redraws when the picture changes', async () => {
    const uri = nextUri('typing');
    await client.open(uri, GRAPH, 1);
    const first = await graph({ uri });
    // Typing in a name changes the picture; typing in a comment does not.
    const at = GRAPH.indexOf('"Carts"') + 1;
    await client.change(uri, 2, [{ range: rangeAt(GRAPH, at, at), text: 'My ' }]);
    const renamed = await graph({ uri });
    expect(renamed.svg).not.toBe(first.svg);
    expect(renamed.svg).toContain('>carts (My Carts)</text>');
    const typed = GRAPH.slice(0, at) + 'My ' + GRAPH.slice(at);
    const end = typed.length;
    await client.change(uri, 3, [{ range: rangeAt(typed, end, end), text: '# a comment\n' }]);
    const commented = await graph({ uri });
    expect(commented.version).toBe(3);
    expect(commented.svg).toBe(renamed.svg);
  });

  it('does not lay out a graph that would block the server: it says so instead', async () => {
    // 100 entities, each related from the profile and from the one before it: 199 edges of which the
    // longest crosses 200 ranks (dagre took 2.3 s over it).
    const entities = Array.from({ length: 100 }, (_, i) => `  entity "e${i}" {\n    name = "E${i}"\n    table_ref = "db.s.t${i}"\n    primary_key = "id"\n  }\n`);
    const relationships = Array.from(
      { length: 100 },
      (_, i) =>
        `    relationship "r${i}" {\n      name = "R${i}"\n      related_entity = "e${i}"\n      external_id {\n        type = "email"\n        join_key = "email"\n      }\n` +
        (i < 99 ? `      relationship "c${i}" {\n        name = "C${i}"\n        related_entity = "e${i + 1}"\n        join_on = "e${i}.id = e${i + 1}.id"\n      }\n` : '') +
        '    }\n',
    );
    const text = `data_graph {\n${entities.join('')}  profile {\n    profile_folder = "db.segment"\n    type = "segment:materialized"\n${relationships.join('')}  }\n}\n`;
    const uri = nextUri('chain');
    await client.open(uri, text, 1);
    const result = await graph({ uri });
    expect(result).toMatchObject({ version: 1, errors: 0, problems: [] });
    expect(result.svg).toContain(`>Too large to draw here: 100 entities, 199 relationships (layout size 10500, the limit is ${MAX_LAYOUT_SIZE}).</text>`);
    expect(result.svg).toContain('>Use dg graph --format mermaid or --format dot for big graphs.</text>');
    expect(edgePaths(result.svg)).toBe(0);
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

describe('SvgCache', () => {
  const picture = (slug: string): GraphPicture => ({
    nodes: [{ kind: 'entity', id: `e_${slug}`, slug, unused: true, duplicate: false }],
    edges: [],
    problems: [],
  });

  it('draws a picture once per document while it is unchanged, and keeps the most recent documents', () => {
    const drawn: string[] = [];
    const cache = new SvgCache(2, (p) => {
      drawn.push(p.nodes[0]!.id);
      return `<svg>${p.nodes[0]!.id} ${drawn.length}</svg>`;
    });
    expect(cache.svg('a', picture('x'))).toBe('<svg>e_x 1</svg>');
    expect(cache.svg('a', picture('x'))).toBe('<svg>e_x 1</svg>'); // an equal picture, not the same object
    expect(drawn).toEqual(['e_x']);
    expect(cache.svg('a', picture('y'))).toBe('<svg>e_y 2</svg>');
    expect(cache.svg('a', { ...picture('y'), problems: ['p'] })).toBe('<svg>e_y 3</svg>'); // problems are drawn too
    expect(cache.svg('b', picture('y'))).toBe('<svg>e_y 4</svg>'); // per document
    cache.svg('a', { ...picture('y'), problems: ['p'] }); // a is now the most recent
    expect(cache.svg('c', picture('z'))).toBe('<svg>e_z 5</svg>'); // b, the oldest, goes
    expect(cache.size).toBe(2);
    expect(cache.svg('a', { ...picture('y'), problems: ['p'] })).toBe('<svg>e_y 3</svg>');
    expect(cache.svg('b', picture('y'))).toBe('<svg>e_y 6</svg>');
    cache.forget('b');
    expect(cache.size).toBe(1);
    expect(drawn).toHaveLength(6);
  });
});
