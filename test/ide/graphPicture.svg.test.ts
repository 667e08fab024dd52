import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { graphPicture, type GraphPicture } from '../../server/src/ide/graph/picture';
import { MAX_NODES, renderSvg } from '../../server/src/ide/graph/svg';
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
    const big: GraphPicture = {
      nodes: Array.from({ length: MAX_NODES + 1 }, (_, i) => ({ kind: 'entity' as const, id: `e_${i}`, slug: `e${i}`, unused: true, duplicate: false })),
      edges: [],
      problems: [],
    };
    const tooLarge = parseXml(renderSvg(big));
    expect(textOf(all(tooLarge, 'text')[0]!)).toMatch(/^Too large to draw here: 501 entities, 0 relationships/);
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
