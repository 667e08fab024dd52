import { isDiagnosticCode } from './codes';
import type { CheckContext } from './context';
import type { Diagnostic } from './diagnostic';

const IGNORE = /\bdg-ignore\b([^\r\n]*)/;

/**
 * The context's diagnostics after the settings' severities (or `off`) and the file's
 * `# dg-ignore DG305` comments (its own line and the next; without codes, every code), in order.
 */
export function applySettings(context: CheckContext): Diagnostic[] {
  const severities = context.settings.severities ?? {};
  const suppressed = suppressions(context);
  const lineOf = (offset: number) => context.lines.positionAt(offset).line;
  return context.diagnostics
    .flatMap((d): Diagnostic[] => {
      const override = severities[d.code];
      if (override === 'off') return [];
      if (suppressed.size) {
        const codes = suppressed.get(lineOf(d.span.start));
        if (codes && (codes.has('*') || codes.has(d.code))) return [];
      }
      return [override ? { ...d, severity: override } : d];
    })
    .sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || a.code.localeCompare(b.code));
}

/** Line → codes silenced there (`*` for all). */
function suppressions(context: CheckContext): Map<number, Set<string>> {
  const result = new Map<number, Set<string>>();
  for (const comment of context.model.syntax.comments) {
    const match = IGNORE.exec(comment.text);
    if (!match) continue;
    const listed = (match[1] ?? '').match(/DG\d{3}/g)?.filter(isDiagnosticCode) ?? [];
    const line = context.lines.positionAt(comment.span.start).line;
    for (const target of [line, line + 1]) {
      const set = result.get(target) ?? new Set<string>();
      for (const code of listed.length ? listed : ['*']) set.add(code);
      result.set(target, set);
    }
  }
  return result;
}
