import { attribute, type EntityModel, type ProfileModel, type RelationshipModel } from '../model/graph';
import { BLOCKS, LEGACY_BLOCK_NAMES, MAX_DEPTH, MAX_RELATIONSHIP_LEVEL, blockKindOf, type BlockKind } from '../model/schema';
import type { AttributeSyntax, BlockSyntax, ItemSyntax, Span, SyntaxFile } from '../syntax/ast';
import type { CheckContext } from './context';
import { blockTitle } from './describe';
import type { Fix, TextEdit } from './diagnostic';
import { Layout, garbledBlocks, readNesting, type Nesting } from './nesting';
import { didYouMean, nearest } from './suggest';

/**
 * DG1xx: blocks and attributes sit where the schema allows them, required ones are there, and
 * relationships link and join the way their level demands.
 *
 * Decisions:
 * - At the file root, a block is DG101 (a known block type outside `data_graph`, or an unknown type;
 *   a near miss of `data_graph` such as `datagraph` gets the rename fix and replaces the "no
 *   `data_graph`" DG100). DG100 covers a missing `data_graph`, extra ones, and root attributes. An
 *   item never gets both. Root placeholders are left to DG005.
 * - DG101 blocks are not looked into (no DG101/DG102/DG104 cascade from their contents), except
 *   legacy spellings in the right place (`traits`, `Junction_table`): the model reads them as the
 *   block they mean, so they are checked as that block.
 * - A DG101/DG102 whose fix would add what a later rule misses (`nmae` for `name`, `externalid { }`
 *   for the link) silences that rule (DG104, DG105, DG106, DG111) for the block.
 * - Blocks still open at the end of the file (DG002) are being typed: nothing is reported missing
 *   from them (DG104, DG105, DG106, DG111, DG112). When braces are unbalanced in a way that moves
 *   blocks, or a string is left open (see nesting.ts), nesting is unreliable: the rules that depend
 *   on it (DG100 for root content and extra `data_graph` blocks, DG101 for known blocks in the wrong
 *   place, DG105–DG112) wait until DG001/DG002 are fixed, nothing is reported missing (DG104) from
 *   the blocks that may have lost items, and items that may have been moved get no DG101/DG102.
 *   A block with a syntax error in its body gets no DG104, nor the items on the error's line
 *   DG101/DG102; an attribute without a value (being typed, DG001) gets no DG102.
 * - DG105 is not reported when DG108 already reports a `join_on`/`junction_table` at level 1, nor
 *   DG106 when DG108 reports an `external_id`/`trait` below level 1: one diagnostic per mistake.
 * - DG107 also covers two blocks of the same link kind, DG108 two `junction_table` blocks (both
 *   rules say "exactly one"); the later block is reported, related information points at the first.
 * - DG112 is not reported for an entity that a `related_entity` naming no entity most likely means
 *   (case, name, table or typo): DG300 already reports that reference with the fix.
 * - DG110 is reported once per branch, on the first relationship beyond the limit; its message
 *   counts the relationships nested below it.
 * - `materialization` in `profile` is DG402 (values), so it is not DG102 and `type` is not missing.
 * - A block whose header runs over several lines (an unterminated label swallowed the body) is not
 *   checked at all, nor anything inside it: DG001/DG007 report the header.
 * - DG113 covers every required string attribute and `join_on` (required in its place); the
 *   reference and value rules leave blank strings to it.
 */
export function checkStructure(context: CheckContext): void {
  new StructureChecker(context).run();
}

/** What each required string attribute expects: the end of DG104 and DG113 messages. */
const EXPECTED: Record<string, string> = {
  'entity.name': 'the display label shown in Segment',
  'entity.table_ref': 'the fully qualified table "<database>.<schema>.<table>"',
  'entity.primary_key': 'a column whose values are unique per row',
  'profile.profile_folder': 'the "<database>.<schema>" holding the Profiles Sync tables',
  'profile.type': '"segment:materialized"',
  'relationship.name': 'the display label shown in Segment',
  'relationship.related_entity': 'the slug of the entity this relationship leads to',
  'relationship.join_on': '"<parent-slug>.<column> = <child-slug>.<column>"',
  'external_id.type': 'an identity type such as "user_id" or "email"',
  'external_id.join_key': "the column of the related entity's table holding that identifier",
  'trait.name': 'a profile trait key',
  'trait.join_key': "the column of the related entity's table matching the trait",
  'junction_table.table_ref': 'the fully qualified junction table "<database>.<schema>.<table>"',
  'junction_table.primary_key': 'a unique column of the junction table',
  'junction_table.left_join_on': '"<parent-slug>.<column> = <junction column>"',
  'junction_table.right_join_on': '"<junction column> = <child-slug>.<column>"',
};

