// Plain data from server/src/ide → LSP types. Offsets become positions through the document's line index.
import {
  CompletionItemKind,
  CompletionItemTag,
  DocumentHighlightKind,
  FoldingRangeKind,
  InsertTextFormat,
  InsertTextMode,
  MarkupKind,
  SymbolKind,
  SymbolTag,
  type CompletionItem as LspCompletionItem,
  type DocumentHighlight,
  type DocumentSymbol as LspDocumentSymbol,
  type FoldingRange as LspFoldingRange,
  type Range,
  type SelectionRange as LspSelectionRange,
  type SymbolInformation,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { TextEdit } from '../checks/diagnostic';
import type { CompletionItem, CompletionKind } from '../ide/completion';
import type { FoldingRange } from '../ide/folding';
import type { FormattingOptions } from '../ide/formatting';
import type { Highlight } from '../ide/highlights';
import type { RenameAnnotation } from '../ide/rename';
import type { SelectionRange } from '../ide/selection';
import type { DgSymbolKind, DocumentSymbol, WorkspaceSymbol } from '../ide/symbols';
import type { Span } from '../syntax/ast';
import type { LineIndex } from '../syntax/lineIndex';
import type { ClientSupport } from './capabilities';

const COMPLETION_KINDS: Record<CompletionKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword,
  property: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
  entity: CompletionItemKind.Class,
  column: CompletionItemKind.Field,
  snippet: CompletionItemKind.Snippet,
  enum: CompletionItemKind.EnumMember,
  database: CompletionItemKind.Module,
  schema: CompletionItemKind.Folder,
  table: CompletionItemKind.Struct,
  view: CompletionItemKind.Interface,
};

const SYMBOL_KINDS: Record<DgSymbolKind, SymbolKind> = {
  namespace: SymbolKind.Namespace,
  module: SymbolKind.Module,
  class: SymbolKind.Class,
  field: SymbolKind.Field,
};

export const toSymbolKind = (kind: DgSymbolKind): SymbolKind => SYMBOL_KINDS[kind];

export const toRange = (lines: LineIndex, span: Span): Range => lines.rangeOf(span);

export function toSpan(lines: LineIndex, range: Range): Span {
  const start = lines.offsetAt(range.start);
  return { start, end: Math.max(start, lines.offsetAt(range.end)) };
}

/**
 * The range a completion replaces, as LSP requires it: on the cursor's line and holding the cursor.
 * (An unterminated string's content runs past the line break: only the part on the line is replaced.)
 */
export function completionRange(lines: LineIndex, replace: Span, cursor: number): Range {
  const line = lines.positionAt(cursor).line;
  const start = Math.min(Math.max(replace.start, lines.lineStart(line)), cursor);
  const end = Math.max(Math.min(replace.end, lines.lineEnd(line)), cursor);
  return lines.rangeOf({ start, end });
}

export function toCompletionItem(item: CompletionItem, range: Range, support: ClientSupport): LspCompletionItem {
  const snippet = item.isSnippet && support.snippets;
  const newText = item.isSnippet && !snippet ? snippetToPlain(item.insertText) : item.insertText;
  const result: LspCompletionItem = {
    label: item.label,
    kind: COMPLETION_KINDS[item.kind],
    textEdit: { range, newText },
    insertTextFormat: snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
  };
  // Multi-line snippets carry their own indentation: the editor must not indent them again.
  if (support.insertTextModeAsIs) result.insertTextMode = InsertTextMode.asIs;
  if (item.detail) result.detail = item.detail;
  if (item.documentation) {
    result.documentation = support.completionMarkdown
      ? { kind: MarkupKind.Markdown, value: item.documentation }
      : { kind: MarkupKind.PlainText, value: item.documentation };
  }
  if (item.sortText !== undefined) result.sortText = item.sortText;
  if (item.filterText !== undefined) result.filterText = item.filterText;
  if (item.deprecated) {
    if (support.completionDeprecatedTag) result.tags = [CompletionItemTag.Deprecated];
    else if (support.completionDeprecatedFlag) result.deprecated = true;
  }
  return result;
}

/**
 * A snippet as plain text, for clients without snippet support: tab stops dropped, placeholders and
 * choices at their (first) value, escapes undone.
 */
