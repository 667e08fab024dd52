import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { graphPicture, type GraphPicture, type PictureEdge, type PictureNode } from '../../server/src/ide/graph/picture';
import { layoutPicture, layoutSize, MAX_LAYOUT_SIZE, renderSvg } from '../../server/src/ide/graph/svg';
import { fixture } from '../support/fixture';
import { repoRoot } from '../support/wasm';

// The SVG renderer, checked by structure: well-formed XML (a small strict parser below), every entity
// slug as a text node, one path per relationship, byte-identical output for the same graph, broken
// and hostile input still drawn and escaped, theming through CSS variables, no external resource.

async function pictureOf(text: string): Promise<GraphPicture> {
  return graphPicture((await fixture(text)).analysis.model);
}

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: (XmlElement | string)[];
}

/**
 * A strict parser for the XML subset an SVG renderer writes: elements, attributes in double quotes,
 * text, the five predefined entities and numeric character references. Throws on anything malformed:
 * mismatched or unclosed tags, a raw `<` or `&` in text or attributes, duplicate attributes, control
 * characters, lone surrogates, content outside the one root element.
 */
function parseXml(xml: string): XmlElement {
  let at = 0;
  const fail = (why: string): never => {
    throw new Error(`malformed XML at ${at}: ${why}: ${JSON.stringify(xml.slice(Math.max(0, at - 30), at + 30))}`);
  };
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(xml)) fail('control character');
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(xml)) fail('lone surrogate');
  const decode = (raw: string): string => {
    if (raw.includes('<')) fail('raw < in text or attribute');
    return raw.replace(/&([^;]*);?/g, (whole, name: string) => {
      if (!whole.endsWith(';')) fail(`bare & (${whole})`);
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
      if (named[name]) return named[name];
      const numeric = /^#(\d+)$/.exec(name) ?? /^#x([0-9a-fA-F]+)$/.exec(name);
      if (!numeric) fail(`unknown entity &${name};`);
      return String.fromCodePoint(parseInt(numeric![1]!, name.startsWith('#x') ? 16 : 10));
    });
  };
  const NAME = /[A-Za-z_][\w.:-]*/y;
  const readName = (): string => {
    NAME.lastIndex = at;
    const m = NAME.exec(xml);
    if (!m) fail('expected a name');
    at += m![0].length;
    return m![0];
  };
  const space = () => {
    while (at < xml.length && /\s/.test(xml[at]!)) at++;
  };
  const element = (): XmlElement => {
    if (xml[at] !== '<') fail('expected <');
    at++;
    const node: XmlElement = { name: readName(), attributes: {}, children: [] };
    for (;;) {
      space();
      if (xml.startsWith('/>', at)) {
        at += 2;
        return node;
      }
      if (xml[at] === '>') {
        at++;
        break;
      }
      const name = readName();
      if (name in node.attributes) fail(`duplicate attribute ${name}`);
      space();
      if (xml[at] !== '=') fail('expected =');
      at++;
      space();
      if (xml[at] !== '"') fail('attribute value not in double quotes');
      const end = xml.indexOf('"', at + 1);
      if (end < 0) fail('unterminated attribute');
      node.attributes[name] = decode(xml.slice(at + 1, end));
      at = end + 1;
    }
    for (;;) {
      const next = xml.indexOf('<', at);
      if (next < 0) fail(`<${node.name}> not closed`);
      if (next > at) node.children.push(decode(xml.slice(at, next)));
      at = next;
      if (xml.startsWith('</', at)) {
        at += 2;
        const name = readName();
        if (name !== node.name) fail(`</${name}> closes <${node.name}>`);
        space();
        if (xml[at] !== '>') fail('expected >');
        at++;
        return node;
      }
      node.children.push(element());
    }
  };
  space();
  const root = element();
  space();
  if (at !== xml.length) fail('content after the root element');
  return root;
}

/** Every element named `name`, depth first. */
function all(node: XmlElement, name: string): XmlElement[] {
  const found = node.name === name ? [node] : [];
  for (const child of node.children) if (typeof child !== 'string') found.push(...all(child, name));
  return found;
}

const textOf = (node: XmlElement): string => node.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
const classes = (node: XmlElement) => (node.attributes['class'] ?? '').split(' ');

const RETAIL = readFileSync(join(repoRoot, 'examples', 'retail', 'retail.dg'), 'utf8');
const RETAIL_SLUGS = ['customers', 'orders', 'order_items', 'products', 'categories', 'stores', 'loyalty_members', 'loyalty_rewards'];