/** Placeholder values the DG104 fix inserts (`""` unless only one value makes sense). */
const PLACEHOLDER: Record<string, string> = {
  'profile.type': '"segment:materialized"',
};

/** Where a block type belongs, for DG101 on a known block in the wrong place. */
const PLACEMENT: Record<BlockKind, string> = {
  data_graph: 'there is one data_graph block, at the top of the file',
  entity: 'entities go directly inside data_graph',
  profile: 'the profile goes directly inside data_graph',
  relationship: 'relationships go inside profile (level 1) or inside another relationship',
  external_id: 'external_id goes inside a level-1 relationship (directly under profile)',
  trait: 'trait goes inside a level-1 relationship (directly under profile)',
  junction_table: 'junction_table goes inside a nested relationship (level 2 and below)',
};

class StructureChecker {
  private readonly text: string;
  private readonly syntax: SyntaxFile;
  /** Names a DG101/DG102 fix would add to a block: the rules that miss them stay silent. */
  private readonly suggested = new Map<BlockSyntax, Set<string>>();
  private readonly layout: Layout;
  private readonly reliableNesting: boolean;
  private readonly nesting: Nesting;

  constructor(private readonly context: CheckContext) {
    this.text = context.text;
    this.syntax = context.model.syntax;
    this.layout = new Layout(context.lines);
    this.nesting = readNesting(this.syntax, this.layout);
    this.reliableNesting = this.nesting.reliable;
    this.garbled = garbledBlocks(this.syntax, this.layout);
  }

  /** Blocks whose header swallowed other text, and everything inside them: not checked. */
  private readonly garbled: Set<BlockSyntax>;

  run(): void {
    const { model } = this.context;
    this.checkRoot();
    for (const dataGraph of model.dataGraphs) if (!this.garbled.has(dataGraph)) this.checkBlockTree(dataGraph, 'data_graph');
    this.checkProfiles();
    if (!this.reliableNesting) return;
    for (const relationship of model.relationships) if (!this.garbled.has(relationship.block)) this.checkRelationship(relationship);
    const meant = this.meantEntities();
    for (const entity of model.entities) if (!this.garbled.has(entity.block)) this.checkEntityUse(entity, meant);
  }

  /**
   * Entities a `related_entity` that names no entity most likely means (by case, name, table or
   * typo, as DG300 suggests): DG300 reports that reference, so they are not also DG112 (unused).
   */
  private meantEntities(): Set<EntityModel> {
    const { model } = this.context;
    const meant = new Set<EntityModel>();
    const unresolved = model.references.filter((r) => r.kind === 'related_entity' && !r.target && r.text.trim());
    if (!unresolved.length) return meant;
    const slugs = [...model.entitiesBySlug.keys()].filter((slug) => slug !== '');
    for (const reference of unresolved) {
      const key = reference.text.trim().toLowerCase();
      const matches = model.entities.filter((e) => {
        const table = e.tableRef?.parts[e.tableRef.parts.length - 1];
        return [e.slug, e.name?.value, e.tableRef?.value, table].some((v) => v?.toLowerCase() === key);
      });
      for (const entity of matches) meant.add(entity);
      if (matches.length) continue;
      const slug = nearest(reference.text, slugs);
      const entity = slug === undefined ? undefined : model.entitiesBySlug.get(slug)?.[0];
      if (entity) meant.add(entity);
    }
    return meant;
  }

  // --- file root (DG100, DG101) -------------------------------------------------------------

