import type { AttributeSyntax, BlockSyntax, ItemSyntax, LabelSyntax, Span, StringValue, SyntaxFile } from '../syntax/ast';
import { sourceOffsetOf } from '../syntax/convert';
import { parseJoin, type JoinExpression, type JoinOperand } from './joinExpression';
import { LEGACY_BLOCK_NAMES } from './schema';

/** A string attribute's value: decoded text and the range of the text between the quotes. */
export interface StringAttr {
  value: string;
  span: Span;
  attribute: AttributeSyntax;
  string: StringValue;
}

export interface TableRef extends StringAttr {
  /** Split from the right: `[database, schema, table]`; a BigQuery project may hold `.` or `:`. */
  parts: string[];
}

export interface EntityModel {
  slug: string;
  label?: LabelSyntax;
  block: BlockSyntax;
  name?: StringAttr;
  description?: StringAttr;
  tableRef?: TableRef;
  primaryKey?: StringAttr;
  enrichmentEnabled?: boolean;
  /** Relationships whose `related_entity` resolves to this entity. */
  relatedBy: RelationshipModel[];
}

export interface ProfileModel {
  block: BlockSyntax;
  profileFolder?: StringAttr;
  type?: StringAttr;
  relationships: RelationshipModel[];
}

export type LinkKind = 'external_id' | 'trait';

export interface LinkModel {
  kind: LinkKind;
  block: BlockSyntax;
  /** `external_id.type` or `trait.name`. */
  identifier?: StringAttr;
  joinKey?: StringAttr;
}

export interface JunctionModel {
  block: BlockSyntax;
  tableRef?: TableRef;
  primaryKey?: StringAttr;
  leftJoinOn?: JoinAttr;
  rightJoinOn?: JoinAttr;
}

export interface JoinAttr extends StringAttr {
  expression: JoinExpression;
}

export interface RelationshipModel {
  slug: string;
  label?: LabelSyntax;
  block: BlockSyntax;
  parent?: RelationshipModel;
  /** 1 for a relationship of the profile; the profile itself is level 1 of the depth limit. */
  level: number;
  children: RelationshipModel[];
  name?: StringAttr;
  description?: StringAttr;
  relatedEntity?: StringAttr;
  /** The entity `related_entity` resolves to. */
  entity?: EntityModel;
  links: LinkModel[];
  joinOn?: JoinAttr;
  junctions: JunctionModel[];
}

export type ReferenceKind = 'related_entity' | 'join_on' | 'left_join_on' | 'right_join_on';

/** A place that names an entity: a `related_entity` value or a prefix inside a join string. */
export interface EntityReference {
  kind: ReferenceKind;
  /** Which side of the join string (join references only). */
  side?: 'left' | 'right';
  text: string;
  span: Span;
  relationship: RelationshipModel;
  /** The entity this place must name: the parent's (left side) or this relationship's (right side). */
  expected?: EntityModel;
  target?: EntityModel;
  /** How it resolved: by slug, or (legacy, DG305) by entity name or table name. */
  via?: 'slug' | 'name' | 'table';
}

/** A column named by the graph: a key attribute or a join operand. */
export interface ColumnReference {
  column: string;
  span: Span;
  /** The entity whose table holds the column, when known. */
  entity?: EntityModel;
  /** The junction table holding it (junction columns). */
  junction?: JunctionModel;
  relationship?: RelationshipModel;
}

export interface GraphModel {
  syntax: SyntaxFile;
  dataGraphs: BlockSyntax[];
  /** Top-level items that are not a `data_graph` block. */
  outside: ItemSyntax[];
  entities: EntityModel[];
  /** Entities by slug; more than one entry means a duplicate (DG203). */
  entitiesBySlug: Map<string, EntityModel[]>;
  profiles: ProfileModel[];
  /** Every relationship, parents before children. */
  relationships: RelationshipModel[];
  references: EntityReference[];
  columns: ColumnReference[];
  version?: StringAttr;
}

/** Builds the model from syntax views. Pure; references resolve after the whole file is read. */
export function buildModel(syntax: SyntaxFile): GraphModel {
  const model: GraphModel = {
    syntax,
    dataGraphs: [],
    outside: [],
    entities: [],
    entitiesBySlug: new Map(),
    profiles: [],
    relationships: [],
    references: [],
    columns: [],
  };
  for (const item of syntax.items) {
    if (item.kind === 'block' && item.type.text === 'data_graph') model.dataGraphs.push(item);
    else model.outside.push(item);
  }
  for (const dataGraph of model.dataGraphs) {
    model.version ??= stringAttr(dataGraph, 'version');
    for (const item of dataGraph.items) {
      if (item.kind !== 'block') continue;
      // Legacy spellings (`entities "x" {`) read as the block they meant, as `childBlocks` does.
      const kind = LEGACY_BLOCK_NAMES[item.type.text] ?? item.type.text;
      if (kind === 'entity') addEntity(model, item);
      else if (kind === 'profile') model.profiles.push(readProfile(model, item));
    }
  }
  resolve(model);
  return model;
}