/** A relationship of a generated picture. */
const edge = (slug: string, from: string, to: string): PictureEdge => ({ id: `r_${slug}`, from, to, slug, joins: [{ kind: 'join_on', text: 'a.id = b.a_id' }], level: 2 });
const entity = (i: number): PictureNode => ({ kind: 'entity', id: `e_${i}`, slug: `entity_${i}`, tableRef: `db.s.t${i}`, primaryKey: 'id', unused: false, duplicate: false });
const PROFILE: PictureNode = { kind: 'profile', id: 'profile', folder: 'db.segment', type: 'segment:materialized' };
/** The profile and n entities, each related from the profile. */
function flat(n: number): GraphPicture {
  return { nodes: [PROFILE, ...Array.from({ length: n }, (_, i) => entity(i))], edges: Array.from({ length: n }, (_, i) => edge(`p${i}`, 'profile', `e_${i}`)), problems: [] };
}
/** n entities, each related from the profile and from the one before it. */
function chain(n: number): GraphPicture {
  const picture = flat(n);
  for (let i = 1; i < n; i++) picture.edges.push(edge(`c${i}`, `e_${i - 1}`, `e_${i}`));
  return picture;
}

describe('parseXml (the checker itself)', () => {
  it('accepts well-formed XML and rejects what a browser would refuse', () => {
    expect(textOf(parseXml('<a x="1 &amp; 2"><b>&lt;c&gt; &#38; &#x26;</b><c/></a>'))).toBe('<c> & &');
    for (const bad of ['<a><b></a></b>', '<a>x & y</a>', '<a x="<"/>', '<a x=\'1\'/>', '<a x="1" x="2"/>', '<a>', '<a/><b/>', '<a>\u0001</a>', '<a>&nbsp;</a>']) {
      expect(() => parseXml(bad), bad).toThrow(/malformed XML/);
    }
  });
});