  private checkRoot(): void {
    const { context } = this;
    const { dataGraphs } = context.model;
    let dataGraphTypo = false;
    // Before an unmatched `}`, root items may have left a block that closed early.
    const lastUnmatched = this.syntax.unmatchedCloses[this.syntax.unmatchedCloses.length - 1];
    for (const item of this.syntax.items) {
      if (item.kind === 'placeholder') continue;
      const placed = this.reliableNesting && !(lastUnmatched && item.span.start < lastUnmatched.start);
      if (item.kind === 'attribute') {
        if (placed && item.key.text && (item.hasEquals || item.value)) {
          context.report('DG100', item.span.start === item.key.span.start ? item.key.span : item.span, `attribute "${item.key.text}" is outside the data_graph block: move it inside data_graph { }`);
        }
        continue;
      }
      const type = item.type.text;
      if (type === 'data_graph') continue;
      const kind = blockKindOf(type) ?? LEGACY_BLOCK_NAMES[type];
      if (kind) {
        if (placed) {
          context.report('DG101', headerSpan(item), `${blockTitle(item)} is outside the data_graph block: ${PLACEMENT[kind]}`);
        }
        continue;
      }
      const suggestion = nearest(type, ['data_graph']);
      if (suggestion) {
        dataGraphTypo = true;
        context.report('DG101', item.type.span, `unknown block type "${type}" at the top of the file${didYouMean(suggestion)}`, {
          fixes: [renameFix(item.type.span, suggestion, true)],
        });
      } else if (placed) {
        context.report('DG101', item.type.span, `unknown block type "${type}" at the top of the file: a .dg file holds one data_graph { } block`);
      }
    }

    if (dataGraphs.length === 0) {
      if (!dataGraphTypo) this.reportNoDataGraph();
      return;
    }
    if (!this.reliableNesting) return;
    const first = dataGraphs[0]!;
    for (const extra of dataGraphs.slice(1)) {
      context.report('DG100', extra.type.span, 'more than one data_graph block: a file holds exactly one; move this one\'s contents into the first', {
        related: [{ span: first.type.span, message: 'the first data_graph block' }],
      });
    }
  }

  private reportNoDataGraph(): void {
    const { context, text } = this;
    const span = { start: 0, end: context.lines.lineEnd(0) };
    const items = this.syntax.items;
    const fixes: Fix[] = [];
    // Wrap the file in `data_graph { }` when what is there looks like its contents.
    const wrappable = items.some(
      (item) => item.kind === 'attribute' || (item.kind === 'block' && ['entity', 'profile'].includes(LEGACY_BLOCK_NAMES[item.type.text] ?? item.type.text)),
    );
    const intact = !this.syntax.problems.length && !this.syntax.unmatchedCloses.length && this.reliableNesting;
    if (wrappable && intact && items.length) {
      const eol = eolOf(text);
      const from = context.lines.lineStart(context.lines.positionAt(items[0]!.span.start).line);
      const to = items[items.length - 1]!.span.end;
      const body = text
        .slice(from, to)
        .split(/\r\n|\r|\n/)
        .map((line) => (line.trim() ? `  ${line}` : line))
        .join(eol);
      fixes.push({ title: 'Wrap the contents in data_graph { }', edits: [{ span: { start: from, end: to }, newText: `data_graph {${eol}${body}${eol}}` }] });
    }
    context.report('DG100', span, 'no data_graph block: a .dg file holds exactly one data_graph { … } block with the entities and the profile', { fixes });
  }

  // --- blocks (DG101, DG102, DG104, DG113) --------------------------------------------------

  /** Checks a block and the blocks inside it (with a work list: nesting may be deep). */
  private checkBlockTree(root: BlockSyntax, rootKind: BlockKind): void {
    const work: [BlockSyntax, BlockKind][] = [[root, rootKind]];
    for (let next = work.pop(); next; next = work.pop()) {
      const [block, kind] = next;
      const displacedFrom = this.nesting.displacedFrom.get(block) ?? Infinity;
      const brokenLines = this.nesting.brokenLines;
      for (const item of block.items) {
        const displaced = item.span.start >= displacedFrom || (brokenLines.size > 0 && brokenLines.has(this.layout.line(item.span.start)));
        if (item.kind === 'attribute') this.checkAttribute(block, kind, item, displaced);
        else if (item.kind === 'block') {
          const childKind = this.checkChildBlock(block, kind, item, displaced);
          if (childKind) work.push([item, childKind]);
        }
      }
      this.checkRequired(block, kind);
    }
  }

