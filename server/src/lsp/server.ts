import {
  DidChangeConfigurationNotification,
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
  type ClientCapabilities,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type DidChangeTextDocumentParams,
  type DidCloseTextDocumentParams,
  type DidOpenTextDocumentParams,
  type DidSaveTextDocumentParams,
  type InitializeError,
  type InitializeResult,
} from 'vscode-languageserver';
import {
  createConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type DataCallback,
  type Disposable,
} from 'vscode-languageserver/node';
import { mergeSettings, warehouseDiagnostics } from '../catalog/project';
import type { WarehouseDrivers } from '../catalog/providers';
import type { QueryConnectors } from '../catalog/query';
import { analyze, type Analysis } from '../checks/analyze';
import type { Diagnostic } from '../checks/diagnostic';
import { checkImpact } from '../checks/impact';
import type { CheckSettings } from '../checks/index';
import type { SyntaxDocument } from '../syntax/document';
import type { DgParser } from '../syntax/parser';
import { DocumentBaselines } from './baseline';
import { clientSupport, serverCapabilities, type ClientSupport } from './capabilities';
import { CatalogService, type RefreshResult } from './catalogs';
import { diagnosticSupport, toLspDiagnostics, type DiagnosticSupport } from './convert';
import { runDocumentDataChecks, untrustedDrivers, RUN_DATA_CHECKS_METHOD, type DataChecksSummary } from './dataChecks';
import { DocumentStore, type OpenDocument } from './documents';
import { registerFeatures, type CurrentDocument } from './features';
import { documentUri, PendingDocumentMessages } from './pending';
import { readBaseline, readProjectSettings, readSettings, SETTINGS_SECTION } from './settings';
import { WatchedFiles } from './watchedFiles';
import { WorkspaceFiles } from './workspaceFiles';
import { workspaceFolderPaths, WorkspaceFolders } from './workspaceFolders';

export interface ServerOptions {
  /** Reported in `serverInfo`. */
  version: string;
  loadParser: () => Promise<DgParser>;
  /** Document messages already received but not handled (fed by the transport's reader); optional. */
  pending?: PendingDocumentMessages;
  /** How long to wait for the client's first `workspace/configuration` answer before checking with defaults. */
  settingsTimeoutMs?: number;
  /** Live warehouse drivers (`liveWarehouse().drivers`); without them only catalog files are read. */
  drivers?: WarehouseDrivers;
  /** Where `env:NAME` references in dg.config.json are read (default: the process environment). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Live warehouse connections for the data checks (`liveWarehouse().connectors`); without them dg/runDataChecks reports DG607. */
  connectors?: QueryConnectors;
}

export { RUN_DATA_CHECKS_METHOD, type DataChecksSummary } from './dataChecks';

/** The custom request that reloads the warehouse catalog: params `{ uri?: string }` (a document of the project; none: every project). */
export const REFRESH_CATALOG_METHOD = 'dg/refreshCatalog';
/** The server's notification of a configuration's catalog state, for the client's status bar (`StatusParams`). */
export const STATUS_METHOD = 'dg/status';

export interface DgServer {
  readonly shutdownReceived: boolean;
  /** Logs an error once per `key` (for process-level handlers in main). */
  logError(key: string, message: string): void;
}

/** A check slower than this is logged (once per document). */
const SLOW_CHECK_MS = 2000;

/** How long a change whose check was skipped (a newer one was queued) waits before being checked anyway. */
const SKIPPED_CHECK_FALLBACK_MS = 250;

/**
 * Wires the language server onto `connection`: document sync (incremental), diagnostics pushed with
 * `textDocument/publishDiagnostics` (with the document version), the `dataGraph` settings, and the
 * editor features (features.ts). Each version is parsed incrementally and checked synchronously in its
 * own handler, so a published set always matches the version it names; requests answer from the
 * analysis of the document's current version (analyzing it first when its check was skipped).
 */
