// `dg/graph`: the SVG picture of an open document, for the VS Code client's "Show Graph" panel.
import { createHash } from 'node:crypto';
import { ResponseError, type Connection } from 'vscode-languageserver';
import { buildModel, type GraphModel } from '../model/graph';
import { graphPicture, type GraphPicture } from '../ide/graph/picture';
import { renderSvg } from '../ide/graph/svg';
import type { FeatureContext } from './features';

/** The custom request: params `{ uri: string }`, answer {@link GraphResult}. */
export const GRAPH_METHOD = 'dg/graph';

export interface GraphResult {
  uri: string;
  /** The document version drawn (its current one); null when the document is not open. */
  version: number | null;
  /** A standalone SVG document (no scripts, no external resources), always present. */
  svg: string;
  /** What is wrong with the graph as drawn (a missing entity, …), one sentence each. */
  problems: string[];
  /** Error diagnostics of the version drawn: with any, the picture may be partial. */
  errors: number;
}

/**
 * Answers `dg/graph` for the document's current version (analyzed now if its check is still to
 * come). Broken text still draws; a failure to draw answers with an SVG that says so, never an error.
 * Only malformed params (no `uri` string) are a ResponseError.
 *
 * The layout runs on the server's thread: `renderSvg` bounds it (a graph too large to lay out quickly
 * gets a message instead), and the last SVG of each document is kept with its picture's hash, so a
 * request for an unchanged picture (the panel asks after every edit, also one inside a description or
 * a comment) costs the picture and its hash, not a layout.
 */
export function registerGraph(connection: Connection, ctx: Pick<FeatureContext, 'current' | 'logError'>): void {
  const cache = new SvgCache();
  connection.onRequest(GRAPH_METHOD, (params: unknown): GraphResult | ResponseError<void> => {
    const uri = (params as { uri?: unknown } | null | undefined)?.uri;
    if (typeof uri !== 'string') return new ResponseError(-32602, `${GRAPH_METHOD}: params must be { uri: string }`);
    let version: number | null = null;
    let errors = 0;
    try {
      const current = ctx.current(uri);
      if (!current) {
        cache.forget(uri);
        return drawnNothing(uri, null, 0, `${uri} is not open in the language server`);
      }
      const { document, analysis } = current;
      version = document.version;
      errors = analysis?.diagnostics.filter((d) => d.severity === 'error').length ?? 0;
      // Without an analysis (it crashed), the model alone still draws.
      const model: GraphModel = analysis?.model ?? buildModel(document.syntax.syntax);
      const picture = graphPicture(model);
      return { uri, version, svg: cache.svg(uri, picture), problems: picture.problems, errors };
    } catch (error) {
      ctx.logError(`request:${GRAPH_METHOD}:${messageOf(error)}`, `dg: ${GRAPH_METHOD} failed: ${describe(error)}`);
      return drawnNothing(uri, version, errors, `the graph could not be drawn: ${messageOf(error)}`);
    }
  });
}

/**
 * The last SVG drawn for each of the most recently drawn documents, keyed by a hash of the picture it
 * draws (its JSON: `graphPicture` builds it in a fixed order, so the same model gives the same text).
 * A closed document's entry goes when it is asked for again, or when {@link SvgCache.capacity} other
 * documents have been drawn since.
 */
export class SvgCache {
  private readonly entries = new Map<string, { key: string; svg: string }>();

  constructor(
    readonly capacity = 16,
    private readonly render: (picture: GraphPicture) => string = renderSvg,
  ) {}

  /** The SVG of `picture`, the document `uri`'s: the one kept when its picture is unchanged. */
  svg(uri: string, picture: GraphPicture): string {
    const key = createHash('sha256').update(JSON.stringify(picture)).digest('base64');
    const kept = this.entries.get(uri);
    this.entries.delete(uri); // (re)inserted last: the most recently drawn
    if (kept?.key === key) {
      this.entries.set(uri, kept);
      return kept.svg;
    }
    const svg = this.render(picture);
    this.entries.set(uri, { key, svg });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
    return svg;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }

  get size(): number {
    return this.entries.size;
  }
}

function drawnNothing(uri: string, version: number | null, errors: number, problem: string): GraphResult {
  return { uri, version, svg: renderSvg({ nodes: [], edges: [], problems: [problem] }), problems: [problem], errors };
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const describe = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));
