import type { Catalog } from '../catalog/catalog';
import { nearest } from '../checks/suggest';
import type { ColumnReference, EntityModel, EntityReference, GraphModel, JoinAttr, RelationshipModel } from '../model/graph';
import {
  BLOCKS,
  LEGACY_ATTRIBUTES,
  LEGACY_BLOCK_NAMES,
  LEGACY_SYNTAX,
  LEGACY_VALUES,
  MAX_DEPTH,
  SLUG_PATTERN,
  attributeSpec,
  blockKindOf,
  knownValuesOf,
  type AttributeSpec,
  type BlockKind,
  type KnownValue,
  type LegacyForm,
} from '../model/schema';
import type { AttributeSyntax, BlockSyntax, Span } from '../syntax/ast';
import { columnFacts, schemaCard, tableCard } from './catalog';
import { profileFolderOf, warehouseValue } from './profileValues';
import { blockPath, locate, touches } from './locate';
import { depthOf, relationshipPath, slugShown } from './paths';

/**
 * Hover: Markdown about what is under the cursor.
 *
 * - Entity (its label or any reference to it): name, description, `table_ref`, primary key,
 *   enrichment, and the path of every relationship that leads to it.
 * - Relationship (its label): path from the profile, depth out of the limit, the entity it leads to,
 *   its kind (profile link by external id or trait, 1:many via `join_on`, many:many through a
 *   junction table) with the join in words, and its nested relationships.
 * - Block keywords, attribute keys and values: the documentation in schema.ts (nothing about the
 *   language is written here), including legacy forms (what changed and what to write instead).
 * - Columns: which table holds them; with the warehouse catalog, their type and nullability.
 * - With the warehouse catalog: a `table_ref` value shows its table's card (columns with types), a
 *   `profile_folder` value its schema and the Profiles Sync tables it holds.
 *
 * Decisions:
 * - A value with no known values of its own shows its key's documentation.
 * - A bare word where a block belongs (`entity "b"` with no body, a half-typed `external_id`) shows
 *   the block's documentation.
 * - Lists (relationships using an entity, nested relationships) stop after `LIST_LIMIT` items.
 */

export interface Hover {
  /** The range the hover is about. */
  span: Span;
  markdown: string;
}

export interface HoverOptions {
  /** Custom identity types the space defines (the `identityTypes` setting). */
  identityTypes?: readonly string[];
  /** The warehouse catalog, once loaded (no IO: it is already in memory). */
  catalog?: Catalog;
}

const LIST_LIMIT = 20;

/** Markdown paragraphs; absent ones are left out. */
type Parts = (string | undefined)[];

export function hover(model: GraphModel, offset: number, options: HoverOptions = {}): Hover | undefined {
  const located = locate(model, offset);
  const at = (span: Span, parts: Parts): Hover => ({ span, markdown: join(parts) });
  switch (located?.kind) {
    case 'entity-label':
      return at(located.span, entityHover(model, located.entity));
    case 'entity-reference': {
      const reference = located.reference;
      return at(located.span, reference.target ? entityHover(model, reference.target, reference) : unresolvedHover(model, reference));
    }
    case 'relationship-label':
      return at(located.span, relationshipHover(model, located.relationship));
    case 'column':
      return at(located.span, columnHover(model, located.column, offset, options.catalog));
    case 'block-type':
      return at(located.span, blockHover(located.block, located.path[located.path.length - 2]));
    case 'attribute-key':
      return keyHover(located.attribute, located.path, located.span);
    case 'attribute-value':
      return valueHover(located.attribute, located.path, located.span, options);
    default: {
      const placeholder = placeholderAt(model, offset);
      return placeholder && at(placeholder, legacyParts(LEGACY_SYNTAX.placeholder, `Write ${LEGACY_SYNTAX.placeholder.replacement}.`));
    }
  }
}

// --- entities ----------------------------------------------------------------------------------

