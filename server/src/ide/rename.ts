import type { TextEdit } from '../checks/diagnostic';
import { slugify } from '../checks/names';
import type { EntityModel, GraphModel, RelationshipModel } from '../model/graph';
import { SLUG_PATTERN } from '../model/schema';
import type { Span } from '../syntax/ast';
import { descendants, relationshipPath } from './paths';
import { occurrencesOf, slugTargetAt, type SlugTarget } from './references';

/**
 * Rename an entity or relationship slug.
 *
 * Decisions:
 * - Renamable: an entity label, a reference that names the entity by its slug (`related_entity`, a
 *   join prefix), a relationship label. A legacy join prefix (the entity's `name` or table name,
 *   DG305) is refused with a message: it names no slug. Unresolved names, columns, keys and values
 *   are refused too.
 * - The edits replace the label and every reference written as the slug; inside join strings only
 *   the prefix changes. Legacy prefixes are left alone: they still resolve by name or table.
 * - The new slug must match `SLUG_PATTERN` and be free: no other entity (relationship) has it, a
 *   relationship may not be `profile` (reserved by Segment's API), and for an entity no legacy
 *   prefix that resolves to another entity may read as it (the rename would silently re-point it).
 *   Unresolved references that read as the new slug resolve to the entity afterwards (allowed).
 * - A slug is the object's identity in Segment (LANGUAGE.md §4): every rename comes with an
 *   annotation needing confirmation that explains the breaking change.
 */

export interface RenameAnnotation {
  label: string;
  description: string;
  needsConfirmation: true;
}

export interface RenameEdits {
  edits: TextEdit[];
  /** Applies to every edit (an LSP ChangeAnnotation). */
  annotation: RenameAnnotation;
}

export interface RenameError {
  error: string;
}

export interface PrepareRename {
  /** The slug under the cursor (between the quotes). */
  span: Span;
  placeholder: string;
}

export function prepareRename(model: GraphModel, offset: number): PrepareRename | RenameError {
  const target = renamable(model, offset);
  if ('error' in target) return target;
  return { span: target.span, placeholder: target.kind === 'entity' ? target.entity.slug : target.relationship.slug };
}

export function rename(model: GraphModel, offset: number, newName: string): RenameEdits | RenameError {
  const target = renamable(model, offset);
  if ('error' in target) return target;
  if (target.kind === 'entity') {
    const entity = target.entity;
    if (newName === entity.slug) return { edits: [], annotation: entityAnnotation(entity, newName, 0) };
    const problem = invalidSlug('entity', newName) ?? entityCollision(model, entity, newName);
    if (problem) return { error: problem };
    const edits = occurrencesOf(model, target)
      .filter((o) => o.declaration || o.reference?.via === 'slug')
      .map((o) => ({ span: o.span, newText: newName }));
    return { edits, annotation: entityAnnotation(entity, newName, edits.length) };
  }
  const relationship = target.relationship;
  if (newName === relationship.slug) return { edits: [], annotation: relationshipAnnotation(relationship, newName) };
  const problem = invalidSlug('relationship', newName) ?? relationshipCollision(model, relationship, newName);
  if (problem) return { error: problem };
  return {
    edits: [{ span: relationship.label!.contentSpan, newText: newName }],
    annotation: relationshipAnnotation(relationship, newName),
  };
}

type Renamable = Extract<SlugTarget, { kind: 'entity' | 'relationship' }>;

function renamable(model: GraphModel, offset: number): Renamable | RenameError {
  const target = slugTargetAt(model, offset);
  if (!target) return { error: 'Only entity and relationship slugs can be renamed: put the cursor on a label or a related_entity value' };
  if (target.kind === 'unresolved') {
    return { error: `No entity has the slug "${target.text}": there is nothing to rename (fix the reference instead)` };
  }
  if (target.kind === 'entity') {
    const via = target.reference?.via;
    if (via === 'name' || via === 'table') {
      const what = via === 'name' ? 'name' : 'table name';
      return {
        error: `"${target.reference!.text}" is the ${what} of entity "${target.entity.slug}", not its slug: rename the entity from its label, or write the slug here first`,
      };
    }
    if (!target.entity.label) return { error: 'This entity has no label to rename' };
  }
  return target;
}

function invalidSlug(kind: 'entity' | 'relationship', name: string): string | undefined {
  if (name === '') return `The new ${kind} slug is empty`;
  if (SLUG_PATTERN.test(name)) return undefined;
  const fixed = slugify(name);
  return `"${name}" is not a valid ${kind} slug: use only lowercase letters, digits, "-" and "_"${fixed ? ` (for example "${fixed}")` : ''}`;
}

function entityCollision(model: GraphModel, entity: EntityModel, name: string): string | undefined {
  if (model.entitiesBySlug.has(name)) {
    return `Another entity already has the slug "${name}": entity slugs must be unique`;
  }
  for (const reference of model.references) {
    if (reference.text === name && reference.target && reference.target !== entity && reference.via !== 'slug') {
      const what = reference.via === 'name' ? 'name' : 'table name';
      return `The join prefix "${name}" names entity "${reference.target.slug}" by its ${what}: renaming this entity to "${name}" would make it point here instead; choose another slug`;
    }
  }
  return undefined;
}

function relationshipCollision(model: GraphModel, relationship: RelationshipModel, name: string): string | undefined {
  if (name === 'profile') {
    return '"profile" is reserved by Segment\'s API (it names the profile in relationship paths): choose another slug';
  }
  const other = model.relationships.find((r) => r !== relationship && r.label && r.slug === name);
  if (other) {
    return `Relationship "${name}" already exists (${relationshipPath(other)}): relationship slugs must be unique in the whole graph`;
  }
  return undefined;
}

const places = (n: number) => (n === 1 ? '1 place' : `${n} places`);

function entityAnnotation(entity: EntityModel, name: string, edits: number): RenameAnnotation {
  return {
    label: `Rename entity "${entity.slug}" to "${name}"`,
    description:
      `Breaking change in Segment: the slug is the entity's identity, so renaming it deletes entity "${entity.slug}" ` +
      `and creates a new entity "${name}". Audiences and Linked Events enrichments that use "${entity.slug}" break ` +
      `and must be rebuilt. Updates ${places(edits)} in this file.`,
    needsConfirmation: true,
  };
}

function relationshipAnnotation(relationship: RelationshipModel, name: string): RenameAnnotation {
  const nested = descendants(relationship).length;
  const also = nested ? ` The paths of its ${nested === 1 ? 'nested relationship' : `${nested} nested relationships`} change too.` : '';
  return {
    label: `Rename relationship "${relationship.slug}" to "${name}"`,
    description:
      `Breaking change in Segment: the slug is the relationship's identity, so renaming it deletes relationship ` +
      `"${relationship.slug}" (${relationshipPath(relationship)}) and creates a new relationship "${name}".${also} ` +
      `Audiences that use it break and must be rebuilt.`,
    needsConfirmation: true,
  };
}
