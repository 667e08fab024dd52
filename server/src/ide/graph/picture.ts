import type { EntityModel, GraphModel, ProfileModel, RelationshipModel } from '../../model/graph';

/**
 * "A picture of the graph": what a diagram of one `.dg` file shows, as plain data, before any
 * renderer (./mermaid.ts, ./dot.ts, ./svg.ts) draws it.
 *
 * - one node per profile (its folder and type) and per entity (slug, name, table, primary key; an
 *   entity no relationship relates is marked `unused`);
 * - one edge per relationship, from its parent (the profile for a level-1 relationship, else the
 *   node the enclosing relationship points at) to its related entity, labelled with its slug, name and
 *   how it joins;
 * - problems stay visible: a `related_entity` that names no entity (or is missing) points at a
 *   dangling `missing` node, so a broken file still draws, and `problems` says what is wrong.
 *
 * Node ids are made of ASCII letters, digits and `_` only, and never a renderer's keyword, so every
 * renderer can use them as they are. Everything is in file order: same model, same picture.
 */
export interface GraphPicture {
  /** Profiles first, then entities in file order, then missing entities in order of first use. */
  nodes: PictureNode[];
  /** One per relationship, parents before children (file order). */
  edges: PictureEdge[];
  /** What is wrong with the graph as drawn, one sentence each (empty for a sound graph). */
  problems: string[];
}

export type PictureNode = ProfileNode | EntityNode | MissingNode;

export interface ProfileNode {
  kind: 'profile';
  id: string;
  folder?: string;
  type?: string;
}

export interface EntityNode {
  kind: 'entity';
  id: string;
  slug: string;
  name?: string;
  tableRef?: string;
  primaryKey?: string;
  /** No relationship relates it. */
  unused: boolean;
  /** Another entity before it has the same slug (DG203): relationships go to the first one. */
  duplicate: boolean;
}

export interface MissingNode {
  kind: 'missing';
  id: string;
  /** The `related_entity` text that names no entity; empty when `related_entity` is absent. */
  slug: string;
}

/** How a relationship joins its parent to its related entity, as written (absent parts undefined). */
export type PictureJoin =
  | { kind: 'external_id'; type?: string; joinKey?: string }
  | { kind: 'trait'; name?: string; joinKey?: string }
  | { kind: 'join_on'; text?: string }
  | { kind: 'junction'; tableRef?: string };

export interface PictureEdge {
  id: string;
  from: string;
  to: string;
  /** The relationship's slug (empty when its label is missing). */
  slug: string;
  name?: string;
  /** Usually one; none when the relationship says nothing about joining, more when it says too much. */
  joins: PictureJoin[];
  /** 1 for a relationship of the profile. */
  level: number;
}

/** The id of the (first) profile node. */
export const PROFILE_ID = 'profile';

export function graphPicture(model: GraphModel): GraphPicture {
  const ids = new Ids();
  const nodes: PictureNode[] = [];
  const edges: PictureEdge[] = [];
  const problems: string[] = [];

  const profileIds = new Map<ProfileModel, string>();
  model.profiles.forEach((profile, index) => {
    const id = ids.take(index === 0 ? PROFILE_ID : `profile_${index + 1}`);
    profileIds.set(profile, id);
    nodes.push({
      kind: 'profile',
      id,
      ...optional('folder', profile.profileFolder?.value),
      ...optional('type', profile.type?.value),
    });
  });
  if (model.profiles.length > 1) problems.push(`${model.profiles.length} profile blocks: a graph has at most one`);

  const entityIds = new Map<EntityModel, string>();
  const firstBySlug = new Map<string, EntityModel>();
  for (const entity of model.entities) {
    const id = ids.take(`e_${entity.slug}`);
    entityIds.set(entity, id);
    const duplicate = firstBySlug.has(entity.slug) && entity.label !== undefined;
    if (!firstBySlug.has(entity.slug)) firstBySlug.set(entity.slug, entity);
    if (duplicate) problems.push(`entity ${quote(entity.slug)} is defined more than once`);
    nodes.push({
      kind: 'entity',
      id,
      slug: entity.slug,
      ...optional('name', entity.name?.value),
      ...optional('tableRef', entity.tableRef?.value),
      ...optional('primaryKey', entity.primaryKey?.value),
      unused: entity.relatedBy.length === 0,
      duplicate,
    });
  }

  // Missing entities: one node per unresolved name, shared by every relationship that uses it.
  const missingIds = new Map<string, string>();
  const missingNode = (slug: string, relationship: RelationshipModel): string => {
    const known = slug ? missingIds.get(slug) : undefined;
    if (known) return known;
    const id = ids.take(`missing_${slug || relationship.slug || 'entity'}`);
    if (slug) missingIds.set(slug, id);
    nodes.push({ kind: 'missing', id, slug });
    return id;
  };

  const targets = new Map<RelationshipModel, string>();
  const profileOf = new Map<RelationshipModel, ProfileModel>();
  for (const profile of model.profiles) for (const relationship of profile.relationships) profileOf.set(relationship, profile);
  for (const relationship of model.relationships) {
    const named = relationship.slug ? `relationship ${quote(relationship.slug)}` : 'a relationship without a slug';
    let to: string;
    if (relationship.entity) {
      to = entityIds.get(relationship.entity)!;
    } else {
      const slug = relationship.relatedEntity?.value ?? '';
      to = missingNode(slug, relationship);
      problems.push(
        slug
          ? `${named}: related_entity ${quote(slug)} names no entity`
          : `${named} has no related_entity`,
      );
    }
    targets.set(relationship, to);
    const parent = relationship.parent;
    const from = parent ? targets.get(parent)! : profileIds.get(profileOf.get(relationship)!)!;
    edges.push({
      id: ids.take(`r_${relationship.slug}`),
      from,
      to,
      slug: relationship.slug,
      ...optional('name', relationship.name?.value),
      joins: joinsOf(relationship),
      level: relationship.level,
    });
  }
  return { nodes, edges, problems };
}

