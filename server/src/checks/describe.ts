import type { BlockSyntax } from '../syntax/ast';

/** How messages name a block: `entity "accounts"`, `profile`. */
export function blockTitle(block: BlockSyntax): string {
  const label = block.labels[0];
  return label ? `${block.type.text} "${label.value}"` : block.type.text;
}
