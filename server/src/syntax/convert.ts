import type { Tree, TreeCursor } from 'web-tree-sitter';
import type {
  AttributeSyntax,
  BlockSyntax,
  ItemSyntax,
  LabelSyntax,
  Span,
  StringValue,
  SyntaxFile,
  SyntaxProblem,
  ValueSyntax,
} from './ast';

/**
 * Reads a tree-sitter tree into plain syntax views in one cursor walk. Never throws on broken
 * input: ERROR nodes become problems, and complete blocks or attributes inside them are kept.
 */
export function toSyntaxFile(tree: Tree, text: string): SyntaxFile {
  const reader = new Reader(tree.walk(), text);
  try {
    const items = reader.items();
    return { text, items, comments: reader.comments, problems: reader.problems, unmatchedCloses: reader.unmatched };
  } finally {
    reader.cursor.delete();
  }
}

/** Reads syntax views at a tree cursor; `incremental.ts` re-reads single blocks with it. */
export class Reader {
  readonly comments: { span: Span; text: string }[] = [];
  readonly problems: SyntaxProblem[] = [];
  readonly unmatched: Span[] = [];

  constructor(
    readonly cursor: TreeCursor,
    private readonly text: string,
  ) {}

  private span(): Span {
    return { start: this.cursor.startIndex, end: this.cursor.endIndex };
  }

  private nodeText(): string {
    return this.text.slice(this.cursor.startIndex, this.cursor.endIndex);
  }

  /** Children of the current node, read as items. */
  items(into: ItemSyntax[] = []): ItemSyntax[] {
    const c = this.cursor;
    if (!c.gotoFirstChild()) return into;
    do this.item(into);
    while (c.gotoNextSibling());
    c.gotoParent();
    return into;
  }

  private item(into: ItemSyntax[]): void {
    const c = this.cursor;
    if (c.nodeIsMissing) return this.missing();
    switch (c.nodeType) {
      case 'block':
        into.push(this.block());
        return;
      case 'attribute':
        into.push(this.attribute());
        return;
      case 'placeholder':
        into.push({ kind: 'placeholder', span: this.span() });
        return;
      case 'body':
        this.items(into);
        return;
      case 'comment':
        this.comments.push({ span: this.span(), text: this.nodeText() });
        return;
      case 'unterminated_comment':
        this.comments.push({ span: this.span(), text: this.nodeText() });
        this.problems.push({ kind: 'missing', span: this.span(), text: '*/' });
        return;
      case 'unmatched_block_end':
        this.unmatched.push(this.span());
        return;
      case 'ERROR':
        this.error(into);
        return;
      default:
        this.problems.push({ kind: 'unexpected', span: this.span(), text: this.nodeText() });
    }
  }

  private missing(): void {
    this.problems.push({ kind: 'missing', span: this.span(), text: this.cursor.nodeType });
  }

  /** Records the ERROR's first stray token and keeps the complete items inside it. */
  private error(into: ItemSyntax[]): void {
    const c = this.cursor;
    if (!c.gotoFirstChild()) {
      this.problems.push({ kind: 'unexpected', span: this.span(), text: this.nodeText() });
      return;
    }
    let reported = false;
    do {
      const type = c.nodeType;
      if (c.nodeIsMissing) this.missing();
      else if (
        type === 'block' ||
        type === 'attribute' ||
        type === 'body' ||
        type === 'comment' ||
        type === 'unterminated_comment' ||
        type === 'ERROR'
      ) {
        this.item(into);
      } else if (!reported) {
        this.problems.push({ kind: 'unexpected', span: this.span(), text: this.nodeText() });
        reported = true;
      }
    } while (c.gotoNextSibling());
    c.gotoParent();
  }

  block(): BlockSyntax {
    const c = this.cursor;
    const block: BlockSyntax = {
      kind: 'block',
      span: this.span(),
      type: { text: '', span: { start: c.startIndex, end: c.startIndex } },
      labels: [],
      open: { start: c.startIndex, end: c.startIndex },
      items: [],
    };
    c.gotoFirstChild();
    do {
      if (c.nodeIsMissing) {
        this.missing();
        continue;
      }
      switch (c.currentFieldName) {
        case 'type':
          block.type = { text: this.nodeText(), span: this.span() };
          continue;
        case 'colon':
          block.colon = this.span();
          continue;
        case 'label':
          block.labels.push(this.label());
          continue;
        case 'open':
          block.open = this.span();
          continue;
        case 'body':
          this.items(block.items);
          continue;
        case 'close':
          if (c.nodeType === 'block_end') block.close = this.span();
          continue;
      }
      this.item(block.items);
    } while (c.gotoNextSibling());
    c.gotoParent();
    return block;
  }

  private label(): LabelSyntax {
    if (this.cursor.nodeType === 'string') {
      const s = this.string();
      return { value: s.value, span: s.span, quoted: true, contentSpan: s.contentSpan };
    }
    const span = this.span();
    return { value: this.nodeText(), span, quoted: false, contentSpan: { ...span } };
  }

