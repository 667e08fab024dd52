import type { GraphModel } from '../model/graph';
import type { Span } from '../syntax/ast';
import { occurrencesOf, slugTargetAt } from './references';

/**
 * Document highlights: every occurrence of the entity or relationship slug under the cursor (see
 * references.ts); the declaring label is a write, references are reads. Nothing elsewhere.
 */

export type HighlightKind = 'read' | 'write';

export interface Highlight {
  span: Span;
  kind: HighlightKind;
}

export function highlights(model: GraphModel, offset: number): Highlight[] {
  const target = slugTargetAt(model, offset);
  if (!target) return [];
  return occurrencesOf(model, target).map((o) => ({ span: o.span, kind: o.declaration ? 'write' : 'read' }));
}
