/**
 * The Data Graph language's blocks, attributes and known values, with their documentation: the one
 * description that checks, completion and hover all read (from LANGUAGE.md §2).
 */

export type BlockKind = 'data_graph' | 'entity' | 'profile' | 'relationship' | 'external_id' | 'trait' | 'junction_table';

export interface AttributeSpec {
  name: string;
  type: 'string' | 'bool';
  required: boolean;
  doc: string;
  /** Columns of a warehouse table: no whitespace or dots (DG308). */
  isColumn?: boolean;
}

export interface BlockSpec {
  kind: BlockKind;
  /** Number of labels the block takes (DG007). */
  labels: 0 | 1;
  labelDoc?: string;
  doc: string;
  attributes: AttributeSpec[];
  /** Block types allowed inside (level rules for relationships are checked separately). */
  blocks: BlockKind[];
}

export interface KnownValue {
  value: string;
  doc: string;
  deprecated?: boolean;
}

const slugDoc = 'lowercase letters, digits, `-` and `_`; immutable once deployed (changing it is delete + create)';

export const BLOCKS: Record<BlockKind, BlockSpec> = {
  data_graph: {
    kind: 'data_graph',
    labels: 0,
    doc: 'The whole Data Graph: the entities (warehouse tables), the Segment profile and the relationships between them. Exactly one per file.',
    attributes: [{ name: 'version', type: 'string', required: false, doc: 'Data Graph syntax version. `"v1.0.0"` is current; `"v0.0.6"` is the pre-2024-06 version.' }],
    blocks: ['entity', 'profile'],
  },
  entity: {
    kind: 'entity',
    labels: 1,
    labelDoc: `The entity slug: ${slugDoc}; unique among entities.`,
    doc: 'A warehouse table, view or materialized view that audiences and enrichments can use.',
    attributes: [
      { name: 'name', type: 'string', required: true, doc: "Display label in Segment's UI. May change freely." },
      { name: 'table_ref', type: 'string', required: true, doc: 'Fully qualified table: `<database>.<schema>.<table>` (Snowflake, Redshift), `<catalog>.<schema>.<table>` (Databricks), `<project>.<dataset>.<table>` (BigQuery).' },
      { name: 'primary_key', type: 'string', required: true, isColumn: true, doc: 'A column of the table whose values are unique per row. Linked Events match on it.' },
      { name: 'description', type: 'string', required: false, doc: 'Free text describing the entity.' },
      { name: 'enrichment_enabled', type: 'bool', required: false, doc: '`true` makes the entity usable by Linked Events.' },
    ],
    blocks: [],
  },
  profile: {
    kind: 'profile',
    labels: 0,
    doc: 'The Segment profile, read from the Profiles Sync tables. At most one; relationships from the profile to entities start here.',
    attributes: [
      { name: 'profile_folder', type: 'string', required: true, doc: 'The `<database>.<schema>` (or catalog/project equivalent) holding the Profiles Sync tables.' },
      { name: 'type', type: 'string', required: true, doc: 'How the profile is read: `"segment:materialized"` (current) or `"segment:unmaterialized"` (older, needs Segment support).' },
    ],
    blocks: ['relationship'],
  },
  relationship: {
    kind: 'relationship',
    labels: 1,
    labelDoc: `The relationship slug: ${slugDoc}; unique in the whole graph.`,
    doc: 'A link from the profile (level 1) or from the enclosing relationship\'s entity (level 2 and below) to an entity.',
    attributes: [
      { name: 'name', type: 'string', required: true, doc: 'Display label in Segment\'s UI.' },
      { name: 'related_entity', type: 'string', required: true, doc: 'Slug of the entity this relationship leads to. The same entity may be related more than once.' },
      { name: 'description', type: 'string', required: false, doc: 'Free text describing the relationship.' },
      { name: 'join_on', type: 'string', required: false, doc: 'Level 2 and below, for 1:many (or 1:1): `"<parent-slug>.<column> = <child-slug>.<column>"`, the parent being the enclosing relationship\'s entity. One equality only.' },
    ],
    blocks: ['external_id', 'trait', 'junction_table', 'relationship'],
  },
  external_id: {
    kind: 'external_id',
    labels: 0,
    doc: 'Level-1 link by identifier: profiles whose identity of `type` equals the entity\'s `join_key` column.',
    attributes: [
      { name: 'type', type: 'string', required: true, doc: 'An identity type of the space (`user_id`, `email`, `anonymous_id`, …; custom types are allowed).' },
      { name: 'join_key', type: 'string', required: true, isColumn: true, doc: 'Column of the related entity\'s table that holds that identifier.' },
    ],
    blocks: [],
  },
  trait: {
    kind: 'trait',
    labels: 0,
    doc: 'Level-1 link by profile trait: profiles whose trait `name` equals the entity\'s `join_key` column.',
    attributes: [
      { name: 'name', type: 'string', required: true, doc: 'A profile trait key (a `name` in `user_traits`).' },
      { name: 'join_key', type: 'string', required: true, isColumn: true, doc: 'Column of the related entity\'s table matching the trait value.' },
    ],
    blocks: [],
  },
  junction_table: {
    kind: 'junction_table',
    labels: 0,
    doc: 'Level 2 and below, many:many through a join table. Always executed as INNER joins; junction columns cannot be filtered in audiences.',
    attributes: [
      { name: 'table_ref', type: 'string', required: true, doc: 'Fully qualified junction table: `<database>.<schema>.<table>`.' },
      { name: 'primary_key', type: 'string', required: true, isColumn: true, doc: 'Unique column of the junction table.' },
      { name: 'left_join_on', type: 'string', required: true, doc: '`"<parent-slug>.<column> = <junction column>"`. Junction columns are bare (schema and table are implied).' },
      { name: 'right_join_on', type: 'string', required: true, doc: '`"<junction column> = <child-slug>.<column>"`.' },
    ],
    blocks: [],
  },
};

