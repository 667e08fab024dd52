import { attribute, type EntityModel, type GraphModel, type RelationshipModel, type StringAttr } from '../model/graph';
import type { BlockSyntax, Span } from '../syntax/ast';
import { LineIndex } from '../syntax/lineIndex';
import type { DiagnosticCode } from './codes';
import { CheckContext, type CheckSettings } from './context';
import type { Diagnostic, Fix, RelatedInformation, TextEdit } from './diagnostic';
import { Layout, garbledBlocks, readNesting } from './nesting';
import { applySettings } from './settings';

/** The codes `checkImpact` reports. */
export const IMPACT_CODES = ['DG500', 'DG501', 'DG502', 'DG503'] as const satisfies readonly DiagnosticCode[];

/**
 * DG500–DG503: what changed since a baseline version of the same file (LANGUAGE.md §4), for the
 * consumers Segment keeps outside the file (audiences, enrichment mappings). Pure: both graphs are
 * already parsed; the CLI (`dg check --baseline REV|PATH`) and the language server (`dataGraph.baseline`)
 * read the baseline text. Not one of `runChecks`' families, since it needs a baseline; settings'
 * severities and `# dg-ignore` comments apply as in `runChecks`. `baselineName` names the baseline in
 * messages as the user gave it (`HEAD`, `origin/main`, a path).
 *
 * Decisions:
 * - Entities match by slug, the first of each (a duplicate is DG203's). A baseline slug absent now is
 *   a rename when an entity that is new now (its slug absent from the baseline) has the same decoded
 *   `table_ref`, or else the same `name` (trimmed, any case); `table_ref` matches are paired first, and
 *   each new entity explains one old slug. A rename is reported on the new label, with a fix that puts
 *   the old slug back (and the references to it); a removal once per slug on the `data_graph` keyword.
 * - Relationships are identified by their path of slugs from the profile (`accounts/carts`), the first
 *   of each path. A baseline path absent now is, in this order: carried along (its parent was renamed
 *   or moved and it still sits under it: reported once, with the parent); moved (the same slug is now
 *   at a path the baseline did not have); renamed (a new slug at the same place: under the same parent,
 *   with the same `related_entity`, or the new slug of a renamed entity); else removed, reported once
 *   per removed subtree on the nearest parent relationship that survives (else the `profile` keyword).
 * - DG502 compares decoded `table_ref` and `primary_key` values of the entities present in both (a
 *   layout or escape change is no change); DG503 fires when `enrichment_enabled` was `true` and is now
 *   `false` (on the value) or absent (on the label). Renamed entities get DG500 only.
 * - Broken files: values are compared where both sides have them (not an unterminated string, not a
 *   value of the wrong type, which other codes report). Removals, renames and moves are judged only when
 *   the braces of both texts can be trusted (see `readNesting`) and every block of that kind has a
 *   readable label: a half-typed header must not look like a deleted entity.
 */
export function checkImpact(
  model: GraphModel,
  baseline: GraphModel,
  settings: CheckSettings = {},
  lines?: LineIndex,
  baselineName = 'the baseline',
): Diagnostic[] {
  const context = new CheckContext(model, settings, lines);
  const current = readSide(model, context.lines);
  let old = baselineSides.get(baseline);
  if (!old) {
    old = readSide(baseline, new LineIndex(baseline.syntax.text));
    baselineSides.set(baseline, old);
  }
  const impact = new Impact(context, current, old, baselineName);
  const renamed = impact.entities();
  impact.relationships(renamed);
  return applySettings(context);
}

/** What one side of the comparison offers, with its trusted blocks only. */
interface Side {
  model: GraphModel;
  /** Braces can be trusted: blocks are where they were written. */
  reliable: boolean;
  /** Entities by slug (the first of each), identified ones only. */
  entities: Map<string, EntityModel>;
  /** Some entity block has no readable slug (no label, an empty one, or a garbled header). */
  unidentifiedEntities: boolean;
  /** Relationships by path (the first of each), identified ones only (their ancestors too). */
  paths: Map<string, RelationshipModel>;
  pathOf: Map<RelationshipModel, string>;
  /** Identified relationships by slug, in document order. */
  slugs: Map<string, RelationshipModel[]>;
  unidentifiedRelationships: boolean;
}

/** A baseline is compared with every version of its document: what is read from it once, by model. */
const baselineSides = new WeakMap<GraphModel, Side>();