function addEntity(model: GraphModel, block: BlockSyntax): void {
  const label = block.labels[0];
  const entity: EntityModel = {
    slug: label?.value ?? '',
    label,
    block,
    name: stringAttr(block, 'name'),
    description: stringAttr(block, 'description'),
    tableRef: tableRef(block),
    primaryKey: stringAttr(block, 'primary_key'),
    enrichmentEnabled: boolAttr(block, 'enrichment_enabled'),
    relatedBy: [],
  };
  model.entities.push(entity);
  if (label) {
    const same = model.entitiesBySlug.get(entity.slug);
    if (same) same.push(entity);
    else model.entitiesBySlug.set(entity.slug, [entity]);
  }
}

function readProfile(model: GraphModel, block: BlockSyntax): ProfileModel {
  const profile: ProfileModel = {
    block,
    profileFolder: stringAttr(block, 'profile_folder'),
    type: stringAttr(block, 'type'),
    relationships: [],
  };
  for (const child of childBlocks(block, 'relationship')) {
    profile.relationships.push(readRelationship(model, child, undefined, 1));
  }
  return profile;
}

function readRelationship(
  model: GraphModel,
  block: BlockSyntax,
  parent: RelationshipModel | undefined,
  level: number,
): RelationshipModel {
  const label = block.labels[0];
  const relationship: RelationshipModel = {
    slug: label?.value ?? '',
    label,
    block,
    parent,
    level,
    children: [],
    name: stringAttr(block, 'name'),
    description: stringAttr(block, 'description'),
    relatedEntity: stringAttr(block, 'related_entity'),
    links: [],
    joinOn: joinAttr(block, 'join_on'),
    junctions: [],
  };
  model.relationships.push(relationship);
  for (const kind of ['external_id', 'trait'] as const) {
    for (const link of childBlocks(block, kind)) {
      relationship.links.push({
        kind,
        block: link,
        identifier: stringAttr(link, kind === 'external_id' ? 'type' : 'name'),
        joinKey: stringAttr(link, 'join_key'),
      });
    }
  }
  for (const junction of childBlocks(block, 'junction_table')) {
    relationship.junctions.push({
      block: junction,
      tableRef: tableRef(junction),
      primaryKey: stringAttr(junction, 'primary_key'),
      leftJoinOn: joinAttr(junction, 'left_join_on'),
      rightJoinOn: joinAttr(junction, 'right_join_on'),
    });
  }
  for (const child of childBlocks(block, 'relationship')) {
    relationship.children.push(readRelationship(model, child, relationship, level + 1));
  }
  return relationship;
}

/** Child blocks of a kind, including legacy spellings of it (`traits`, `Junction_table`). */
export function childBlocks(block: BlockSyntax, kind: string): BlockSyntax[] {
  return block.items.filter(
    (item): item is BlockSyntax =>
      item.kind === 'block' && (item.type.text === kind || LEGACY_BLOCK_NAMES[item.type.text] === kind),
  );
}

/** The first attribute `name` of a block. */
export function attribute(block: BlockSyntax, name: string): AttributeSyntax | undefined {
  for (const item of block.items) if (item.kind === 'attribute' && item.key.text === name) return item;
  return undefined;
}

export function stringAttr(block: BlockSyntax, name: string): StringAttr | undefined {
  const attr = attribute(block, name);
  if (attr?.value?.kind !== 'string') return undefined;
  return { value: attr.value.value, span: attr.value.contentSpan, attribute: attr, string: attr.value };
}

function boolAttr(block: BlockSyntax, name: string): boolean | undefined {
  const value = attribute(block, name)?.value;
  return value?.kind === 'bool' ? value.value : undefined;
}

function tableRef(block: BlockSyntax): TableRef | undefined {
  const attr = attribute(block, 'table_ref');
  if (attr?.value?.kind !== 'string') return undefined;
  const value = attr.value.value;
  return { value, span: attr.value.contentSpan, attribute: attr, string: attr.value, parts: splitTableRef(value) };
}

/** `a.b.c` → `[a, b, c]`, splitting from the right so a project id may contain dots. */
export function splitTableRef(ref: string): string[] {
  const parts = ref.split('.');
  if (parts.length <= 3) return parts;
  return [parts.slice(0, parts.length - 2).join('.'), parts[parts.length - 2]!, parts[parts.length - 1]!];
}

