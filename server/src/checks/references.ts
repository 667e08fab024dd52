import type {
  EntityModel,
  EntityReference,
  GraphModel,
  JoinAttr,
  RelationshipModel,
  StringAttr,
} from '../model/graph';
import type { JoinOperand, JoinPart } from '../model/joinExpression';
import type { Span } from '../syntax/ast';
import { sourceOffsetOf } from '../syntax/convert';
import type { CheckContext } from './context';
import { replaceFix, type Fix } from './diagnostic';
import { didYouMean, nearest } from './suggest';

/**
 * DG3xx: `related_entity` values and join strings name entities that exist, in the right places.
 *
 * Decisions:
 * - A join string is checked for its form first (DG301 for `join_on`, DG306 for the junction joins);
 *   its prefixes are only resolved (DG300, DG302–DG305) when the form is right, so a malformed string
 *   gets one diagnostic.
 * - A junction join whose entity side names the wrong entity gets DG302 (`left_join_on`, must name the
 *   parent's entity) or DG303 (`right_join_on`, must name this relationship's entity), not DG306: the
 *   string has the right form, it names the wrong entity, exactly what DG302/DG303 describe for
 *   `join_on`, with the same fix. DG306 is kept for the form (missing prefix, sides reversed, …).
 * - A legacy prefix (entity name or table name, DG305) that resolves to the wrong entity gets only
 *   DG302/DG303, whose fix writes the right slug; DG305 would offer the slug of the wrong entity.
 * - DG304 (reversed `join_on`) replaces DG302+DG303; DG305 is still reported for legacy prefixes.
 * - Join columns never get DG308: an operand with whitespace is a DG301/DG306 form error, the column
 *   of a prefixed operand is what follows the last dot, and a dotted junction column is DG307.
 * - Blank strings are left to DG113 (empty required value).
 * - Joins of a level-1 relationship are not checked (DG108 reports them; there is no parent entity).
 */
export function checkReferences(context: CheckContext): void {
  const { model } = context;
  const resolver = new Resolver(model);
  for (const reference of model.references) {
    if (reference.kind === 'related_entity' && !reference.target && reference.text.trim() !== '') {
      unknownRelatedEntity(context, resolver, reference);
    }
  }
  for (const relationship of model.relationships) {
    if (!relationship.parent) continue;
    if (present(relationship.joinOn)) checkJoinOn(context, resolver, relationship, relationship.joinOn);
    for (const junction of relationship.junctions) {
      if (present(junction.leftJoinOn)) checkJunctionJoin(context, resolver, relationship, junction.leftJoinOn, 'left');
      if (present(junction.rightJoinOn)) checkJunctionJoin(context, resolver, relationship, junction.rightJoinOn, 'right');
    }
  }
  checkColumnNames(context);
}

/** Blank strings are DG113's (empty required value). */
const present = <T extends StringAttr>(attr: T | undefined): attr is T => !!attr && attr.value.trim() !== '';

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Finds entities by slug, and (legacy) by display name or table name; indexes the model's references. */
class Resolver {
  readonly slugs: string[];
  private legacy?: { byName: Map<string, EntityModel[]>; byTable: Map<string, EntityModel[]> };
  private readonly references = new Map<RelationshipModel, EntityReference[]>();

  constructor(private readonly model: GraphModel) {
    this.slugs = [...model.entitiesBySlug.keys()].filter((slug) => slug !== '');
    for (const reference of model.references) push(this.references, reference.relationship, reference);
  }

  /** Name and table indexes, built on first use: only unresolved text needs them. */
  private legacyIndex() {
    if (this.legacy) return this.legacy;
    const byName = new Map<string, EntityModel[]>();
    const byTable = new Map<string, EntityModel[]>();
    for (const entity of this.model.entities) {
      if (entity.name) push(byName, entity.name.value.toLowerCase(), entity);
      const ref = entity.tableRef;
      if (!ref) continue;
      push(byTable, ref.value.toLowerCase(), entity);
      const table = ref.parts[ref.parts.length - 1]!.toLowerCase();
      if (ref.parts.length > 1 && table !== ref.value.toLowerCase()) push(byTable, table, entity);
    }
    this.legacy = { byName, byTable };
    return this.legacy;
  }

  bySlug(text: string): EntityModel | undefined {
    return this.model.entitiesBySlug.get(text)?.[0];
  }

