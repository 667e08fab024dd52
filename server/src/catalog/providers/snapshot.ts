import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  Catalog,
  DIALECTS,
  isDialect,
  TABLE_KINDS,
  type CaseRule,
  type CatalogColumn,
  type CatalogDatabase,
  type CatalogSchema,
  type CatalogTable,
  type Dialect,
  type IdentifierLevel,
  type ProfileValue,
  type ProfileValueSample,
  type TableKind,
} from '../catalog';
import { CatalogError, toCatalogError } from '../errors';
import { JsonShape, member } from './json';

/**
 * The dg catalog snapshot (`dg-catalog.json`, written by `dg catalog pull`): a warehouse's metadata in a
 * file that can be committed, so teammates without warehouse credentials get completion and the DG6xx
 * checks. Version 1:
 *
 *     {
 *       "format": "dg-catalog",            // required: how the file is recognised
 *       "version": 1,                      // required: bumped on incompatible changes
 *       "dialect": "duckdb",               // required: duckdb | postgres | redshift | snowflake |
 *                                          //   bigquery | databricks | generic (identifier rules)
 *       "complete": true,                  // optional (default true): false when it lists only some
 *                                          //   tables (absence then proves nothing)
 *       "origin": "DuckDB shop.duckdb",    // optional: what it was pulled from (no secrets)
 *       "generatedAt": "2025-06-01T12:00:00.000Z",   // optional: when
 *       "databases": [
 *         { "name": "shop", "schemas": [
 *           { "name": "main", "tables": [
 *             { "name": "accounts", "kind": "table",  // table | view | materialized_view (default table)
 *               "comment": "…",                        // optional
 *               "columns": [
 *                 {"name": "id", "type": "INTEGER", "nullable": false, "comment": "…"}  // nullable, comment optional
 *               ] } ] } ] }
 *       ],
 *       "profiles": [                      // optional: values sampled from Profiles Sync tables
 *         {"folder": "shop.profiles", "table": "user_identifiers", "column": "type",
 *          "link": "external_id", "sampleRows": 100000,   // external_id (identity types) | trait
 *          "values": [{"value": "email", "rows": 812}]}    // most frequent first
 *       ]
 *     }
 *
 * Readers ignore members they do not know (a newer dg may add optional ones without a version bump) and
 * refuse a higher `version`. Names keep the warehouse's spelling. The writer puts one column per line,
 * so a re-pulled snapshot diffs well.
 */
export const SNAPSHOT_FORMAT = 'dg-catalog';
export const SNAPSHOT_VERSION = 1;
/** The file name `dg catalog pull` writes by default. */
export const SNAPSHOT_FILE = 'dg-catalog.json';

export interface SnapshotFile {
  format: typeof SNAPSHOT_FORMAT;
  version: number;
  dialect: Dialect;
  complete?: boolean;
  origin?: string;
  generatedAt?: string;
  databases: SnapshotDatabase[];
  profiles?: ProfileValueSample[];
}

interface SnapshotDatabase {
  name: string;
  schemas: { name: string; tables: SnapshotTable[] }[];
}

interface SnapshotTable {
  name: string;
  kind?: TableKind;
  comment?: string;
  columns: CatalogColumn[];
}

export interface ReadOptions {
  /** The file as messages name it. */
  file: string;
  /** The dialect from dg.config.json: overrides the file's. */
  dialect?: Dialect;
  identifierCase?: Partial<Record<IdentifierLevel, CaseRule>>;
}

/** Whether a parsed JSON value is a dg snapshot (of any version). */
export const isSnapshot = (json: unknown): boolean =>
  typeof json === 'object' && json !== null && (json as { format?: unknown }).format === SNAPSHOT_FORMAT;

