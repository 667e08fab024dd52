import { resolve } from 'node:path';
import { liveWarehouse } from '../catalog/live';
import { ProjectCatalogs, mergeSettings, warehouseDiagnostics, type CatalogLoad, type ConfigState } from '../catalog/project';
import { analyze, modelOfText } from '../checks/analyze';
import { checkImpact } from '../checks/impact';
import type { CheckSettings } from '../checks/index';
import type { Diagnostic, Severity } from '../checks/diagnostic';
import type { GraphModel } from '../model/graph';
import { MAX_PARSED_LENGTH, SyntaxDocument } from '../syntax/document';
import { LineIndex } from '../syntax/lineIndex';
import type { DgParser } from '../syntax/parser';
import { openBaseline, type Baseline } from './baseline';
import { describeError, expandInputs, readInput, type InputFile } from './files';

/** What `dg check` found in one file. Spans of `diagnostics` are offsets into `text`. */
export interface FileResult {
  /** As given to the user: relative to the working directory, forward slashes; `<stdin>` for `-`. */
  path: string;
  text: string;
  lines: LineIndex;
  diagnostics: Diagnostic[];
  /** Set when the file could not be read: it was not checked, and the run exits with status 2. */
  error?: string;
}

export interface Summary {
  errors: number;
  warnings: number;
  infos: number;
  hints: number;
  /** Files checked (unreadable ones included). */
  files: number;
  /** Files that could not be read. */
  unreadable: number;
}

export interface CheckRun {
  files: FileResult[];
  summary: Summary;
  /**
   * 0: no errors (and warnings within `maxWarnings`);
   * 1: errors, or more warnings than `maxWarnings`;
   * 2: a file could not be read, or a rule crashed (the check is incomplete, so it cannot pass).
   */
  exitCode: 0 | 1 | 2;
  /** Internal errors (a rule family that threw), one line each, for standard error. */
  internalErrors: string[];
  /** Remarks for standard error that do not change the exit status (a `--baseline` directory that matched nothing). */
  notes?: string[];
}

export interface CheckOptions {
  /** Files, directories, globs, or `-` for standard input; none means the working directory. */
  paths: readonly string[];
  cwd: string;
  /** Reads standard input (for `-`). */
  readStdin?: () => Promise<string>;
  /** Name shown for standard input (default `<stdin>`). */
  stdinFilename?: string;
  settings?: CheckSettings;
  /** Report errors only: other diagnostics are dropped before counting. */
  quiet?: boolean;
  /** Exit with status 1 when there are more warnings than this; negative or undefined: no limit. */
  maxWarnings?: number;
  /**
   * Where each file's dg.config.json and warehouse catalog come from (one lookup per directory, one
   * catalog load per configuration); by default a fresh `ProjectCatalogs` with this build's drivers.
   * `false`: ignore dg.config.json (no project settings, no warehouse checks).
   */
  catalogs?: ProjectCatalogs | false;
  /** `--data`: also run the data checks (DG605, DG606) with queries against the warehouse. */
  data?: DataChecks;
  /**
   * `--baseline`: a git revision (`HEAD`, `origin/main`) or the path of a copy of the old files; each
   * file is then also compared with its old version (DG500–DG503). See ./baseline.ts.
   */
  baseline?: string;
}

/** Runs the data checks of one file (`dg check --data`); see ./data.ts. */
export type DataChecks = (
  model: GraphModel,
  project: { config: ConfigState; load?: CatalogLoad },
  settings: CheckSettings,
  lines: LineIndex,
) => Promise<Diagnostic[]>;

/**
 * `dg check`: expands the paths, analyses each file with one parser, and returns the results with the
 * exit status. Throws {@link UsageError} (from ./files) for operands that match nothing, and for a
 * `--baseline` that cannot be used (checked before any file).
 */
