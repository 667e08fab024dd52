import type { Severity } from './diagnostic';

export interface CodeInfo {
  severity: Severity;
  /** One line: what the rule checks (SARIF rule descriptions, docs). */
  summary: string;
}

/** Every diagnostic code of LANGUAGE.md §5 implemented so far, with its default severity. */
export const CODES = {
  DG001: { severity: 'error', summary: 'Syntax error: unexpected or missing token.' },
  DG002: { severity: 'error', summary: 'Block not closed before the end of the file, or `}` without an open block.' },
  DG003: { severity: 'error', summary: 'Colon after a block keyword (`relationship: "x" {`).' },
  DG004: { severity: 'error', summary: 'Unquoted value.' },
  DG005: { severity: 'error', summary: 'Placeholder `...` inside a block.' },
  DG006: { severity: 'error', summary: 'Attribute given twice in one block.' },
  DG007: { severity: 'error', summary: 'Wrong number of block labels.' },
  DG008: { severity: 'warning', summary: 'Block label not quoted.' },
  DG010: { severity: 'warning', summary: 'Template sequence `${` or `%{` in a string (no interpolation in this language).' },
  DG100: { severity: 'error', summary: 'No `data_graph` block, more than one, or content outside it.' },
  DG101: { severity: 'error', summary: 'Block type unknown in this place.' },
  DG102: { severity: 'error', summary: 'Attribute unknown in this block.' },
  DG103: { severity: 'error', summary: 'More than one `profile`.' },
  DG104: { severity: 'error', summary: 'Required attribute or block missing.' },
  DG105: { severity: 'error', summary: 'Level-1 relationship without `external_id` or `trait`.' },
  DG106: { severity: 'error', summary: 'Nested relationship without `join_on` or `junction_table`.' },
  DG107: { severity: 'error', summary: 'Both `external_id` and `trait` in one relationship.' },
  DG108: { severity: 'error', summary: 'Join kind in the wrong place.' },
  DG110: { severity: 'error', summary: 'Relationship deeper than the depth limit (6 levels counting the profile).' },
  DG111: { severity: 'warning', summary: 'Profile without relationships.' },
  DG112: { severity: 'info', summary: 'Entity neither related by any relationship nor `enrichment_enabled`.' },
  DG113: { severity: 'error', summary: 'Empty string for a required value.' },
  DG200: { severity: 'error', summary: 'Entity slug not lowercase letters, digits, `-`, `_`.' },
  DG201: { severity: 'error', summary: 'Relationship slug not lowercase letters, digits, `-`, `_`.' },
  DG203: { severity: 'error', summary: 'Duplicate entity slug.' },
  DG204: { severity: 'error', summary: 'Duplicate relationship slug in the graph.' },
  DG205: { severity: 'warning', summary: 'Relationship slug `profile` (reserved by Segment\'s API).' },
  DG206: { severity: 'warning', summary: 'Two entities, or two sibling relationships, with the same `name`.' },
  DG300: { severity: 'error', summary: '`related_entity` or join prefix names no entity.' },
  DG301: { severity: 'error', summary: '`join_on` is not `<slug>.<col> = <slug>.<col>`.' },
  DG302: { severity: 'error', summary: '`join_on` left prefix is not the parent\'s related entity.' },
  DG303: { severity: 'error', summary: '`join_on` right prefix is not this relationship\'s related entity.' },
  DG304: { severity: 'warning', summary: '`join_on` sides reversed (child first).' },
  DG305: { severity: 'warning', summary: 'Join prefix is an entity name or table name, not a slug.' },
  DG306: { severity: 'error', summary: '`left_join_on`/`right_join_on` not of the junction form.' },
  DG307: { severity: 'warning', summary: 'Junction column qualified with a dot.' },
  DG308: { severity: 'error', summary: 'Column name containing whitespace or a dot.' },
  DG400: { severity: 'error', summary: '`profile.type` not a known value.' },
  DG401: { severity: 'warning', summary: 'Profile type `segment:unmaterialized` (needs Segment support) or removed `segment:dbt`.' },
  DG402: { severity: 'error', summary: 'Legacy `materialization` attribute.' },
  DG403: { severity: 'error', summary: '`table_ref` not three non-empty dot-separated parts.' },
  DG404: { severity: 'error', summary: '`profile_folder` not two parts.' },
  DG405: { severity: 'warning', summary: '`external_id.type` not a known identity type.' },
  DG406: { severity: 'error', summary: 'Value of the wrong type.' },
  DG407: { severity: 'warning', summary: '`version` other than `"v1.0.0"`.' },
  DG409: { severity: 'warning', summary: '`table_ref`/`profile_folder` inside Segment\'s `__segment_reverse_etl` schema.' },
  DG500: { severity: 'warning', summary: 'Entity slug removed or renamed since the baseline: a definite breaking change.' },
  DG501: { severity: 'warning', summary: 'Relationship slug removed, renamed, or moved under another parent since the baseline: a definite breaking change.' },
  DG502: { severity: 'info', summary: 'Entity `table_ref` or `primary_key` changed since the baseline: a potential breaking change.' },
  DG503: { severity: 'info', summary: '`enrichment_enabled` switched off since the baseline.' },
  DG600: { severity: 'error', summary: '`table_ref` (entity or junction) not found in the warehouse.' },
  DG601: { severity: 'error', summary: 'Column not found on its table (`primary_key`, `join_key`, join columns, junction columns).' },
  DG602: { severity: 'warning', summary: 'The two columns of a join have incompatible types (number vs text, …).' },
  DG603: { severity: 'warning', summary: 'Identifier differs from the warehouse only by case, where the warehouse does not ignore case.' },
  DG604: { severity: 'warning', summary: '`profile_folder` holds none of the Profiles Sync tables its `type` reads.' },
  DG605: { severity: 'warning', summary: '`primary_key` column not unique in the data (data check, `dg check --data` only).' },
  DG606: { severity: 'info', summary: '`external_id.type` or `trait.name` never seen in the Profiles Sync tables (data check, `dg check --data` only).' },
  DG607: { severity: 'info', summary: 'Warehouse catalog unavailable or stale: warehouse checks skipped.' },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof CODES;

export const isDiagnosticCode = (code: string): code is DiagnosticCode => code in CODES;