export function startServer(connection: Connection, options: ServerOptions): DgServer {
  const log = new OnceLog(connection);
  const pending = options.pending;
  let store: DocumentStore | undefined;
  let capabilities: ClientCapabilities = {};
  let support: DiagnosticSupport = { relatedInformation: false, tags: new Set() };
  let features: ClientSupport = clientSupport({});
  let workspace: WorkspaceFiles | undefined;
  let catalogs: CatalogService | undefined;
  let baselines: DocumentBaselines | undefined;
  let folders: WorkspaceFolders | undefined;
  let watched: WatchedFiles | undefined;
  let pullConfiguration = false;
  let settings: CheckSettings = {};
  let settingsReady = false;
  let settingsGeneration = 0;
  let shutdownReceived = false;
  /** Versions (by their syntax) whose analysis threw. */
  const failedAnalyses = new WeakSet<SyntaxDocument>();
  /**
   * The last dg/runDataChecks results per document, for the version they were run on (by its syntax):
   * merged into that version's diagnostics; a new version, closing the document or the next run drops them.
   */
  const dataResults = new Map<string, { syntax: SyntaxDocument; diagnostics: Diagnostic[] }>();
  /** `initializationOptions.untrusted`: VS Code's restricted mode; no warehouse connections at all. */
  let untrusted = false;
  /** The data-check runs under way, by document URI (a new run cancels the previous one). */
  const dataRuns = new Map<string, AbortController>();

  const reportCrash = (family: string, error: unknown) =>
    log.error(
      `crash:${family}`,
      `dg: the "${family}" checks crashed, so their diagnostics are missing (logged once): ${describe(error)}`,
    );

  /**
   * The analysis of the document's current version with its project: the dg.config.json settings
   * (the client's `dataGraph` settings override them) and the warehouse checks against its catalog, once
   * loaded (DG607 when it failed), and the change-impact checks against its baseline (`dataGraph.baseline`),
   * once read. The project and the baseline are looked up in the background the first time.
   */
  function analyzeDocument(document: OpenDocument): Analysis {
    const project = catalogs?.projectOf(document.uri);
    const effective = project?.config.kind === 'config' ? mergeSettings(project.config.config, settings) : settings;
    const analysis = analyze(document.syntax, effective, reportCrash);
    const baseline = baselines?.baselineOf(document.uri);
    let extra: Diagnostic[] = [];
    if (baseline) {
      try {
        extra = checkImpact(analysis.model, baseline.model, effective, document.syntax.lineIndex, baseline.name);
      } catch (error) {
        reportCrash('impact', error);
      }
    }
    if (!project) return extra.length ? { ...analysis, diagnostics: sortDiagnostics([...analysis.diagnostics, ...extra]) } : analysis;
    try {
      extra = [...extra, ...warehouseDiagnostics(analysis.model, project, effective, document.syntax.lineIndex)];
    } catch (error) {
      reportCrash('warehouse', error);
    }
    const data = dataResults.get(document.uri);
    if (data?.syntax === document.syntax) extra = [...extra, ...data.diagnostics];
    if (extra.length === 0) return analysis;
    return { ...analysis, diagnostics: sortDiagnostics([...analysis.diagnostics, ...extra]) };
  }

  /** Checks `document` now and publishes, unless a newer message about it is already queued. */
  function check(document: OpenDocument): void {
    if (!settingsReady || shutdownReceived) return; // checked once the settings arrive
    if (pending?.hasNewer(document.uri)) {
      const version = document.version;
      setTimeout(() => {
        // Safety net only: normally the queued message's own handler checked a newer version by now.
        if (store?.get(document.uri) === document && document.version === version && !document.analysis) publish(document);
      }, SKIPPED_CHECK_FALLBACK_MS).unref?.();
      return;
    }
    publish(document);
  }

  function publish(document: OpenDocument): void {
    const started = performance.now();
    let diagnostics: LspDiagnostic[] = [];
    try {
      const analysis = analyzeDocument(document);
      document.analysis = analysis;
      failedAnalyses.delete(document.syntax);
      diagnostics = toLspDiagnostics(analysis.diagnostics, () => document.syntax.lineIndex, document.uri, support);
    } catch (error) {
      // Never leave the previous version's diagnostics up: publish none for this one.
      failedAnalyses.add(document.syntax);
      log.error(`analyze:${messageOf(error)}`, `dg: checking ${document.uri} failed: ${describe(error)}`);
    }
    send(document.uri, diagnostics, document.version);
    const elapsed = performance.now() - started;
    if (elapsed > SLOW_CHECK_MS) {
      log.warn(
        `slow:${document.uri}`,
        `dg: checking ${document.uri} (${document.syntax.text.length} characters) took ${Math.round(elapsed)} ms (logged once per document)`,
      );
    }
  }

  /** `uri` at its current version with that version's analysis (run now if its check was skipped or is yet to come). */
  function current(uri: string): CurrentDocument | undefined {
    const document = store?.get(uri);
    if (!document || shutdownReceived) return undefined;
    // A version whose analysis crashed is not re-analyzed for every request (a settings change retries).
    if (!document.analysis && !failedAnalyses.has(document.syntax)) {
      if (settingsReady) {
        publish(document); // analyzes this version and publishes its diagnostics
      } else {
        // Settings are on their way: answer with the defaults; the check once they arrive re-analyzes.
        try {
          document.analysis = analyzeDocument(document);
        } catch (error) {
          failedAnalyses.add(document.syntax);
          log.error(`analyze:${messageOf(error)}`, `dg: checking ${document.uri} failed: ${describe(error)}`);
        }
      }
    }
    return { document, lines: document.syntax.lineIndex, analysis: document.analysis };
  }

  function send(uri: string, diagnostics: LspDiagnostic[], version?: number): void {
    connection
      .sendDiagnostics(version === undefined ? { uri, diagnostics } : { uri, version, diagnostics })
      .catch((error: unknown) => log.error(`send:${messageOf(error)}`, `dg: publishing diagnostics failed: ${describe(error)}`));
  }

  function recheckAll(): void {
    for (const document of store?.all() ?? []) {
      try {
        check(document);
      } catch (error) {
        log.error(`recheck:${messageOf(error)}`, `dg: re-checking ${document.uri} failed: ${describe(error)}`);
      }
    }
  }

  function applySettings(raw: unknown): void {
    const read = readSettings(raw);
    for (const problem of read.problems) log.warn(`settings:${problem}`, `dg: ignoring a setting: ${problem}`);
    settings = read.settings;
    const project = readProjectSettings(raw);
    for (const problem of project.problems) log.warn(`settings:${problem}`, `dg: ignoring a setting: ${problem}`);
    catalogs?.configure(project.project);
    const baseline = readBaseline(raw);
    for (const problem of baseline.problems) log.warn(`settings:${problem}`, `dg: ignoring a setting: ${problem}`);
    baselines?.configure(baseline.baseline);
    settingsReady = true;
    recheckAll();
  }

  async function refreshSettings(): Promise<void> {
    const generation = ++settingsGeneration;
    let raw: unknown;
    try {
      raw = await connection.workspace.getConfiguration({ section: SETTINGS_SECTION });
    } catch (error) {
      log.warn('settings:request', `dg: could not read the ${SETTINGS_SECTION} settings, using defaults: ${messageOf(error)}`);
    }
    if (generation === settingsGeneration) applySettings(raw); // else a newer request is under way
  }

  /** Wraps a notification handler: exceptions are logged (once per message), never thrown to the connection. */
  function guarded<P>(name: string, handler: (params: P) => void): (params: P) => void {
    return (params) => {
      try {
        handler(params);
      } catch (error) {
        log.error(`${name}:${messageOf(error)}`, `dg: ${name} failed: ${describe(error)}`);
      }
    };
  }

  /** A text-document notification: uncounted from the pending messages first, whatever happens next. */
  function documentHandler<P>(name: string, handler: (params: P, uri: string, store: DocumentStore) => void) {
    return guarded<P>(name, (params) => {
      const uri = documentUri(params);
      if (uri !== undefined) pending?.handled(uri);
      if (uri === undefined || !store || shutdownReceived) return;
      handler(params, uri, store);
    });
  }

  connection.onInitialize(async (params): Promise<InitializeResult | ResponseError<InitializeError>> => {
    capabilities = params.capabilities ?? {};
    support = diagnosticSupport(capabilities);
    features = clientSupport(capabilities);
    pullConfiguration = capabilities.workspace?.configuration === true;
    let parser: DgParser;
    try {
      parser = await options.loadParser();
    } catch (error) {
      log.error('parser', `dg: could not load the parser: ${describe(error)}`);
      return new ResponseError<InitializeError>(-32603, `dg: could not load the parser: ${messageOf(error)}`, { retry: false });
    }
    store = new DocumentStore(parser, (uri, error) =>
      log.error(`update:${messageOf(error)}`, `dg: incremental update of ${uri} failed, re-parsed in full: ${describe(error)}`),
    );
    baselines = new DocumentBaselines({
      parser,
      changed: (uri) => {
        const document = store?.get(uri);
        if (!document) return;
        try {
          document.analysis = undefined;
          check(document);
        } catch (error) {
          log.error(`recheck:${messageOf(error)}`, `dg: re-checking ${uri} failed: ${describe(error)}`);
        }
      },
      log: (key, message, problem) => (problem ? log.warn(key, message) : log.info(key, message)),
    });
    if (!pullConfiguration) {
      settingsReady = true; // defaults until a didChangeConfiguration pushes settings
      baselines.configure(readBaseline(undefined).baseline);
    }
    const initialFolders = workspaceFolderPaths(params);
    untrusted = (params.initializationOptions as { untrusted?: unknown } | null | undefined)?.untrusted === true;
    if (untrusted) connection.console.info('dg: the workspace is not trusted: no warehouse connections (catalog files are still read)');
    const drivers = untrusted ? untrustedDrivers() : options.drivers;
    const projects = new CatalogService({
      roots: initialFolders,
      ...(drivers ? { drivers } : {}),
      ...(options.connectors && !untrusted ? { connectors: options.connectors } : {}),
      ...(options.env ? { env: options.env } : {}),
      onChange: (uris) => {
        for (const uri of uris) {
          const document = store?.get(uri);
          if (!document) continue;
          try {
            check(document);
          } catch (error) {
            log.error(`recheck:${messageOf(error)}`, `dg: re-checking ${uri} failed: ${describe(error)}`);
          }
        }
      },
      log: (message, problem) => (problem ? connection.console.warn(message) : connection.console.info(message)),
      onStatus: (status) => {
        if (shutdownReceived) return;
        connection
          .sendNotification(STATUS_METHOD, status)
          .catch((error: unknown) => log.warn(`status:${messageOf(error)}`, `dg: sending ${STATUS_METHOD} failed: ${describe(error)}`));
      },
      onProjectFiles: () => watched?.update(),
    });
    const files = new WorkspaceFiles(initialFolders, { parser, warn: (key, message) => log.warn(key, message) });
    const roots = new WorkspaceFolders(initialFolders, {
      added: (folder) => void files.addFolder(folder),
      removed: (folder) => files.removeFolder(folder),
      changed: (paths) => {
        void projects.setRoots(paths);
        watched?.update();
      },
    });
    catalogs = projects;
    workspace = files;
    folders = roots;
    watched = new WatchedFiles(connection, capabilities, {
      catalogs: projects,
      workspace: files,
      folders: () => roots.paths,
      warn: (key, message) => log.warn(key, message),
    });
    return {
      capabilities: serverCapabilities(capabilities),
      serverInfo: { name: 'dg-language-server', version: options.version },
    };
  });

  connection.onInitialized(
    guarded('initialized', () => {
      void workspace?.scan();
      watched?.start();
      if (capabilities.workspace?.workspaceFolders === true) {
        // Here, not in onInitialize: the library registers for it dynamically unless the capability says it need not.
        connection.workspace.onDidChangeWorkspaceFolders(guarded('didChangeWorkspaceFolders', (event) => folders?.change(event)));
      }
      if (!pullConfiguration) return;
      if (capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
        connection.client
          .register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION })
          .catch((error: unknown) => log.warn('register', `dg: could not register for settings changes: ${messageOf(error)}`));
      }
      void refreshSettings();
      // A client that never answers must not leave the documents unchecked.
      setTimeout(() => {
        if (!settingsReady) {
          log.warn('settings:timeout', `dg: no answer to workspace/configuration; checking with default settings`);
          applySettings(undefined);
        }
      }, options.settingsTimeoutMs ?? 3000).unref?.();
    }),
  );

  connection.onDidChangeConfiguration(
    guarded('didChangeConfiguration', (params) => {
      if (pullConfiguration) void refreshSettings();
      else applySettings((params?.settings as Record<string, unknown> | undefined)?.[SETTINGS_SECTION]);
    }),
  );

  connection.onDidChangeWatchedFiles(
    guarded('didChangeWatchedFiles', (params) => {
      if (!shutdownReceived) watched?.received(params?.changes);
    }),
  );

  connection.onDidOpenTextDocument(
    documentHandler('didOpen', (params: DidOpenTextDocumentParams, uri, documents) => {
      const { languageId, version, text } = params.textDocument;
      workspace?.noteOpened(uri);
      check(documents.open(uri, String(languageId), version, typeof text === 'string' ? text : ''));
    }),
  );

  connection.onDidChangeTextDocument(
    documentHandler('didChange', (params: DidChangeTextDocumentParams, uri, documents) => {
      const document = documents.change(uri, params.textDocument.version, params.contentChanges ?? []);
      dataResults.delete(uri); // the data checks' results were for the previous version
      if (!document) {
        log.warn(`not-open:${uri}`, `dg: ignoring a change to ${uri}, which is not open`);
        return;
      }
      check(document);
    }),
  );

  // Not a document message of the pending count (pending.ts): saving changes no text.
  connection.onDidSaveTextDocument(
    guarded('didSave', (params: DidSaveTextDocumentParams) => {
      const uri = documentUri(params);
      if (uri !== undefined && !shutdownReceived) baselines?.saved(uri);
    }),
  );

  connection.onDidCloseTextDocument(
    documentHandler('didClose', (_params: DidCloseTextDocumentParams, uri, documents) => {
      documents.close(uri);
      baselines?.close(uri);
      dataResults.delete(uri);
      dataRuns.get(uri)?.abort();
      catalogs?.close(uri);
      send(uri, []);
    }),
  );

  registerFeatures(connection, {
    support: () => features,
    diagnosticSupport: () => support,
    settings: (uri) => {
      const project = uri === undefined ? undefined : catalogs?.projectOf(uri);
      return project?.config.kind === 'config' ? mergeSettings(project.config.config, settings) : settings;
    },
    catalog: (uri) => catalogs?.catalogOf(uri),
    current,
    openUris: () => store?.all().map((d) => d.uri) ?? [],
    workspace: () => (shutdownReceived ? undefined : workspace),
    logError: (key, message) => log.error(key, message),
  });

  connection.onRequest(REFRESH_CATALOG_METHOD, async (params: unknown): Promise<RefreshResult> => {
    const uri = (params as { uri?: unknown } | null | undefined)?.uri;
    if (!catalogs || shutdownReceived) return { catalogs: [] };
    try {
      return await catalogs.refresh(typeof uri === 'string' ? uri : undefined, store?.all().map((d) => d.uri) ?? []);
    } catch (error) {
      log.error(`refresh:${messageOf(error)}`, `dg: ${REFRESH_CATALOG_METHOD} failed: ${describe(error)}`);
      return { catalogs: [] };
    }
  });

  connection.onRequest(RUN_DATA_CHECKS_METHOD, async (params: unknown, token: CancellationToken): Promise<DataChecksSummary> => {
    const uri = (params as { uri?: unknown } | null | undefined)?.uri;
    if (typeof uri !== 'string') throw new ResponseError(-32602, `${RUN_DATA_CHECKS_METHOD}: params must be { uri: string }`);
    const opened = store?.get(uri);
    if (!opened || !catalogs || shutdownReceived) throw new ResponseError(-32602, `${RUN_DATA_CHECKS_METHOD}: ${uri} is not open`);
    dataRuns.get(uri)?.abort();
    const controller = new AbortController();
    dataRuns.set(uri, controller);
    const cancel = token.onCancellationRequested(() => controller.abort());
    const workDoneToken = (params as { workDoneToken?: string | number }).workDoneToken;
    let progress: { begin(title: string, percentage?: number, message?: string, cancellable?: boolean): void; report(percentage: number, message?: string): void; done(): void } | undefined;
    try {
      if (workDoneToken !== undefined) {
        progress = connection.window.attachWorkDoneProgress(workDoneToken);
      } else if (capabilities.window?.workDoneProgress) {
        const created = await connection.window.createWorkDoneProgress();
        created.token.onCancellationRequested(() => controller.abort());
        progress = created;
      }
    } catch (error) {
      log.warn(`progress:${messageOf(error)}`, `dg: could not create work-done progress: ${messageOf(error)}`);
    }
    progress?.begin('Data Graph: running data checks', 0, 'loading the catalog', true);
    try {
      const project = await catalogs.settled(uri);
      const document = store?.get(uri);
      if (!document) throw new ResponseError(-32602, `${RUN_DATA_CHECKS_METHOD}: ${uri} was closed`);
      const analysis = current(uri)?.analysis;
      if (!analysis) throw new ResponseError(-32603, `${RUN_DATA_CHECKS_METHOD}: ${uri} could not be analyzed`);
      const syntax = document.syntax;
      const { summary, diagnostics } = await runDocumentDataChecks(uri, analysis.model, project, settings, syntax.lineIndex, {
        connectors: options.connectors ?? {},
        ...(options.env ? { env: options.env } : {}),
        untrusted,
        signal: controller.signal,
        progress: (message, percentage) => progress?.report(percentage, message),
      });
      if (controller.signal.aborted) {
        if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, `${RUN_DATA_CHECKS_METHOD}: cancelled`);
        return summary; // superseded by a newer run, or the document closed
      }
      const now = store?.get(uri);
      if (now && now.syntax === syntax) {
        dataResults.set(uri, { syntax, diagnostics });
        document.analysis = undefined;
        publish(now);
      }
      return summary;
    } finally {
      cancel.dispose();
      if (dataRuns.get(uri) === controller) dataRuns.delete(uri);
      progress?.done();
    }
  });

  connection.onShutdown(() => {
    shutdownReceived = true;
    for (const run of dataRuns.values()) run.abort();
    catalogs?.stop();
    baselines?.stop();
    workspace?.stop();
    watched?.stop();
    store?.clear();
  });

  return {
    get shutdownReceived() {
      return shutdownReceived;
    },
    logError: (key, message) => log.error(key, message),
  };
}