/** A parsed `dg-catalog.json` as a catalog; a `CatalogError` (`malformed`, `unsupported`) says what is wrong. */
export function readSnapshot(json: unknown, options: ReadOptions): Catalog {
  const shape = new JsonShape(options.file, 'Pull it again with `dg catalog pull`.');
  const root = shape.object(json, '');
  if (root.format !== SNAPSHOT_FORMAT) shape.fail('"format"', `must be "${SNAPSHOT_FORMAT}"`);
  const version = root.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return shape.fail('"version"', 'must be a positive whole number');
  }
  if (version > SNAPSHOT_VERSION) {
    throw new CatalogError(
      'unsupported',
      `${options.file} is a version ${version} catalog snapshot; this dg reads version ${SNAPSHOT_VERSION}.`,
      'Update dg, or pull the snapshot again with this version.',
    );
  }
  const dialect = root.dialect;
  if (!isDialect(dialect)) return shape.fail('"dialect"', `must be one of ${DIALECTS.join(', ')}`);
  const complete = shape.optionalBoolean(root.complete, 'complete');
  const origin = shape.optionalString(root.origin, 'origin');
  const generatedAt = shape.optionalString(root.generatedAt, 'generatedAt');

  const databases = shape.array(root.databases, 'databases').map((value, d): CatalogDatabase => {
    const dbPath = member('databases', d);
    const db = shape.object(value, dbPath);
    return {
      name: shape.nonEmpty(db.name, member(dbPath, 'name')),
      schemas: shape.array(db.schemas, member(dbPath, 'schemas')).map((value, s): CatalogSchema => {
        const schemaPath = member(member(dbPath, 'schemas'), s);
        const schema = shape.object(value, schemaPath);
        return {
          name: shape.nonEmpty(schema.name, member(schemaPath, 'name')),
          tables: shape.array(schema.tables, member(schemaPath, 'tables')).map((value, t) =>
            readTable(shape, value, member(member(schemaPath, 'tables'), t)),
          ),
        };
      }),
    };
  });
  const profiles = root.profiles === undefined ? [] : shape.array(root.profiles, 'profiles').map((value, p) => readSample(shape, value, member('profiles', p)));
  const pulled = [origin, generatedAt?.slice(0, 10)].filter(Boolean).join(', ');
  return new Catalog({
    dialect: options.dialect ?? dialect,
    databases,
    complete: complete ?? true,
    origin: `catalog snapshot ${options.file}${pulled ? ` (${pulled})` : ''}`,
    ...(generatedAt ? { generatedAt } : {}),
    ...(options.identifierCase ? { identifierCase: options.identifierCase } : {}),
    ...(profiles.length ? { profileSamples: profiles } : {}),
  });
}

function readSample(shape: JsonShape, value: unknown, path: string): ProfileValueSample {
  const sample = shape.object(value, path);
  const link = sample.link;
  if (link !== 'external_id' && link !== 'trait') return shape.fail(member(path, 'link'), 'must be "external_id" or "trait"');
  const sampleRows = sample.sampleRows;
  if (typeof sampleRows !== 'number' || !Number.isInteger(sampleRows) || sampleRows < 0) return shape.fail(member(path, 'sampleRows'), 'must be a whole number');
  const values = shape.array(sample.values, member(path, 'values')).map((value, v): ProfileValue => {
    const valuePath = member(member(path, 'values'), v);
    const entry = shape.object(value, valuePath);
    const rows = entry.rows;
    if (rows !== undefined && (typeof rows !== 'number' || !Number.isInteger(rows) || rows < 0)) shape.fail(member(valuePath, 'rows'), 'must be a whole number');
    return { value: shape.nonEmpty(entry.value, member(valuePath, 'value')), ...(rows === undefined ? {} : { rows: rows as number }) };
  });
  return {
    folder: shape.nonEmpty(sample.folder, member(path, 'folder')),
    table: shape.nonEmpty(sample.table, member(path, 'table')),
    column: shape.nonEmpty(sample.column, member(path, 'column')),
    link,
    sampleRows,
    values,
  };
}

