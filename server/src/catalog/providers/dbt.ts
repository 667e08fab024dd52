import { CatalogBuilder, type Catalog, type CatalogColumn, type TableKind } from '../catalog';
import { CatalogError } from '../errors';
import { isObject, JsonShape, member } from './json';
import type { ReadOptions } from './snapshot';

/**
 * dbt's `target/catalog.json` (written by `dbt docs generate`; schema
 * https://schemas.getdbt.com/dbt/catalog/v1.json):
 *
 *     { "metadata": { "dbt_schema_version": "https://schemas.getdbt.com/dbt/catalog/v1.json", … },
 *       "nodes":   { "<unique_id>": { "metadata": { "type", "database", "schema", "name", "comment", "owner" },
 *                                     "columns": { "<NAME>": { "type", "index", "name", "comment" } },
 *                                     "stats": {…}, "unique_id": "<unique_id>" } },
 *       "sources": { …same shape… },
 *       "errors": null }
 *
 * `nodes` are models, seeds and snapshots; `sources` the declared sources. `columns` is an object keyed
 * by column name (some producers write an array of the same objects; both are read), ordered by
 * `index`. The relation `type` is the warehouse's (`BASE TABLE`, `VIEW`, `table`, `MATERIALIZED VIEW`, …).
 * `database` is null for adapters without databases (it becomes the empty name). The catalog is
 * partial: it lists only what the dbt project knows, so a table missing from it may still exist.
 * Nullability is not recorded.
 */
const DBT_HINT = 'Regenerate it with `dbt docs generate`.';

/** Whether a parsed JSON value has the shape of a dbt artifact with `nodes` (catalog or manifest). */
export function isDbtCatalog(json: unknown): boolean {
  if (!isObject(json) || !isObject(json.nodes)) return false;
  return artifactKind(json) === 'catalog' || (artifactKind(json) === undefined && (json.sources === undefined || isObject(json.sources)));
}

/** `catalog`, `manifest`, … from `metadata.dbt_schema_version`. */
export function artifactKind(json: Record<string, unknown>): string | undefined {
  const metadata = json.metadata;
  const version = isObject(metadata) ? metadata.dbt_schema_version : undefined;
  return typeof version === 'string' ? /\/dbt\/([a-z-]+)\/v\d+/.exec(version)?.[1] : undefined;
}

/** A parsed dbt `catalog.json` as a catalog (partial: `complete` is false). */
export function readDbtCatalog(json: unknown, options: ReadOptions): Catalog {
  const shape = new JsonShape(options.file, DBT_HINT);
  const root = shape.object(json, '');
  const kind = artifactKind(root);
  if (kind && kind !== 'catalog') {
    throw new CatalogError(
      'malformed',
      `${options.file} is a dbt ${kind} artifact, not a dbt catalog.`,
      'Point "catalog" at target/catalog.json (written by `dbt docs generate`).',
    );
  }
  const builder = new CatalogBuilder();
  for (const section of ['nodes', 'sources'] as const) {
    if (section === 'sources' && (root.sources === undefined || root.sources === null)) continue;
    const entries = shape.object(root[section], section);
    for (const [id, value] of Object.entries(entries)) {
      const path = member(section, id);
      const entry = shape.object(value, path);
      const metaPath = member(path, 'metadata');
      const meta = shape.object(entry.metadata, metaPath);
      const database = shape.optionalString(meta.database, member(metaPath, 'database')) ?? '';
      const schema = shape.nonEmpty(meta.schema, member(metaPath, 'schema'));
      const name = shape.nonEmpty(meta.name, member(metaPath, 'name'));
      const type = shape.optionalString(meta.type, member(metaPath, 'type')) ?? '';
      const comment = shape.optionalString(meta.comment, member(metaPath, 'comment'));
      const table = builder.table(database, schema, name, tableKind(type), comment);
      if (table.columns.length) continue; // the same relation twice (a source and a model): keep the first
      for (const column of readColumns(shape, entry.columns, member(path, 'columns'))) builder.column(database, schema, name, column);
    }
  }
  const metadata = isObject(root.metadata) ? root.metadata : {};
  const generatedAt = typeof metadata.generated_at === 'string' ? metadata.generated_at : undefined;
  return builder.build({
    dialect: options.dialect ?? 'generic',
    complete: false,
    origin: `dbt catalog ${options.file}`,
    ...(generatedAt ? { generatedAt } : {}),
    ...(options.identifierCase ? { identifierCase: options.identifierCase } : {}),
  });
}

function readColumns(shape: JsonShape, value: unknown, path: string): CatalogColumn[] {
  if (value === undefined || value === null) return [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(shape.object(value, path));
  const columns = entries.map(([key, raw], position) => {
    const columnPath = member(path, key);
    const column = shape.object(raw, columnPath);
    const name =
      column.name === undefined && typeof key === 'string' ? key : shape.nonEmpty(column.name, member(columnPath, 'name'));
    const type = shape.optionalString(column.type, member(columnPath, 'type')) ?? '';
    const comment = shape.optionalString(column.comment, member(columnPath, 'comment'));
    const index = column.index;
    if (index !== undefined && index !== null && typeof index !== 'number') {
      shape.fail(member(columnPath, 'index'), 'must be a number');
    }
    return { column: { name, type, ...(comment ? { comment } : {}) }, order: typeof index === 'number' ? index : position };
  });
  return columns.sort((a, b) => a.order - b.order).map((c) => c.column);
}

function tableKind(type: string): TableKind {
  const t = type.toLowerCase();
  if (t.includes('materialized')) return 'materialized_view';
  if (t.includes('view')) return 'view';
  return 'table';
}