function joinsOf(relationship: RelationshipModel): PictureJoin[] {
  const joins: PictureJoin[] = [];
  for (const link of relationship.links) {
    const joinKey = optional('joinKey', link.joinKey?.value);
    joins.push(
      link.kind === 'external_id'
        ? { kind: 'external_id', ...optional('type', link.identifier?.value), ...joinKey }
        : { kind: 'trait', ...optional('name', link.identifier?.value), ...joinKey },
    );
  }
  if (relationship.joinOn || relationship.block.items.some((i) => i.kind === 'attribute' && i.key.text === 'join_on')) {
    joins.push({ kind: 'join_on', ...optional('text', relationship.joinOn?.value) });
  }
  for (const junction of relationship.junctions) joins.push({ kind: 'junction', ...optional('tableRef', junction.tableRef?.value) });
  return joins;
}

/** How a join reads on an edge: `external_id user_id → customer_id`, `via <junction table>`, … */
export function joinText(join: PictureJoin): string {
  const or = (value: string | undefined) => (value === undefined || value === '' ? '?' : value);
  switch (join.kind) {
    case 'external_id':
      return `external_id ${or(join.type)} → ${or(join.joinKey)}`;
    case 'trait':
      return `trait ${or(join.name)} → ${or(join.joinKey)}`;
    case 'join_on':
      return or(join.text);
    case 'junction':
      return `via ${or(join.tableRef)}`;
  }
}

/** The join line of an edge: its joins, or `no join` when it names none. */
export function joinsText(edge: PictureEdge): string {
  return edge.joins.length ? edge.joins.map(joinText).join(' | ') : 'no join';
}

/** The title line of an edge: `slug (name)`, or what there is of it. */
export function edgeTitle(edge: PictureEdge): string {
  const slug = edge.slug || '(no slug)';
  return edge.name && edge.name !== edge.slug ? `${slug} (${edge.name})` : slug;
}

/** The lines of a node's box, most important first (renderers may style the first one). */
export function nodeLines(node: PictureNode): string[] {
  switch (node.kind) {
    case 'profile':
      return ['Profile', node.folder || 'no profile_folder', node.type || 'no type'];
    case 'entity': {
      const lines = [node.slug || '(no slug)'];
      if (node.name !== undefined && node.name !== node.slug) lines.push(node.name);
      lines.push(node.tableRef || 'no table_ref', node.primaryKey ? `key ${node.primaryKey}` : 'no primary_key');
      if (node.duplicate) lines.push('duplicate slug');
      else if (node.unused) lines.push('unused');
      return lines;
    }
    case 'missing':
      return [node.slug || '(no related_entity)', 'missing entity'];
  }
}

/** Counts for a caption or an accessible label. */
export function pictureSummary(picture: GraphPicture): string {
  const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const entities = picture.nodes.filter((n) => n.kind === 'entity').length;
  const missing = picture.nodes.filter((n) => n.kind === 'missing').length;
  return [
    count(entities, 'entity', 'entities'),
    count(picture.edges.length, 'relationship'),
    ...(missing ? [count(missing, 'missing entity', 'missing entities')] : []),
  ].join(', ');
}

/** Unique ids of `[A-Za-z0-9_]` (other characters become `_`), the first come keeping the plain name. */
class Ids {
  private readonly used = new Set<string>();

  take(wanted: string): string {
    const base = wanted.replace(/[^A-Za-z0-9_]/g, '_');
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}_${n}`;
    this.used.add(id);
    return id;
  }
}

const quote = (text: string) => JSON.stringify(text);

/** `{ key: value }` when value is defined, else `{}` (for exactOptionalPropertyTypes-style objects). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