  /** DG104, once the block's own items have been seen (their DG101/DG102 suggestions count). */
  private checkRequired(block: BlockSyntax, kind: BlockKind): void {
    const spec = BLOCKS[kind];
    if (!block.close || this.nesting.incomplete.has(block)) return;
    const hasMaterialization = kind === 'profile' && !!attribute(block, 'materialization');
    for (const attr of spec.attributes) {
      if (!attr.required || attribute(block, attr.name) || this.isSuggested(block, attr.name)) continue;
      if (hasMaterialization && attr.name === 'type') continue;
      const id = `${kind}.${attr.name}`;
      const value = PLACEHOLDER[id] ?? '""';
      const edits = this.insertEdits(block, (indent) => [`${indent}${this.alignedKey(block, attr.name)}= ${value}`]);
      this.context.report(
        'DG104',
        headerSpan(block),
        `${blockTitle(block)} is missing required attribute "${attr.name}": ${EXPECTED[id] ?? 'a value'}`,
        { fixes: edits ? [{ title: `Add ${attr.name} = ${value}`, edits }] : [] },
      );
    }
  }

  /**
   * DG101 for a child block; returns the kind to check it as when it is looked into.
   * `displaced`: the block may have been moved here by unbalanced braces.
   */
  private checkChildBlock(parent: BlockSyntax, parentKind: BlockKind, child: BlockSyntax, displaced: boolean): BlockKind | undefined {
    const { context } = this;
    if (this.garbled.has(child)) return undefined;
    const allowed = BLOCKS[parentKind].blocks;
    const type = child.type.text;
    const kind = blockKindOf(type);
    if (kind && allowed.includes(kind)) return kind;
    if (displaced && !LEGACY_BLOCK_NAMES[type]) return undefined;
    const legacy = kind ? undefined : LEGACY_BLOCK_NAMES[type];
    if (legacy && allowed.includes(legacy)) {
      context.report('DG101', child.type.span, `legacy block name "${type}": write "${legacy}"`, {
        fixes: [renameFix(child.type.span, legacy, true)],
      });
      this.suggest(parent, legacy);
      return legacy;
    }
    const known = kind ?? legacy;
    if (known) {
      if (!this.reliableNesting) return undefined;
      const named = legacy ? `block "${type}" (${legacy})` : blockTitle(child);
      context.report('DG101', headerSpan(child), `${named} is not allowed in ${blockTitle(parent)}: ${PLACEMENT[known]}`);
      return undefined;
    }
    const suggestion = nearestName(type, allowed);
    if (suggestion) {
      this.suggest(parent, suggestion);
      context.report('DG101', child.type.span, `unknown block type "${type}" in ${blockTitle(parent)}${didYouMean(suggestion)}`, {
        fixes: [renameFix(child.type.span, suggestion, true)],
      });
    } else {
      const expected = allowed.length ? `expected ${orList(allowed)}` : `${parentKind} takes attributes only`;
      context.report('DG101', child.type.span, `unknown block type "${type}" in ${blockTitle(parent)}: ${expected}`);
    }
    return undefined;
  }

  private checkAttribute(block: BlockSyntax, kind: BlockKind, attr: AttributeSyntax, displaced: boolean): void {
    const { context } = this;
    const key = attr.key.text;
    if (!key) return;
    const spec = BLOCKS[kind];
    const known = spec.attributes.find((a) => a.name === key);
    if (!known && (displaced || !attr.value)) return; // moved here, or a word being typed (DG001)
    if (known) {
      const value = attr.value;
      const checked = (known.required && known.type === 'string') || key === 'join_on';
      if (checked && value?.kind === 'string' && value.terminated && value.value.trim() === '') {
        context.report('DG113', value.span, `${key} of ${blockTitle(block)} is empty: expected ${EXPECTED[`${kind}.${key}`] ?? 'a value'}`);
      }
      return;
    }
    if (kind === 'profile' && key === 'materialization') return; // DG402
    const names = spec.attributes.map((a) => a.name);
    if ((spec.blocks as string[]).includes(key)) {
      this.suggest(block, key);
      context.report('DG102', attr.key.span, `"${key}" is a block, not an attribute: write ${key} { … } inside ${blockTitle(block)}`);
      return;
    }
    const suggestion = nearestName(key, names);
    if (suggestion) {
      this.suggest(block, suggestion);
      context.report('DG102', attr.key.span, `unknown attribute "${key}" in ${blockTitle(block)}${didYouMean(suggestion)}`, {
        fixes: [renameFix(attr.key.span, suggestion, true)],
      });
    } else {
      const expected = names.length ? `expected ${orList(names)}` : `${kind} takes no attributes`;
      context.report('DG102', attr.key.span, `unknown attribute "${key}" in ${blockTitle(block)}: ${expected}`);
    }
  }

