import type { ProfileModel, StringAttr, TableRef } from '../model/graph';
import { attribute } from '../model/graph';
import { BLOCKS, IDENTITY_TYPES, LEGACY_BLOCK_NAMES, PROFILE_TYPES, VERSIONS, blockKindOf, type AttributeSpec } from '../model/schema';
import type { AttributeSyntax, BlockSyntax, ItemSyntax, Span, ValueSyntax } from '../syntax/ast';
import type { CheckContext } from './context';
import { replaceFix, type Fix } from './diagnostic';
import { blockTitle } from './describe';
import { didYouMean, nearest } from './suggest';

/**
 * DG4xx: values that parse but mean nothing (or something outdated) to Segment.
 *
 * Decisions:
 * - Blank strings are left to DG113 (an empty `version` too, though optional: it is treated as
 *   absent); unquoted values (DG004) and `...` (DG005) to the syntax checks, so no DG406 for them.
 * - DG401 is a warning for `segment:unmaterialized` and an error for `segment:dbt` (removed); a
 *   near miss (DG400) is only ever fixed to the removed `segment:dbt` when it is that value exactly
 *   but for case and spaces.
 * - A BigQuery project id may contain dots only when domain-scoped (`example.com:proj`), so a
 *   `table_ref` of more than three parts (or a `profile_folder` of more than two) is accepted only
 *   when the leading parts, split from the right, hold a `:`; `a.b.c.d` is an error.
 * - The legacy two-part `table_ref` and one-part `profile_folder` get a fix only when every other
 *   three-part `table_ref` agrees on the database to add.
 */
export function checkValues(context: CheckContext): void {
  const { model } = context;
  for (const profile of model.profiles) {
    checkProfileType(context, profile);
    checkMaterialization(context, profile);
  }
  const tableRefs: TableRef[] = [];
  for (const entity of model.entities) if (entity.tableRef) tableRefs.push(entity.tableRef);
  for (const relationship of model.relationships) {
    for (const junction of relationship.junctions) if (junction.tableRef) tableRefs.push(junction.tableRef);
  }
  const database = commonDatabase(tableRefs);
  for (const profile of model.profiles) if (profile.profileFolder) checkProfileFolder(context, profile.profileFolder, database);
  for (const ref of tableRefs) checkTableRef(context, ref, database);
  for (const relationship of model.relationships) {
    for (const link of relationship.links) {
      if (link.kind === 'external_id' && link.identifier) checkIdentityType(context, link.identifier);
    }
  }
  checkValueTypes(context, model.syntax.items);
  if (model.version) checkVersion(context, model.version);
}

const CURRENT_TYPE = PROFILE_TYPES[0]!.value;

function checkProfileType(context: CheckContext, profile: ProfileModel): void {
  const type = profile.type;
  if (!type || type.value.trim() === '' || type.value === CURRENT_TYPE) return;
  const value = type.value;
  if (value === 'segment:unmaterialized') {
    context.report(
      'DG401',
      type.span,
      `profile type "segment:unmaterialized" reads the raw *_updates tables and needs Segment support since 2025-04; "${CURRENT_TYPE}" is current`,
      { tags: ['deprecated'] },
    );
    return;
  }
  if (value === 'segment:dbt') {
    context.report('DG401', type.span, `profile type "segment:dbt" was removed in 2024-07: write type = "${CURRENT_TYPE}"`, {
      severity: 'error',
      tags: ['deprecated'],
      fixes: [replaceFix(`Change to "${CURRENT_TYPE}"`, type.span, CURRENT_TYPE)],
    });
    return;
  }
  const known = PROFILE_TYPES.map((t) => t.value);
  const current = known.filter((k) => k !== 'segment:dbt');
  const squashed = value.toLowerCase().replace(/\s+/g, '');
  const suggestion =
    known.find((k) => k === squashed || k === `segment:${squashed}`) ??
    nearest(value, current) ??
    nearest(`segment:${squashed}`, current);
  context.report(
    'DG400',
    type.span,
    `unknown profile type "${value}"${suggestion ? didYouMean(suggestion) : `: expected "${CURRENT_TYPE}" (or the older "segment:unmaterialized")`}`,
    { fixes: suggestion ? [replaceFix(`Change to "${suggestion}"`, type.span, suggestion)] : [] },
  );
}