function entityHover(model: GraphModel, entity: EntityModel, reference?: EntityReference): Parts {
  const parts = [fence(`entity ${quote(entity.slug)}`), titleLine(entity.name?.value, entity.description?.value)];
  if (reference && (reference.via === 'name' || reference.via === 'table')) {
    const what = reference.via === 'name' ? 'its `name`' : 'its table name';
    parts.push(warning(`Named here by ${what} ${code(reference.text)}, not its slug: write ${code(entity.slug)}.`));
  }
  if (entity.label && !SLUG_PATTERN.test(entity.slug)) parts.push(warning(`Not a valid slug. ${BLOCKS.entity.labelDoc ?? ''}`));
  const same = model.entitiesBySlug.get(entity.slug)?.length ?? 0;
  if (same > 1) parts.push(warning(`${same} entities have the slug ${code(entity.slug)}; references resolve to the first.`));
  const enrichment = entity.enrichmentEnabled ? 'enabled' : 'off';
  parts.push(
    [
      `- \`table_ref\`: ${entity.tableRef ? code(entity.tableRef.value) : MISSING}`,
      `- \`primary_key\`: ${entity.primaryKey ? code(entity.primaryKey.value) : MISSING}`,
      `- enrichment: ${enrichment}`,
    ].join('\n'),
  );
  const users = entity.relatedBy;
  if (users.length === 0) {
    parts.push(entity.enrichmentEnabled ? 'Not used by any relationship (enrichment only).' : 'Not used by any relationship, and enrichment is off: unused.');
  } else {
    parts.push(
      `Used by ${count(users.length, 'relationship')}:\n` +
        list(users, (r) => `- ${code(relationshipPath(r))}${r.name?.value ? ` (${escape(r.name.value)})` : ''}`),
    );
  }
  return parts;
}

function unresolvedHover(model: GraphModel, reference: EntityReference): Parts {
  const suggestion = reference.text === '' ? undefined : nearest(reference.text, model.entitiesBySlug.keys());
  return [
    reference.text === '' ? 'No entity named yet.' : `No entity has the slug ${code(reference.text)}${suggestion ? `; did you mean ${code(suggestion)}?` : '.'}`,
    attributeSpec(reference.kind === 'related_entity' || reference.kind === 'join_on' ? 'relationship' : 'junction_table', reference.kind)?.doc,
  ];
}

// --- relationships -----------------------------------------------------------------------------

function relationshipHover(model: GraphModel, relationship: RelationshipModel): Parts {
  const depth = depthOf(relationship);
  const parts = [
    fence(`relationship ${quote(relationship.slug)}`),
    titleLine(relationship.name?.value, relationship.description?.value),
    `${code(relationshipPath(relationship))} · depth ${depth} of ${MAX_DEPTH}${depth > MAX_DEPTH ? ' (too deep)' : ''}`,
  ];
  if (relationship.label && !SLUG_PATTERN.test(relationship.slug)) {
    parts.push(warning(`Not a valid slug. ${BLOCKS.relationship.labelDoc ?? ''}`));
  }
  const related = relationship.relatedEntity;
  const entity = relationship.entity;
  if (!related) parts.push(warning('No `related_entity` yet.'));
  else if (!entity) parts.push(`Leads to ${code(related.value)}, which is not a defined entity.`);
  else parts.push(`Leads to entity ${code(entity.slug)}${entity.name?.value ? ` (${escape(entity.name.value)})` : ''}.`);

  const joins = joinReferences(model, relationship);
  const kinds: string[] = [];
  for (const link of relationship.links) {
    const identifier = link.identifier ? code(link.identifier.value) : '`?`';
    const joinKey = link.joinKey ? code(link.joinKey.value) : '`?`';
    kinds.push(
      link.kind === 'external_id'
        ? `**Profile link** by external id: each profile's ${identifier} identifier matches ${child(relationship)} rows whose ${joinKey} equals it.`
        : `**Profile link** by trait: each profile's trait ${identifier} matches ${child(relationship)} rows whose ${joinKey} equals it.`,
    );
  }
  if (relationship.joinOn) kinds.push(joinOnWords(relationship, relationship.joinOn, joins));
  for (const junction of relationship.junctions) {
    const table = junction.tableRef ? code(junction.tableRef.value) : '`?`';
    const left = junction.leftJoinOn?.expression;
    const right = junction.rightJoinOn?.expression;
    const leftPrefix = shownPrefix(joins, 'left_join_on', 'left') ?? parent(relationship);
    const rightPrefix = shownPrefix(joins, 'right_join_on', 'right') ?? child(relationship);
    kinds.push(
      `**many:many** through junction table ${table}: each ${leftPrefix} row (${operandColumn(left?.left)}) matches junction rows ` +
        `whose ${operandColumn(left?.right)} equals it, and each junction row's ${operandColumn(right?.left)} matches ${rightPrefix} rows ` +
        `whose ${operandColumn(right?.right)} equals it.`,
    );
  }
  if (kinds.length) parts.push(...kinds);
  else if (relationship.level === 1) parts.push(warning('No `external_id` or `trait` yet: how the profile links to the entity is missing.'));
  else parts.push(warning('No `join_on` or `junction_table` yet: how it joins its parent is missing.'));

  if (relationship.children.length) {
    parts.push(`Nested: ${listInline(relationship.children, (r) => code(slugShown(r)))}`);
  }
  return parts;
}

