import type { GraphModel } from '../model/graph';
import type { LineIndex } from '../syntax/lineIndex';
import { isDiagnosticCode } from './codes';
import { CheckContext, type CheckSettings, type RuleFamily } from './context';
import type { Diagnostic } from './diagnostic';
import { checkNames } from './names';
import { checkReferences } from './references';
import { checkStructure } from './structure';
import { checkSyntax } from './syntax';
import { checkValues } from './values';

export type { CheckSettings } from './context';

const FAMILIES: [string, RuleFamily][] = [
  ['syntax', checkSyntax],
  ['structure', checkStructure],
  ['names', checkNames],
  ['references', checkReferences],
  ['values', checkValues],
];

/** Called when a rule family throws; the other families still run. */
export type CrashReporter = (family: string, error: unknown) => void;

/**
 * Runs every rule family over the model, then applies the settings' severities and the file's
 * `# dg-ignore DG305` comments. A family that throws loses only its own diagnostics.
 */
export function runChecks(
  model: GraphModel,
  settings: CheckSettings = {},
  onCrash?: CrashReporter,
  lines?: LineIndex,
): Diagnostic[] {
  const context = new CheckContext(model, settings, lines);
  for (const [name, family] of FAMILIES) {
    const before = context.diagnostics.length;
    try {
      family(context);
    } catch (error) {
      context.diagnostics.length = before;
      onCrash?.(name, error);
    }
  }
  const severities = settings.severities ?? {};
  const suppressed = suppressions(model, context);
  const lineOf = (offset: number) => context.lines.positionAt(offset).line;
  return context.diagnostics
    .flatMap((d): Diagnostic[] => {
      const override = severities[d.code];
      if (override === 'off') return [];
      if (suppressed.size && isSuppressed(suppressed, lineOf(d.span.start), d.code)) return [];
      return [override ? { ...d, severity: override } : d];
    })
    .sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || a.code.localeCompare(b.code));
}

const IGNORE = /\bdg-ignore\b([^\r\n]*)/;

/** Line → codes silenced there (`*` for all); a comment covers its own line and the next. */
function suppressions(model: GraphModel, context: CheckContext): Map<number, Set<string>> {
  const result = new Map<number, Set<string>>();
  const comments = model.syntax.comments.filter((c) => IGNORE.test(c.text));
  if (!comments.length) return result;
  const lines = context.lines;
  for (const comment of comments) {
    const listed = (IGNORE.exec(comment.text)?.[1] ?? '').match(/DG\d{3}/g)?.filter(isDiagnosticCode) ?? [];
    const codes = listed.length ? listed : ['*'];
    const line = lines.positionAt(comment.span.start).line;
    for (const target of [line, line + 1]) {
      const set = result.get(target) ?? new Set<string>();
      for (const code of codes) set.add(code);
      result.set(target, set);
    }
  }
  return result;
}

function isSuppressed(suppressed: Map<number, Set<string>>, line: number, code: string): boolean {
  const codes = suppressed.get(line);
  return !!codes && (codes.has('*') || codes.has(code));
}
