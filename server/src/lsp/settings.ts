import type { CheckSettings } from '../checks/index';

/** The configuration section the server reads (`dataGraph.severities`, `dataGraph.identityTypes`). */
export const SETTINGS_SECTION = 'dataGraph';

const LEVELS = new Set(['error', 'warning', 'info', 'hint', 'off']);
const ALIASES: Record<string, string> = { information: 'info', warn: 'warning', none: 'off', ignore: 'off' };

/**
 * The check settings in a `dataGraph` configuration object, as the client sends it (untrusted JSON).
 * Values that make no sense are left out and described in `problems`.
 */
export function readSettings(raw: unknown): { settings: CheckSettings; problems: string[] } {
  const problems: string[] = [];
  const settings: CheckSettings = {};
  if (raw === undefined || raw === null) return { settings, problems };
  if (!isObject(raw)) return { settings, problems: [`${SETTINGS_SECTION} should be an object`] };

  const severities = raw['severities'];
  if (isObject(severities)) {
    const result: NonNullable<CheckSettings['severities']> = {};
    for (const [code, value] of Object.entries(severities)) {
      const level = typeof value === 'string' ? (ALIASES[value.toLowerCase()] ?? value.toLowerCase()) : undefined;
      if (!/^DG\d{3}$/i.test(code)) problems.push(`${SETTINGS_SECTION}.severities: "${code}" is not a DG code`);
      else if (!level || !LEVELS.has(level))
        problems.push(`${SETTINGS_SECTION}.severities.${code}: expected "error", "warning", "info", "hint" or "off"`);
      else result[code.toUpperCase()] = level as 'error' | 'warning' | 'info' | 'hint' | 'off';
    }
    settings.severities = result;
  } else if (severities !== undefined && severities !== null) {
    problems.push(`${SETTINGS_SECTION}.severities should be an object of code → severity`);
  }

  const identityTypes = raw['identityTypes'];
  if (Array.isArray(identityTypes)) {
    const strings = identityTypes.filter((t): t is string => typeof t === 'string' && t.trim() !== '');
    if (strings.length !== identityTypes.length)
      problems.push(`${SETTINGS_SECTION}.identityTypes: only non-empty strings are used`);
    settings.identityTypes = strings;
  } else if (identityTypes !== undefined && identityTypes !== null) {
    problems.push(`${SETTINGS_SECTION}.identityTypes should be an array of strings`);
  }
  return { settings, problems };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** How the server finds and loads a document's dg.config.json and catalog (`dataGraph.configPath`, `dataGraph.catalog.loadOnStartup`). */
export interface ProjectSettings {
  /** An explicit dg.config.json path (relative to the first workspace folder), used instead of walking up. */
  configPath?: string;
  /** Whether catalogs load when a document is opened (false: only `dg/refreshCatalog` loads them). */
  loadOnStartup: boolean;
}

/** The project settings in a `dataGraph` configuration object (untrusted JSON); bad values are described in `problems`. */
export function readProjectSettings(raw: unknown): { project: ProjectSettings; problems: string[] } {
  const problems: string[] = [];
  const project: ProjectSettings = { loadOnStartup: true };
  if (!isObject(raw)) return { project, problems };
  const configPath = raw['configPath'];
  if (typeof configPath === 'string') {
    if (configPath.trim() !== '') project.configPath = configPath.trim();
  } else if (configPath !== undefined && configPath !== null) {
    problems.push(`${SETTINGS_SECTION}.configPath should be a string`);
  }
  const catalog = raw['catalog'];
  if (isObject(catalog)) {
    const load = catalog['loadOnStartup'];
    if (typeof load === 'boolean') project.loadOnStartup = load;
    else if (load !== undefined && load !== null) problems.push(`${SETTINGS_SECTION}.catalog.loadOnStartup should be true or false`);
  } else if (catalog !== undefined && catalog !== null) {
    problems.push(`${SETTINGS_SECTION}.catalog should be an object`);
  }
  return { project, problems };
}

/** `dataGraph.baseline` when the client does not say: the last commit. */
export const DEFAULT_BASELINE = 'HEAD';

/**
 * `dataGraph.baseline` (untrusted JSON): the git revision the change-impact checks (DG500–DG503) compare
 * each document with; `""` turns them off. A value that is not a string is described in `problems`.
 */
export function readBaseline(raw: unknown): { baseline: string; problems: string[] } {
  const value = isObject(raw) ? raw['baseline'] : undefined;
  if (typeof value === 'string') return { baseline: value.trim(), problems: [] };
  if (value === undefined || value === null) return { baseline: DEFAULT_BASELINE, problems: [] };
  return { baseline: DEFAULT_BASELINE, problems: [`${SETTINGS_SECTION}.baseline should be a string (a git revision, or "" for none)`] };
}
