import type { GraphModel } from '../model/graph';
import type { Span } from '../syntax/ast';
import { slugTargetAt } from './references';

/**
 * Go to definition: from a `related_entity` value or a join prefix to the label of the entity it
 * resolved to (legacy name/table prefixes included); from an entity or relationship label to
 * itself (editors then offer the references). An unresolved name has no definition.
 */

export interface DefinitionTarget {
  /** The slug between the label's quotes (the selection). */
  span: Span;
  /** The whole block the label declares. */
  blockSpan: Span;
}

export interface Definition {
  /** The name under the cursor. */
  origin: Span;
  targets: DefinitionTarget[];
}

export function definition(model: GraphModel, offset: number): Definition | undefined {
  const target = slugTargetAt(model, offset);
  if (!target || target.kind === 'unresolved') return undefined;
  const declared = target.kind === 'entity' ? target.entity : target.relationship;
  if (!declared.label) return undefined;
  return { origin: target.span, targets: [{ span: declared.label.contentSpan, blockSpan: declared.block.span }] };
}