/** Block names written in older documentation, read as the block they meant (DG101 offers the fix). */
export const LEGACY_BLOCK_NAMES: Record<string, BlockKind> = Object.assign(Object.create(null) as Record<string, BlockKind>, {
  traits: 'trait',
  Junction_table: 'junction_table',
  external_ids: 'external_id',
  relationships: 'relationship',
  entities: 'entity',
} satisfies Record<string, BlockKind>);

/** The block kind a type keyword names (own keys only: `constructor { }` is no block kind). */
export function blockKindOf(type: string): BlockKind | undefined {
  return Object.hasOwn(BLOCKS, type) ? (type as BlockKind) : undefined;
}

export function attributeSpec(block: BlockKind, name: string): AttributeSpec | undefined {
  return BLOCKS[block].attributes.find((a) => a.name === name);
}

export const PROFILE_TYPES: KnownValue[] = [
  { value: 'segment:materialized', doc: 'Current. Reads `user_identifiers`, `user_traits` and `profile_merges`.' },
  { value: 'segment:unmaterialized', doc: 'Older. Reads the raw `*_updates` tables; needs Segment support since 2025-04.', deprecated: true },
  { value: 'segment:dbt', doc: 'Removed in 2024-07.', deprecated: true },
];

export const VERSIONS: KnownValue[] = [
  { value: 'v1.0.0', doc: 'Current Data Graph version.' },
  { value: 'v0.0.6', doc: 'Pre-2024-06 version.', deprecated: true },
];

export const IDENTITY_TYPES: KnownValue[] = [
  { value: 'user_id', doc: 'The user id your sources send with `identify` and events.' },
  { value: 'email', doc: 'Email address.' },
  { value: 'anonymous_id', doc: 'Segment anonymous id.' },
  { value: 'phone', doc: 'Phone number.' },
  { value: 'android.id', doc: 'Android device id.' },
  { value: 'android.idfa', doc: 'Android advertising id.' },
  { value: 'android.push_token', doc: 'Android push token.' },
  { value: 'ios.id', doc: 'iOS device id.' },
  { value: 'ios.idfa', doc: 'iOS advertising id.' },
  { value: 'ios.push_token', doc: 'iOS push token.' },
  { value: 'ga_client_id', doc: 'Google Analytics client id.' },
  { value: 'group_id', doc: 'Group (account) id.' },
];

/** Levels counting the profile as level 1: relationships may nest down to level 6. */
export const MAX_DEPTH = 6;
/** The deepest relationship level (level-1 relationships hang off the profile). */
export const MAX_RELATIONSHIP_LEVEL = MAX_DEPTH - 1;