/**
 * Serves LSP over a pair of streams (stdin/stdout for `--stdio`, in-memory pipes in tests), with the
 * reader reporting document messages as they arrive so that superseded versions are not checked.
 */
export function serveStreams(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  options: Omit<ServerOptions, 'pending'>,
): DgServer & { connection: Connection } {
  const pending = new PendingDocumentMessages();
  const reader = new PeekingReader(input, (message) => pending.received(message));
  const connection = createConnection(reader, new StreamMessageWriter(output));
  const server = startServer(connection, { ...options, pending });
  connection.listen();
  return Object.assign(server, { connection });
}

/** A reader that shows every message to `peek` as soon as it is read, before it waits in the queue. */
class PeekingReader extends StreamMessageReader {
  constructor(
    readable: NodeJS.ReadableStream,
    private readonly peek: (message: unknown) => void,
  ) {
    super(readable);
  }

  override listen(callback: DataCallback): Disposable {
    return super.listen((message) => {
      try {
        this.peek(message);
      } catch {
        // Peeking is an optimisation; the message is delivered regardless.
      }
      callback(message);
    });
  }
}

/** Logs each distinct problem once, so that a failure repeating on every keystroke does not flood the log. */
class OnceLog {
  private readonly seen = new Set<string>();

  constructor(private readonly connection: Connection) {}

  error(key: string, message: string): void {
    if (this.first(key)) this.connection.console.error(message);
  }

  info(key: string, message: string): void {
    if (this.first(key)) this.connection.console.info(message);
  }

  warn(key: string, message: string): void {
    if (this.first(key)) this.connection.console.warn(message);
  }

  private first(key: string): boolean {
    if (this.seen.has(key)) return false;
    if (this.seen.size >= 1000) this.seen.clear();
    this.seen.add(key);
    return true;
  }
}

/** In document order, each family's list staying in its order. */
const sortDiagnostics = (diagnostics: Diagnostic[]): Diagnostic[] =>
  diagnostics.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || a.code.localeCompare(b.code));

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const describe = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));