export async function check(parser: DgParser, options: CheckOptions): Promise<CheckRun> {
  const inputs = await expandInputs(options.paths.length ? options.paths : ['.'], {
    cwd: options.cwd,
    stdinFilename: options.stdinFilename,
  });
  const baseline = options.baseline === undefined
    ? undefined
    : await openBaseline(options.baseline, inputs, { cwd: options.cwd, stdinFilename: options.stdinFilename });
  const internalErrors: string[] = [];
  const files: FileResult[] = [];
  const catalogs = options.catalogs === false ? undefined : (options.catalogs ?? new ProjectCatalogs({ drivers: liveWarehouse().drivers }));
  for (const input of inputs) {
    const loaded = await readInput(input, options.readStdin);
    if ('error' in loaded) {
      files.push({ path: input.path, text: '', lines: new LineIndex(''), diagnostics: [], error: loaded.error });
      continue;
    }
    const onCrash = (family: string, error: unknown) =>
      internalErrors.push(`${input.path}: internal error: the ${family} checks crashed: ${describeError(error)}`);
    // The project: the dg.config.json above the file (standard input: above --stdin-filename, or the
    // working directory), and its catalog, loaded the first time a file needs it.
    const config: ConfigState = catalogs
      ? await catalogs.configFor(input.kind === 'file' ? input.absolutePath : stdinPlace(options), input.kind !== 'file' && !options.stdinFilename)
      : { kind: 'none' };
    const settings = mergeSettings(config.kind === 'config' ? config.config : undefined, options.settings);
    const result = 'tooLarge' in loaded
      ? { text: '', diagnostics: [tooLarge(loaded.size)] }
      : await checkText(parser, loaded.text, settings, onCrash, async (model, lines) => {
          const project = { config, ...(config.kind === 'config' && catalogs ? { load: await catalogs.catalog(config.config) } : {}) };
          const warehouse = guard('warehouse', onCrash, () => warehouseDiagnostics(model, project, settings, lines));
          const found = baseline ? [...warehouse, ...(await impactDiagnostics(parser, baseline, input, model, settings, lines, internalErrors, onCrash))] : warehouse;
          if (!options.data) return found;
          let data: Diagnostic[] = [];
          try {
            data = await options.data(model, project, settings, lines);
          } catch (error) {
            onCrash('data', error);
          }
          return [...found, ...data];
        });
    const diagnostics = options.quiet ? result.diagnostics.filter((d) => d.severity === 'error') : result.diagnostics;
    files.push({ path: input.path, text: result.text, lines: new LineIndex(result.text), diagnostics });
  }

  const summary = summarize(files);
  const limit = options.maxWarnings;
  const exitCode =
    summary.unreadable || internalErrors.length
      ? 2
      : summary.errors || (limit !== undefined && limit >= 0 && summary.warnings > limit)
        ? 1
        : 0;
  return { files, summary, exitCode, internalErrors, notes: baseline?.notes() ?? [] };
}

/**
 * DG500–DG503 of one file against its baseline text (none for a new file). A baseline that cannot be
 * read is an error of the run (exit status 2): a comparison that did not happen must not pass.
 */
async function impactDiagnostics(
  parser: DgParser,
  baseline: Baseline,
  input: InputFile,
  model: GraphModel,
  settings: CheckSettings | undefined,
  lines: LineIndex,
  internalErrors: string[],
  onCrash: (family: string, error: unknown) => void,
): Promise<Diagnostic[]> {
  let text: string | undefined;
  try {
    text = await baseline.textOf(input);
  } catch (error) {
    internalErrors.push(`${input.path}: cannot read its baseline at ${baseline.name}: ${describeError(error)}`);
    return [];
  }
  const old = text === undefined ? undefined : modelOfText(parser, text);
  return old ? guard('impact', onCrash, () => checkImpact(model, old, settings, lines, baseline.name)) : [];
}

async function checkText(
  parser: DgParser,
  text: string,
  settings: CheckSettings | undefined,
  onCrash: (family: string, error: unknown) => void,
  more: (model: GraphModel, lines: LineIndex) => Promise<Diagnostic[]>,
): Promise<{ text: string; diagnostics: Diagnostic[] }> {
  const document = SyntaxDocument.parse(parser, text);
  let analysis;
  let lines: LineIndex;
  try {
    analysis = analyze(document, settings, onCrash);
    lines = document.lineIndex;
  } finally {
    document.dispose();
  }
  const extra = await more(analysis.model, lines);
  return { text, diagnostics: extra.length ? sortDiagnostics([...analysis.diagnostics, ...extra]) : analysis.diagnostics };
}

/** Where standard input is taken to be, for finding its dg.config.json. */
function stdinPlace(options: CheckOptions): string {
  return options.stdinFilename ? resolve(options.cwd, options.stdinFilename) : options.cwd;
}

/** `run()`, or nothing when it throws (reported as an internal error, like a crashed rule family). */
function guard(family: string, onCrash: (family: string, error: unknown) => void, run: () => Diagnostic[]): Diagnostic[] {
  try {
    return run();
  } catch (error) {
    onCrash(family, error);
    return [];
  }
}

/** In document order, as each rule family's list is (a stable sort). */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || a.code.localeCompare(b.code));
}

function tooLarge(bytes: number): Diagnostic {
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  return {
    code: 'DG001',
    severity: 'error',
    message: `file too large to check (${mb(bytes)} MB; the limit is ${mb(MAX_PARSED_LENGTH)} MB)`,
    span: { start: 0, end: 0 },
  };
}

const COUNTERS: Record<Severity, 'errors' | 'warnings' | 'infos' | 'hints'> = {
  error: 'errors',
  warning: 'warnings',
  info: 'infos',
  hint: 'hints',
};

export function summarize(files: readonly FileResult[]): Summary {
  const summary: Summary = { errors: 0, warnings: 0, infos: 0, hints: 0, files: files.length, unreadable: 0 };
  for (const file of files) {
    if (file.error) summary.unreadable++;
    for (const d of file.diagnostics) summary[COUNTERS[d.severity]]++;
  }
  return summary;
}