/** This relationship's join references (linear in the references; fine per request). */
function joinReferences(model: GraphModel, relationship: RelationshipModel): EntityReference[] {
  return model.references.filter((r) => r.relationship === relationship && r.kind !== 'related_entity');
}

function shownPrefix(joins: EntityReference[], kind: EntityReference['kind'], side: 'left' | 'right'): string | undefined {
  const reference = joins.find((r) => r.kind === kind && r.side === side);
  return reference && code(reference.target?.slug ?? reference.text);
}

function joinOnWords(relationship: RelationshipModel, join: JoinAttr, joins: EntityReference[]): string {
  const expression = join.expression;
  if (!expression.ok) return `**1:many** via \`join_on\`, which cannot be read yet: ${expression.reason}.`;
  const left = shownPrefix(joins, 'join_on', 'left') ?? parent(relationship);
  const right = shownPrefix(joins, 'join_on', 'right') ?? child(relationship);
  let words =
    `**1:many** via \`join_on\`: each ${left} row (${operandColumn(expression.left)}) matches ${right} rows ` +
    `whose ${operandColumn(expression.right)} equals it.`;
  const leftTarget = joins.find((r) => r.kind === 'join_on' && r.side === 'left')?.target;
  const rightTarget = joins.find((r) => r.kind === 'join_on' && r.side === 'right')?.target;
  const parentEntity = relationship.parent?.entity;
  if (parentEntity && relationship.entity && parentEntity !== relationship.entity && leftTarget === relationship.entity && rightTarget === parentEntity) {
    words += `\n\n${warning(`The sides are reversed: the parent (${code(parentEntity.slug)}) comes first.`)}`;
  }
  return words;
}

const parent = (relationship: RelationshipModel): string =>
  code(relationship.parent?.entity?.slug ?? relationship.parent?.relatedEntity?.value ?? '?');
const child = (relationship: RelationshipModel): string =>
  code(relationship.entity?.slug ?? relationship.relatedEntity?.value ?? '?');
const operandColumn = (operand: { column: { text: string } } | undefined): string =>
  operand?.column.text ? code(operand.column.text) : '`?`';

// --- columns -----------------------------------------------------------------------------------

function columnHover(model: GraphModel, column: ColumnReference, offset: number, catalog: Catalog | undefined): Parts {
  let owner: string;
  if (column.entity) {
    const table = column.entity.tableRef ? ` (table ${code(column.entity.tableRef.value)})` : '';
    owner = `of entity ${code(column.entity.slug)}${table}`;
  } else if (column.junction) {
    owner = `of the junction table${column.junction.tableRef ? ` ${code(column.junction.tableRef.value)}` : ''}`;
  } else owner = 'of an entity that is not defined';
  const parts = [`**column** ${code(column.column)} ${owner}`];
  const tableRef = (column.junction ?? column.entity)?.tableRef?.value;
  if (catalog && tableRef) {
    const facts = columnFacts(catalog, tableRef, column.column);
    if (facts) parts.push(facts);
  }
  // The value of a column key (`primary_key`, `join_key`): add what the key means.
  const path = blockPath(model.syntax.items, offset);
  const block = path[path.length - 1];
  const kind = block && kindOf(block);
  if (block && kind) {
    const attribute = block.items.find(
      (item): item is AttributeSyntax => item.kind === 'attribute' && !!item.value && touches(item.value.span, offset),
    );
    const spec = attribute && attributeSpec(kind, attribute.key.text);
    if (spec?.isColumn) parts.push(keySummary(spec, kind), spec.doc);
  }
  return parts;
}

