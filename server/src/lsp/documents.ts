import type { Analysis } from '../checks/analyze';
import { SyntaxDocument, type TextChange } from '../syntax/document';
import { LineIndex } from '../syntax/lineIndex';
import type { DgParser } from '../syntax/parser';

/** One document the client has open: its latest version, that version's syntax, and its last analysis. */
export interface OpenDocument {
  readonly uri: string;
  readonly languageId: string;
  version: number;
  syntax: SyntaxDocument;
  /** The analysis of `version`, once it ran; cleared by every change. */
  analysis?: Analysis;
}

/**
 * The open documents by URI. Each change re-parses incrementally from the previous version's tree
 * (`SyntaxDocument.update`) and frees the previous tree; closing frees the last one.
 */
export class DocumentStore {
  private readonly documents = new Map<string, OpenDocument>();

  constructor(
    private readonly parser: DgParser,
    /** Told when an incremental update failed and the text was re-parsed from scratch. */
    private readonly onUpdateError: (uri: string, error: unknown) => void = () => {},
  ) {}

  get(uri: string): OpenDocument | undefined {
    return this.documents.get(uri);
  }

  all(): OpenDocument[] {
    return [...this.documents.values()];
  }

  get size(): number {
    return this.documents.size;
  }

  /** Opens (or re-opens, replacing) `uri` with `text`. */
  open(uri: string, languageId: string, version: number, text: string): OpenDocument {
    const syntax = SyntaxDocument.parse(this.parser, text);
    this.documents.get(uri)?.syntax.dispose();
    const document: OpenDocument = { uri, languageId, version, syntax };
    this.documents.set(uri, document);
    return document;
  }

  /** Applies `changes` in order and moves `uri` to `version`; undefined when `uri` is not open. */
  change(uri: string, version: number, changes: readonly TextChange[]): OpenDocument | undefined {
    const document = this.documents.get(uri);
    if (!document) return undefined;
    const previous = document.syntax;
    let next: SyntaxDocument;
    try {
      next = previous.update(changes);
    } catch (error) {
      // The previous version is intact (update works on a copy of its tree): apply the text
      // changes alone and parse the result from scratch.
      this.onUpdateError(uri, error);
      next = SyntaxDocument.parse(this.parser, applyChanges(previous.text, changes));
    }
    previous.dispose();
    document.syntax = next;
    document.version = version;
    document.analysis = undefined;
    return document;
  }

  /** Closes `uri` and frees its tree; false when it was not open. */
  close(uri: string): boolean {
    const document = this.documents.get(uri);
    if (!document) return false;
    document.syntax.dispose();
    this.documents.delete(uri);
    return true;
  }

  /** Closes everything (server shutdown). */
  clear(): void {
    for (const document of this.documents.values()) document.syntax.dispose();
    this.documents.clear();
  }
}

/** The text after LSP content changes, applied in order (no parsing). */
export function applyChanges(text: string, changes: readonly TextChange[]): string {
  for (const change of changes) {
    if (!change.range) {
      text = change.text;
      continue;
    }
    const lines = new LineIndex(text);
    const start = lines.offsetAt(change.range.start);
    const end = Math.max(start, lines.offsetAt(change.range.end));
    text = text.slice(0, start) + change.text + text.slice(end);
  }
  return text;
}