function readSide(model: GraphModel, lines: LineIndex): Side {
  const layout = new Layout(lines);
  const garbled = garbledBlocks(model.syntax, layout);
  const identified = (item: { label?: unknown; slug: string; block: BlockSyntax }) =>
    item.label !== undefined && item.slug !== '' && !garbled.has(item.block);
  const side: Side = {
    model,
    reliable: readNesting(model.syntax, layout).reliable,
    entities: new Map(),
    unidentifiedEntities: false,
    paths: new Map(),
    pathOf: new Map(),
    slugs: new Map(),
    unidentifiedRelationships: false,
  };
  for (const entity of model.entities) {
    if (!identified(entity)) side.unidentifiedEntities = true;
    else if (!side.entities.has(entity.slug)) side.entities.set(entity.slug, entity);
  }
  // Parents come before their children.
  for (const relationship of model.relationships) {
    const parentPath = relationship.parent ? side.pathOf.get(relationship.parent) : '';
    if (!identified(relationship) || parentPath === undefined) {
      side.unidentifiedRelationships = true;
      continue;
    }
    const path = parentPath ? `${parentPath}/${relationship.slug}` : relationship.slug;
    side.pathOf.set(relationship, path);
    if (!side.paths.has(path)) side.paths.set(path, relationship);
    const same = side.slugs.get(relationship.slug);
    if (same) same.push(relationship);
    else side.slugs.set(relationship.slug, [relationship]);
  }
  return side;
}

/** How a baseline relationship was found again, or lost. */
type Fate =
  | { kind: 'same' | 'carried'; now: RelationshipModel }
  | { kind: 'moved' | 'renamed'; now: RelationshipModel; report: Report }
  | { kind: 'removed'; report?: Report };

/** A DG501 to emit, with the relationships under it that share its fate. */
interface Report {
  under: number;
}

const quoted = (text: string) => JSON.stringify(text);
const nameKey = (attr: StringAttr | undefined) => attr?.value.trim().toLowerCase() || undefined;
/** A string value both sides can compare: written out (terminated). */
const valueOf = (attr: StringAttr | undefined) => (attr && attr.string.terminated ? attr.value : undefined);

class Impact {
  /** `since HEAD`, `at HEAD`. */
  private readonly since: string;
  private readonly at: string;

  constructor(
    private readonly context: CheckContext,
    private readonly current: Side,
    private readonly old: Side,
    baselineName: string,
  ) {
    this.since = `since ${baselineName}`;
    this.at = `at ${baselineName}`;
  }

  private get trusted(): boolean {
    return this.current.reliable && this.old.reliable;
  }

  /** DG500, DG502, DG503. Returns the entity renames (old slug → new slug). */
  entities(): Map<string, string> {
    const { current, old } = this;
    const renames = new Map<string, string>();
    for (const [slug, before] of old.entities) {
      const now = current.entities.get(slug);
      if (now) this.entityChanges(before, now);
    }
    if (!this.trusted || current.unidentifiedEntities) return renames;

    const removed = [...old.entities.values()].filter((e) => !current.entities.has(e.slug));
    if (!removed.length) return renames;
    const added = [...current.entities.values()].filter((e) => !old.entities.has(e.slug));
    const pairs = new Map<EntityModel, { now: EntityModel; evidence: 'table_ref' | 'name' }>();
    const taken = new Set<EntityModel>();
    const pair = (evidence: 'table_ref' | 'name', key: (e: EntityModel) => string | undefined) => {
      for (const before of removed) {
        const wanted = pairs.has(before) ? undefined : key(before);
        if (wanted === undefined) continue;
        const now = added.find((e) => !taken.has(e) && key(e) === wanted);
        if (!now) continue;
        pairs.set(before, { now, evidence });
        taken.add(now);
      }
    };
    pair('table_ref', (e) => valueOf(e.tableRef) || undefined);
    pair('name', (e) => nameKey(e.name));

    for (const before of removed) {
      const match = pairs.get(before);
      if (match) {
        renames.set(before.slug, match.now.slug);
        this.entityRenamed(before, match.now, match.evidence);
      } else {
        this.context.report(
          'DG500',
          this.graphHeader(),
          `entity ${quoted(before.slug)} removed ${this.since}: a definite breaking change: audiences and enrichments that reference ` +
            `${quoted(before.slug)} stop working; keep the entity, or move its consumers in Segment off it first`,
        );
      }
    }
    return renames;
  }

