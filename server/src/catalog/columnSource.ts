import type { Catalog, CatalogColumn, CatalogTable, TableKind } from './catalog';

// The shapes of `ColumnSource`, `ColumnQuery` and `ColumnInfo` (server/src/ide/columns.ts), restated:
// the catalog layer comes before the IDE layer and does not import it; TypeScript matches them by shape
// (test/catalog/columnSource.test.ts assigns one to the other).
interface ColumnQuery {
  tableRef?: string;
  entity?: { tableRef?: { value: string } };
  junction?: { tableRef?: { value: string } };
}

interface ColumnInfo {
  name: string;
  type?: string;
  nullable?: boolean;
  source: string;
  doc?: string;
}

interface ColumnSource {
  readonly name: string;
  columns(query: ColumnQuery): readonly ColumnInfo[];
}

const KIND_NAMES: Record<TableKind, string> = { table: 'table', view: 'view', materialized_view: 'materialized view' };

/**
 * Completion's (and hover's) columns from the warehouse catalog: the columns of the table a query's
 * `table_ref` names (found with the warehouse's identifier rules), in warehouse order, with type and
 * nullability. Answers from memory; the items of a table are built once per catalog.
 */
export function catalogColumnSource(catalog: Catalog): ColumnSource {
  const built = new WeakMap<CatalogTable, ColumnInfo[]>();
  return {
    name: 'catalog',
    columns(query: ColumnQuery): readonly ColumnInfo[] {
      const ref = query.tableRef ?? query.entity?.tableRef?.value ?? query.junction?.tableRef?.value;
      if (!ref?.trim()) return [];
      const match = catalog.findTable(ref);
      if (!match) return [];
      let items = built.get(match.table);
      if (!items) {
        const where = `${KIND_NAMES[match.table.kind]} \`${match.ref}\` (${catalog.origin})`;
        items = match.table.columns.map((column) => item(column, where));
        built.set(match.table, items);
      }
      return items;
    },
  };
}

function item(column: CatalogColumn, where: string): ColumnInfo {
  const doc = [column.comment, `From the warehouse catalog: ${where}.`].filter(Boolean).join('\n\n');
  return {
    name: column.name,
    ...(column.type ? { type: column.type } : {}),
    ...(column.nullable === undefined ? {} : { nullable: column.nullable }),
    source: 'catalog',
    doc,
  };
}