  // --- model rules (DG103, DG105–DG112) -----------------------------------------------------

  private checkProfiles(): void {
    const { profiles } = this.context.model;
    const first = profiles[0];
    for (const extra of profiles.slice(1)) {
      this.context.report('DG103', extra.block.type.span, 'more than one profile: a data graph has at most one; merge this one into the first', {
        related: [{ span: first!.block.type.span, message: 'the first profile' }],
      });
    }
    if (this.reliableNesting && first) this.checkProfileUse(first); // an extra profile is DG103 already
  }

  private checkProfileUse(profile: ProfileModel): void {
    if (this.garbled.has(profile.block) || !profile.block.close || profile.relationships.length || this.isSuggested(profile.block, 'relationship')) return;
    this.context.report(
      'DG111',
      profile.block.type.span,
      'profile has no relationships: Linked Audiences can only use entities reached from the profile; add relationship "<slug>" { … }',
    );
  }

  private checkRelationship(relationship: RelationshipModel): void {
    const { context } = this;
    const { block, level } = relationship;
    const title = blockTitle(block);
    const joinOn = attribute(block, 'join_on');
    const junctions = relationship.junctions.map((j) => j.block);
    const links = relationship.links.map((l) => l.block).sort((a, b) => a.span.start - b.span.start);

    if (level > MAX_RELATIONSHIP_LEVEL && relationship.parent && relationship.parent.level <= MAX_RELATIONSHIP_LEVEL) {
      const below = countDescendants(relationship);
      context.report(
        'DG110',
        headerSpan(block),
        `${title} is at level ${level + 1} counting the profile${below ? ` (with ${below} more nested below it)` : ''}: ` +
          `the limit is ${MAX_DEPTH} levels (${MAX_RELATIONSHIP_LEVEL} nested relationships); Segment rejects deeper graphs`,
      );
    }

    if (level === 1) {
      const misplaced: { span: Span; name: string }[] = [
        ...(joinOn ? [{ span: joinOn.key.span, name: 'join_on' }] : []),
        ...junctions.map((j) => ({ span: j.type.span, name: j.type.text })),
      ];
      for (const m of misplaced) {
        context.report(
          'DG108',
          m.span,
          `${m.name} in level-1 ${title}: a relationship of the profile links with external_id { type, join_key } or trait { name, join_key }; joins are for nested relationships`,
        );
      }
      if (!links.length && !misplaced.length && block.close && !this.isSuggested(block, 'external_id', 'trait')) {
        const edits = this.insertEdits(block, (indent, unit) => [
          `${indent}external_id {`,
          `${indent}${unit}type     = ""`,
          `${indent}${unit}join_key = ""`,
          `${indent}}`,
        ]);
        context.report('DG105', headerSpan(block), `level-1 ${title} has no link to the profile: add an external_id { type, join_key } or a trait { name, join_key } block`, {
          fixes: edits ? [{ title: 'Add an external_id block', edits }] : [],
        });
      }
      this.reportExtraLinks(title, links);
      return;
    }

    for (const link of links) {
      context.report(
        'DG108',
        link.type.span,
        `${link.type.text} in nested ${title} (level ${level}): only level-1 relationships link to the profile; join this one with join_on or a junction_table`,
      );
    }
    const joins: { span: Span; name: string; start: number }[] = [
      ...(joinOn ? [{ span: joinOn.key.span, name: 'join_on', start: joinOn.span.start }] : []),
      ...junctions.map((j) => ({ span: j.type.span, name: j.type.text, start: j.span.start })),
    ].sort((a, b) => a.start - b.start);
    const firstJoin = joins[0];
    for (const extra of joins.slice(1)) {
      const message =
        extra.name === firstJoin!.name || (firstJoin!.name !== 'join_on' && extra.name !== 'join_on')
          ? `${title} has more than one junction_table: keep exactly one join`
          : `${title} has both join_on and a junction_table: keep exactly one join`;
      context.report('DG108', extra.span, message, { related: [{ span: firstJoin!.span, message: `the first join: ${firstJoin!.name}` }] });
    }
    if (!joins.length && !links.length && block.close && !this.isSuggested(block, 'join_on', 'junction_table')) {
      const parent = relationship.parent?.relatedEntity?.value || '<parent-slug>';
      const child = relationship.relatedEntity?.value || '<child-slug>';
      // The fix writes the join with both slugs; the two columns are left for the user to name.
      const join = `"${parent}.<column> = ${child}.<column>"`;
      const edits = this.insertEdits(block, (indent) => [`${indent}${this.alignedKey(block, 'join_on')}= ${join}`]);
      context.report('DG106', headerSpan(block), `${title} has no join: add join_on = ${join} or a junction_table block`, {
        fixes: edits ? [{ title: `Add join_on = ${join}`, edits }] : [],
      });
    }
  }

