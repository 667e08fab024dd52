import type { Span } from '../syntax/ast';
import type { DiagnosticCode } from './codes';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A text edit in document offsets. */
export interface TextEdit {
  span: Span;
  newText: string;
}

/** A quick fix a code action can offer as is. */
export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The fix to apply when there is no doubt (VS Code's "preferred" action). */
  preferred?: boolean;
}

export interface RelatedInformation {
  span: Span;
  message: string;
}

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  span: Span;
  related?: RelatedInformation[];
  fixes?: Fix[];
  /** Rendered faded (unused) or struck through (legacy form). */
  tags?: ('unnecessary' | 'deprecated')[];
}

/** A fix that replaces one span. */
export const replaceFix = (title: string, span: Span, newText: string, preferred = true): Fix => ({
  title,
  edits: [{ span, newText }],
  ...(preferred ? { preferred: true } : {}),
});