function readTable(shape: JsonShape, value: unknown, path: string): CatalogTable {
  const table = shape.object(value, path);
  const kind = table.kind ?? 'table';
  if (!(TABLE_KINDS as readonly unknown[]).includes(kind)) shape.fail(member(path, 'kind'), `must be one of ${TABLE_KINDS.join(', ')}`);
  const comment = shape.optionalString(table.comment, member(path, 'comment'));
  const columns = shape.array(table.columns, member(path, 'columns')).map((value, c): CatalogColumn => {
    const columnPath = member(member(path, 'columns'), c);
    const column = shape.object(value, columnPath);
    const nullable = shape.optionalBoolean(column.nullable, member(columnPath, 'nullable'));
    const columnComment = shape.optionalString(column.comment, member(columnPath, 'comment'));
    return {
      name: shape.nonEmpty(column.name, member(columnPath, 'name')),
      type: shape.string(column.type, member(columnPath, 'type')),
      ...(nullable === undefined ? {} : { nullable }),
      ...(columnComment ? { comment: columnComment } : {}),
    };
  });
  return {
    name: shape.nonEmpty(table.name, member(path, 'name')),
    kind: kind as TableKind,
    columns,
    ...(comment ? { comment } : {}),
  };
}

/** The snapshot of a catalog, as a JSON value. */
export function snapshotOf(catalog: Catalog, origin?: string): SnapshotFile {
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    dialect: catalog.dialect,
    complete: catalog.complete,
    origin: origin ?? catalog.origin,
    generatedAt: catalog.generatedAt ?? new Date().toISOString(),
    databases: catalog.databases.map((database) => ({
      name: database.name,
      schemas: database.schemas.map((schema) => ({
        name: schema.name,
        tables: schema.tables.map((table) => ({
          name: table.name,
          kind: table.kind,
          ...(table.comment ? { comment: table.comment } : {}),
          columns: table.columns.map((c) => ({
            name: c.name,
            type: c.type,
            ...(c.nullable === undefined ? {} : { nullable: c.nullable }),
            ...(c.comment ? { comment: c.comment } : {}),
          })),
        })),
      })),
    })),
    ...(catalog.profileSamples.length ? { profiles: catalog.profileSamples.map((s) => ({ ...s, values: [...s.values] })) } : {}),
  };
}

/** The snapshot's text: indented structure, one column per line. */
export function snapshotText(snapshot: SnapshotFile): string {
  const j = JSON.stringify;
  const out: string[] = ['{'];
  const { databases, profiles, ...header } = snapshot;
  for (const [key, value] of Object.entries(header)) if (value !== undefined) out.push(`  ${j(key)}: ${j(value)},`);
  out.push('  "databases": [');
  databases.forEach((database, d) => {
    out.push(`    {"name": ${j(database.name)}, "schemas": [`);
    database.schemas.forEach((schema, s) => {
      out.push(`      {"name": ${j(schema.name)}, "tables": [`);
      schema.tables.forEach((table, t) => {
        const { columns, ...rest } = table;
        const head = Object.entries(rest).map(([k, v]) => `${j(k)}: ${j(v)}`).join(', ');
        out.push(`        {${head}, "columns": [`);
        columns.forEach((column, c) => out.push(`          ${j(column)}${c < columns.length - 1 ? ',' : ''}`));
        out.push(`        ]}${t < schema.tables.length - 1 ? ',' : ''}`);
      });
      out.push(`      ]}${s < database.schemas.length - 1 ? ',' : ''}`);
    });
    out.push(`    ]}${d < databases.length - 1 ? ',' : ''}`);
  });
  if (!profiles?.length) {
    out.push('  ]', '}', '');
    return out.join('\n');
  }
  out.push('  ],', '  "profiles": [');
  profiles.forEach((sample, p) => {
    const { values, ...rest } = sample;
    const head = Object.entries(rest).map(([k, v]) => `${j(k)}: ${j(v)}`).join(', ');
    out.push(`    {${head}, "values": [`);
    values.forEach((value, v) => out.push(`      ${j(value)}${v < values.length - 1 ? ',' : ''}`));
    out.push(`    ]}${p < profiles.length - 1 ? ',' : ''}`);
  });
  out.push('  ]', '}', '');
  return out.join('\n');
}

/**
 * Writes a catalog as a snapshot file, atomically (a temporary file renamed over the target), creating
 * the directory if needed. `origin` records what it was pulled from (never a secret).
 */
export async function writeSnapshot(path: string, catalog: Catalog, origin?: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temporary, snapshotText(snapshotOf(catalog, origin)), 'utf8');
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw toCatalogError(error, 'unreadable', `cannot write the catalog snapshot ${path}`);
  }
}
