import type { Span, SyntaxFile } from './ast';
import { toSyntaxFile } from './convert';
import { updateSyntaxFile, type OffsetEdit } from './incremental';
import { LineIndex, type Position } from './lineIndex';
import { Edit, type DgParser, type Tree } from './parser';

/** A text change as LSP sends it: a range in the old text (or none: the whole text) and its replacement. */
export interface TextChange {
  range?: { start: Position; end: Position };
  text: string;
}

/** Texts larger than this get a "file too large" diagnostic instead of a parse. */
export const MAX_PARSED_LENGTH = 8 * 1024 * 1024;

/**
 * One version of a `.dg` text: its tree, syntax views and line index. `update` re-parses
 * incrementally from the previous version's tree.
 */
export class SyntaxDocument {
  private syntaxCache?: SyntaxFile;
  private nestedTooDeep = false;
  private lineIndexCache?: LineIndex;
  /** Set by `update` for a single edit: the previous views to patch instead of a full read. */
  private pending?: { previous: SyntaxFile; edit: OffsetEdit; changed: Span[] };

  private constructor(
    readonly text: string,
    private readonly tree: Tree | undefined,
    private readonly parser: DgParser,
  ) {}

  static parse(parser: DgParser, text: string): SyntaxDocument {
    return new SyntaxDocument(text, text.length > MAX_PARSED_LENGTH ? undefined : parser.parse(text), parser);
  }

  /** True when the text was too large to parse; `syntax` is then empty. */
  get tooLarge(): boolean {
    return this.tree === undefined;
  }

  get lineIndex(): LineIndex {
    this.lineIndexCache ??= new LineIndex(this.text);
    return this.lineIndexCache;
  }

  /** True when blocks nest too deeply (thousands of levels) to read into syntax views; `syntax` is then empty. */
  get tooDeep(): boolean {
    void this.syntax;
    return this.nestedTooDeep;
  }

  get syntax(): SyntaxFile {
    if (this.syntaxCache) return this.syntaxCache;
    const pending = this.pending;
    this.pending = undefined;
    const empty = (): SyntaxFile => ({ text: this.text, items: [], comments: [], problems: [], unmatchedCloses: [] });
    if (!this.tree) {
      this.syntaxCache = empty();
    } else {
      try {
        this.syntaxCache =
          (pending && updateSyntaxFile(pending.previous, this.tree, this.text, pending.edit, pending.changed)) ??
          toSyntaxFile(this.tree, this.text);
      } catch (error) {
        // Reading the views recurses once per nesting level.
        if (!(error instanceof RangeError)) throw error;
        this.nestedTooDeep = true;
        this.syntaxCache = empty();
      }
    }
    return this.syntaxCache;
  }

  /** The tree-sitter tree, for features that query it directly (folding, selection). */
  get syntaxTree(): Tree | undefined {
    return this.tree;
  }

  /**
   * The next version after `changes` (applied in order, as LSP's incremental sync sends them).
   * The new version takes over this one's syntax views: use only the returned document after.
   */
  update(changes: readonly TextChange[]): SyntaxDocument {
    let text = this.text;
    let tree = this.tree?.copy();
    let lines: LineIndex | undefined = this.lineIndex;
    const edits: OffsetEdit[] = [];
    for (const change of changes) {
      lines ??= new LineIndex(text);
      if (!change.range) {
        text = change.text;
        tree?.delete();
        tree = undefined;
        lines = undefined;
        continue;
      }
      const start = lines.offsetAt(change.range.start);
      const oldEnd = Math.max(start, lines.offsetAt(change.range.end));
      const startPosition = lines.positionAt(start);
      tree?.edit(
        new Edit({
          startIndex: start,
          oldEndIndex: oldEnd,
          newEndIndex: start + change.text.length,
          startPosition: toPoint(startPosition),
          oldEndPosition: toPoint(lines.positionAt(oldEnd)),
          newEndPosition: toPoint(endOfInsertion(startPosition, change.text)),
        }),
      );
      const next = text.slice(0, start) + change.text + text.slice(oldEnd);
      lines = lines.edited(next, start, oldEnd, start + change.text.length);
      text = next;
      edits.push({ start, oldEnd, newEnd: start + change.text.length });
    }
    if (text.length > MAX_PARSED_LENGTH) {
      tree?.delete();
      return new SyntaxDocument(text, undefined, this.parser);
    }
    const parsed = this.parser.parse(text, tree);
    const doc = new SyntaxDocument(text, parsed, this.parser);
    if (tree && this.syntaxCache && edits.length === 1 && changes.length === 1) {
      const changed = parsed.getChangedRanges(tree);
      doc.pending = {
        previous: this.syntaxCache,
        edit: edits[0]!,
        changed: changed.map((r) => ({ start: r.startIndex, end: r.endIndex })),
      };
      this.syntaxCache = undefined;
    }
    tree?.delete();
    if (lines) doc.lineIndexCache = lines;
    return doc;
  }

  /** Frees the tree's wasm memory; the document must not be used after. */
  dispose(): void {
    this.tree?.delete();
  }
}

const toPoint = (p: Position) => ({ row: p.line, column: p.character });

/** Where inserted `text` ends when it starts at `start`. */
function endOfInsertion(start: Position, text: string): Position {
  const lastBreak = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
  if (lastBreak < 0) return { line: start.line, character: start.character + text.length };
  const breaks = text.match(/\r\n|\r|\n/g)?.length ?? 0;
  return { line: start.line + breaks, character: text.length - lastBreak - 1 };
}
