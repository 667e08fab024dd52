import type { EntityModel, RelationshipModel, StringAttr } from '../model/graph';
import { SLUG_PATTERN } from '../model/schema';
import type { CheckContext } from './context';
import { blockTitle } from './describe';
import type { Fix, TextEdit } from './diagnostic';
import { Layout, garbledBlocks } from './nesting';

/**
 * DG2xx: slugs are well formed and unique, display names distinct.
 *
 * Decisions:
 * - DG200/DG201 report the label (with its quotes); the fix writes the slug lowercased, with accents
 *   dropped and runs of other characters turned into `-` (`"Order Items"` → `"order-items"`). It is
 *   offered only when the result is a valid slug that no other entity (relationship) already uses
 *   (and, for relationships, is not the reserved `profile`). An entity fix also rewrites the
 *   `related_entity` values and join prefixes that name the entity by that slug.
 * - DG203/DG204 report every later duplicate, related information pointing at the first; empty slugs
 *   are left to DG200/DG201.
 * - Blocks with a garbled header (see `garbledBlocks`) are left out.
 * - DG206 compares names trimmed and case-insensitively (`"Carts"` and `"carts "` look the same in
 *   Segment's UI); empty names are left to DG113. Relationships are compared with their siblings:
 *   the level-1 relationships of one profile, or the children of one relationship.
 */
export function checkNames(context: CheckContext): void {
  const garbled = garbledBlocks(context.model.syntax, new Layout(context.lines));
  const model = !garbled.size ? context.model : {
    ...context.model,
    entities: context.model.entities.filter((e) => !garbled.has(e.block)),
    relationships: context.model.relationships.filter((r) => !garbled.has(r.block)),
    profiles: context.model.profiles.filter((p) => !garbled.has(p.block)),
    entitiesBySlug: new Map<string, EntityModel[]>(),
  };
  for (const [slug, list] of context.model.entitiesBySlug) {
    const kept = list.filter((e) => !garbled.has(e.block));
    if (kept.length) model.entitiesBySlug.set(slug, kept);
  }
  const entitySlugs = new Set(model.entities.map((e) => e.slug));
  const relationshipSlugs = new Set(model.relationships.map((r) => r.slug));

  for (const entity of model.entities) {
    if (!entity.label || SLUG_PATTERN.test(entity.slug)) continue;
    const fixed = slugify(entity.slug);
    const fixes: Fix[] = [];
    if (fixed && !entitySlugs.has(fixed)) {
      const edits: TextEdit[] = [{ span: entity.label.contentSpan, newText: fixed }];
      const seen = new Set<number>();
      for (const reference of model.references) {
        if (reference.target !== entity || reference.text !== entity.slug || seen.has(reference.span.start)) continue;
        seen.add(reference.span.start);
        edits.push({ span: reference.span, newText: fixed });
      }
      fixes.push({ title: `Change the slug to "${fixed}"${edits.length > 1 ? ' (and its references)' : ''}`, edits, preferred: true });
    }
    context.report('DG200', entity.label.span, `entity slug ${slugProblem(entity.slug)}${example(fixed)}`, { fixes });
  }

  for (const relationship of model.relationships) {
    if (!relationship.label) continue;
    if (relationship.slug === 'profile') {
      context.report('DG205', relationship.label.span, 'relationship slug "profile" is reserved by Segment\'s API (it names the profile in relationship paths): choose another slug');
      continue;
    }
    if (SLUG_PATTERN.test(relationship.slug)) continue;
    const fixed = slugify(relationship.slug);
    const usable = fixed && fixed !== 'profile' && !relationshipSlugs.has(fixed) ? fixed : undefined;
    context.report('DG201', relationship.label.span, `relationship slug ${slugProblem(relationship.slug)}${example(fixed)}`, {
      fixes: usable ? [{ title: `Change the slug to "${usable}"`, edits: [{ span: relationship.label.contentSpan, newText: usable }], preferred: true }] : [],
    });
  }

  for (const [slug, entities] of model.entitiesBySlug) {
    if (slug === '') continue;
    const first = entities[0]!;
    for (const duplicate of entities.slice(1)) {
      context.report('DG203', duplicate.label!.span, `duplicate entity slug "${slug}": entity slugs must be unique; rename one of them`, {
        related: [{ span: first.label!.span, message: `first ${blockTitle(first.block)}` }],
      });
    }
  }

  const relationshipsBySlug = new Map<string, RelationshipModel>();
  for (const relationship of model.relationships) {
    if (!relationship.label || relationship.slug === '') continue;
    const first = relationshipsBySlug.get(relationship.slug);
    if (!first) {
      relationshipsBySlug.set(relationship.slug, relationship);
      continue;
    }
    context.report(
      'DG204',
      relationship.label.span,
      `duplicate relationship slug "${relationship.slug}": relationship slugs must be unique in the whole graph; rename one of them`,
      { related: [{ span: first.label!.span, message: `first ${blockTitle(first.block)}` }] },
    );
  }

  const trusted = (list: RelationshipModel[]) => list.filter((r) => !garbled.has(r.block));
  sameNames(context, model.entities, 'entities');
  for (const profile of model.profiles) sameNames(context, trusted(profile.relationships), 'sibling relationships');
  for (const relationship of model.relationships) sameNames(context, trusted(relationship.children), 'sibling relationships');
}

/** DG206 for every later item of `items` whose `name` another one already has. */
function sameNames(context: CheckContext, items: (EntityModel | RelationshipModel)[], what: string): void {
  const seen = new Map<string, { item: EntityModel | RelationshipModel; name: StringAttr }>();
  for (const item of items) {
    const name = item.name;
    const key = name?.value.trim().toLowerCase();
    if (!name || !key) continue;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, { item, name });
      continue;
    }
    context.report(
      'DG206',
      name.string.span,
      `${blockTitle(item.block)} has the same name "${name.value}" as ${blockTitle(first.item.block)}: ${what} should have distinct display names`,
      { related: [{ span: first.name.string.span, message: `name of ${blockTitle(first.item.block)}` }] },
    );
  }
}

/** Why a slug is not valid: `"Order Items" has upper-case letters and " "`. */
function slugProblem(slug: string): string {
  if (slug === '') return 'is empty: use lowercase letters, digits, "-" and "_"';
  const problems: string[] = [];
  if (/[A-Z]/.test(slug)) problems.push('upper-case letters');
  const others = [...new Set(slug.replace(/[A-Za-z0-9_-]/g, ''))];
  if (others.length) problems.push(others.map((c) => JSON.stringify(c)).join(', '));
  return `"${slug}" has ${problems.join(' and ')}: use only lowercase letters, digits, "-" and "_"`;
}

const example = (fixed: string | undefined) => (fixed ? ` ("${fixed}")` : '');

/** The slug a label most likely meant: lowercase, no accents, other characters as `-`. */
export function slugify(text: string): string | undefined {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/^[^a-z0-9_-]+|[^a-z0-9_-]+$/g, '')
    .replace(/[^a-z0-9_-]+/g, '-');
  return SLUG_PATTERN.test(slug) ? slug : undefined;
}