  private entityRenamed(before: EntityModel, now: EntityModel, evidence: 'table_ref' | 'name'): void {
    const attr = evidence === 'table_ref' ? now.tableRef : now.name;
    const related: RelatedInformation[] = attr
      ? [{ span: attr.string.span, message: `same ${evidence} ${quoted(attr.value)} as entity ${quoted(before.slug)} had ${this.at}` }]
      : [];
    // Put the old slug back, with the references that name the entity by its new one.
    const edits: TextEdit[] = [{ span: now.label!.contentSpan, newText: before.slug }];
    const seen = new Set<number>();
    for (const reference of this.current.model.references) {
      if (reference.target !== now || reference.text !== now.slug || seen.has(reference.span.start)) continue;
      seen.add(reference.span.start);
      edits.push({ span: reference.span, newText: before.slug });
    }
    const fixes: Fix[] = [{ title: `Change the slug back to ${quoted(before.slug)}${edits.length > 1 ? ' (and its references)' : ''}`, edits }];
    this.context.report(
      'DG500',
      now.label!.span,
      `entity ${quoted(before.slug)} renamed to ${quoted(now.slug)} ${this.since}: a definite breaking change: audiences and enrichments ` +
        `that reference ${quoted(before.slug)} stop working; keep the slug ${quoted(before.slug)} (change \`name\` instead), or move its consumers in Segment first`,
      { related, fixes },
    );
  }

  /** DG502 and DG503 for one entity present in both. */
  private entityChanges(before: EntityModel, now: EntityModel): void {
    const slug = quoted(now.slug);
    const changed = (key: 'table_ref' | 'primary_key', was: StringAttr | undefined, is: StringAttr | undefined, why: () => string) => {
      const from = valueOf(was);
      const to = valueOf(is);
      if (from === undefined || to === undefined || from === to) return;
      this.context.report('DG502', is!.string.span, `${key} of entity ${slug} changed from ${quoted(from)} to ${quoted(to)} ${this.since}: a potential breaking change: ${why()}`);
    };
    changed('table_ref', before.tableRef, now.tableRef, () => `audiences and enrichments of ${slug} now read another table; make sure it has the same columns, keys and rows`);
    changed('primary_key', before.primaryKey, now.primaryKey, () => `Linked Events match rows of ${slug} on it; make sure enrichments still match the same rows`);

    if (before.enrichmentEnabled !== true || now.enrichmentEnabled === true) return;
    const written = attribute(now.block, 'enrichment_enabled');
    if (now.enrichmentEnabled === false && written?.value) {
      this.context.report(
        'DG503',
        written.value.span,
        `enrichment_enabled of entity ${slug} switched off ${this.since}: Linked Events enrichments that use ${slug} stop; set it back to true if they are still needed`,
      );
    } else if (!written && now.label) {
      this.context.report(
        'DG503',
        now.label.span,
        `enrichment_enabled of entity ${slug} removed ${this.since}, so it is off: Linked Events enrichments that use ${slug} stop; add \`enrichment_enabled = true\` if they are still needed`,
      );
    }
  }