describe('renderSvg', () => {
  it('draws every entity and the profile as a box with its slug as a text node, and one path per relationship', async () => {
    const picture = await pictureOf(RETAIL);
    const svg = renderSvg(picture);
    const root = parseXml(svg);
    expect(root.name).toBe('svg');
    expect(root.attributes['xmlns']).toBe('http://www.w3.org/2000/svg');
    expect(root.attributes['viewBox']).toMatch(/^0 0 \d+ \d+$/);
    const nodes = all(root, 'g').filter((g) => classes(g).includes('dg-node'));
    expect(nodes.map((g) => g.attributes['data-id'])).toEqual(['profile', ...RETAIL_SLUGS.map((s) => `e_${s}`)]);
    const texts = all(root, 'text').map(textOf);
    for (const slug of RETAIL_SLUGS) expect(texts, slug).toContain(slug);
    for (const node of nodes) expect(all(node, 'rect')).toHaveLength(1);
    const paths = all(root, 'path').filter((p) => classes(p).includes('dg-edge-path'));
    expect(paths).toHaveLength(9);
    for (const path of paths) {
      expect(path.attributes['d']).toMatch(/^M[\d.]+,[\d.]+([QL][\d., ]+)+$/);
      expect(path.attributes['marker-end']).toBe('url(#dg-arrow)');
    }
    // Each edge label says how it joins.
    expect(texts).toContain('external_id user_id → customer_id');
    expect(texts).toContain('trait loyalty_id → member_id');
    expect(texts).toContain('customers.customer_id = orders.customer_id');
    expect(texts).toContain('via retail.catalog.product_categories');
    expect(all(root, 'title')[0] && textOf(all(root, 'title')[0]!)).toBe('Data Graph: 8 entities, 9 relationships');
  });

  it('lays the boxes out without overlaps, inside the canvas', async () => {
    const root = parseXml(renderSvg(await pictureOf(RETAIL)));
    const [width, height] = root.attributes['viewBox']!.split(' ').slice(2).map(Number);
    const boxes = all(root, 'rect')
      .filter((r) => classes(r).includes('dg-box'))
      .map((r) => ({ x: Number(r.attributes['x']), y: Number(r.attributes['y']), w: Number(r.attributes['width']), h: Number(r.attributes['height']) }));
    expect(boxes).toHaveLength(9);
    for (const [i, a] of boxes.entries()) {
      expect(a.x >= 0 && a.y >= 0 && a.x + a.w <= width! && a.y + a.h <= height!, `box ${i} inside`).toBe(true);
      for (const b of boxes.slice(i + 1)) {
        const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
        expect(apart, `boxes overlap: ${JSON.stringify([a, b])}`).toBe(true);
      }
    }
  });

  it('is deterministic: the same graph gives byte-identical SVG', async () => {
    const first = renderSvg(await pictureOf(RETAIL));
    const second = renderSvg(await pictureOf(RETAIL));
    expect(second).toBe(first);
    const geometry = first.match(/ (?:x|y|width|height|d)="[^"]*"/g)!.join('');
    expect(geometry).not.toMatch(/\d\.\d{2,}/); // coordinates are rounded to a tenth
  });

  it('is themable and self-contained: CSS variables with fallbacks, no script, no external resource', async () => {
    const svg = renderSvg(await pictureOf(RETAIL));
    const style = all(parseXml(svg), 'style');
    expect(style).toHaveLength(1);
    const css = textOf(style[0]!);
    expect(css).toContain('color-scheme: light dark');
    expect(css).toContain('var(--vscode-editor-foreground, CanvasText)');
    expect(css).toContain('var(--vscode-editor-background, Canvas)');
    expect(css).toContain('var(--vscode-errorForeground,');
    expect(svg).not.toMatch(/<script|<foreignObject|href=|@import|url\((?!#dg-arrow)/i);
    expect(svg).not.toMatch(/ style="/); // inline styles would need 'unsafe-inline' under the panel's CSP
  });

  it('still draws a broken graph: the missing entity in red with a dashed edge, the problems listed', async () => {
    const broken = RETAIL.replace('related_entity = "orders"', 'related_entity = "order"').replace(/\}\s*$/, '');
    const root = parseXml(renderSvg(await pictureOf(broken)));
    const missing = all(root, 'g').find((g) => g.attributes['data-id'] === 'missing_order');
    expect(missing && classes(missing)).toEqual(['dg-node', 'dg-missing', 'dg-problem']);
    expect(textOf(missing!)).toContain('missing entity');
    const problemEdges = all(root, 'g').filter((g) => classes(g).includes('dg-edge') && classes(g).includes('dg-problem'));
    expect(problemEdges.map((g) => g.attributes['data-relationship'])).toEqual(['customer-orders']);
    expect(all(problemEdges[0]!, 'path')[0]!.attributes['marker-end']).toBe('url(#dg-arrow-problem)');
    const problems = all(root, 'g').find((g) => classes(g).includes('dg-problems'));
    expect(problems && all(problems, 'text').map(textOf)).toEqual([
      '1 problem:',
      '• relationship "customer-orders": related_entity "order" names no entity',
    ]);
    // orders is now unused; the relationships under customer-orders hang off the missing node.
    expect(classes(all(root, 'g').find((g) => g.attributes['data-id'] === 'e_orders')!)).toContain('dg-unused');
    expect(all(root, 'path').filter((p) => classes(p).includes('dg-edge-path'))).toHaveLength(9);
  });

  it('escapes every text: quotes, markup, ampersands and control characters come back as written', async () => {
    const name = 'Say "hi" <script>alert(1)</script> & \'bye\' ]]> --> |x|';
    const text = RETAIL.replace('name               = "Customers"', `name               = ${JSON.stringify(name)}`).replace(
      'relationship "loyalty-rewards" {',
      'relationship "loyalty-rewards" {\n        description = "x"\n        name = "a\\u0000b\\u0007c"',
    );
    const svg = renderSvg(await pictureOf(text));
    const root = parseXml(svg);
    const texts = all(root, 'text').map(textOf);
    expect(texts).toContain(name.slice(0, 47) + '…'); // cut to the box, the full name in the tooltip
    const customers = all(root, 'g').find((g) => g.attributes['data-id'] === 'e_customers')!;
    expect(textOf(all(customers, 'title')[0]!)).toContain(name);
    expect(all(root, 'script')).toEqual([]);
    expect(texts.some((t) => t.startsWith('loyalty-rewards (a b c)'))).toBe(true);
  });

  it('says so instead of drawing nothing, or a graph too large to lay out', async () => {
    const empty = parseXml(renderSvg(await pictureOf('')));
    expect(all(empty, 'text').map(textOf)).toEqual(['Nothing to draw: no profile and no entity.']);
    // A flat graph of n relationships has the size 4n + 2 (n + 1 boxes, n edges, n label ranks).
    const largest = Math.floor((MAX_LAYOUT_SIZE - 2) / 4);
    expect(layoutSize(flat(largest))).toEqual({ nodes: largest + 1, edges: largest, dummies: largest, size: 4 * largest + 2 });
    expect(all(parseXml(renderSvg(flat(largest))), 'path').filter((p) => classes(p).includes('dg-edge-path'))).toHaveLength(largest);
    const tooLarge = parseXml(renderSvg(flat(largest + 1)));
    expect(all(tooLarge, 'text').map(textOf)).toEqual([
      `Too large to draw here: ${largest + 1} entities, ${largest + 1} relationships (layout size ${4 * largest + 6}, the limit is ${MAX_LAYOUT_SIZE}).`,
      'Use dg graph --format mermaid or --format dot for big graphs.',
    ]);
    expect(all(tooLarge, 'path')).toEqual([]);
    // The limit is an option (the CLI allows more); problems are still listed.
    const retail = await pictureOf(RETAIL);
    const small = parseXml(renderSvg({ ...retail, problems: ['p'] }, { maxLayoutSize: 20 }));
    expect(all(small, 'text').map(textOf)).toEqual([
      `Too large to draw here: 8 entities, 9 relationships (layout size ${layoutSize(retail).size}, the limit is 20).`,
      'Use dg graph --format mermaid or --format dot for big graphs.',
      '1 problem:',
      '• p',
    ]);
  });

  it('refuses what would block the language server: long chains and many long edges, not only many nodes', () => {
    // The review's slow shapes: 101 boxes and 199 edges (each entity related from the profile and from
    // the one before it) took 2.3 s to lay out; 251 boxes and 499 edges 16 s.
    expect(layoutSize(chain(100))).toEqual({ nodes: 101, edges: 199, dummies: 100 * 100 + 99, size: 202 + 199 + 10_099 });
    // A chain of n: the edge from the profile to the i-th entity crosses 2i ranks; n² + 5n in all.
    expect(layoutSize(chain(21)).size).toBe(21 * 21 + 5 * 21);
    expect(layoutSize(chain(21)).size).toBeLessThanOrEqual(MAX_LAYOUT_SIZE);
    expect(layoutSize(chain(22)).size).toBeGreaterThan(MAX_LAYOUT_SIZE);
    expect(all(parseXml(renderSvg(chain(100))), 'text').map(textOf)[0]).toMatch(/^Too large to draw here: 100 entities, 199 relationships \(layout size 10500,/);
    expect(renderSvg(chain(250))).toContain('Too large to draw here');
    // Cycles and self loops count and end; a chain of 20,000 does not overflow the stack.
    const cycle = { ...chain(3), edges: [...chain(3).edges, edge('back', 'e_2', 'e_0'), edge('self', 'e_1', 'e_1')] };
    // e_2 → e_0 closes a cycle: ranked as e_0 → e_2 (3 dummies); the self loop is drawn through 1.
    expect(layoutSize(cycle)).toEqual({ nodes: 4, edges: 7, dummies: 9 + 2 + 3 + 1, size: 8 + 7 + 15 });
    expect(layoutSize(chain(20_000)).size).toBeGreaterThan(400_000_000);
  });

  it("never estimates fewer dummy nodes than dagre's layout has (so the limit is safe)", async () => {
    const realDummies = (picture: GraphPicture): number => {
      const { graph } = layoutPicture(picture);
      return picture.edges.reduce((n, e) => (e.from === e.to ? n + 1 : n + graph.edge(e.from, e.to, e.id)!.points!.length - 2), 0);
    };
    expect(realDummies(await pictureOf(RETAIL))).toBe(layoutSize(await pictureOf(RETAIL)).dummies);
    expect(realDummies(chain(6))).toBe(layoutSize(chain(6)).dummies);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }).chain((n) =>
          fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat({ max: n }), fc.nat({ max: n })), { maxLength: 18 })),
        ),
        ([n, pairs]) => {
          const picture = flat(n);
          picture.edges.push(...pairs.map(([a, b], i) => edge(`x${i}`, a === 0 ? 'profile' : `e_${a - 1}`, b === 0 ? 'profile' : `e_${b - 1}`)));
          expect(realDummies(picture)).toBeLessThanOrEqual(layoutSize(picture).dummies);
        },
      ),
      { numRuns: 150, seed: 7 },
    );
  });

  it('draws an entity related to itself (a self loop) and several edges between the same two nodes', async () => {
    const root = parseXml(
      renderSvg(
        await pictureOf(`data_graph {
  entity "employees" {
    name = "Employees"
    table_ref = "hr.core.employees"
    primary_key = "id"
  }
  profile {
    profile_folder = "hr.segment"
    type = "segment:materialized"
    relationship "me" {
      name = "Me"
      related_entity = "employees"
      external_id {
        type = "email"
        join_key = "email"
      }
      relationship "manager" {
        name = "Manager"
        related_entity = "employees"
        join_on = "employees.manager_id = employees.id"
      }
    }
    relationship "me-too" {
      name = "Me too"
      related_entity = "employees"
      trait {
        name = "employee_id"
        join_key = "id"
      }
    }
  }
}`),
      ),
    );
    const paths = all(root, 'path').filter((p) => classes(p).includes('dg-edge-path'));
    expect(paths).toHaveLength(3);
    for (const path of paths) expect(path.attributes['d']).toMatch(/^M[\d.]+,[\d.]+([QL][\d., ]+)+$/);
    expect(new Set(paths.map((p) => p.attributes['d'])).size).toBe(3);
  });
});
