import {
  CodeActionKind,
  CompletionItemTag,
  InsertTextMode,
  MarkupKind,
  SymbolTag,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type ServerCapabilities,
} from 'vscode-languageserver';
import { FIX_ALL_KIND } from '../ide/codeActions';
import { TRIGGER_CHARACTERS } from '../ide/completion';
import { SEMANTIC_TOKENS_LEGEND } from '../ide/semanticTokens';

/** What the client said it supports, for the features whose answers depend on it. */
export interface ClientSupport {
  /** `textDocument.completion.completionItem.snippetSupport`. */
  snippets: boolean;
  /** `InsertTextMode.asIs` is in `completionItem.insertTextModeSupport.valueSet`. */
  insertTextModeAsIs: boolean;
  /** `CompletionItemTag.Deprecated` is in `completionItem.tagSupport.valueSet`. */
  completionDeprecatedTag: boolean;
  /** `completionItem.deprecatedSupport` (the older flag). */
  completionDeprecatedFlag: boolean;
  /** Markdown is in `completionItem.documentationFormat`. */
  completionMarkdown: boolean;
  /** Markdown is in `textDocument.hover.contentFormat`. */
  hoverMarkdown: boolean;
  /** `textDocument.definition.linkSupport`: answer `LocationLink`s. */
  definitionLinks: boolean;
  /** `textDocument.documentSymbol.hierarchicalDocumentSymbolSupport`. */
  hierarchicalSymbols: boolean;
  /** `SymbolTag.Deprecated` is in `textDocument.documentSymbol.tagSupport.valueSet`. */
  documentSymbolDeprecatedTag: boolean;
  /** `workspace.workspaceEdit.documentChanges`: versioned edits. */
  documentChanges: boolean;
  /** `workspace.workspaceEdit.changeAnnotationSupport` (with `documentChanges`, where annotated edits live). */
  changeAnnotations: boolean;
  /** `textDocument.codeAction.codeActionLiteralSupport`: the client takes `CodeAction`s, not only `Command`s. */
  codeActionLiterals: boolean;
  /** `textDocument.foldingRange.rangeLimit`. */
  foldingRangeLimit?: number;
}

/** `list` is an array holding `value` (capabilities are untrusted JSON). */
const has = (list: unknown, value: unknown): boolean => Array.isArray(list) && list.includes(value);

/** What `capabilities` (untrusted JSON) says the client supports. */
export function clientSupport(capabilities: ClientCapabilities): ClientSupport {
  const text = capabilities.textDocument;
  const item = text?.completion?.completionItem;
  const edit = capabilities.workspace?.workspaceEdit;
  const limit = text?.foldingRange?.rangeLimit;
  return {
    snippets: item?.snippetSupport === true,
    insertTextModeAsIs: has(item?.insertTextModeSupport?.valueSet, InsertTextMode.asIs),
    completionDeprecatedTag: has(item?.tagSupport?.valueSet, CompletionItemTag.Deprecated),
    completionDeprecatedFlag: item?.deprecatedSupport === true,
    completionMarkdown: has(item?.documentationFormat, MarkupKind.Markdown),
    hoverMarkdown: has(text?.hover?.contentFormat, MarkupKind.Markdown),
    definitionLinks: text?.definition?.linkSupport === true,
    hierarchicalSymbols: text?.documentSymbol?.hierarchicalDocumentSymbolSupport === true,
    documentSymbolDeprecatedTag: has(text?.documentSymbol?.tagSupport?.valueSet, SymbolTag.Deprecated),
    documentChanges: edit?.documentChanges === true,
    changeAnnotations: edit?.documentChanges === true && typeof edit.changeAnnotationSupport === 'object' && edit.changeAnnotationSupport !== null,
    codeActionLiterals: typeof text?.codeAction?.codeActionLiteralSupport === 'object' && text.codeAction.codeActionLiteralSupport !== null,
    foldingRangeLimit: typeof limit === 'number' && limit > 0 ? limit : undefined,
  };
}

/** The code action kinds the server produces. */
export const CODE_ACTION_KINDS: string[] = [CodeActionKind.QuickFix, FIX_ALL_KIND];

/**
 * The capabilities announced in `initialize`. Rename options (`prepareProvider`) and code action
 * options (`codeActionKinds`) may only be sent to clients that support them (LSP 3.17).
 */
export function serverCapabilities(capabilities: ClientCapabilities): ServerCapabilities {
  const text = capabilities.textDocument;
  return {
    // didSave: a commit may have moved the baseline revision (`dataGraph.baseline`).
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
    completionProvider: { triggerCharacters: [...TRIGGER_CHARACTERS] },
    hoverProvider: true,
    definitionProvider: true,
    referencesProvider: true,
    documentHighlightProvider: true,
    renameProvider: text?.rename?.prepareSupport === true ? { prepareProvider: true } : true,
    documentSymbolProvider: true,
    workspaceSymbolProvider: true,
    foldingRangeProvider: true,
    documentFormattingProvider: true,
    documentRangeFormattingProvider: true,
    selectionRangeProvider: true,
    semanticTokensProvider: {
      legend: { tokenTypes: [...SEMANTIC_TOKENS_LEGEND.tokenTypes], tokenModifiers: [...SEMANTIC_TOKENS_LEGEND.tokenModifiers] },
      full: true,
      range: true,
    },
    codeActionProvider: clientSupport(capabilities).codeActionLiterals ? { codeActionKinds: [...CODE_ACTION_KINDS] } : true,
    // Folders added or removed later are walked for workspace symbols and used as project roots.
    workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
  };
}