  /** The one entity whose `name`, `table_ref` or table part is `text` (case-insensitive). */
  byLegacy(text: string): { entity: EntityModel; via: 'name' | 'table' } | undefined {
    const key = text.toLowerCase();
    const { byName, byTable } = this.legacyIndex();
    const named = byName.get(key);
    if (named?.length === 1) return { entity: named[0]!, via: 'name' };
    const tabled = byTable.get(key);
    if (tabled?.length === 1) return { entity: tabled[0]!, via: 'table' };
    return undefined;
  }

  resolve(text: string): EntityModel | undefined {
    return this.bySlug(text) ?? this.byLegacy(text)?.entity;
  }

  /** The reference the model recorded for the prefix of join string `attr` on `side`. */
  referenceIn(relationship: RelationshipModel, kind: EntityReference['kind'], attr: StringAttr, side: 'left' | 'right') {
    return this.references
      .get(relationship)
      ?.find((r) => r.kind === kind && r.side === side && r.span.start >= attr.span.start && r.span.end <= attr.span.end);
  }
}

function unknownRelatedEntity(context: CheckContext, resolver: Resolver, reference: EntityReference): void {
  const lower = reference.text.toLowerCase();
  const caseOnly = resolver.slugs.find((slug) => slug.toLowerCase() === lower);
  const legacy = caseOnly ? undefined : resolver.byLegacy(reference.text);
  if (legacy?.entity.slug) {
    const what = legacy.via === 'name' ? 'the name' : 'the table';
    context.report(
      'DG300',
      reference.span,
      `unknown entity "${reference.text}"; did you mean "${legacy.entity.slug}"? (${what} of entity "${legacy.entity.slug}": related_entity takes the entity slug)`,
      { fixes: [replaceFix(`Use the slug "${legacy.entity.slug}"`, reference.span, legacy.entity.slug)] },
    );
    return;
  }
  const suggestion = caseOnly ?? nearest(reference.text, resolver.slugs);
  context.report('DG300', reference.span, `unknown entity "${reference.text}"${didYouMean(suggestion)}`, {
    fixes: suggestion ? [replaceFix(`Change to "${suggestion}"`, reference.span, suggestion)] : [],
  });
}

/** Slug text for messages: the entity's slug, or a placeholder when it is unknown. */
const slugOr = (entity: EntityModel | undefined, placeholder: string) => entity?.slug || placeholder;

const sourceSpan = (attr: StringAttr, part: { start: number; end: number }): Span => ({
  start: sourceOffsetOf(attr.string, part.start),
  end: sourceOffsetOf(attr.string, part.end),
});

/** The source text of a part of a join string (escapes as written). */
const sourceText = (context: CheckContext, attr: StringAttr, part: JoinPart) => {
  const span = sourceSpan(attr, part);
  return context.text.slice(span.start, span.end);
};

/** Why a join string does not split into two operands around one `=`, or `undefined` if it does. */
function formProblem(attr: JoinAttr): string | undefined {
  const { value, expression } = attr;
  if (/==/.test(value)) return 'uses "==" (write a single "=")';
  if (/[<>!]/.test(value)) return 'uses a comparison other than "=" (only one equality is allowed)';
  if (expression.ok) return undefined;
  const { reason } = expression;
  if (reason === 'no `=`') return 'has no "="';
  if (reason === 'more than one equality') return 'has more than one "=" (one equality only)';
  if (reason === 'nothing left of `=`') return 'has nothing left of "="';
  if (reason === 'nothing right of `=`') return 'has nothing right of "="';
  const spaced = [expression.left, expression.right].find((o) => o && /\s/.test(o.whole.text));
  if (spaced) return `has whitespace inside the operand "${spaced.whole.text}"`;
  return reason;
}

/** What is wrong with an operand that must be `<entity>.<column>`, if anything. */
function qualifiedProblem(operand: JoinOperand): string | undefined {
  if (!operand.prefix) return `operand "${operand.whole.text}" has no entity prefix`;
  if (operand.prefix.text === '') return `operand "${operand.whole.text}" has an empty entity prefix`;
  if (operand.column.text === '') return `operand "${operand.whole.text}" has no column after the dot`;
  return undefined;
}

function swapFix(context: CheckContext, attr: JoinAttr, left: JoinOperand, right: JoinOperand): Fix {
  return {
    title: 'Swap the two sides',
    edits: [
      { span: sourceSpan(attr, left.whole), newText: sourceText(context, attr, right.whole) },
      { span: sourceSpan(attr, right.whole), newText: sourceText(context, attr, left.whole) },
    ],
    preferred: true,
  };
}

