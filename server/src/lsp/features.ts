// The editor features over LSP: thin adapters from requests to the plain-data modules in server/src/ide.
import {
  CodeActionKind,
  CodeActionRequest,
  CompletionRequest,
  DefinitionRequest,
  DocumentFormattingRequest,
  DocumentHighlightRequest,
  DocumentRangeFormattingRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  LSPErrorCodes,
  MarkupKind,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
  ResponseError,
  SelectionRangeRequest,
  SemanticTokensRangeRequest,
  SemanticTokensRequest,
  WorkspaceSymbolRequest,
  type CancellationToken,
  type CodeAction as LspCodeAction,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type HandlerResult,
  type ProtocolRequestType,
  type Range,
} from 'vscode-languageserver';
import type { Catalog } from '../catalog/catalog';
import { catalogColumnSource } from '../catalog/columnSource';
import type { Analysis } from '../checks/analyze';
import type { CheckSettings } from '../checks/index';
import type { Diagnostic } from '../checks/diagnostic';
import { codeActions } from '../ide/codeActions';
import { graphColumnSource, type ColumnSource } from '../ide/columns';
import { complete } from '../ide/completion';
import { definition } from '../ide/definition';
import { foldingRanges } from '../ide/folding';
import { format } from '../ide/formatting';
import { highlights } from '../ide/highlights';
import { hover } from '../ide/hover';
import { findReferences } from '../ide/references';
import { prepareRename, rename } from '../ide/rename';
import { selectionRanges } from '../ide/selection';
import { encodeSemanticTokens, semanticTokens } from '../ide/semanticTokens';
import { documentSymbols, workspaceSymbols } from '../ide/symbols';
import type { LineIndex } from '../syntax/lineIndex';
import type { ClientSupport } from './capabilities';
import { toLspDiagnostic, type DiagnosticSupport } from './convert';
import type { OpenDocument } from './documents';
import { registerGraph } from './graph';
import {
  completionRange,
  toCompletionItem,
  toDocumentSymbols,
  toFoldingRanges,
  toFormattingOptions,
  toHighlight,
  toLineRange,
  toSelectionRange,
  toSpan,
  toSymbolInformation,
  toTextEdits,
  toWorkspaceEdit,
  toWorkspaceSymbol,
} from './featureConvert';
import { fileUriToPath, pathKey, type WorkspaceFiles } from './workspaceFiles';

/** An open document at its current version, with that version's analysis (absent when it crashed). */
export interface CurrentDocument {
  document: OpenDocument;
  lines: LineIndex;
  analysis?: Analysis;
}

/** What the handlers need from the server. */
export interface FeatureContext {
  support(): ClientSupport;
  diagnosticSupport(): DiagnosticSupport;
  /** The check settings (of `uri`'s project, when given: its dg.config.json under the client's settings). */
  settings(uri?: string): CheckSettings;
  /** The warehouse catalog of `uri`'s project, when loaded (never loads: completion must not wait). */
  catalog(uri: string): Catalog | undefined;
  /**
   * The open document `uri` at its current version and that version's analysis, analyzed now when the
   * pending-version logic skipped it; undefined when not open (or after shutdown).
   */
  current(uri: string): CurrentDocument | undefined;
  /** The URIs of the open documents. */
  openUris(): string[];
  workspace(): WorkspaceFiles | undefined;
  logError(key: string, message: string): void;
}

/** At most this many workspace symbols per answer (best matches first). */
const WORKSPACE_SYMBOL_LIMIT = 1000;

