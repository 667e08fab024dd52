import { edgeTitle, joinsText, nodeLines, type GraphPicture, type PictureNode } from './picture';
import { printable } from './text';

/**
 * The picture in Graphviz DOT (`dot -Tsvg graph.dot`): left to right, the profile an ellipse,
 * entities boxes (dashed when unused), missing and duplicate entities red and dashed, edges to a missing
 * entity dashed. Every id and label is a quoted DOT string.
 */
export function renderDot(picture: GraphPicture): string {
  const out = [
    'digraph data_graph {',
    '  rankdir=LR;',
    '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const node of picture.nodes) out.push(`  ${dotString(node.id)} [${attributes(node)}];`);
  const missing = new Set(picture.nodes.filter((n) => n.kind === 'missing').map((n) => n.id));
  for (const edge of picture.edges) {
    const style = missing.has(edge.to) ? ', style=dashed, color="#d1242f"' : '';
    out.push(`  ${dotString(edge.from)} -> ${dotString(edge.to)} [label=${dotLabel([edgeTitle(edge), joinsText(edge)])}${style}];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

function attributes(node: PictureNode): string {
  const label = `label=${dotLabel(nodeLines(node))}`;
  switch (node.kind) {
    case 'profile':
      return `${label}, shape=ellipse, style=solid`;
    case 'entity':
      if (node.duplicate) return `${label}, style="rounded,dashed", color="#d1242f", fontcolor="#d1242f"`;
      return node.unused ? `${label}, style="rounded,dashed"` : label;
    case 'missing':
      return `${label}, shape=hexagon, style=dashed, color="#d1242f", fontcolor="#d1242f"`;
  }
}

/** Lines as one DOT label: `\n` between them (each line centred). */
function dotLabel(lines: string[]): string {
  return `"${lines.map((line) => dotText(line).replace(/&/g, '&amp;')).join('\\n')}"`;
}

/** A quoted DOT string (ids). */
function dotString(text: string): string {
  return `"${dotText(text)}"`;
}

/**
 * Text for inside a quoted DOT string: `"` and `\` are backslash-escaped (a lone backslash would
 * start an escString sequence such as `\N` or `\l`), control characters become spaces.
 *
 * A label needs one more escape, which {@link dotLabel} adds: Graphviz decodes HTML entities in the
 * text of every label, quoted strings included (`label="AT&amp;T"` shows `AT&T`, `&lt;b&gt;` shows
 * `<b>`), so each `&` of a label is written `&amp;` and comes back as itself. A bare `&` would
 * survive, but `&amp;` typed in a name would not.
 */
export function dotText(text: string): string {
  return printable(text).replace(/["\\]/g, (c) => `\\${c}`);
}
