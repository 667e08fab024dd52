import type { Log, Notification, Result } from 'sarif';
import { CODES, type DiagnosticCode } from '../../checks/codes';
import type { Diagnostic, Severity } from '../../checks/diagnostic';
import type { Span } from '../../syntax/ast';
import type { CheckRun, FileResult } from '../check';

export interface SarifOptions {
  /** dg's version, for `tool.driver.version`. */
  version: string;
}

type Level = 'error' | 'warning' | 'note';


const LEVEL: Record<Severity, Level> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

const RULE_IDS = Object.keys(CODES).sort() as DiagnosticCode[];
const RULE_INDEX = new Map<string, number>(RULE_IDS.map((id, index) => [id, index]));

/**
 * `dg check --format sarif`: a SARIF 2.1.0 log with one run. Every code in CODES is a rule (in code
 * order, so `ruleIndex` is stable for a given dg version); regions are 1-based with columns in UTF-16
 * code units (`columnKind: "utf16CodeUnits"`); URIs are relative to the working directory
 * (`uriBaseId: "%SRCROOT%"`). Unreadable files and internal errors are `toolExecutionNotifications`
 * and make `executionSuccessful` false.
 */
export function toSarif(run: CheckRun, options: SarifOptions): Log {
  const notifications: Notification[] = [
    ...run.files
      .filter((f) => f.error !== undefined)
      .map((f): Notification => ({
        level: 'error',
        message: { text: `${f.path}: ${f.error}` },
        locations: [{ physicalLocation: { artifactLocation: artifact(f.path) } }],
      })),
    ...run.internalErrors.map((text): Notification => ({ level: 'error', message: { text } })),
  ];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'dg',
            version: options.version,
            semanticVersion: options.version,
            rules: RULE_IDS.map((id) => ({
              id,
              shortDescription: { text: CODES[id].summary },
              defaultConfiguration: { level: LEVEL[CODES[id].severity] },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        invocations: [{ executionSuccessful: notifications.length === 0, toolExecutionNotifications: notifications }],
        results: run.files.flatMap((file) => file.diagnostics.map((d) => toResult(file, d))),
      },
    ],
  };
}

export function formatSarif(run: CheckRun, options: SarifOptions): string {
  return JSON.stringify(toSarif(run, options), null, 2) + '\n';
}

function toResult(file: FileResult, d: Diagnostic): Result {
  const location = (span: Span) => ({ artifactLocation: artifact(file.path), region: region(file, span) });
  return {
    ruleId: d.code,
    ruleIndex: RULE_INDEX.get(d.code) ?? -1,
    level: LEVEL[d.severity],
    message: { text: d.message },
    locations: [{ physicalLocation: location(d.span) }],
    ...(d.related?.length
      ? {
          relatedLocations: d.related.map((r, id) => ({
            id,
            physicalLocation: location(r.span),
            message: { text: r.message },
          })),
        }
      : {}),
    ...(d.fixes?.length
      ? {
          fixes: d.fixes.map((fix) => ({
            description: { text: fix.title },
            artifactChanges: [
              {
                artifactLocation: artifact(file.path),
                replacements: fix.edits.map((e) => ({
                  deletedRegion: region(file, e.span),
                  insertedContent: { text: e.newText },
                })),
              },
            ],
          })),
        }
      : {}),
  };
}

/** 1-based region; `endColumn` is the column just after the span (SARIF's exclusive end). */
function region(file: FileResult, span: Span) {
  const { start, end } = file.lines.rangeOf(span);
  return { startLine: start.line + 1, startColumn: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
}

/**
 * A relative URI reference with each segment percent-encoded (`<stdin>` becomes `%3Cstdin%3E`), or a
 * `file:` URI for a file outside the working directory.
 */
function artifact(path: string): { uri: string; uriBaseId?: string } {
  const encoded = path.split('/').map(encodeURIComponent).join('/');
  if (path.startsWith('/')) return { uri: `file://${encoded}` };
  if (/^[A-Za-z]:\//.test(path)) return { uri: `file:///${path.slice(0, 2)}${encoded.slice(encoded.indexOf('/'))}` };
  return { uri: encoded, uriBaseId: '%SRCROOT%' };
}
