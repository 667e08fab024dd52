import { graphlib, layout, type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';
import { edgeTitle, joinsText, nodeLines, pictureSummary, type GraphPicture, type PictureNode } from './picture';
import { printable, truncate } from './text';

/**
 * The picture as a standalone SVG document, laid out by dagre (layered, with room for the edge
 * labels) and drawn here: a box per node (its lines from `nodeLines`), a path with an arrowhead per
 * relationship, its label on a background that hides the path under it, and the problems listed below
 * the drawing. Top to bottom (unlike the Mermaid and DOT texts, left to right): with a label on every
 * edge, a left-to-right layout gets very wide, and the picture mostly lives in a panel beside the editor.
 *
 * - Bounded: dagre runs on the caller's thread (the language server's), and its time grows much
 *   faster than the graph (see {@link layoutSize}); a graph whose estimated layout size exceeds
 *   `maxLayoutSize` (default {@link MAX_LAYOUT_SIZE}) is not laid out: the SVG says so instead.
 * - Themes: colours come from CSS variables with fallbacks, in one `<style>` block: inside a VS Code
 *   webview the `--vscode-*` variables apply; elsewhere `currentColor`, `Canvas` and `CanvasText`
 *   with `color-scheme: light dark` follow the viewer's light or dark scheme.
 * - Self-contained: no scripts, no external fonts, images or links; every text escaped for XML.
 * - Deterministic: same picture, byte-identical SVG (dagre is deterministic for the same insertion
 *   order, and coordinates are rounded to a tenth).
 *
 * Text is measured by estimate (no font metrics in Node): boxes are sized for a 0.6em average
 * character and labels are centred, so a narrower font still fits. A line longer than
 * {@link MAX_LINE} characters is cut with `…`; the full text is in the node's `<title>` tooltip.
 */
export function renderSvg(picture: GraphPicture, options: { maxLayoutSize?: number } = {}): string {
  const limit = options.maxLayoutSize ?? MAX_LAYOUT_SIZE;
  const size = layoutSize(picture);
  if (size.size > limit) {
    return message(
      `Too large to draw here: ${pictureSummary(picture)} (layout size ${size.size}, the limit is ${limit}).`,
      'Use dg graph --format mermaid or --format dot for big graphs.',
      picture.problems,
    );
  }
  if (picture.nodes.length === 0) return message('Nothing to draw: no profile and no entity.', undefined, picture.problems);

  const { graph: g, boxes, labels } = layoutPicture(picture);
  const graph = g.graph();
  const problemLines = problemText(picture.problems);
  const drawingWidth = Math.max(graph.width ?? 0, 0);
  const drawingHeight = Math.max(graph.height ?? 0, 0);
  const width = Math.ceil(Math.max(drawingWidth, ...problemLines.map((l) => textWidth(l, CHAR) + 2 * MARGIN)));
  const height = Math.ceil(drawingHeight + (problemLines.length ? problemLines.length * LINE + MARGIN : 0));

  const out: string[] = [open(width, height, `Data Graph: ${pictureSummary(picture)}`), STYLE, DEFS];
  const missing = new Set(picture.nodes.filter((n) => n.kind === 'missing').map((n) => n.id));

  out.push('<g class="dg-edges">');
  picture.edges.forEach((edge) => {
    const laid = g.edge(edge.from, edge.to, edge.id);
    const problem = missing.has(edge.to);
    const points = (laid?.points ?? []).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    out.push(
      `<g class="dg-edge${problem ? ' dg-problem' : ''}" data-relationship="${attr(edge.slug)}">` +
        `<title>${text(`${edgeTitle(edge)}: ${joinsText(edge)}`)}</title>` +
        `<path class="dg-edge-path" d="${pathOf(points)}" marker-end="url(#${problem ? 'dg-arrow-problem' : 'dg-arrow'})"/>` +
        '</g>',
    );
  });
  out.push('</g>');

  out.push('<g class="dg-edge-labels">');
  picture.edges.forEach((edge, i) => {
    const laid = g.edge(edge.from, edge.to, edge.id);
    const label = labels[i]!;
    if (laid?.x === undefined || laid.y === undefined) return;
    const x = laid.x - label.width / 2;
    const y = laid.y - label.height / 2;
    const lines = label.lines.map(
      (line, n) =>
        `<text class="${n === 0 ? 'dg-label-title' : 'dg-label-join'}" x="${num(laid.x!)}" y="${num(y + LABEL_PAD_Y + (n + 0.75) * LABEL_LINE)}">${text(line)}</text>`,
    );
    out.push(
      `<g class="dg-edge-label${missing.has(edge.to) ? ' dg-problem' : ''}">` +
        `<rect class="dg-label-bg" x="${num(x)}" y="${num(y)}" width="${num(label.width)}" height="${num(label.height)}" rx="3"/>` +
        lines.join('') +
        '</g>',
    );
  });
  out.push('</g>');

  out.push('<g class="dg-nodes">');
  for (const node of picture.nodes) {
    const laid = g.node(node.id);
    const box = boxes.get(node.id)!;
    if (laid?.x === undefined || laid.y === undefined) continue;
    const x = laid.x - box.width / 2;
    const y = laid.y - box.height / 2;
    const lines = box.lines.map(
      (line, n) =>
        `<text class="${lineClass(node, n)}" x="${num(laid.x!)}" y="${num(y + PAD_Y + (n + 0.75) * LINE)}">${text(line)}</text>`,
    );
    out.push(
      `<g class="${nodeClass(node)}" data-id="${attr(node.id)}">` +
        `<title>${text(box.full.join('\n'))}</title>` +
        `<rect class="dg-box" x="${num(x)}" y="${num(y)}" width="${num(box.width)}" height="${num(box.height)}" rx="${node.kind === 'profile' ? num(box.height / 2) : 4}"/>` +
        lines.join('') +
        '</g>',
    );
  }
  out.push('</g>');

  if (problemLines.length) {
    out.push('<g class="dg-problems">');
    problemLines.forEach((line, n) => out.push(`<text x="${MARGIN}" y="${num(drawingHeight + (n + 0.75) * LINE)}">${text(line)}</text>`));
    out.push('</g>');
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/**
 * The largest {@link layoutSize} laid out by default. Measured on a 2-core machine (CPU time of dagre's
 * `layout`, the machine shared with other work): over 900 generated graphs up to this size (flat, trees
 * of nested relationships with entities related again from elsewhere, long chains, random graphs),
 * the slowest took about 115 ms; `npm run bench` (section "graph layout") reports the slowest shapes at
 * this size parsed from `.dg` text at 70–120 ms. The time grows faster than the size beyond it: about
 * 1,000 takes 130–250 ms, 2,000 up to 350 ms, 10,500 (101 boxes and 199 edges, each entity related from
 * the profile and from the one before it) 1.9 s, 63,750 (251 boxes, 499 edges) 12 s. A flat graph (every relationship on the profile) reaches it at 137 relationships; trees
 * of nested relationships (5 levels deep at most) at 100 to 137 entities, fewer the more entities are
 * related again from elsewhere in the tree; a chain of entities, each also related from the profile,
 * at 21.
 */
export const MAX_LAYOUT_SIZE = 550;

/** What dagre lays out for a picture, estimated in linear time before running it. */
export interface LayoutSize {
  nodes: number;
  edges: number;
  /**
   * Dummy nodes: dagre gives every edge one rank per level it crosses, twice over (each edge gets a
   * middle rank for its label: dagre doubles every edge's length whether it has a label or not), and
   * a dummy node on each rank in between. An upper bound of dagre's count: ranks here are longest
   * paths from the sources, which dagre's network simplex only shortens.
   */
  dummies: number;
  /**
   * `2 × nodes + edges + dummies`: dagre's ordering and positioning passes work on every real and
   * dummy node and edge segment; the weights are the ones that best separated fast layouts from slow
   * ones over the graphs measured (see {@link MAX_LAYOUT_SIZE}). Long edges are what explode: a
   * relationship from the profile to an entity ten levels down adds 19 dummy nodes, and a graph of
   * such edges grows quadratically.
   */
  size: number;
}

/**
 * The {@link LayoutSize} of `picture`: its edges as dagre ranks them (cycles broken by a depth-first
 * search in node order, the edge closing a cycle reversed, as dagre's default `acyclicer` does; each
 * edge at least 2 ranks long), each node on the longest path from a source.
 */
export function layoutSize(picture: GraphPicture): LayoutSize {
  const index = new Map<string, number>();
  picture.nodes.forEach((node, i) => index.set(node.id, i));
  const n = picture.nodes.length;
  const out: number[][] = Array.from({ length: n }, () => []);
  const edges: Array<[number, number]> = [];
  let selfLoops = 0;
  for (const edge of picture.edges) {
    const from = index.get(edge.from);
    const to = index.get(edge.to);
    if (from === undefined || to === undefined) continue;
    if (from === to) {
      selfLoops++; // dagre draws it beside its node, through one dummy node
      continue;
    }
    out[from]!.push(edges.length);
    edges.push([from, to]);
  }
  // Depth-first, iteratively (a long chain must not overflow the stack); 1 = on the stack, 2 = done.
  const state = new Uint8Array(n);
  const reversed = new Uint8Array(edges.length);
  for (let root = 0; root < n; root++) {
    if (state[root]) continue;
    const stack: Array<[node: number, next: number]> = [[root, 0]];
    state[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const e = out[top[0]]![top[1]++];
      if (e === undefined) {
        state[top[0]] = 2;
        stack.pop();
        continue;
      }
      const to = edges[e]![1];
      if (state[to] === 1) reversed[e] = 1;
      else if (state[to] === 0) {
        state[to] = 1;
        stack.push([to, 0]);
      }
    }
  }
  // Longest paths from the sources, in topological order (Kahn).
  const successors: number[][] = Array.from({ length: n }, () => []);
  const incoming = new Uint32Array(n);
  const ranked = edges.map(([from, to], e) => (reversed[e] ? [to, from] : [from, to]) as [number, number]);
  for (const [from, to] of ranked) {
    successors[from]!.push(to);
    incoming[to]!++;
  }
  const rank = new Float64Array(n);
  const queue: number[] = [];
  for (let v = 0; v < n; v++) if (incoming[v] === 0) queue.push(v);
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (const w of successors[v]!) {
      rank[w] = Math.max(rank[w]!, rank[v]! + 2);
      if (--incoming[w]! === 0) queue.push(w);
    }
  }
  let dummies = selfLoops;
  for (const [from, to] of ranked) dummies += rank[to]! - rank[from]! - 1;
  return { nodes: n, edges: picture.edges.length, dummies, size: 2 * n + picture.edges.length + dummies };
}

/** The dagre graph of `picture`, laid out (whatever its size: callers check {@link layoutSize} first). */
export function layoutPicture(picture: GraphPicture): { graph: graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>; boxes: Map<string, Box>; labels: Label[] } {
  const g = new graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 24, edgesep: 16, ranksep: 32, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  const boxes = new Map<string, Box>();
  for (const node of picture.nodes) {
    const box = nodeBox(node);
    boxes.set(node.id, box);
    g.setNode(node.id, { width: box.width, height: box.height });
  }
  const labels = picture.edges.map((edge) => edgeLabel([edgeTitle(edge), joinsText(edge)]));
  picture.edges.forEach((edge, i) => {
    const label = labels[i]!;
    g.setEdge(edge.from, edge.to, { width: label.width, height: label.height, labelpos: 'c' }, edge.id);
  });
  layout(g);
  return { graph: g, boxes, labels };
}

/** Characters per line in a box before it is cut with `…`. */
export const MAX_LINE = 48;
/** Problems listed under the drawing; more are counted. */
const MAX_PROBLEMS = 10;

const FONT = 12;
const CHAR = FONT * 0.6;
const LINE = 16;
const PAD_X = 12;
const PAD_Y = 6;
const MIN_WIDTH = 96;
const LABEL_FONT = 11;
const LABEL_CHAR = LABEL_FONT * 0.6;
const LABEL_LINE = 14;
const LABEL_PAD_X = 6;
const LABEL_PAD_Y = 3;
const MARGIN = 16;

export interface Box {
  width: number;
  height: number;
  /** The lines shown (printable, cut to MAX_LINE). */
  lines: string[];
  /** The lines in full, for the tooltip. */
  full: string[];
}

function nodeBox(node: PictureNode): Box {
  const full = nodeLines(node).map(printable);
  const lines = full.map((line) => truncate(line, MAX_LINE));
  const width = Math.max(MIN_WIDTH, Math.ceil(Math.max(...lines.map((l) => textWidth(l, CHAR))) + 2 * PAD_X));
  return { width, height: lines.length * LINE + 2 * PAD_Y, lines, full };
}

export interface Label {
  width: number;
  height: number;
  lines: string[];
}

function edgeLabel(raw: string[]): Label {
  const lines = raw.map((line) => truncate(printable(line), MAX_LINE + 16));
  const width = Math.ceil(Math.max(...lines.map((l) => textWidth(l, LABEL_CHAR))) + 2 * LABEL_PAD_X);
  return { width, height: lines.length * LABEL_LINE + 2 * LABEL_PAD_Y, lines };
}

/** Estimated width: wide (East Asian, emoji) characters count double. */
function textWidth(line: string, char: number): number {
  let units = 0;
  for (const c of line) units += c.codePointAt(0)! >= 0x2e80 ? 2 : 1;
  return units * char;
}

function nodeClass(node: PictureNode): string {
  const classes = ['dg-node', `dg-${node.kind}`];
  if (node.kind === 'missing' || (node.kind === 'entity' && node.duplicate)) classes.push('dg-problem');
  else if (node.kind === 'entity' && node.unused) classes.push('dg-unused');
  return classes.join(' ');
}

/** The first line is the node's title; table refs and keys are code; the rest are details. */
function lineClass(node: PictureNode, n: number): string {
  if (n === 0) return 'dg-title';
  if (node.kind === 'entity') {
    const hasName = node.name !== undefined && node.name !== node.slug;
    const code = hasName ? n === 2 || n === 3 : n === 1 || n === 2;
    return code ? 'dg-code' : 'dg-detail';
  }
  return node.kind === 'profile' ? 'dg-code' : 'dg-detail';
}

function problemText(problems: string[]): string[] {
  if (!problems.length) return [];
  const shown = problems.slice(0, MAX_PROBLEMS).map((p) => `• ${truncate(printable(p), 120)}`);
  if (problems.length > MAX_PROBLEMS) shown.push(`… and ${problems.length - MAX_PROBLEMS} more`);
  return [`${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}:`, ...shown];
}

/** An SVG path through `points`, rounding the corners (quadratic curves through the midpoints). */
function pathOf(points: { x: number; y: number }[]): string {
  if (points.length === 0) return '';
  const [first, ...rest] = points;
  let d = `M${num(first!.x)},${num(first!.y)}`;
  if (rest.length === 0) return d;
  for (let i = 0; i < rest.length - 1; i++) {
    const p = rest[i]!;
    const next = rest[i + 1]!;
    d += `Q${num(p.x)},${num(p.y)} ${num((p.x + next.x) / 2)},${num((p.y + next.y) / 2)}`;
  }
  const last = rest[rest.length - 1]!;
  return `${d}L${num(last.x)},${num(last.y)}`;
}

/** A number to a tenth, without `-0` or trailing zeros. */
function num(n: number): string {
  const r = Math.round(n * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
}

function open(width: number, height: number, title: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="dg-graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="dg-graph-title">\n` +
    `<title id="dg-graph-title">${text(title)}</title>`
  );
}

/** A small SVG that says something instead of a drawing. */
function message(first: string, second: string | undefined, problems: string[]): string {
  const lines = [first, ...(second ? [second] : []), ...problemText(problems)];
  const width = Math.ceil(Math.max(...lines.map((l) => textWidth(l, CHAR))) + 2 * MARGIN);
  const height = lines.length * LINE + 2 * MARGIN;
  return [
    open(width, height, first),
    STYLE,
    '<g class="dg-message">',
    ...lines.map((line, n) => `<text x="${MARGIN}" y="${num(MARGIN + (n + 0.75) * LINE)}">${text(line)}</text>`),
    '</g>',
    '</svg>',
    '',
  ].join('\n');
}

const STYLE = `<style>
.dg-graph {
  color-scheme: light dark;
  --dg-fg: var(--vscode-editor-foreground, CanvasText);
  --dg-bg: var(--vscode-editor-background, Canvas);
  --dg-box: var(--vscode-editorWidget-background, var(--dg-bg));
  --dg-border: var(--vscode-editorWidget-border, var(--dg-fg));
  --dg-muted: var(--vscode-descriptionForeground, color-mix(in srgb, var(--dg-fg) 70%, transparent));
  --dg-accent: var(--vscode-focusBorder, var(--dg-fg));
  --dg-problem: var(--vscode-errorForeground, #d1242f);
  --dg-font: var(--vscode-font-family, system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif);
  --dg-code-font: var(--vscode-editor-font-family, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
  color: var(--dg-fg);
  font-family: var(--dg-font);
  font-size: ${FONT}px;
}
.dg-graph text { fill: currentColor; text-anchor: middle; }
.dg-graph .dg-box { fill: var(--dg-box); stroke: var(--dg-border); stroke-width: 1; }
.dg-graph .dg-profile .dg-box { stroke: var(--dg-accent); stroke-width: 2; }
.dg-graph .dg-unused .dg-box { stroke-dasharray: 5 4; }
.dg-graph .dg-unused text { fill: var(--dg-muted); }
.dg-graph .dg-problem .dg-box { stroke: var(--dg-problem); stroke-width: 1.5; stroke-dasharray: 5 4; }
.dg-graph .dg-problem text { fill: var(--dg-problem); }
.dg-graph .dg-title { font-weight: 600; }
.dg-graph .dg-detail { fill: var(--dg-muted); }
.dg-graph .dg-code { font-family: var(--dg-code-font); fill: var(--dg-muted); }
.dg-graph .dg-edge-path { fill: none; stroke: var(--dg-muted); stroke-width: 1.25; }
.dg-graph .dg-arrowhead { fill: var(--dg-muted); }
.dg-graph .dg-problem .dg-edge-path { stroke: var(--dg-problem); stroke-dasharray: 5 4; }
.dg-graph .dg-arrowhead.dg-problem { fill: var(--dg-problem); }
.dg-graph .dg-label-bg { fill: var(--dg-bg); }
.dg-graph .dg-edge-label text { font-size: ${LABEL_FONT}px; }
.dg-graph .dg-label-title { font-weight: 600; }
.dg-graph .dg-label-join { font-family: var(--dg-code-font); fill: var(--dg-muted); }
.dg-graph .dg-problems text, .dg-graph .dg-message text { text-anchor: start; }
.dg-graph .dg-problems text { fill: var(--dg-problem); }
</style>`;

const DEFS = `<defs>
<marker id="dg-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto"><path class="dg-arrowhead" d="M0,0L10,5L0,10z"/></marker>
<marker id="dg-arrow-problem" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto"><path class="dg-arrowhead dg-problem" d="M0,0L10,5L0,10z"/></marker>
</defs>`;

/** XML text content: `&`, `<`, `>` escaped; control characters and lone surrogates replaced. */
function text(value: string): string {
  return value
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, ' ')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/[&<>]/g, (c) => XML_ENTITIES[c]!);
}

/** An XML attribute value (between double quotes). */
function attr(value: string): string {
  return text(printable(value)).replace(/"/g, '&quot;');
}

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
