import type { Diagnostic, Severity } from '../../checks/diagnostic';
import type { Span } from '../../syntax/ast';
import type { Range } from '../../syntax/lineIndex';
import type { CheckRun, FileResult, Summary } from '../check';

/**
 * `dg check --format json`: one JSON document on standard output. The shape is stable: fields may be
 * added, none removed or changed, without raising `version`.
 *
 * ```ts
 * {
 *   version: 1,
 *   files: [{                          // every file checked, in the order checked
 *     path: string,                    // relative to the working directory, `/` separators; "<stdin>" for `-`
 *     error?: string,                  // only when the file could not be read (diagnostics is then [])
 *     diagnostics: [{                  // sorted by position
 *       code: string,                  // "DG300"
 *       severity: "error" | "warning" | "info" | "hint",
 *       message: string,
 *       range: { start: { line, character }, end: { line, character } },  // 0-based, UTF-16 units (as LSP)
 *       location: string,              // "path:line:col", 1-based
 *       related: [{ message, range, location }],
 *       fixes: [{ title: string, preferred: boolean, edits: [{ range, newText: string }] }],
 *     }],
 *   }],
 *   summary: { errors, warnings, infos, hints, files, unreadable },
 * }
 * ```
 */
export interface JsonReport {
  version: 1;
  files: JsonFile[];
  summary: Summary;
}

export interface JsonFile {
  path: string;
  error?: string;
  diagnostics: JsonDiagnostic[];
}

export interface JsonDiagnostic {
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  location: string;
  related: { message: string; range: Range; location: string }[];
  fixes: { title: string; preferred: boolean; edits: { range: Range; newText: string }[] }[];
}

export function toJsonReport(run: CheckRun): JsonReport {
  return {
    version: 1,
    files: run.files.map((file) => ({
      path: file.path,
      ...(file.error !== undefined ? { error: file.error } : {}),
      diagnostics: file.diagnostics.map((d) => toJsonDiagnostic(file, d)),
    })),
    summary: run.summary,
  };
}

export function formatJson(run: CheckRun): string {
  return JSON.stringify(toJsonReport(run), null, 2) + '\n';
}

function toJsonDiagnostic(file: FileResult, d: Diagnostic): JsonDiagnostic {
  const where = (span: Span) => {
    const range = file.lines.rangeOf(span);
    return { range, location: `${file.path}:${range.start.line + 1}:${range.start.character + 1}` };
  };
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    ...where(d.span),
    related: (d.related ?? []).map((r) => ({ message: r.message, ...where(r.span) })),
    fixes: (d.fixes ?? []).map((f) => ({
      title: f.title,
      preferred: f.preferred ?? false,
      edits: f.edits.map((e) => ({ range: file.lines.rangeOf(e.span), newText: e.newText })),
    })),
  };
}
