import type { CheckSettings } from '../checks/index';
import { CODES } from '../checks/codes';
import type { Severity } from '../checks/diagnostic';
import { UsageError } from './files';

export const FORMATS = ['human', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

const LEVELS = ['error', 'warning', 'info', 'hint', 'off'] as const;

/**
 * `--severity DG112=off` (repeatable; also `DG112=warning,DG305=error`) → settings.severities.
 * Unknown codes or levels are usage errors.
 */
export function parseSeverities(values: readonly string[]): NonNullable<CheckSettings['severities']> {
  const severities: Partial<Record<string, Severity | 'off'>> = {};
  for (const item of values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean)) {
    const match = /^(DG\d{3})\s*[=:]\s*(\w+)$/i.exec(item);
    if (!match) throw new UsageError(`--severity expects CODE=LEVEL (as in DG112=off), got '${item}'`);
    const code = match[1]!.toUpperCase();
    const level = match[2]!.toLowerCase();
    if (!(code in CODES)) throw new UsageError(`--severity: unknown diagnostic code '${match[1]}'`);
    if (!(LEVELS as readonly string[]).includes(level)) {
      throw new UsageError(`--severity: unknown level '${match[2]}' for ${code} (use ${LEVELS.join(', ')})`);
    }
    severities[code] = level as Severity | 'off';
  }
  return severities;
}

/** `--max-warnings N`: a whole number; -1 (or any negative) means no limit. */
export function parseMaxWarnings(value: string): number {
  const trimmed = value.trim();
  if (!/^-?\d+$/.test(trimmed)) throw new UsageError(`--max-warnings expects a whole number, got '${value}'`);
  return Number(trimmed);
}

export interface ColorInputs {
  /** `--color` (true), `--no-color` (false), or neither (undefined). */
  flag?: boolean;
  env: Record<string, string | undefined>;
  isTTY: boolean;
}

/**
 * Whether to colour the human report: the flags win; then FORCE_COLOR (any value but `0`/`false` turns
 * colour on, as in Node); then NO_COLOR (any non-empty value turns it off); else only on a terminal
 * that is not `TERM=dumb`.
 */
export function useColor({ flag, env, isTTY }: ColorInputs): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR) return false;
  return isTTY && env.TERM !== 'dumb';
}