  /** DG501. `renamed`: entity renames, so that a relationship following its entity's rename still sits at the same place. */
  relationships(renamed: Map<string, string>): void {
    const { current, old } = this;
    if (!this.trusted || current.unidentifiedRelationships) return;
    const fates = new Map<RelationshipModel, Fate>();
    const claimed = new Set<RelationshipModel>();
    const claim = (now: RelationshipModel) => (claimed.add(now), now);
    const isNew = (now: RelationshipModel) => !claimed.has(now) && !old.paths.has(current.pathOf.get(now)!);
    const reports: { report: Report; emit: (under: number) => void }[] = [];
    const addReport = (emit: (under: number) => void): Report => {
      const report = { under: 0 };
      reports.push({ report, emit });
      return report;
    };

    for (const [path, before] of old.paths) {
      const now = current.paths.get(path);
      if (now) fates.set(before, { kind: 'same', now: claim(now) });
    }
    for (const [path, before] of old.paths) {
      if (fates.has(before)) continue;
      const parent = this.oldParent(before);
      const parentFate = parent ? fates.get(parent) : undefined;
      const parentNow = parent ? (parentFate && 'now' in parentFate ? parentFate.now : undefined) : null;

      // Carried along by a parent that was renamed or moved.
      if (parentFate && (parentFate.kind === 'moved' || parentFate.kind === 'renamed' || parentFate.kind === 'carried')) {
        const now = parentFate.now.children.find((c) => c.slug === before.slug && isNew(c));
        if (now) {
          fates.set(before, { kind: 'carried', now: claim(now) });
          this.carriedBy(fates, before);
          continue;
        }
      }

      // Moved: the same slug now at a path the baseline did not have.
      const moved = current.slugs.get(before.slug)?.find(isNew);
      if (moved) {
        claim(moved);
        const from = parent ? `relationship ${quoted(parent.slug)}` : 'the profile';
        const to = moved.parent ? `relationship ${quoted(moved.parent.slug)}` : 'the profile';
        const oldParent = parent ? current.paths.get(old.pathOf.get(parent)!) : undefined;
        const related: RelatedInformation[] = oldParent?.label ? [{ span: oldParent.label.span, message: `relationship ${quoted(before.slug)} was under ${from} ${this.at}` }] : [];
        const newPath = current.pathOf.get(moved)!;
        fates.set(before, {
          kind: 'moved',
          now: moved,
          report: addReport((under) =>
            this.context.report(
              'DG501',
              moved.label!.span,
              `relationship ${quoted(before.slug)} moved under ${to} ${this.since} (it was under ${from}): a definite breaking change: its path changed ` +
                `from ${path} to ${newPath}${underText(under)}, so audiences that use it stop working; move it back, or move its consumers in Segment first`,
              { related },
            ),
          ),
        });
        continue;
      }

      // Renamed: a new slug at the same place, relating the same entity.
      if (parentNow !== undefined) {
        const siblings = parentNow ? parentNow.children : current.model.profiles.flatMap((p) => p.relationships);
        const entity = valueOf(before.relatedEntity);
        const expected = entity === undefined ? undefined : (renamed.get(entity) ?? entity);
        const now = siblings.find(
          (c) => current.pathOf.has(c) && isNew(c) && !old.slugs.has(c.slug) && expected !== undefined && valueOf(c.relatedEntity) === expected,
        );
        if (now) {
          claim(now);
          const newPath = current.pathOf.get(now)!;
          const fixes: Fix[] = current.slugs.has(before.slug)
            ? []
            : [{ title: `Change the slug back to ${quoted(before.slug)}`, edits: [{ span: now.label!.contentSpan, newText: before.slug }] }];
          fates.set(before, {
            kind: 'renamed',
            now,
            report: addReport((under) =>
              this.context.report(
                'DG501',
                now.label!.span,
                `relationship ${quoted(before.slug)} renamed to ${quoted(now.slug)} ${this.since}: a definite breaking change: its path changed ` +
                  `from ${path} to ${newPath}${underText(under)}, so audiences that use it stop working; keep the slug ${quoted(before.slug)} (change \`name\` instead), ` +
                  `or move its consumers in Segment first`,
                { fixes },
              ),
            ),
          });
          continue;
        }
      }

      // Removed: reported once per removed subtree, on the nearest parent that survives.
      if (parentFate?.kind === 'removed') {
        fates.set(before, { kind: 'removed' });
        this.carriedBy(fates, before);
        continue;
      }
      const at = this.survivingParent(fates, before);
      fates.set(before, {
        kind: 'removed',
        report: addReport((under) =>
          this.context.report(
            'DG501',
            at,
            `relationship ${quoted(before.slug)} (${path}) removed ${this.since}${underText(under)}: a definite breaking change: audiences that use it stop working; ` +
              `keep it, or move its consumers in Segment off it first`,
          ),
        ),
      });
    }
    for (const { report, emit } of reports) emit(report.under);
  }

  /** The baseline relationship that stands for the parent of `before` (the first at its path), or none at level 1. */
  private oldParent(before: RelationshipModel): RelationshipModel | undefined {
    return before.parent && this.old.paths.get(this.old.pathOf.get(before.parent)!);
  }

  /** Counts `before` in the report of the nearest ancestor that has one. */
  private carriedBy(fates: Map<RelationshipModel, Fate>, before: RelationshipModel): void {
    for (let parent = this.oldParent(before); parent; parent = this.oldParent(parent)) {
      const fate = fates.get(parent);
      if (fate && 'report' in fate && fate.report) {
        fate.report.under++;
        return;
      }
    }
  }

  /** The label of the nearest ancestor of `before` still in the graph, else the `profile` keyword. */
  private survivingParent(fates: Map<RelationshipModel, Fate>, before: RelationshipModel): Span {
    for (let parent = this.oldParent(before); parent; parent = this.oldParent(parent)) {
      const fate = fates.get(parent);
      if (fate && 'now' in fate && fate.now.label) return fate.now.label.span;
    }
    return this.current.model.profiles[0]?.block.type.span ?? this.graphHeader();
  }

  /** The `data_graph` keyword (the start of the file when there is none). */
  private graphHeader(): Span {
    return this.current.model.dataGraphs[0]?.type.span ?? { start: 0, end: 0 };
  }
}

const underText = (under: number) => (under === 0 ? '' : ` (with the ${under === 1 ? 'relationship' : `${under} relationships`} under it)`);
