/**
 * SQL text for the queries dg runs in a warehouse (the data checks, the Profiles Sync samples), and
 * reading their rows back whatever the driver returns. Names are quoted, values are literals.
 */

/** Quoting per dialect: `"name"` (standard SQL) or `` `name` `` (BigQuery, Databricks). */
export class SqlWriter {
  private readonly backticks: boolean;

  constructor(dialect: string) {
    this.backticks = dialect === 'bigquery' || dialect === 'databricks';
  }

  identifier(name: string): string {
    return this.backticks ? `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\`` : `"${name.replace(/"/g, '""')}"`;
  }

  /** `db.schema.table`; a database with an empty name (dbt adapters without databases) is left out. */
  table(database: string, schema: string, table: string): string {
    return [database, schema, table].filter((part, i) => i > 0 || part !== '').map((p) => this.identifier(p)).join('.');
  }

  string(value: string): string {
    return this.backticks ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : `'${value.replace(/'/g, "''")}'`;
  }
}

/** A row's field by name in any case (Snowflake answers upper case, Postgres lower case). */
export function rowField(row: Readonly<Record<string, unknown>>, name: string): unknown {
  if (Object.hasOwn(row, name)) return row[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(row)) if (key.toLowerCase() === lower) return row[key];
  return undefined;
}

/** A count as drivers return it: a number, a bigint (DuckDB) or a decimal string (Postgres bigint). */
export function rowCount(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}