  /** DG107 for the second and later links (`external_id`/`trait`) of a relationship. */
  private reportExtraLinks(title: string, blocks: BlockSyntax[]): void {
    const first = blocks[0];
    if (!first) return;
    for (const extra of blocks.slice(1)) {
      const firstKind = LEGACY_BLOCK_NAMES[first.type.text] ?? first.type.text;
      const extraKind = LEGACY_BLOCK_NAMES[extra.type.text] ?? extra.type.text;
      const message =
        firstKind === extraKind
          ? `${title} has more than one ${extraKind} block: keep exactly one link to the profile`
          : `${title} has both external_id and trait: keep exactly one link to the profile`;
      this.context.report('DG107', extra.type.span, message, {
        related: [{ span: first.type.span, message: `the first link: ${first.type.text}` }],
        fixes: [{ title: `Remove this ${extra.type.text} block`, edits: [deleteItemEdit(this.text, extra)] }],
      });
    }
  }

  private checkEntityUse(entity: EntityModel, meant: Set<EntityModel>): void {
    const { model } = this.context;
    if (!entity.label || !entity.block.close) return;
    if (model.entitiesBySlug.get(entity.slug)?.[0] !== entity) return; // DG203 reports the later ones
    if (entity.relatedBy.length || meant.has(entity)) return;
    const enrichment = attribute(entity.block, 'enrichment_enabled');
    if (enrichment && !(enrichment.value?.kind === 'bool' && !enrichment.value.value)) return;
    this.context.report(
      'DG112',
      headerSpan(entity.block),
      `${blockTitle(entity.block)} is unused: no relationship has related_entity = "${entity.slug}" and enrichment_enabled is not true`,
      { tags: ['unnecessary'] },
    );
  }

  // --- helpers ------------------------------------------------------------------------------

  private suggest(block: BlockSyntax, name: string): void {
    const set = this.suggested.get(block) ?? new Set<string>();
    set.add(name);
    this.suggested.set(block, set);
  }

  private isSuggested(block: BlockSyntax, ...names: string[]): boolean {
    const set = this.suggested.get(block);
    return !!set && names.some((n) => set.has(n));
  }

  /**
   * `key ` padded so that `=` lines up with the block's other attributes when they are aligned
   * (all their `=` in one column, at least one of them padded, and room for this key).
   */
  private alignedKey(block: BlockSyntax, key: string): string {
    const widths = new Set<number>();
    let padded = false;
    for (const item of block.items) {
      if (item.kind !== 'attribute' || !item.hasEquals || !this.layout.startsLine(item.span.start)) continue;
      const end = item.value?.span.start ?? item.span.end;
      const eq = this.text.slice(item.key.span.start, end).indexOf('=');
      if (eq <= 0) continue;
      widths.add(eq);
      if (eq > item.key.text.length + 1) padded = true;
    }
    const [width] = [...widths];
    return padded && widths.size === 1 && width! > key.length ? key.padEnd(width!) : `${key} `;
  }

