import type { RelationshipModel } from '../model/graph';

/**
 * Relationship paths as Segment addresses them: the profile, then each relationship slug down the
 * tree (`profile → user-accounts → user-carts`). The profile is level 1 of the depth limit, so a
 * relationship's depth is its level + 1 (the number of steps in its path).
 */

/** The relationships from the profile down to `relationship`, outermost first. */
export function relationshipChain(relationship: RelationshipModel): RelationshipModel[] {
  const chain: RelationshipModel[] = [];
  for (let r: RelationshipModel | undefined = relationship; r; r = r.parent) chain.push(r);
  return chain.reverse();
}

/** How a path shows a slug: `?` for a relationship without a label, `""` for an empty one. */
export const slugShown = (relationship: RelationshipModel): string =>
  !relationship.label ? '?' : relationship.slug === '' ? '""' : relationship.slug;

/** `profile → user-accounts → user-carts`. */
export function relationshipPath(relationship: RelationshipModel): string {
  return ['profile', ...relationshipChain(relationship).map(slugShown)].join(' → ');
}

/** Depth counting the profile as level 1 (compare with `MAX_DEPTH`). */
export const depthOf = (relationship: RelationshipModel): number => relationship.level + 1;

/** Every relationship nested under `relationship`, at any depth, parents first. */
export function descendants(relationship: RelationshipModel): RelationshipModel[] {
  const all: RelationshipModel[] = [];
  const stack = [...relationship.children].reverse();
  while (stack.length) {
    const next = stack.pop()!;
    all.push(next);
    for (let i = next.children.length - 1; i >= 0; i--) stack.push(next.children[i]!);
  }
  return all;
}