// --- blocks, keys and values -------------------------------------------------------------------

function kindOf(block: BlockSyntax): BlockKind | undefined {
  return blockKindOf(block.type.text) ?? LEGACY_BLOCK_NAMES[block.type.text];
}

function blockHover(block: BlockSyntax, parentBlock: BlockSyntax | undefined): Parts {
  const type = block.type.text;
  const parts: Parts = [];
  if (block.colon) {
    const header = `${type}${block.labels.map((l) => ` ${quote(l.value)}`).join('')} {`;
    parts.push(...legacyParts(LEGACY_SYNTAX.blockColon, `Write ${code(header)}.`));
  }
  parts.push(...blockDoc(type, parentBlock));
  return parts;
}

/** The documentation of block keyword `type` written inside `parentBlock` (undefined: the file root). */
function blockDoc(type: string, parentBlock: BlockSyntax | undefined): Parts {
  const parentKind = parentBlock && kindOf(parentBlock);
  const allowed: BlockKind[] = parentBlock ? (parentKind ? BLOCKS[parentKind].blocks : []) : ['data_graph'];
  const kind = blockKindOf(type) ?? LEGACY_BLOCK_NAMES[type];
  if (!kind) {
    const suggestion = nearest(type, allowed);
    const where = parentBlock ? `in ${code(parentBlock.type.text)}` : 'at the top of the file';
    return [
      `Unknown block type ${code(type)} ${where}${suggestion ? `; did you mean ${code(suggestion)}?` : '.'}`,
      allowed.length ? `Blocks allowed here: ${allowed.map(code).join(', ')}.` : undefined,
    ];
  }
  const spec = BLOCKS[kind];
  const parts: Parts = [];
  if (!blockKindOf(type)) {
    parts.push(warning(`**Legacy form:** ${code(type)}`), `${code(type)} is an older spelling of ${code(kind)}: write ${code(kind)}.`);
  }
  parts.push(fence(spec.labels ? `${kind} "<slug>" { … }` : `${kind} { … }`), spec.doc);
  if (!allowed.includes(kind) && (parentKind || !parentBlock)) {
    const homes = (Object.keys(BLOCKS) as BlockKind[]).filter((k) => BLOCKS[k].blocks.includes(kind));
    const home = kind === 'data_graph' ? 'at the top of the file' : homes.length ? `inside ${homes.map(code).join(' or ')}` : 'elsewhere';
    parts.push(warning(`Not allowed ${parentBlock ? `inside ${code(parentBlock.type.text)}` : 'at the top of the file'}: it belongs ${home}.`));
  }
  if (spec.labelDoc) parts.push(`**Label:** ${spec.labelDoc}`);
  if (spec.attributes.length) {
    parts.push(`**Attributes:**\n${spec.attributes.map((a) => `- ${code(a.name)}: ${a.type}, ${a.required ? 'required' : 'optional'}`).join('\n')}`);
  }
  if (spec.blocks.length) parts.push(`**Blocks:** ${spec.blocks.map(code).join(', ')}`);
  return parts;
}

function keySummary(spec: AttributeSpec, kind: BlockKind): string {
  return `**${code(spec.name)}** in ${code(kind)}: ${spec.type}, ${spec.required ? 'required' : 'optional'}`;
}

/** A block keyword written without its body (`entity "b"`, a half-typed `external_id`): the block's documentation. */
function bodylessBlockHover(attribute: AttributeSyntax, block: BlockSyntax | undefined, span: Span): Hover | undefined {
  const key = attribute.key.text;
  if (attribute.hasEquals || !(blockKindOf(key) || LEGACY_BLOCK_NAMES[key])) return undefined;
  const labels = attribute.value?.kind === 'string' ? ` ${quote(attribute.value.value)}` : '';
  return { span, markdown: join([...blockDoc(key, block), `This block has no body yet: write ${code(`${key}${labels} { … }`)}.`]) };
}

