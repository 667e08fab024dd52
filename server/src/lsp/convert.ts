import {
  DiagnosticSeverity,
  DiagnosticTag,
  type ClientCapabilities,
  type Diagnostic as LspDiagnostic,
  type TextEdit as LspTextEdit,
} from 'vscode-languageserver';
import type { Diagnostic, Severity } from '../checks/diagnostic';
import type { LineIndex } from '../syntax/lineIndex';

/** What the client's `textDocument.publishDiagnostics` capability accepts beyond the basics. */
export interface DiagnosticSupport {
  relatedInformation: boolean;
  /** The tags the client renders; others are left out. */
  tags: ReadonlySet<DiagnosticTag>;
}

export function diagnosticSupport(capabilities: ClientCapabilities): DiagnosticSupport {
  const publish = capabilities.textDocument?.publishDiagnostics;
  return {
    relatedInformation: publish?.relatedInformation === true,
    tags: new Set(publish?.tagSupport?.valueSet ?? []),
  };
}

/** A quick fix, carried in `Diagnostic.data` for code actions; ranges are in the published version. */
export interface FixData {
  title: string;
  preferred?: boolean;
  edits: LspTextEdit[];
}

/** The `data` of a published diagnostic (present when the diagnostic has fixes). */
export interface DiagnosticData {
  fixes: FixData[];
}

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const TAGS = { unnecessary: DiagnosticTag.Unnecessary, deprecated: DiagnosticTag.Deprecated } as const;

export const toLspSeverity = (severity: Severity): DiagnosticSeverity => SEVERITIES[severity];

/** One checker diagnostic as LSP publishes it for the document `uri` whose lines are `lines`. */
export function toLspDiagnostic(
  diagnostic: Diagnostic,
  lines: LineIndex,
  uri: string,
  support: DiagnosticSupport,
): LspDiagnostic {
  const result: LspDiagnostic = {
    range: lines.rangeOf(diagnostic.span),
    severity: toLspSeverity(diagnostic.severity),
    code: diagnostic.code,
    source: 'dg',
    message: diagnostic.message,
  };
  if (support.relatedInformation && diagnostic.related?.length) {
    result.relatedInformation = diagnostic.related.map((r) => ({
      location: { uri, range: lines.rangeOf(r.span) },
      message: r.message,
    }));
  }
  const tags = diagnostic.tags?.map((t) => TAGS[t]).filter((t) => support.tags.has(t));
  if (tags?.length) result.tags = tags;
  if (diagnostic.fixes?.length) {
    const data: DiagnosticData = {
      fixes: diagnostic.fixes.map((fix) => ({
        title: fix.title,
        ...(fix.preferred ? { preferred: true } : {}),
        edits: fix.edits.map((e) => ({ range: lines.rangeOf(e.span), newText: e.newText })),
      })),
    };
    result.data = data;
  }
  return result;
}

/**
 * At most this many diagnostics are published per document (the first ones in the file): beyond it,
 * a broken or binary file would send megabytes of JSON per keystroke that no one reads.
 */
export const MAX_PUBLISHED = 1000;

/** The diagnostics to publish for one document: the first `MAX_PUBLISHED`, then one note counting the rest. */
export function toLspDiagnostics(
  diagnostics: readonly Diagnostic[],
  lines: () => LineIndex,
  uri: string,
  support: DiagnosticSupport,
  max = MAX_PUBLISHED,
): LspDiagnostic[] {
  if (!diagnostics.length) return [];
  const index = lines();
  const shown = diagnostics.slice(0, max).map((d) => toLspDiagnostic(d, index, uri, support));
  const hidden = diagnostics.length - shown.length;
  if (hidden > 0) {
    const at = index.rangeOf({ start: diagnostics[max]!.span.start, end: diagnostics[max]!.span.start });
    shown.push({
      range: at,
      severity: DiagnosticSeverity.Information,
      source: 'dg',
      message: `${hidden} more problem${hidden === 1 ? '' : 's'} from here on not shown (dg shows the first ${max})`,
    });
  }
  return shown;
}