function checkJoinOn(context: CheckContext, resolver: Resolver, relationship: RelationshipModel, attr: JoinAttr): void {
  const parent = relationship.parent?.entity;
  const child = relationship.entity;
  const expected = `"${slugOr(parent, '<parent-slug>')}.<column> = ${slugOr(child, '<child-slug>')}.<column>"`;
  const expression = attr.expression;
  const problem = formProblem(attr);
  if (problem || !expression.ok) {
    context.report('DG301', attr.span, `join_on ${problem}: expected ${expected}`);
    return;
  }
  const { left, right } = expression;
  for (const [operand, entity] of [
    [left, parent],
    [right, child],
  ] as const) {
    const operandProblem = qualifiedProblem(operand);
    if (operandProblem) {
      const fixes: Fix[] =
        !operand.prefix && entity?.slug
          ? [replaceFix(`Qualify with "${entity.slug}."`, sourceSpan(attr, { start: operand.whole.start, end: operand.whole.start }), `${entity.slug}.`)]
          : [];
      context.report('DG301', attr.span, `join_on ${operandProblem}: expected ${expected}`, { fixes });
      return;
    }
  }

  const leftRef = resolver.referenceIn(relationship, 'join_on', attr, 'left');
  const rightRef = resolver.referenceIn(relationship, 'join_on', attr, 'right');
  if (!leftRef || !rightRef) return;
  if (
    leftRef.target &&
    rightRef.target &&
    parent &&
    child &&
    parent !== child &&
    leftRef.target === child &&
    rightRef.target === parent
  ) {
    const swapped = `${right.whole.text} = ${left.whole.text}`;
    context.report(
      'DG304',
      attr.span,
      `join_on sides reversed: the left side names the child entity "${child.slug}" and the right side the parent "${parent.slug}"; write "${swapped}" (parent first)`,
      { fixes: [swapFix(context, attr, left, right)] },
    );
    for (const ref of [leftRef, rightRef]) if (ref.via === 'name' || ref.via === 'table') legacyPrefix(context, ref);
    return;
  }
  checkPrefix(context, resolver, leftRef, 'join_on');
  checkPrefix(context, resolver, rightRef, 'join_on');
}

/**
 * `left_join_on = "<parent-slug>.<col> = <junction col>"`, `right_join_on = "<junction col> = <child-slug>.<col>"`.
 */
function checkJunctionJoin(
  context: CheckContext,
  resolver: Resolver,
  relationship: RelationshipModel,
  attr: JoinAttr,
  which: 'left' | 'right',
): void {
  const key = which === 'left' ? 'left_join_on' : 'right_join_on';
  const entity = which === 'left' ? relationship.parent?.entity : relationship.entity;
  const entityText = `${slugOr(entity, which === 'left' ? '<parent-slug>' : '<child-slug>')}.<column>`;
  const expected = which === 'left' ? `"${entityText} = <junction column>"` : `"<junction column> = ${entityText}"`;
  const expression = attr.expression;
  const problem = formProblem(attr);
  if (problem || !expression.ok) {
    context.report('DG306', attr.span, `${key} ${problem}: expected ${expected}`);
    return;
  }
  const entitySide = which === 'left' ? expression.left : expression.right;
  const junctionSide = which === 'left' ? expression.right : expression.left;

  // Written the other way round: the junction column on the entity's side.
  const reversed =
    (!entitySide.prefix && !!junctionSide.prefix) ||
    (!!entitySide.prefix &&
      !!junctionSide.prefix &&
      !!entity &&
      !resolver.resolve(entitySide.prefix.text) &&
      resolver.resolve(junctionSide.prefix.text) === entity);
  if (reversed) {
    context.report('DG306', attr.span, `${key} sides reversed: expected ${expected}`, {
      fixes: [swapFix(context, attr, expression.left, expression.right)],
    });
    return;
  }
  const operandProblem = qualifiedProblem(entitySide);
  if (operandProblem) {
    const fixes: Fix[] =
      !entitySide.prefix && entity?.slug
        ? [replaceFix(`Qualify with "${entity.slug}."`, sourceSpan(attr, { start: entitySide.whole.start, end: entitySide.whole.start }), `${entity.slug}.`)]
        : [];
    context.report('DG306', attr.span, `${key} ${operandProblem}: expected ${expected}`, { fixes });
    return;
  }
  if (junctionSide.prefix) {
    const qualifier = sourceSpan(attr, { start: junctionSide.whole.start, end: junctionSide.column.start });
    context.report(
      'DG307',
      qualifier,
      `junction column "${junctionSide.whole.text}" is qualified: the junction table's schema and table are implied; write "${junctionSide.column.text}"`,
      { fixes: [replaceFix(`Drop the qualifier: "${junctionSide.column.text}"`, qualifier, '')] },
    );
  }
  const ref = resolver.referenceIn(relationship, key, attr, which);
  if (ref) checkPrefix(context, resolver, ref, key);
}

