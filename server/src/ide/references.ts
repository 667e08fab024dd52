import type { EntityModel, EntityReference, GraphModel, RelationshipModel } from '../model/graph';
import type { Span } from '../syntax/ast';
import { locate } from './locate';

/**
 * Find references: the places that name an entity or relationship slug.
 *
 * Decisions:
 * - An entity's occurrences are its label and every reference the model resolved to it: each
 *   `related_entity` value and each join prefix, including legacy prefixes that resolved by the
 *   entity's `name` or table name (DG305). References resolve to the first entity of a slug, so a
 *   duplicate (DG203) has only its own label.
 * - A relationship's only occurrence is its label: nothing else in a file names a relationship.
 * - An unresolved reference (`related_entity = "acount"`, DG300) stands for its text: its
 *   occurrences are the other unresolved references with the same text (no declaration).
 * - The cursor on the quotes of a `related_entity` value counts as on the value.
 */

/** The named thing a position stands for; `span` is the name under the cursor. */
export type SlugTarget =
  | { kind: 'entity'; entity: EntityModel; span: Span; reference?: EntityReference }
  | { kind: 'relationship'; relationship: RelationshipModel; span: Span }
  | { kind: 'unresolved'; text: string; span: Span; reference: EntityReference };

export interface Occurrence {
  span: Span;
  /** The label that declares the slug. */
  declaration: boolean;
  /** The reference, for the other occurrences. */
  reference?: EntityReference;
}

export interface ReferencesOptions {
  /** Include the label that declares the slug (LSP `context.includeDeclaration`). */
  includeDeclaration: boolean;
}

/** The entity or relationship slug at `offset`, if any. */
export function slugTargetAt(model: GraphModel, offset: number): SlugTarget | undefined {
  const located = locate(model, offset);
  switch (located?.kind) {
    case 'entity-label':
      return { kind: 'entity', entity: located.entity, span: located.span };
    case 'relationship-label':
      return { kind: 'relationship', relationship: located.relationship, span: located.span };
    case 'entity-reference':
      return referenceTarget(located.reference);
    case 'attribute-value': {
      if (located.attribute.key.text !== 'related_entity' || located.attribute.value?.kind !== 'string') return undefined;
      const content = located.attribute.value.contentSpan;
      const reference = model.references.find(
        (r) => r.kind === 'related_entity' && r.span.start === content.start && r.span.end === content.end,
      );
      return reference && referenceTarget(reference);
    }
    default:
      return undefined;
  }
}

function referenceTarget(reference: EntityReference): SlugTarget {
  return reference.target
    ? { kind: 'entity', entity: reference.target, span: reference.span, reference }
    : { kind: 'unresolved', text: reference.text, span: reference.span, reference };
}

/** Every occurrence of `target`, in document order. */
export function occurrencesOf(model: GraphModel, target: SlugTarget): Occurrence[] {
  const found: Occurrence[] = [];
  if (target.kind === 'relationship') {
    if (target.relationship.label) found.push({ span: target.relationship.label.contentSpan, declaration: true });
    return found;
  }
  if (target.kind === 'entity' && target.entity.label) {
    found.push({ span: target.entity.label.contentSpan, declaration: true });
  }
  const seen = new Set<number>();
  for (const reference of model.references) {
    const matches =
      target.kind === 'entity' ? reference.target === target.entity : !reference.target && reference.text === target.text;
    if (!matches || seen.has(reference.span.start)) continue;
    seen.add(reference.span.start);
    found.push({ span: reference.span, declaration: false, reference });
  }
  return found.sort((a, b) => a.span.start - b.span.start);
}

/** The spans naming the slug at `offset`, in document order; `undefined` when nothing is there. */
export function findReferences(model: GraphModel, offset: number, options: ReferencesOptions): Span[] | undefined {
  const target = slugTargetAt(model, offset);
  if (!target) return undefined;
  return occurrencesOf(model, target)
    .filter((o) => options.includeDeclaration || !o.declaration)
    .map((o) => o.span);
}
