import type { Diagnostic, TextEdit } from '../checks/diagnostic';
import type { Span } from '../syntax/ast';

/**
 * Code actions from the diagnostics' own fixes (the checks compute them; nothing is re-derived here):
 * - a `quickfix` per fix of every diagnostic overlapping the requested range;
 * - `Fix all <code> problems in this file` (`quickfix`) next to them, when more than one diagnostic of
 *   that code has a preferred fix;
 * - `Fix all auto-fixable problems` (`source.fixAll.dg`, what `editor.codeActionsOnSave` runs): every
 *   diagnostic's preferred fix, skipping fixes whose edits would overlap one already taken.
 * A fix is "auto-fixable" only when the check marked it preferred (there is no doubt about it).
 */

export type CodeActionKind = 'quickfix' | 'source.fixAll.dg';

export const FIX_ALL_KIND: CodeActionKind = 'source.fixAll.dg';

export interface CodeAction {
  title: string;
  kind: CodeActionKind;
  /** The diagnostic a quick fix resolves (absent for the fix-all actions). */
  diagnostic?: Diagnostic;
  /** The diagnostics a fix-all action resolves. */
  diagnostics?: Diagnostic[];
  /** Non-overlapping edits in document offsets. */
  edits: TextEdit[];
  isPreferred: boolean;
}

export interface CodeActionOptions {
  /** The client's `context.only`: kinds wanted (a kind matches itself and its sub-kinds). */
  only?: readonly string[];
}

export function codeActions(diagnostics: readonly Diagnostic[], range: Span, options: CodeActionOptions = {}): CodeAction[] {
  const actions: CodeAction[] = [];
  if (wants(options.only, 'quickfix')) {
    const codes = new Set<string>();
    for (const diagnostic of diagnostics) {
      if (!overlaps(diagnostic.span, range) || !diagnostic.fixes?.length) continue;
      for (const fix of diagnostic.fixes) {
        if (!fix.edits.length) continue;
        actions.push({ title: fix.title, kind: 'quickfix', diagnostic, edits: fix.edits, isPreferred: fix.preferred === true });
      }
      if (preferredFix(diagnostic)) codes.add(diagnostic.code);
    }
    for (const code of codes) {
      const same = diagnostics.filter((d) => d.code === code && preferredFix(d));
      if (same.length < 2) continue;
      const all = fixAll(same);
      actions.push({
        title: `Fix all ${code} problems in this file`,
        kind: 'quickfix',
        diagnostics: all.diagnostics,
        edits: all.edits,
        isPreferred: false,
      });
    }
  }
  if (wants(options.only, FIX_ALL_KIND)) {
    const all = fixAll(diagnostics);
    if (all.edits.length) {
      actions.push({ title: 'Fix all auto-fixable problems', kind: FIX_ALL_KIND, diagnostics: all.diagnostics, edits: all.edits, isPreferred: false });
    }
  }
  return actions;
}

/**
 * The preferred fixes of `diagnostics`, merged: in document order, a fix is taken only when none of
 * its edits overlaps an edit already taken (two insertions at one offset overlap too). Duplicate fixes
 * (same edits) are taken once. The edits come back sorted.
 */
export function fixAll(diagnostics: readonly Diagnostic[]): { edits: TextEdit[]; diagnostics: Diagnostic[] } {
  const candidates = diagnostics
    .map((diagnostic) => ({ diagnostic, fix: preferredFix(diagnostic) }))
    .filter((c): c is { diagnostic: Diagnostic; fix: NonNullable<ReturnType<typeof preferredFix>> } => c.fix !== undefined)
    .sort((a, b) => firstStart(a.fix.edits) - firstStart(b.fix.edits));
  const taken: TextEdit[] = [];
  const seen = new Set<string>();
  const fixed: Diagnostic[] = [];
  for (const { diagnostic, fix } of candidates) {
    const key = fix.edits.map((e) => `${e.span.start}:${e.span.end}:${e.newText}`).join('|');
    if (seen.has(key)) {
      fixed.push(diagnostic);
      continue;
    }
    if (selfOverlapping(fix.edits) || fix.edits.some((edit) => conflicts(taken, edit))) continue;
    seen.add(key);
    for (const edit of fix.edits) taken.splice(insertionPoint(taken, edit.span.start), 0, edit);
    fixed.push(diagnostic);
  }
  return { edits: taken, diagnostics: fixed };
}

function preferredFix(diagnostic: Diagnostic) {
  return diagnostic.fixes?.find((fix) => fix.preferred && fix.edits.length > 0);
}

const wants = (only: readonly string[] | undefined, kind: string) =>
  !only || only.length === 0 || only.some((o) => kind === o || kind.startsWith(`${o}.`));

/** A diagnostic overlaps the range, or touches it (a cursor at either end of the diagnostic counts). */
const overlaps = (a: Span, b: Span) => a.start <= b.end && b.start <= a.end;

const firstStart = (edits: readonly TextEdit[]) => edits.reduce((min, e) => Math.min(min, e.span.start), Infinity);

function editsOverlap(a: Span, b: Span): boolean {
  if (a.start === b.start) return true;
  return a.start < b.end && b.start < a.end;
}

function selfOverlapping(edits: readonly TextEdit[]): boolean {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start);
  for (let i = 1; i < sorted.length; i++) if (editsOverlap(sorted[i - 1]!.span, sorted[i]!.span)) return true;
  return false;
}

/** First index in `sorted` whose start is ≥ `start`. */
function insertionPoint(sorted: readonly TextEdit[], start: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]!.span.start < start) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Whether `edit` overlaps an edit of `sorted` (sorted by start, non-overlapping). */
function conflicts(sorted: readonly TextEdit[], edit: TextEdit): boolean {
  const at = insertionPoint(sorted, edit.span.start);
  const next = sorted[at];
  const previous = sorted[at - 1];
  return (next !== undefined && editsOverlap(next.span, edit.span)) || (previous !== undefined && editsOverlap(previous.span, edit.span));
}