/** DG300, DG302/DG303 or DG305 for one well-placed prefix of a join string. */
function checkPrefix(context: CheckContext, resolver: Resolver, ref: EntityReference, key: string): void {
  const where = key === 'join_on' ? `${ref.side} prefix of join_on` : `entity prefix of ${key}`;
  const expected = ref.expected;
  if (!ref.target) {
    const near = nearest(ref.text, resolver.slugs);
    const suggestion = expected?.slug || near;
    let message = `unknown entity "${ref.text}" (${where})`;
    if (suggestion && (suggestion === near || !expected)) message += didYouMean(suggestion);
    else if (expected) message += `; ${ref.side === 'left' ? "the parent's entity" : "this relationship's entity"} is "${expected.slug}"`;
    context.report('DG300', ref.span, message, {
      fixes: suggestion ? [replaceFix(`Change to "${suggestion}"`, ref.span, suggestion)] : [],
    });
    return;
  }
  if (expected && ref.target !== expected && expected.slug) {
    const named = ref.via === 'slug' ? `entity "${ref.text}"` : `"${ref.text}" (entity "${ref.target.slug}")`;
    const fixes = [replaceFix(`Change to "${expected.slug}"`, ref.span, expected.slug)];
    if (ref.side === 'left') {
      const parent = ref.relationship.parent;
      context.report(
        'DG302',
        ref.span,
        `${where} names ${named}, not the parent's entity "${expected.slug}"${parent?.slug ? ` (related by relationship "${parent.slug}")` : ''}; write "${expected.slug}"`,
        { fixes },
      );
    } else {
      context.report(
        'DG303',
        ref.span,
        `${where} names ${named}, not this relationship's entity "${expected.slug}" (its related_entity); write "${expected.slug}"`,
        { fixes },
      );
    }
    return;
  }
  if (ref.via === 'name' || ref.via === 'table') legacyPrefix(context, ref);
}

function legacyPrefix(context: CheckContext, ref: EntityReference): void {
  const target = ref.target;
  if (!target?.slug) return;
  const what = ref.via === 'name' ? 'the name' : 'the table';
  context.report(
    'DG305',
    ref.span,
    `join prefix "${ref.text}" is ${what} of entity "${target.slug}", not its slug (legacy form); write "${target.slug}"`,
    { fixes: [replaceFix(`Use the slug "${target.slug}"`, ref.span, target.slug)], tags: ['deprecated'] },
  );
}

/** DG308 for the key attributes naming a column (join columns: see the decisions above). */
function checkColumnNames(context: CheckContext): void {
  const { model } = context;
  const check = (attr: StringAttr | undefined, key: string) => {
    if (!attr || attr.value.trim() === '') return;
    const value = attr.value;
    if (/\s/.test(value)) {
      const trimmed = value.trim();
      const inner = /\s/.test(trimmed);
      context.report(
        'DG308',
        attr.span,
        inner
          ? `${key} "${value}" contains whitespace: expected one column name`
          : `${key} "${value}" has leading or trailing whitespace: expected the column name "${trimmed}"`,
        { fixes: inner ? [] : [replaceFix(`Trim it: "${trimmed}"`, attr.span, trimmed)] },
      );
    } else if (value.includes('.')) {
      const column = value.slice(value.lastIndexOf('.') + 1);
      context.report(
        'DG308',
        attr.span,
        `${key} "${value}" contains a dot: expected a bare column name of the table${column ? `, such as "${column}"` : ''}`,
        { fixes: column ? [replaceFix(`Keep the column: "${column}"`, attr.span, column, false)] : [] },
      );
    }
  };
  for (const entity of model.entities) check(entity.primaryKey, 'primary_key');
  for (const relationship of model.relationships) {
    for (const link of relationship.links) check(link.joinKey, 'join_key');
    for (const junction of relationship.junctions) check(junction.primaryKey, 'primary_key');
  }
}