export const SLUG_PATTERN = /^[a-z0-9_-]+$/;

/** Profiles Sync tables each profile type reads (LANGUAGE.md §3). */
export const PROFILES_SYNC_TABLES: Record<string, string[]> = {
  'segment:materialized': ['user_identifiers', 'user_traits', 'profile_merges'],
  'segment:unmaterialized': ['id_graph_updates', 'external_id_mapping_updates', 'profile_traits_updates'],
};

/** A Profiles Sync column whose values are the identity types or the trait names profiles have. */
export interface ProfileValueColumn {
  link: 'external_id' | 'trait';
  table: string;
  column: string;
}

/**
 * Where each profile type keeps the identity types and trait names profiles have (LANGUAGE.md §3).
 * Unmaterialized traits are the columns of `profile_traits_updates` (the catalog has them), not values.
 */
export const PROFILE_VALUE_COLUMNS: Record<string, ProfileValueColumn[]> = {
  'segment:materialized': [
    { link: 'external_id', table: 'user_identifiers', column: 'type' },
    { link: 'trait', table: 'user_traits', column: 'name' },
  ],
  'segment:unmaterialized': [{ link: 'external_id', table: 'external_id_mapping_updates', column: 'external_id_type' }],
};

/** The table whose columns are the traits, one per trait, under `segment:unmaterialized`. */
export const WIDE_TRAITS_TABLE = 'profile_traits_updates';

/** Columns of `profile_traits_updates` that are not traits. */
export const WIDE_TRAITS_BOOKKEEPING = /^(segment_id|canonical_segment_id|seq|timestamp|received_at|uuid_ts|triggering_event_.*)$/i;

/** The values the language knows for an attribute, by block kind and attribute name (hover, completion). */
export const KNOWN_VALUES: Partial<Record<BlockKind, Record<string, KnownValue[]>>> = {
  data_graph: { version: VERSIONS },
  profile: { type: PROFILE_TYPES },
  external_id: { type: IDENTITY_TYPES },
};

export function knownValuesOf(block: BlockKind, attribute: string): KnownValue[] | undefined {
  const values = KNOWN_VALUES[block];
  return values && Object.hasOwn(values, attribute) ? values[attribute] : undefined;
}

/** A form older documentation (or real files copied from it) used, and what to write instead. */
export interface LegacyForm {
  /** How it was written. */
  written: string;
  /** What changed. */
  doc: string;
  /** What to write instead. */
  replacement: string;
}

/** Attributes the language no longer has, by block kind. */
export const LEGACY_ATTRIBUTES: Partial<Record<BlockKind, Record<string, LegacyForm>>> = {
  profile: {
    materialization: {
      written: 'materialization = "none"',
      doc: 'Older documentation configured how the profile is read with `materialization`; the `type` attribute replaced it.',
      replacement: 'type = "segment:materialized"',
    },
  },
};

/** Misspellings of known values that older documentation printed, by block kind and attribute. */
export const LEGACY_VALUES: Partial<Record<BlockKind, Record<string, LegacyForm[]>>> = {
  profile: {
    type: [
      {
        written: 'segment: materialized',
        doc: 'Older documentation printed a space after the colon; the value has none.',
        replacement: 'segment:materialized',
      },
    ],
  },
  external_id: {
    type: [
      {
        written: 'user id',
        doc: 'Older documentation printed the identity type with a space; identity types are single words.',
        replacement: 'user_id',
      },
    ],
  },
};

/** Syntax older documentation showed that the language reads only to report it. */
export const LEGACY_SYNTAX = {
  blockColon: {
    written: 'relationship: "slug" {',
    doc: 'Older documentation put a colon after the block keyword; block keywords take none.',
    replacement: 'relationship "slug" {',
  },
  unquotedValue: {
    written: 'type = segment:materialized',
    doc: 'Older documentation left some values unquoted; values are double-quoted strings (only `true`, `false` and numbers go without quotes).',
    replacement: 'type = "segment:materialized"',
  },
  placeholder: {
    written: '...',
    doc: 'Documentation examples use `...` for "more here"; it is not Data Graph syntax.',
    replacement: 'the real attributes or blocks (or nothing: delete it)',
  },
} satisfies Record<string, LegacyForm>;