function keyHover(attribute: AttributeSyntax, path: BlockSyntax[], span: Span): Hover | undefined {
  const block = path[path.length - 1];
  const key = attribute.key.text;
  const bodyless = bodylessBlockHover(attribute, block, span);
  if (bodyless) return bodyless;
  const kind = block && kindOf(block);
  if (!kind) return undefined;
  const markdown = keyDoc(kind, key);
  return markdown ? { span, markdown } : undefined;
}

function keyDoc(kind: BlockKind, key: string): string | undefined {
  const spec = attributeSpec(kind, key);
  if (spec) {
    const values = knownValuesOf(kind, key);
    return join([keySummary(spec, kind), spec.doc, values && `Known values:\n${valueList(values)}`]);
  }
  const legacy = legacyAttribute(kind, key);
  if (legacy) return join(legacyParts(legacy, `Write ${code(legacy.replacement)} instead.`));
  if (!key) return undefined;
  const names = BLOCKS[kind].attributes.map((a) => a.name);
  const blocks = BLOCKS[kind].blocks;
  const suggestion = nearest(key, [...names, ...blocks]);
  const meant = suggestion && (names.includes(suggestion) ? code(suggestion) : `the block ${code(`${suggestion} { … }`)}`);
  return join([
    `Unknown attribute ${code(key)} in ${code(kind)}${meant ? `; did you mean ${meant}?` : '.'}`,
    names.length ? `Attributes of ${code(kind)}: ${names.map(code).join(', ')}.` : `${code(kind)} takes no attributes.`,
  ]);
}

function valueHover(attribute: AttributeSyntax, path: BlockSyntax[], span: Span, options: HoverOptions): Hover | undefined {
  const value = attribute.value;
  const block = path[path.length - 1];
  const kind = block && kindOf(block);
  const key = attribute.key.text;
  const bodyless = bodylessBlockHover(attribute, block, span);
  if (bodyless) return bodyless;
  if (value?.kind === 'placeholder') {
    return { span, markdown: join(legacyParts(LEGACY_SYNTAX.placeholder, `Write the value of ${code(key)}.`)) };
  }
  const legacy = kind && legacyAttribute(kind, key);
  if (legacy) return { span, markdown: join(legacyParts(legacy, `Write ${code(legacy.replacement)} instead.`)) };
  const known = kind && knownValuesOf(kind, key);
  if (value?.kind === 'unquoted') {
    const match = known?.find((v) => v.value === value.text);
    return {
      span,
      markdown: join([
        ...legacyParts(LEGACY_SYNTAX.unquotedValue, `Write ${code(`${key} = ${quote(value.text)}`)}.`),
        match && knownValueDoc(match, known!),
      ]),
    };
  }
  if (kind && known && value?.kind === 'string') {
    const markdown = knownValueHover(kind, key, value.value, known, options);
    const seen = kind === 'external_id' && key === 'type' ? warehouseValue(options.catalog, profileFolderOf(path), 'external_id', value.value) : undefined;
    if (markdown) return { span, markdown: join([markdown, seen?.documentation]) };
  }
  if (kind === 'trait' && key === 'name' && value?.kind === 'string' && value.value.trim()) {
    const seen = warehouseValue(options.catalog, profileFolderOf(path), 'trait', value.value);
    if (seen) return { span, markdown: join([`${code(value.value)}: a trait profiles have.`, seen.documentation, keyDoc(kind, key)]) };
  }
  if (kind && options.catalog && value?.kind === 'string' && value.value.trim()) {
    const card =
      key === 'table_ref' && (kind === 'entity' || kind === 'junction_table')
        ? (tableCard(options.catalog, value.value) ?? `Not in the warehouse catalog (${options.catalog.origin}).`)
        : key === 'profile_folder' && kind === 'profile'
          ? (schemaCard(options.catalog, value.value) ?? `Not in the warehouse catalog (${options.catalog.origin}).`)
          : undefined;
    if (card) return { span, markdown: join([card, keyDoc(kind, key)]) };
  }
  if (!kind) return undefined;
  const markdown = keyDoc(kind, key);
  return markdown ? { span, markdown } : undefined;
}