function joinAttr(block: BlockSyntax, name: string): JoinAttr | undefined {
  const attr = attribute(block, name);
  if (attr?.value?.kind !== 'string') return undefined;
  const value = attr.value.value;
  return { value, span: attr.value.contentSpan, attribute: attr, string: attr.value, expression: parseJoin(value) };
}

function resolve(model: GraphModel): void {
  // Entities by lower-cased name and table: only built when a join prefix is not a slug (legacy).
  let indexes: { byName: Map<string, EntityModel[]>; byTable: Map<string, EntityModel[]> } | undefined;
  const push = (map: Map<string, EntityModel[]>, key: string, entity: EntityModel) => {
    const list = map.get(key);
    if (list) list.push(entity);
    else map.set(key, [entity]);
  };
  const legacyIndexes = () => {
    const byName = new Map<string, EntityModel[]>();
    const byTable = new Map<string, EntityModel[]>();
    for (const entity of model.entities) {
      if (entity.name) push(byName, entity.name.value.toLowerCase(), entity);
      if (entity.tableRef) {
        push(byTable, entity.tableRef.value.toLowerCase(), entity);
        const table = entity.tableRef.parts[entity.tableRef.parts.length - 1];
        if (table && entity.tableRef.parts.length > 1) push(byTable, table.toLowerCase(), entity);
      }
    }
    return { byName, byTable };
  };
  const bySlug = (slug: string) => model.entitiesBySlug.get(slug)?.[0];
  const legacy = (text: string): Pick<EntityReference, 'target' | 'via'> => {
    indexes ??= legacyIndexes();
    const { byName, byTable } = indexes;
    const key = text.toLowerCase();
    const named = byName.get(key);
    if (named?.length === 1) return { target: named[0], via: 'name' };
    const tabled = byTable.get(key);
    if (tabled?.length === 1) return { target: tabled[0], via: 'table' };
    return {};
  };

  for (const relationship of model.relationships) {
    const related = relationship.relatedEntity;
    if (related) {
      const target = bySlug(related.value);
      relationship.entity = target;
      target?.relatedBy.push(relationship);
      model.references.push({
        kind: 'related_entity',
        text: related.value,
        span: related.span,
        relationship,
        target,
        via: target ? 'slug' : undefined,
      });
    }
  }

  for (const relationship of model.relationships) {
    const parentEntity = relationship.parent?.entity;
    const joinRef = (kind: ReferenceKind, attr: JoinAttr, side: 'left' | 'right', operand: JoinOperand | undefined) => {
      if (!operand?.prefix) return;
      const text = operand.prefix.text;
      const target = bySlug(text);
      model.references.push({
        kind,
        side,
        text,
        span: { start: sourceOffsetOf(attr.string, operand.prefix.start), end: sourceOffsetOf(attr.string, operand.prefix.end) },
        relationship,
        expected: side === 'left' ? parentEntity : relationship.entity,
        ...(target ? { target, via: 'slug' as const } : legacy(text)),
      });
    };
    const column = (attr: JoinAttr, operand: JoinOperand | undefined, entity?: EntityModel, junction?: JunctionModel) => {
      if (!operand || !operand.column.text) return;
      model.columns.push({
        column: operand.column.text,
        span: { start: sourceOffsetOf(attr.string, operand.column.start), end: sourceOffsetOf(attr.string, operand.column.end) },
        entity,
        junction,
        relationship,
      });
    };
    const join = relationship.joinOn;
    if (join) {
      joinRef('join_on', join, 'left', join.expression.left);
      joinRef('join_on', join, 'right', join.expression.right);
      column(join, join.expression.left, parentEntity);
      column(join, join.expression.right, relationship.entity);
    }
    for (const junction of relationship.junctions) {
      const left = junction.leftJoinOn;
      if (left) {
        joinRef('left_join_on', left, 'left', left.expression.left);
        column(left, left.expression.left, parentEntity);
        column(left, left.expression.right, undefined, junction);
      }
      const right = junction.rightJoinOn;
      if (right) {
        joinRef('right_join_on', right, 'right', right.expression.right);
        column(right, right.expression.left, undefined, junction);
        column(right, right.expression.right, relationship.entity);
      }
      if (junction.primaryKey) {
        model.columns.push({ column: junction.primaryKey.value, span: junction.primaryKey.span, junction, relationship });
      }
    }
    for (const link of relationship.links) {
      if (link.joinKey) {
        model.columns.push({ column: link.joinKey.value, span: link.joinKey.span, entity: relationship.entity, relationship });
      }
    }
  }
  for (const entity of model.entities) {
    if (entity.primaryKey) model.columns.push({ column: entity.primaryKey.value, span: entity.primaryKey.span, entity });
  }
}