export function snippetToPlain(snippet: string): string {
  let out = '';
  let i = 0;
  const readUntil = (stops: string): string => {
    let text = '';
    while (i < snippet.length && !stops.includes(snippet[i]!)) {
      if (snippet[i] === '\\' && i + 1 < snippet.length) i++;
      text += snippet[i++];
    }
    return text;
  };
  while (i < snippet.length) {
    const ch = snippet[i]!;
    if (ch === '\\' && i + 1 < snippet.length) {
      out += snippet[i + 1];
      i += 2;
    } else if (ch === '$' && /\d/.test(snippet[i + 1] ?? '')) {
      i++;
      while (/\d/.test(snippet[i] ?? '')) i++;
    } else if (ch === '$' && snippet[i + 1] === '{' && /\d/.test(snippet[i + 2] ?? '')) {
      i += 2;
      while (/\d/.test(snippet[i] ?? '')) i++;
      const marker = snippet[i];
      if (marker === ':') {
        i++;
        out += readUntil('}');
      } else if (marker === '|') {
        i++;
        out += readUntil(',|');
        readUntil('}');
      }
      i++; // the closing brace
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

export function toHighlight(lines: LineIndex, highlight: Highlight): DocumentHighlight {
  return {
    range: lines.rangeOf(highlight.span),
    kind: highlight.kind === 'write' ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
  };
}

export function toDocumentSymbols(symbols: readonly DocumentSymbol[], lines: LineIndex, support: ClientSupport): LspDocumentSymbol[] {
  return symbols.map((symbol) => {
    const result: LspDocumentSymbol = {
      name: symbol.name,
      kind: toSymbolKind(symbol.kind),
      range: lines.rangeOf(symbol.span),
      selectionRange: lines.rangeOf(symbol.selectionSpan),
      children: toDocumentSymbols(symbol.children, lines, support),
    };
    if (symbol.detail) result.detail = symbol.detail;
    if (symbol.deprecated) {
      if (support.documentSymbolDeprecatedTag) result.tags = [SymbolTag.Deprecated];
      else result.deprecated = true;
    }
    return result;
  });
}

/** The outline flattened, for clients without hierarchical document symbols. */
export function toSymbolInformation(symbols: readonly DocumentSymbol[], uri: string, lines: LineIndex, support: ClientSupport): SymbolInformation[] {
  const out: SymbolInformation[] = [];
  const walk = (list: readonly DocumentSymbol[], container: string | undefined) => {
    for (const symbol of list) {
      const result: SymbolInformation = {
        name: symbol.name,
        kind: toSymbolKind(symbol.kind),
        location: { uri, range: lines.rangeOf(symbol.span) },
      };
      if (container !== undefined) result.containerName = container;
      if (symbol.deprecated) {
        if (support.documentSymbolDeprecatedTag) result.tags = [SymbolTag.Deprecated];
        else result.deprecated = true;
      }
      out.push(result);
      walk(symbol.children, symbol.name);
    }
  };
  walk(symbols, undefined);
  return out;
}

/** A workspace symbol; the location is the slug, where the editor puts the cursor. */
export function toWorkspaceSymbol(symbol: WorkspaceSymbol, lines: LineIndex): SymbolInformation {
  const result: SymbolInformation = {
    name: symbol.name,
    kind: toSymbolKind(symbol.kind),
    location: { uri: symbol.uri, range: lines.rangeOf(symbol.selectionSpan) },
  };
  if (symbol.containerName !== undefined) result.containerName = symbol.containerName;
  return result;
}

export function toFoldingRanges(ranges: readonly FoldingRange[], support: ClientSupport): LspFoldingRange[] {
  const limited = support.foldingRangeLimit !== undefined ? ranges.slice(0, support.foldingRangeLimit) : ranges;
  return limited.map((range) => {
    const result: LspFoldingRange = { startLine: range.startLine, endLine: range.endLine };
    if (range.kind) result.kind = range.kind === 'comment' ? FoldingRangeKind.Comment : FoldingRangeKind.Region;
    return result;
  });
}

export function toSelectionRange(lines: LineIndex, range: SelectionRange): LspSelectionRange {
  // Outermost first, then each inner range takes the previous one as its parent.
  const chain: SelectionRange[] = [];
  for (let at: SelectionRange | undefined = range; at; at = at.parent) chain.push(at);
  let parent: LspSelectionRange | undefined;
  for (let i = chain.length - 1; i >= 0; i--) {
    const next: LspSelectionRange = { range: lines.rangeOf(chain[i]!.span) };
    if (parent) next.parent = parent;
    parent = next;
  }
  return parent!;
}

export const toTextEdits = (lines: LineIndex, edits: readonly TextEdit[]): LspTextEdit[] =>
  edits.map((edit) => ({ range: lines.rangeOf(edit.span), newText: edit.newText }));

/** The id of the one change annotation a rename carries. */
export const RENAME_ANNOTATION_ID = 'dg.rename';

/**
 * Edits of one document as a `WorkspaceEdit`: versioned `documentChanges` when the client takes them
 * (it refuses the edit if the document moved on), else `changes`. With `annotation` and a client
 * that supports change annotations, every edit is an `AnnotatedTextEdit` carrying it.
 */
export function toWorkspaceEdit(
  uri: string,
  version: number,
  edits: LspTextEdit[],
  support: ClientSupport,
  annotation?: RenameAnnotation,
): WorkspaceEdit {
  if (!support.documentChanges) return { changes: { [uri]: edits } };
  if (annotation && support.changeAnnotations) {
    return {
      documentChanges: [{ textDocument: { uri, version }, edits: edits.map((e) => ({ ...e, annotationId: RENAME_ANNOTATION_ID })) }],
      changeAnnotations: {
        [RENAME_ANNOTATION_ID]: {
          label: annotation.label,
          description: annotation.description,
          needsConfirmation: annotation.needsConfirmation,
        },
      },
    };
  }
  return { documentChanges: [{ textDocument: { uri, version }, edits }] };
}

/** LSP `FormattingOptions` (untrusted JSON) → the formatter's: indentation only, the style is fixed. */
export function toFormattingOptions(options: { tabSize?: unknown; insertSpaces?: unknown } | undefined): FormattingOptions {
  const result: FormattingOptions = {};
  if (typeof options?.tabSize === 'number' && Number.isInteger(options.tabSize) && options.tabSize > 0) result.tabSize = options.tabSize;
  if (typeof options?.insertSpaces === 'boolean') result.insertSpaces = options.insertSpaces;
  return result;
}

/**
 * The lines a `textDocument/rangeFormatting` range covers. A range that ends at the start of a line
 * (whole lines selected) does not take that line.
 */
export function toLineRange(range: Range): { start: number; end: number } {
  const start = Math.max(0, range.start.line);
  const end = range.end.character === 0 && range.end.line > start ? range.end.line - 1 : range.end.line;
  return { start, end: Math.max(start, end) };
}