function knownValueHover(kind: BlockKind, key: string, text: string, known: KnownValue[], options: HoverOptions): string | undefined {
  if (text === '') return undefined;
  const match = known.find((v) => v.value === text);
  if (match) return join([`${code(text)}: ${knownValueDoc(match, known)}`]);
  const legacy = LEGACY_VALUES[kind]?.[key]?.find((l) => l.written === text);
  if (legacy) {
    const replacement = known.find((v) => v.value === legacy.replacement);
    return join([...legacyParts(legacy, `Write ${code(quote(legacy.replacement))}.`), replacement && `${code(replacement.value)}: ${replacement.doc}`]);
  }
  if (kind === 'external_id' && key === 'type') {
    if (options.identityTypes?.includes(text)) return `${code(text)}: a custom identity type of your space (from the \`identityTypes\` setting).`;
    return join([`${code(text)} is not a standard identity type: fine if your space defines it.`, `Standard ones:\n${valueList(known)}`]);
  }
  const suggestion = nearest(text, known.filter((v) => !v.deprecated).map((v) => v.value));
  return join([
    `${code(text)} is not a known value of ${code(key)}${suggestion ? `; did you mean ${code(suggestion)}?` : '.'}`,
    `Known values:\n${valueList(known)}`,
  ]);
}

function knownValueDoc(value: KnownValue, known: KnownValue[]): string {
  if (!value.deprecated) return value.doc;
  const current = known.find((v) => !v.deprecated);
  return `${value.doc} ${warning(`Deprecated${current ? `: write ${code(quote(current.value))}` : ''}.`)}`;
}

function valueList(values: KnownValue[]): string {
  return values.map((v) => `- ${code(v.value)}: ${v.doc}${v.deprecated ? ' _(deprecated)_' : ''}`).join('\n');
}

function legacyAttribute(kind: BlockKind, key: string): LegacyForm | undefined {
  const forms = LEGACY_ATTRIBUTES[kind];
  return forms && Object.hasOwn(forms, key) ? forms[key] : undefined;
}

function legacyParts(form: LegacyForm, instead: string): Parts {
  return [warning(`**Legacy form:** ${code(form.written)}`), `${form.doc} ${instead}`];
}

function placeholderAt(model: GraphModel, offset: number): Span | undefined {
  const path = blockPath(model.syntax.items, offset);
  const items = path.length ? path[path.length - 1]!.items : model.syntax.items;
  for (const item of items) if (item.kind === 'placeholder' && touches(item.span, offset)) return item.span;
  return undefined;
}

// --- Markdown ----------------------------------------------------------------------------------

const MISSING = '_missing_';

const join = (parts: Parts): string => parts.filter((p): p is string => !!p).join('\n\n');

const fence = (code: string): string => `\`\`\`dg\n${code}\n\`\`\``;

const quote = (text: string): string => JSON.stringify(text);

const warning = (text: string): string => `⚠ ${text}`;

/** Inline code that survives backticks in the text. */
function code(text: string): string {
  if (text === '') return '`""`';
  if (!text.includes('`')) return `\`${text}\``;
  const longest = Math.max(...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fenceText = '`'.repeat(longest + 1);
  return `${fenceText} ${text} ${fenceText}`;
}

/** User text as Markdown text (no formatting). */
const escape = (text: string): string => text.replace(/[\\`*_{}[\]<>()#+!|~]/g, '\\$&');

function titleLine(name: string | undefined, description: string | undefined): string | undefined {
  if (!name && !description) return undefined;
  if (!description) return `**${escape(name!)}**`;
  return name ? `**${escape(name)}** — ${escape(description)}` : escape(description);
}

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function list<T>(items: T[], line: (item: T) => string): string {
  const shown = items.slice(0, LIST_LIMIT).map(line);
  if (items.length > LIST_LIMIT) shown.push(`- … and ${items.length - LIST_LIMIT} more`);
  return shown.join('\n');
}

function listInline<T>(items: T[], item: (value: T) => string): string {
  const shown = items.slice(0, LIST_LIMIT).map(item);
  return shown.join(', ') + (items.length > LIST_LIMIT ? `, … and ${items.length - LIST_LIMIT} more` : '');
}