function checkMaterialization(context: CheckContext, profile: ProfileModel): void {
  for (const item of profile.block.items) {
    if (item.kind !== 'attribute' || item.key.text !== 'materialization') continue;
    const hasType = !!attribute(profile.block, 'type');
    const fix: Fix = hasType
      ? { title: 'Delete "materialization"', edits: [{ span: lineSpan(context.text, item.span), newText: '' }], preferred: true }
      : replaceFix(`Replace with type = "${CURRENT_TYPE}"`, item.span, `type = "${CURRENT_TYPE}"`);
    context.report(
      'DG402',
      item.key.span,
      hasType
        ? `legacy attribute "materialization": "type" replaces it (and is already given); delete it`
        : `legacy attribute "materialization": write type = "${CURRENT_TYPE}" instead`,
      { fixes: [fix], tags: ['deprecated'] },
    );
  }
}

/** The span to delete to remove `span` with its line, when nothing else is on that line. */
function lineSpan(text: string, span: Span): Span {
  let start = span.start;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  let end = span.end;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  const atLineStart = start === 0 || text[start - 1] === '\n' || text[start - 1] === '\r';
  if (!atLineStart) return span;
  if (text[end] === '\r' && text[end + 1] === '\n') return { start, end: end + 2 };
  if (text[end] === '\n' || text[end] === '\r') return { start, end: end + 1 };
  return end === text.length ? { start, end } : span;
}

const REVERSE_ETL_SCHEMA = '__segment_reverse_etl';

/** Leading parts joined by dots hold a `:` only for a domain-scoped BigQuery project. */
const domainScoped = (raw: string[], keep: number) => raw.slice(0, raw.length - keep).join('.').includes(':');

/** The database every three-part `table_ref` of the file uses, when they all agree (legacy fixes add it). */
function commonDatabase(refs: TableRef[]): string | undefined {
  const databases = new Set(
    refs.filter((r) => r.value.split('.').length === 3 && !r.value.split('.').includes('')).map((r) => r.parts[0]!),
  );
  return databases.size === 1 ? [...databases][0] : undefined;
}

function checkTableRef(context: CheckContext, ref: TableRef, database: string | undefined): void {
  const value = ref.value;
  if (value.trim() === '') return;
  const raw = value.split('.');
  const form = '"<database>.<schema>.<table>"';
  if (raw.includes('')) {
    context.report('DG403', ref.span, `table_ref "${value}" has an empty part: expected ${form}`);
    return;
  }
  if (raw.length === 1) {
    context.report('DG403', ref.span, `table_ref "${value}" is not fully qualified: expected ${form}`);
    return;
  }
  if (raw.length === 2) {
    context.report(
      'DG403',
      ref.span,
      `table_ref "${value}" has two parts (legacy form): add the database, "<database>.${value}" (Segment needs the fully qualified table)`,
      {
        severity: 'warning',
        fixes: database ? [replaceFix(`Add the database: "${database}.${value}"`, ref.span, `${database}.${value}`, false)] : [],
      },
    );
  } else if (raw.length > 3 && !domainScoped(raw, 2)) {
    context.report(
      'DG403',
      ref.span,
      `table_ref "${value}" has ${raw.length} parts: expected ${form} (only a domain-scoped BigQuery project such as "example.com:proj" may contain dots)`,
    );
    return;
  }
  const parts = raw.length === 2 ? raw : ref.parts;
  const schema = parts[parts.length - 2]!;
  if (schema.toLowerCase() === REVERSE_ETL_SCHEMA) reverseEtl(context, 'table_ref', ref);
}

function checkProfileFolder(context: CheckContext, folder: StringAttr, database: string | undefined): void {
  const value = folder.value;
  if (value.trim() === '') return;
  const raw = value.split('.');
  const form = '"<database>.<schema>"';
  if (raw.includes('')) {
    context.report('DG404', folder.span, `profile_folder "${value}" has an empty part: expected ${form}`);
    return;
  }
  if (raw.length === 1) {
    context.report(
      'DG404',
      folder.span,
      `profile_folder "${value}" has one part (legacy form): add the database, "<database>.${value}" (the schema holding the Profiles Sync tables)`,
      {
        severity: 'warning',
        fixes: database ? [replaceFix(`Add the database: "${database}.${value}"`, folder.span, `${database}.${value}`, false)] : [],
      },
    );
  } else if (raw.length > 2 && !domainScoped(raw, 1)) {
    context.report(
      'DG404',
      folder.span,
      `profile_folder "${value}" has ${raw.length} parts: expected ${form}, the schema holding the Profiles Sync tables (not a table)`,
    );
    return;
  }
  if (raw[raw.length - 1]!.toLowerCase() === REVERSE_ETL_SCHEMA) reverseEtl(context, 'profile_folder', folder);
}

