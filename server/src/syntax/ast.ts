/**
 * Plain-data views over the tree-sitter tree: what the model and the features read. Offsets are
 * UTF-16 code-unit offsets into the document text (what web-tree-sitter and LSP both use).
 */

export interface Span {
  start: number;
  end: number;
}

export interface Name {
  text: string;
  span: Span;
}

export interface BlockSyntax {
  kind: 'block';
  span: Span;
  type: Name;
  /** The legacy `relationship: "x" {` colon (DG003). */
  colon?: Span;
  labels: LabelSyntax[];
  open: Span;
  /** Absent when the block is still open at the end of the file (DG002). */
  close?: Span;
  items: ItemSyntax[];
}

export interface LabelSyntax {
  value: string;
  span: Span;
  /** `false` for the unquoted form `entity carts {` (DG008). */
  quoted: boolean;
  /** The text between the quotes (the label itself when unquoted). */
  contentSpan: Span;
}

export interface AttributeSyntax {
  kind: 'attribute';
  span: Span;
  key: Name;
  /** `false` for `name "x"`, `name: "x"` and a lone `name` (DG001). */
  hasEquals: boolean;
  /** The `:` of `name: "x"` written instead of `=` (DG001). */
  colon?: Span;
  /** Absent for `name =` with nothing after it (DG001). */
  value?: ValueSyntax;
}

export interface PlaceholderSyntax {
  kind: 'placeholder';
  span: Span;
}

export type ItemSyntax = BlockSyntax | AttributeSyntax | PlaceholderSyntax;

export interface StringValue {
  kind: 'string';
  span: Span;
  /** The decoded value (escapes applied). */
  value: string;
  /** The source text between the quotes. */
  raw: string;
  contentSpan: Span;
  /** `false` when the line ended before the closing quote. */
  terminated: boolean;
}

export interface NumberValue {
  kind: 'number';
  span: Span;
  value: number;
}

export interface BoolValue {
  kind: 'bool';
  span: Span;
  value: boolean;
}

/** A value written without quotes, such as `segment:materialized` (DG004). */
export interface UnquotedValue {
  kind: 'unquoted';
  span: Span;
  text: string;
}

export interface TupleValue {
  kind: 'tuple';
  span: Span;
  elements: ValueSyntax[];
}

export interface PlaceholderValue {
  kind: 'placeholder';
  span: Span;
}

export type ValueSyntax = StringValue | NumberValue | BoolValue | UnquotedValue | TupleValue | PlaceholderValue;

export interface CommentSyntax {
  span: Span;
  text: string;
}

/** A place where the parser could not follow the grammar. */
export interface SyntaxProblem {
  kind: 'unexpected' | 'missing' | 'invalid-escape';
  span: Span;
  /** The unexpected text, or the token that is missing. */
  text: string;
}

export interface SyntaxFile {
  text: string;
  items: ItemSyntax[];
  comments: CommentSyntax[];
  problems: SyntaxProblem[];
  /** `}` with no open block (DG002). */
  unmatchedCloses: Span[];
}