  private attribute(): AttributeSyntax {
    const c = this.cursor;
    const attribute: AttributeSyntax = {
      kind: 'attribute',
      span: this.span(),
      key: { text: '', span: { start: c.startIndex, end: c.startIndex } },
      hasEquals: false,
    };
    const salvaged: ItemSyntax[] = [];
    c.gotoFirstChild();
    do {
      if (c.nodeIsMissing) {
        this.missing();
        continue;
      }
      const field = c.currentFieldName;
      if (field === 'key') attribute.key = { text: this.nodeText(), span: this.span() };
      else if (field === 'operator') attribute.hasEquals = true;
      else if (field === 'colon') attribute.colon = this.span();
      else if (field === 'value') attribute.value = this.value();
      else this.item(salvaged);
    } while (c.gotoNextSibling());
    c.gotoParent();
    return attribute;
  }

  private value(): ValueSyntax {
    const c = this.cursor;
    const span = this.span();
    switch (c.nodeType) {
      case 'string':
        return this.string();
      case 'number':
        return { kind: 'number', span, value: Number(this.nodeText()) };
      case 'bool':
        return { kind: 'bool', span, value: this.nodeText() === 'true' };
      case 'tuple': {
        const elements: ValueSyntax[] = [];
        if (c.gotoFirstChild()) {
          do {
            const type: string = c.nodeType;
            if (c.nodeIsMissing) this.missing();
            else if (type === 'missing_tuple_end') this.problems.push({ kind: 'missing', span: this.span(), text: ']' });
            else if (c.nodeIsNamed && type !== 'comment' && type !== 'ERROR') elements.push(this.value());
            else if (type !== '[' && type !== ']' && type !== ',') this.item([]);
          } while (c.gotoNextSibling());
          c.gotoParent();
        }
        return { kind: 'tuple', span, elements };
      }
      case 'placeholder':
        return { kind: 'placeholder', span };
      default:
        return { kind: 'unquoted', span, text: this.nodeText() };
    }
  }

  private string(): StringValue {
    const c = this.cursor;
    const span = this.span();
    // Most strings are `"` + plain text + `"`: read them from the text, without visiting children.
    if (span.end - span.start >= 2 && this.text.charCodeAt(span.end - 1) === 34 /* " */) {
      const raw = this.text.slice(span.start + 1, span.end - 1);
      if (!PLAIN_STRING_BREAKERS.test(raw)) {
        return { kind: 'string', span, value: raw, raw, contentSpan: { start: span.start + 1, end: span.end - 1 }, terminated: true };
      }
    }
    let value = '';
    let terminated = false;
    let contentEnd = span.end;
    let quotes = 0;
    c.gotoFirstChild();
    do {
      const type = c.nodeType;
      if (type === '"') {
        if (c.nodeIsMissing) continue; // the unterminated-string check reports it
        quotes++;
        if (quotes === 2) {
          terminated = true;
          contentEnd = c.startIndex;
        }
      } else if (type === 'string_content') value += this.nodeText();
      else if (type === 'escape_sequence') value += this.escape();
      else if (type === 'unterminated') contentEnd = c.startIndex;
      else this.item([]);
    } while (c.gotoNextSibling());
    c.gotoParent();
    if (!terminated && contentEnd > span.end) contentEnd = span.end;
    const contentSpan = { start: Math.min(span.start + 1, span.end), end: contentEnd };
    return { kind: 'string', span, value, raw: this.text.slice(contentSpan.start, contentSpan.end), contentSpan, terminated };
  }

  private escape(): string {
    const raw = this.nodeText();
    const decoded = decodeEscape(raw);
    if (decoded === undefined) {
      this.problems.push({ kind: 'invalid-escape', span: this.span(), text: raw });
      return raw.slice(1);
    }
    return decoded;
  }
}

/** Characters that make a string more than quoted plain text: escapes, line breaks, NUL (an error). */
const PLAIN_STRING_BREAKERS = /["\\\r\n\0]/;

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** HCL escapes; `undefined` for an escape HCL does not define. */
export function decodeEscape(raw: string): string | undefined {
  const kind = raw[1] ?? '';
  if (kind in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[kind];
  if (kind === 'u' || kind === 'U') return String.fromCodePoint(parseInt(raw.slice(2), 16));
  return undefined;
}

/** `text` as it is written between the quotes of a string (the inverse of the decoding above). */
export function encodeStringContent(text: string): string {
  return text.replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
}

/**
 * Source offset of the character at `index` of a string's decoded value. Join strings are parsed on
 * decoded values; their references need source ranges.
 */
export function sourceOffsetOf(str: StringValue, index: number): number {
  if (str.raw.length === str.value.length) return str.contentSpan.start + index;
  let decoded = 0;
  let i = 0;
  while (i < str.raw.length && decoded < index) {
    if (str.raw[i] === '\\') {
      const kind = str.raw[i + 1];
      const len = kind === 'u' ? 6 : kind === 'U' ? 10 : 2;
      decoded += decodeEscape(str.raw.slice(i, i + len))?.length ?? len - 1;
      i += len;
    } else {
      decoded++;
      i++;
    }
  }
  return str.contentSpan.start + i;
}
