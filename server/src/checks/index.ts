import type { GraphModel } from '../model/graph';
import type { LineIndex } from '../syntax/lineIndex';
import { CheckContext, type CheckSettings, type RuleFamily } from './context';
import type { Diagnostic } from './diagnostic';
import { checkNames } from './names';
import { applySettings } from './settings';
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
  return applySettings(context);
}