export function registerFeatures(connection: Connection, ctx: FeatureContext): void {
  /**
   * Registers `handler` for `type`: an exception is logged (once per message) and answered with
   * `fallback`; a `ResponseError` it returns or throws goes to the client as is.
   */
  function on<P, R, PR, E, RO>(
    type: ProtocolRequestType<P, R, PR, E, RO>,
    fallback: R,
    handler: (params: P, token: CancellationToken) => R | ResponseError<E> | Promise<R | ResponseError<E>>,
  ): void {
    const name = type.method;
    const failed = (error: unknown): R | ResponseError<E> => {
      if (error instanceof ResponseError) return error as ResponseError<E>;
      ctx.logError(`request:${name}:${messageOf(error)}`, `dg: ${name} failed: ${describe(error)}`);
      return fallback;
    };
    connection.onRequest(type, (params: P, token: CancellationToken): HandlerResult<R, E> => {
      // (HandlerResult maps a nullable R to `R | void`: the casts only restate R.)
      try {
        const result = handler(params, token);
        return (result instanceof Promise ? result.catch(failed) : result) as HandlerResult<R, E>;
      } catch (error) {
        return failed(error) as HandlerResult<R, E>;
      }
    });
  }

  /** The document a request names, with the request's position as an offset. */
  const at = (params: { textDocument: { uri: string }; position: { line: number; character: number } }) => {
    const current = ctx.current(params.textDocument.uri);
    if (!current) return undefined;
    return { ...current, offset: current.lines.offsetAt(params.position) };
  };

  on(CompletionRequest.type, null, (params) => {
    const c = at(params);
    if (!c?.analysis) return null;
    const model = c.analysis.model;
    const catalog = ctx.catalog(c.document.uri);
    const columns: ColumnSource[] = catalog ? [columnSourceOf(catalog), graphColumnSource(model)] : [graphColumnSource(model)];
    const identityTypes = ctx.settings(c.document.uri).identityTypes;
    const items = complete(model, c.offset, { columns, ...(catalog ? { catalog } : {}), ...(identityTypes ? { identityTypes } : {}) });
    const support = ctx.support();
    return {
      isIncomplete: false,
      items: items.map((item) => toCompletionItem(item, completionRange(c.lines, item.replace, c.offset), support)),
    };
  });

  on(HoverRequest.type, null, (params) => {
    const c = at(params);
    if (!c?.analysis) return null;
    const catalog = ctx.catalog(c.document.uri);
    const identityTypes = ctx.settings(c.document.uri).identityTypes;
    const result = hover(c.analysis.model, c.offset, { ...(identityTypes ? { identityTypes } : {}), ...(catalog ? { catalog } : {}) });
    if (!result) return null;
    return {
      contents: { kind: ctx.support().hoverMarkdown ? MarkupKind.Markdown : MarkupKind.PlainText, value: result.markdown },
      range: c.lines.rangeOf(result.span),
    };
  });

  on(DefinitionRequest.type, null, (params) => {
    const c = at(params);
    if (!c?.analysis) return null;
    const found = definition(c.analysis.model, c.offset);
    if (!found) return null;
    const uri = c.document.uri;
    if (ctx.support().definitionLinks) {
      return found.targets.map((target) => ({
        originSelectionRange: c.lines.rangeOf(found.origin),
        targetUri: uri,
        targetRange: c.lines.rangeOf(target.blockSpan),
        targetSelectionRange: c.lines.rangeOf(target.span),
      }));
    }
    return found.targets.map((target) => ({ uri, range: c.lines.rangeOf(target.span) }));
  });

  on(ReferencesRequest.type, null, (params) => {
    const c = at(params);
    if (!c?.analysis) return null;
    const spans = findReferences(c.analysis.model, c.offset, { includeDeclaration: params.context?.includeDeclaration !== false });
    return spans ? spans.map((span) => ({ uri: c.document.uri, range: c.lines.rangeOf(span) })) : null;
  });

  on(DocumentHighlightRequest.type, null, (params) => {
    const c = at(params);
    if (!c?.analysis) return null;
    return highlights(c.analysis.model, c.offset).map((h) => toHighlight(c.lines, h));
  });

  on(PrepareRenameRequest.type, null, (params) => {
    const c = at(params);
    if (!c?.analysis) return null;
    const result = prepareRename(c.analysis.model, c.offset);
    if ('error' in result) return new ResponseError(LSPErrorCodes.RequestFailed, result.error);
    return { range: c.lines.rangeOf(result.span), placeholder: result.placeholder };
  });

  on(RenameRequest.type, null, (params) => {
    const c = at(params);
    if (!c?.analysis) return null;
    const result = rename(c.analysis.model, c.offset, String(params.newName));
    if ('error' in result) return new ResponseError(LSPErrorCodes.RequestFailed, result.error);
    const edits = toTextEdits(c.lines, result.edits);
    return toWorkspaceEdit(c.document.uri, c.document.version, edits, ctx.support(), result.annotation);
  });

  on(DocumentSymbolRequest.type, null, (params) => {
    const c = ctx.current(params.textDocument.uri);
    if (!c) return null;
    const symbols = documentSymbols(c.document.syntax.syntax);
    const support = ctx.support();
    return support.hierarchicalSymbols
      ? toDocumentSymbols(symbols, c.lines, support)
      : toSymbolInformation(symbols, c.document.uri, c.lines, support);
  });

  on(WorkspaceSymbolRequest.type, null, async (params, token) => {
    const workspace = ctx.workspace();
    const openBefore = openPaths(ctx.openUris());
    const disk = workspace ? await workspace.documents(openBefore, () => token.isCancellationRequested) : [];
    // The open documents as they are now (they may have changed while the files were read): they win.
    const documents: { uri: string; analysis: Analysis; lines: LineIndex }[] = [];
    const uris = ctx.openUris();
    for (const uri of uris) {
      const c = ctx.current(uri);
      if (c?.analysis) documents.push({ uri, analysis: c.analysis, lines: c.lines });
    }
    const open = openPaths(uris);
    for (const file of disk) {
      const path = fileUriToPath(file.uri);
      if (path === undefined || !open.has(pathKey(path))) documents.push(file);
    }
    const lines = new Map(documents.map((d) => [d.uri, d.lines]));
    return workspaceSymbols(String(params.query ?? ''), documents, { limit: WORKSPACE_SYMBOL_LIMIT }).map((symbol) =>
      toWorkspaceSymbol(symbol, lines.get(symbol.uri)!),
    );
  });

  on(FoldingRangeRequest.type, null, (params) => {
    const c = ctx.current(params.textDocument.uri);
    if (!c) return null;
    // The closing `}` stays visible when folded, as VS Code's own languages do it.
    const ranges = foldingRanges(c.document.syntax.syntax, c.lines, { keepClosingLine: true });
    return toFoldingRanges(ranges, ctx.support());
  });

  // Formatting answers for the version current when the request is handled (the client drops edits
  // for a version that moved on). Only whitespace changes; what does not parse is left as it is.
  on(DocumentFormattingRequest.type, null, (params) => {
    const c = ctx.current(params.textDocument.uri);
    if (!c) return null;
    return toTextEdits(c.lines, format(c.document.syntax.syntax, c.lines, toFormattingOptions(params.options)).edits);
  });

  on(DocumentRangeFormattingRequest.type, null, (params) => {
    const c = ctx.current(params.textDocument.uri);
    if (!c) return null;
    const options = { ...toFormattingOptions(params.options), lines: toLineRange(params.range) };
    return toTextEdits(c.lines, format(c.document.syntax.syntax, c.lines, options).edits);
  });

  on(SelectionRangeRequest.type, null, (params) => {
    const c = ctx.current(params.textDocument.uri);
    if (!c) return null;
    const offsets = params.positions.map((p) => c.lines.offsetAt(p));
    return selectionRanges(c.document.syntax.syntax, offsets).map((range) => toSelectionRange(c.lines, range));
  });

  on(SemanticTokensRequest.type, null, (params) => {
    const c = ctx.current(params.textDocument.uri);
    if (!c?.analysis) return { data: [] };
    return { data: encodeSemanticTokens(semanticTokens(c.analysis.model), c.lines) };
  });

  on(SemanticTokensRangeRequest.type, null, (params) => {
    const c = ctx.current(params.textDocument.uri);
    if (!c?.analysis) return { data: [] };
    return { data: encodeSemanticTokens(semanticTokens(c.analysis.model, toSpan(c.lines, params.range)), c.lines) };
  });

  on(CodeActionRequest.type, null, (params) => {
    const c = ctx.current(params.textDocument.uri);
    if (!c?.analysis || !ctx.support().codeActionLiterals) return null;
    const { document, lines, analysis } = c;
    const support = ctx.support();
    const diagnosticSupport = ctx.diagnosticSupport();
    // The client's diagnostics at the range, of this server. Fixes come from the current analysis; when
    // the client names diagnostics, only theirs are offered, and one that matches nothing current is
    // from another version: it gets no (stale) fix.
    const named = (params.context?.diagnostics ?? []).filter((d) => d.source === 'dg');
    const matching = (diagnostic: Diagnostic): LspDiagnostic | undefined => {
      const range = lines.rangeOf(diagnostic.span);
      return named.find((d) => d.code === diagnostic.code && sameRange(d.range, range));
    };
    const asLsp = (diagnostic: Diagnostic) =>
      matching(diagnostic) ?? toLspDiagnostic(diagnostic, lines, document.uri, diagnosticSupport);

    const actions = codeActions(analysis.diagnostics, toSpan(lines, params.range), { only: params.context?.only });
    const kept = actions.filter((action) => action.kind !== CodeActionKind.QuickFix || !action.diagnostic || named.length === 0 || matching(action.diagnostic));
    const fixedCodes = new Set(kept.flatMap((a) => (a.diagnostic ? [a.diagnostic.code] : [])));
    const result: LspCodeAction[] = [];
    for (const action of kept) {
      // "Fix all DGxxx problems" goes with the quick fixes it extends.
      if (action.kind === CodeActionKind.QuickFix && !action.diagnostic && !action.diagnostics?.some((d) => fixedCodes.has(d.code))) continue;
      const lspAction: LspCodeAction = {
        title: action.title,
        kind: action.kind,
        edit: toWorkspaceEdit(document.uri, document.version, toTextEdits(lines, action.edits), support),
      };
      if (action.diagnostic) lspAction.diagnostics = [asLsp(action.diagnostic)];
      else if (action.kind === CodeActionKind.QuickFix && action.diagnostics) lspAction.diagnostics = action.diagnostics.map(asLsp);
      if (action.isPreferred) lspAction.isPreferred = true;
      result.push(lspAction);
    }
    return result;
  });

  registerGraph(connection, ctx); // dg/graph: the SVG picture for the client's Show Graph panel
}

const columnSources = new WeakMap<Catalog, ColumnSource>();

/** One column source per catalog, so its per-table items are built once. */
function columnSourceOf(catalog: Catalog): ColumnSource {
  let source = columnSources.get(catalog);
  if (!source) columnSources.set(catalog, (source = catalogColumnSource(catalog)));
  return source;
}

/** The file paths (as `pathKey`s) of the documents among `uris` that are files. */
function openPaths(uris: readonly string[]): Set<string> {
  const paths = new Set<string>();
  for (const uri of uris) {
    const path = fileUriToPath(uri);
    if (path !== undefined) paths.add(pathKey(path));
  }
  return paths;
}

const sameRange = (a: Range, b: Range): boolean =>
  a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const describe = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));
