import { edgeTitle, joinsText, nodeLines, type GraphPicture, type PictureNode } from './picture';
import { printable } from './text';

/**
 * The picture as a Mermaid flowchart (`flowchart LR`), the text GitHub draws in Markdown files and
 * PR comments:
 *
 *   flowchart LR
 *     profile(["Profile<br/>prod.segment<br/>segment:materialized"])
 *     e_account["account<br/>Account<br/>prod.public.accounts<br/>key id"]
 *     profile -->|"accounts (Accounts)<br/>external_id email → email"| e_account
 *
 * The profile is a stadium, entities are boxes, a missing entity a hexagon reached by a dotted edge;
 * unused entities are dashed (class `unused`), missing and duplicate ones red (class `problem`). Node
 * ids come from the picture (`[A-Za-z0-9_]`, never a keyword); every label is quoted and escaped.
 */
export function renderMermaid(picture: GraphPicture): string {
  const out = ['flowchart LR'];
  for (const node of picture.nodes) out.push(`  ${node.id}${shape(node, label(nodeLines(node)))}`);
  const missing = new Set(picture.nodes.filter((n) => n.kind === 'missing').map((n) => n.id));
  for (const edge of picture.edges) {
    const arrow = missing.has(edge.to) ? '-.->' : '-->';
    out.push(`  ${edge.from} ${arrow}|${label([edgeTitle(edge), joinsText(edge)])}| ${edge.to}`);
  }
  const unused = picture.nodes.filter((n) => n.kind === 'entity' && n.unused && !n.duplicate).map((n) => n.id);
  const problem = picture.nodes.filter((n) => n.kind === 'missing' || (n.kind === 'entity' && n.duplicate)).map((n) => n.id);
  if (unused.length) out.push('  classDef unused stroke-dasharray: 5 5', `  class ${unused.join(',')} unused`);
  if (problem.length) {
    out.push('  classDef problem stroke:#d1242f,stroke-width:2px,stroke-dasharray: 5 5', `  class ${problem.join(',')} problem`);
  }
  return `${out.join('\n')}\n`;
}

function shape(node: PictureNode, text: string): string {
  switch (node.kind) {
    case 'profile':
      return `([${text}])`;
    case 'entity':
      return `[${text}]`;
    case 'missing':
      return `{{${text}}}`;
  }
}

/** Lines as one quoted Mermaid label, joined with `<br/>`. */
function label(lines: string[]): string {
  return `"${lines.map(mermaidText).join('<br/>')}"`;
}

/**
 * Text for inside a quoted Mermaid label. Mermaid has no backslash escapes: it decodes `#name;` and
 * `#123;` to HTML entities, so every character that could end the string, start an entity, become
 * HTML or end an edge label (`" # & < > |` and the backtick of Markdown strings) is written that way.
 */
export function mermaidText(text: string): string {
  return printable(text).replace(/["#&<>|`]/g, (c) => MERMAID_ENTITIES[c]!);
}

const MERMAID_ENTITIES: Record<string, string> = {
  '"': '#quot;',
  '#': '#35;',
  '&': '#amp;',
  '<': '#lt;',
  '>': '#gt;',
  '|': '#124;',
  '`': '#96;',
};
