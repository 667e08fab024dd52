import type { ColumnReference, EntityModel, EntityReference, GraphModel, RelationshipModel } from '../model/graph';
import type { AttributeSyntax, BlockSyntax, ItemSyntax, Span } from '../syntax/ast';

/** What the cursor is on. */
export type Located =
  | { kind: 'entity-label'; span: Span; entity: EntityModel }
  | { kind: 'entity-reference'; span: Span; reference: EntityReference }
  | { kind: 'relationship-label'; span: Span; relationship: RelationshipModel }
  | { kind: 'column'; span: Span; column: ColumnReference }
  | { kind: 'block-type'; span: Span; block: BlockSyntax; path: BlockSyntax[] }
  | { kind: 'attribute-key'; span: Span; attribute: AttributeSyntax; path: BlockSyntax[] }
  | { kind: 'attribute-value'; span: Span; attribute: AttributeSyntax; path: BlockSyntax[] };

/** `offset` touches `span`: inside it, or right after its last character. */
export const touches = (span: Span, offset: number): boolean => span.start <= offset && offset <= span.end;

/** The most specific thing at `offset`: names and references first, then syntax. */
export function locate(model: GraphModel, offset: number): Located | undefined {
  for (const entity of model.entities) {
    if (entity.label && touches(entity.label.contentSpan, offset)) {
      return { kind: 'entity-label', span: entity.label.contentSpan, entity };
    }
  }
  for (const relationship of model.relationships) {
    if (relationship.label && touches(relationship.label.contentSpan, offset)) {
      return { kind: 'relationship-label', span: relationship.label.contentSpan, relationship };
    }
  }
  for (const reference of model.references) {
    if (touches(reference.span, offset)) return { kind: 'entity-reference', span: reference.span, reference };
  }
  for (const column of model.columns) {
    if (touches(column.span, offset)) return { kind: 'column', span: column.span, column };
  }
  const path = blockPath(model.syntax.items, offset);
  const block = path[path.length - 1];
  const items = block ? block.items : model.syntax.items;
  if (block && touches(block.type.span, offset)) {
    return { kind: 'block-type', span: block.type.span, block, path };
  }
  for (const item of items) {
    if (item.kind !== 'attribute' || !touches(item.span, offset)) continue;
    if (touches(item.key.span, offset)) return { kind: 'attribute-key', span: item.key.span, attribute: item, path };
    if (item.value && touches(item.value.span, offset)) {
      return { kind: 'attribute-value', span: item.value.span, attribute: item, path };
    }
  }
  return undefined;
}

/** Blocks containing `offset`, outermost first (an unclosed block runs to the end of the file). */
export function blockPath(items: readonly ItemSyntax[], offset: number): BlockSyntax[] {
  const path: BlockSyntax[] = [];
  let current = items;
  for (;;) {
    const inner = current.find(
      (item): item is BlockSyntax =>
        item.kind === 'block' && item.span.start <= offset && (offset < item.span.end || (!item.close && offset === item.span.end)),
    );
    if (!inner) return path;
    path.push(inner);
    current = inner.items;
  }
}

/** The entity a located thing stands for (a label, or a resolved reference). */
export function entityAt(located: Located | undefined): EntityModel | undefined {
  if (located?.kind === 'entity-label') return located.entity;
  if (located?.kind === 'entity-reference') return located.reference.target;
  return undefined;
}
