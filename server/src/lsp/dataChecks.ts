import type { CatalogProvider } from '../catalog/catalog';
import { describeWarehouse, WAREHOUSE_TYPES, type WarehouseType } from '../catalog/config';
import { dataChecks } from '../catalog/dataRun';
import { CatalogError } from '../catalog/errors';
import { describeFailures, mergeSettings } from '../catalog/project';
import type { WarehouseDrivers } from '../catalog/providers';
import type { QueryConnectors } from '../catalog/query';
import type { CheckSettings } from '../checks/context';
import type { Diagnostic } from '../checks/diagnostic';
import type { GraphModel } from '../model/graph';
import type { LineIndex } from '../syntax/lineIndex';
import type { DocumentProject } from './catalogs';

/**
 * `dg/runDataChecks` (params `{ uri }`): the data checks (DG605, DG606; DG607 when they cannot run) of
 * one open document, run on demand against its dg.config.json's warehouse with the same runner as
 * `dg check --data` (server/src/catalog/dataRun.ts). The request's cancellation aborts the queries.
 *
 * The diagnostics found are published merged with the document's normal ones and kept for that
 * version of the document only: an edit (any new version), closing it, or the next run drops them.
 * A cancelled run keeps the previous run's results and answers with `cancelled: true`.
 */
export const RUN_DATA_CHECKS_METHOD = 'dg/runDataChecks';

/** `dg/runDataChecks`'s answer (never a secret). */
export interface DataChecksSummary {
  uri: string;
  /** The dg.config.json used, if any. */
  config?: string;
  /** Whether queries ran on the warehouse. */
  ran: boolean;
  /** How many queries ran (or were attempted). */
  queries: number;
  /** The findings by code (DG605, DG606, DG607). */
  counts: Record<string, number>;
  /** Why the checks (or some of them) could not run. */
  problems: string[];
  cancelled: boolean;
}

export const UNTRUSTED_REASON = 'the workspace is not trusted, so dg does not connect to its warehouse';
const UNTRUSTED_HINT = 'Trust the workspace to use the live warehouse; a "catalog" file in dg.config.json still works meanwhile.';

/** Drivers for an untrusted workspace: every warehouse fails with DG607 saying why, without connecting. */
export function untrustedDrivers(): WarehouseDrivers {
  const drivers: WarehouseDrivers = {};
  for (const type of WAREHOUSE_TYPES) {
    drivers[type as WarehouseType] = (warehouse): CatalogProvider => ({
      description: describeWarehouse(warehouse),
      load: () => Promise.reject(new CatalogError('unsupported', `Not reading ${describeWarehouse(warehouse)}: ${UNTRUSTED_REASON}.`, UNTRUSTED_HINT)),
    });
  }
  return drivers;
}

/** Connectors for an untrusted workspace: none connects. */
export function untrustedConnectors(): QueryConnectors {
  const connectors: QueryConnectors = {};
  for (const type of WAREHOUSE_TYPES) {
    connectors[type as WarehouseType] = () => Promise.reject(new CatalogError('unsupported', `Not querying the warehouse: ${UNTRUSTED_REASON}.`, UNTRUSTED_HINT));
  }
  return connectors;
}

export interface DataCheckRunOptions {
  connectors: QueryConnectors;
  env?: Readonly<Record<string, string | undefined>>;
  untrusted: boolean;
  signal: AbortSignal;
  progress: (message: string, percentage: number) => void;
}

/** Runs the data checks of one document's model with its (settled) project. */
export async function runDocumentDataChecks(
  uri: string,
  model: GraphModel,
  project: DocumentProject | undefined,
  clientSettings: CheckSettings,
  lines: LineIndex,
  options: DataCheckRunOptions,
): Promise<{ summary: DataChecksSummary; diagnostics: Diagnostic[] }> {
  const settings = project?.config.kind === 'config' ? mergeSettings(project.config.config, clientSettings) : clientSettings;
  const configFile = project && project.config.kind !== 'none' ? project.config.file : undefined;
  const problems: string[] = [];
  if (options.untrusted) problems.push(`Data checks skipped: ${UNTRUSTED_REASON}.`);
  if (project?.config.kind === 'invalid') problems.push(project.config.error.message);
  if (project?.load?.configured && (!project.load.catalog || project.load.failures.length)) {
    const failure = describeFailures(project.load.failures);
    const message = `Data checks skipped: ${failure.reason.replace(/\.$/, '')}.${failure.hint ? ` ${failure.hint}` : ''}`;
    if (!options.untrusted) problems.push(message);
  }
  let queries = 0;
  let ran = false;
  const runner = dataChecks({
    connectors: options.untrusted ? untrustedConnectors() : options.connectors,
    ...(options.env ? { env: options.env } : {}),
    signal: options.signal,
    progress: (line, done, total) => {
      ran = true;
      queries = done + 1;
      options.progress(line, Math.round((done / Math.max(total, 1)) * 100));
    },
  });
  let diagnostics: Diagnostic[];
  try {
    diagnostics = await runner.run(model, project ?? { config: { kind: 'none' } }, settings, lines);
  } finally {
    await runner.close();
  }
  const counts: Record<string, number> = {};
  for (const diagnostic of diagnostics) {
    counts[diagnostic.code] = (counts[diagnostic.code] ?? 0) + 1;
    if (diagnostic.code === 'DG607') problems.push(diagnostic.message);
  }
  return {
    summary: {
      uri,
      ...(configFile ? { config: configFile } : {}),
      ran,
      queries,
      counts,
      problems: [...new Set(problems)],
      cancelled: options.signal.aborted,
    },
    diagnostics,
  };
}