  /**
   * Edits that insert lines at the end of a block's body, indented like its other items (or one
   * step deeper than the block). `lines` receives the item indentation and one indentation step.
   */
  private insertEdits(block: BlockSyntax, lines: (indent: string, unit: string) => string[]): TextEdit[] | undefined {
    const { text, context, layout } = this;
    const close = block.close;
    if (!close) return undefined;
    const eol = eolOf(text);
    const blockIndent = layout.indentation(block.span.start);
    const firstOnLine = block.items.find((item) => layout.startsLine(item.span.start));
    const unit = blockIndent.includes('\t') ? '\t' : '  ';
    const indent = firstOnLine ? layout.indentation(firstOnLine.span.start) : blockIndent + unit;
    const step = indent.length > blockIndent.length && indent.startsWith(blockIndent) ? indent.slice(blockIndent.length) : unit;
    const inserted = lines(indent, step);
    const closeLine = layout.line(close.start);
    const openLine = layout.line(block.open.start);
    if (layout.startsLine(close.start) && closeLine > openLine) {
      const at = context.lines.lineStart(closeLine);
      return [{ span: { start: at, end: at }, newText: inserted.map((l) => l + eol).join('') }];
    }
    if (closeLine === openLine && !hasCommentBetween(this.syntax, block.open.end, close.start)) {
      // `trait { name = "x" }`: one item per line.
      const items = block.items.map((item) => indent + text.slice(item.span.start, item.span.end).trim());
      return [{ span: { start: block.open.end, end: close.start }, newText: eol + [...items, ...inserted].join(eol) + eol + blockIndent }];
    }
    let start = close.start;
    while (start > block.open.end && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
    return [{ span: { start, end: close.start }, newText: eol + inserted.join(eol) + eol + blockIndent }];
  }
}

/** `relationship "user-carts"`: the block keyword and its labels. */
export function headerSpan(block: BlockSyntax): Span {
  const last = block.labels[block.labels.length - 1];
  return { start: block.type.span.start, end: Math.max(block.type.span.end, last?.span.end ?? 0) };
}

/** `nearest`, also accepting one swapped pair of neighbouring letters (`nmae` for `name`). */
function nearestName(word: string, candidates: readonly string[]): string | undefined {
  const found = nearest(word, candidates);
  if (found) return found;
  const lower = word.toLowerCase();
  return candidates.find((candidate) => {
    if (candidate.length !== lower.length) return false;
    const diff = [...candidate].flatMap((ch, i) => (ch === lower[i] ? [] : [i]));
    return diff.length === 2 && diff[1] === diff[0]! + 1 && candidate[diff[0]!] === lower[diff[1]!] && candidate[diff[1]!] === lower[diff[0]!];
  });
}

function countDescendants(relationship: RelationshipModel): number {
  let count = 0;
  const work = [...relationship.children];
  for (let next = work.pop(); next; next = work.pop()) {
    count++;
    work.push(...next.children);
  }
  return count;
}

function renameFix(span: Span, name: string, preferred: boolean): Fix {
  return { title: `Change to "${name}"`, edits: [{ span, newText: name }], preferred };
}

/** Deletes a block or attribute with its lines when it has them to itself. */
function deleteItemEdit(text: string, item: ItemSyntax): TextEdit {
  let start = item.span.start;
  let end = item.span.end;
  let lineStart = start;
  while (lineStart > 0 && (text[lineStart - 1] === ' ' || text[lineStart - 1] === '\t')) lineStart--;
  let lineEnd = end;
  while (lineEnd < text.length && (text[lineEnd] === ' ' || text[lineEnd] === '\t')) lineEnd++;
  const atLineStart = lineStart === 0 || text[lineStart - 1] === '\n' || text[lineStart - 1] === '\r';
  const atLineEnd = lineEnd === text.length || text[lineEnd] === '\n' || text[lineEnd] === '\r';
  if (atLineStart && atLineEnd) {
    start = lineStart;
    end = text.startsWith('\r\n', lineEnd) ? lineEnd + 2 : Math.min(text.length, lineEnd + 1);
  }
  return { span: { start, end }, newText: '' };
}

/** Whether a comment lies between two offsets (comments are in source order). */
function hasCommentBetween(syntax: SyntaxFile, from: number, to: number): boolean {
  const comments = syntax.comments;
  let low = 0;
  let high = comments.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (comments[mid]!.span.start < from) low = mid + 1;
    else high = mid;
  }
  const first = comments[low];
  return first !== undefined && first.span.end <= to;
}

function eolOf(text: string): string {
  const match = /\r\n|\r|\n/.exec(text);
  return match ? match[0] : '\n';
}

function orList(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}
