import type { EntityModel, GraphModel, JunctionModel } from '../model/graph';
import type { Span } from '../syntax/ast';

/**
 * Where completion, hover and checks learn which columns a table has. The graph itself is one source
 * (the columns it already names); the warehouse catalog is another, plugged in by the caller. Sources
 * are plain objects with no IO at query time: a catalog source answers from what it already loaded.
 */
export interface ColumnSource {
  /** Short name for details and logs: `graph`, `catalog`, … */
  readonly name: string;
  /** The columns of one table, in the order to show them; empty when the source does not know the table. */
  columns(query: ColumnQuery): readonly ColumnInfo[];
}

/** One table, as the graph describes it at the place being completed. */
export interface ColumnQuery {
  /** The table's `table_ref` as written (absent while it is not written yet). */
  tableRef?: string;
  /** The entity whose table it is (entity tables). */
  entity?: EntityModel;
  /** The junction table block's model (junction tables). */
  junction?: JunctionModel;
  /**
   * The text being completed: a source that reads the graph leaves out the column written there
   * (the half-typed word itself is no suggestion).
   */
  editing?: Span;
}

export interface ColumnInfo {
  name: string;
  /** The warehouse type, when the source knows it (`VARCHAR`, `NUMBER(38,0)`, …). */
  type?: string;
  nullable?: boolean;
  /** The source's name (`graph`, `catalog`). */
  source: string;
  /** Markdown: where the column comes from (`named 3 times in this graph`, a catalog comment, …). */
  doc?: string;
}

/** The columns of `query` from every source, first source first; a name appears once (case-insensitive). */
export function columnsOf(sources: readonly ColumnSource[], query: ColumnQuery): ColumnInfo[] {
  const out: ColumnInfo[] = [];
  const seen = new Set<string>();
  for (const source of sources) {
    for (const column of source.columns(query)) {
      const key = column.name.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(column);
    }
  }
  return out;
}

interface GraphColumn {
  name: string;
  /** Where the graph names it. */
  spans: Span[];
}

type TableKey = string | EntityModel | JunctionModel;

const graphSources = new WeakMap<GraphModel, ColumnSource>();

/**
 * The columns the graph already names for each table: primary keys, join keys and the columns of join
 * strings (`model.columns`), grouped by table (entities and junctions sharing a `table_ref` share them).
 * Indexed once per model, on first use.
 */
export function graphColumnSource(model: GraphModel): ColumnSource {
  let source = graphSources.get(model);
  if (!source) {
    source = new GraphColumnSource(model);
    graphSources.set(model, source);
  }
  return source;
}

class GraphColumnSource implements ColumnSource {
  readonly name = 'graph';
  private index?: Map<TableKey, Map<string, GraphColumn>>;

  constructor(private readonly model: GraphModel) {}

  columns(query: ColumnQuery): readonly ColumnInfo[] {
    const owner = query.entity ?? query.junction;
    const key = query.tableRef?.trim() ? tableKey(query.tableRef) : owner && keyOf(owner);
    if (key === undefined) return [];
    const table = this.build().get(key);
    if (!table) return [];
    const out: ColumnInfo[] = [];
    for (const column of table.values()) {
      const elsewhere = query.editing ? column.spans.filter((s) => !within(s, query.editing!)).length : column.spans.length;
      if (elsewhere === 0) continue;
      out.push({
        name: column.name,
        source: this.name,
        doc: `Named ${elsewhere === 1 ? 'once' : `${elsewhere} times`} in this graph (the warehouse catalog was not read).`,
      });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private build(): Map<TableKey, Map<string, GraphColumn>> {
    if (this.index) return this.index;
    const index = new Map<TableKey, Map<string, GraphColumn>>();
    const keys = new Map<EntityModel | JunctionModel, TableKey>();
    for (const reference of this.model.columns) {
      const owner = reference.junction ?? reference.entity;
      if (owner === undefined || !reference.column) continue;
      let key = keys.get(owner);
      if (key === undefined) keys.set(owner, (key = keyOf(owner)));
      let table = index.get(key);
      if (!table) index.set(key, (table = new Map()));
      const name = reference.column.toLowerCase();
      const column = table.get(name);
      if (column) column.spans.push(reference.span);
      else table.set(name, { name: reference.column, spans: [reference.span] });
    }
    this.index = index;
    return index;
  }
}

const tableKey = (tableRef: string): string => tableRef.trim().toLowerCase();
const keyOf = (owner: EntityModel | JunctionModel): TableKey => (owner.tableRef?.value.trim() ? tableKey(owner.tableRef.value) : owner);
const within = (inner: Span, outer: Span): boolean => outer.start <= inner.start && inner.end <= outer.end;