function reverseEtl(context: CheckContext, key: string, attr: StringAttr): void {
  context.report(
    'DG409',
    attr.span,
    `${key} "${attr.value}" is inside "${REVERSE_ETL_SCHEMA}", Segment's Reverse ETL checkpoint schema: point it at your own schema`,
  );
}

function checkIdentityType(context: CheckContext, type: StringAttr): void {
  const value = type.value;
  if (value.trim() === '') return;
  const custom = context.settings.identityTypes ?? [];
  const known = [...IDENTITY_TYPES.map((t) => t.value), ...custom];
  if (known.includes(value)) return;
  const lower = value.trim().toLowerCase();
  if (/\s/.test(value)) {
    const fixed = known.find((k) => k === lower.replace(/\s+/g, '_') || k === lower.replace(/\s+/g, ''));
    if (fixed) {
      context.report('DG405', type.span, `identity type "${value}" contains whitespace: write "${fixed}"`, {
        severity: 'error',
        fixes: [replaceFix(`Change to "${fixed}"`, type.span, fixed)],
      });
      return;
    }
  }
  const suggestion = known.find((k) => k === lower) ?? nearest(value, known);
  context.report(
    'DG405',
    type.span,
    `identity type "${value}" is not a standard one${didYouMean(suggestion)}${
      suggestion ? '' : ': fine if your space defines it (add it to the identityTypes setting)'
    }`,
    { fixes: suggestion ? [replaceFix(`Change to "${suggestion}"`, type.span, suggestion, false)] : [] },
  );
}

function checkVersion(context: CheckContext, version: StringAttr): void {
  const current = VERSIONS[0]!.value;
  if (version.value === current || version.value.trim() === '') return;
  const known = VERSIONS.find((v) => v.value === version.value);
  const span = version.span;
  const fixes = [replaceFix(`Change to "${current}"`, span, current, false)];
  context.report(
    'DG407',
    span,
    known
      ? `version "${version.value}" is the legacy pre-2024-06 version; the current one is "${current}"`
      : `unknown version "${version.value}": the current one is "${current}"`,
    { fixes, tags: known ? ['deprecated'] : [] },
  );
}

/** DG406 over every known attribute of every block, wherever the block is. */
function checkValueTypes(context: CheckContext, items: ItemSyntax[], parent?: BlockSyntax): void {
  for (const item of items) {
    if (item.kind === 'block') checkValueTypes(context, item.items, item);
    else if (item.kind === 'attribute' && parent && item.value) checkValueType(context, parent, item, item.value);
  }
}

const KIND_NAMES: Record<ValueSyntax['kind'], string> = {
  string: 'a string',
  number: 'a number',
  bool: 'a bool',
  tuple: 'a list',
  unquoted: 'an unquoted word',
  placeholder: 'a placeholder',
};

/** Attribute specs by block type (legacy spellings included) and attribute name. */
const SPECS = new Map<string, Map<string, AttributeSpec>>(
  [...Object.keys(BLOCKS), ...Object.keys(LEGACY_BLOCK_NAMES)].map((type) => {
    const kind = blockKindOf(type) ?? LEGACY_BLOCK_NAMES[type]!;
    return [type, new Map(BLOCKS[kind].attributes.map((a) => [a.name, a]))];
  }),
);

function checkValueType(context: CheckContext, block: BlockSyntax, attr: AttributeSyntax, value: ValueSyntax): void {
  if (value.kind === 'unquoted' || value.kind === 'placeholder') return;
  const spec = SPECS.get(block.type.text)?.get(attr.key.text);
  if (!spec) return;
  if (spec.type === 'string') {
    if (value.kind === 'string') return;
    const where = `"${attr.key.text}" in ${blockTitle(block)}`;
    if (value.kind === 'tuple') {
      context.report('DG406', value.span, `${where} takes a string, not a list`);
      return;
    }
    const source = context.text.slice(value.span.start, value.span.end);
    context.report('DG406', value.span, `${where} takes a string, not ${KIND_NAMES[value.kind]}: write "${source}"`, {
      fixes: [replaceFix(`Quote it: "${source}"`, value.span, `"${source}"`)],
    });
    return;
  }
  if (value.kind === 'bool') return;
  const where = `"${attr.key.text}" in ${blockTitle(block)}`;
  const word = value.kind === 'string' ? value.value.trim().toLowerCase() : undefined;
  const bool = word === 'true' || word === 'false' ? word : undefined;
  context.report('DG406', value.span, `${where} takes a bool (true or false), not ${KIND_NAMES[value.kind]}${bool ? `: write ${bool} without quotes` : ''}`, {
    fixes: bool ? [replaceFix(`Change to ${bool}`, value.span, bool)] : [],
  });
}
