/**
 * A small LSP client for tests: spawns the built `dg-language-server --stdio` and talks JSON-RPC to it.
 *
 *   const client = await LspClient.start({ settings: { severities: { DG004: 'off' } } });
 *   await client.open(uri, text);
 *   const published = await client.waitForDiagnostics(uri, (p) => p.version === 1);
 *   await client.dispose();
 *
 * Every wait has a timeout that rejects with what was received so far: a test fails, it never hangs.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  CompletionRequest,
  ConfigurationRequest,
  DefinitionRequest,
  DocumentHighlightRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
  SelectionRangeRequest,
  SemanticTokensRangeRequest,
  SemanticTokensRequest,
  WorkspaceSymbolRequest,
  createMessageConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidChangeWorkspaceFoldersNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  UnregistrationRequest,
  type ClientCapabilities,
  type CodeActionContext,
  type FileEvent,
  type Registration,
  type Unregistration,
  type InitializeResult,
  type Position,
  type RequestType,
  type LogMessageParams,
  type MessageConnection,
  type PublishDiagnosticsParams,
  type Range,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { repoRoot } from './wasm';

export const serverBin = join(repoRoot, 'server', 'bin', 'dg-language-server.js');
export const serverBundle = join(repoRoot, 'server', 'out', 'server.js');

let checkedBuild = false;

/**
 * Builds server/out/server.js (`npm run build`) when it is missing or older than a source file, so
 * that the tests never run a stale bundle. Test files run in parallel processes: a lock directory makes
 * one of them build while the others wait, then re-check.
 */
export function ensureBuilt(): void {
  if (checkedBuild) return; // once per test process: never rebuild under a running server
  checkedBuild = true;
  if (!needsBuild()) return;
  const lock = join(tmpdir(), `dg-lsp-build-${createHash('sha1').update(repoRoot).digest('hex').slice(0, 12)}`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`ensureBuilt: ${lock} stayed locked for 2 minutes (remove it if stale)`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    if (!needsBuild()) return;
    const result = spawnSync(process.execPath, [join(repoRoot, 'server', 'scripts', 'build.mjs')], { cwd: repoRoot, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}\n${result.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function needsBuild(): boolean {
  if (!existsSync(serverBundle)) return true;
  const built = statSync(serverBundle).mtimeMs;
  const newer = (path: string): boolean =>
    readdirSync(path, { withFileTypes: true }).some((entry) => {
      const child = join(path, entry.name);
      if (entry.isDirectory()) return newer(child);
      return /\.(ts|mjs|wasm|json)$/.test(entry.name) && statSync(child).mtimeMs > built;
    });
  const inputs = [join(repoRoot, 'grammar', 'tree-sitter-dg.wasm'), join(repoRoot, 'package.json')];
  return newer(join(repoRoot, 'server', 'src')) || inputs.some((f) => existsSync(f) && statSync(f).mtimeMs > built);
}

export interface StartOptions {
  /**
   * The `dataGraph` settings the client answers `workspace/configuration` with. `undefined` makes a
   * client without the configuration capability.
   */
  settings?: Record<string, unknown> | null;
  /** Extra client capabilities, merged over the defaults. */
  capabilities?: ClientCapabilities;
  /** Default timeout of the waits, in ms. */
  timeoutMs?: number;
  /** Extra `node` options for the spawned server, e.g. `['--cpu-prof', '--cpu-prof-dir=/tmp/prof']`. */
  nodeArgs?: string[];
  /** Absolute paths of the workspace folders (sent as `workspaceFolders` and `rootUri`); none by default. */
  workspaceFolders?: string[];
  /** Sent as `initializationOptions` (e.g. `{ untrusted: true }`, as VS Code's client does in restricted mode). */
  initializationOptions?: unknown;
  /** Environment variables of the spawned server, over this process's (e.g. the URL an `env:NAME` in dg.config.json names). */
  env?: Record<string, string>;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * The capabilities VS Code (1.9x, vscode-languageclient 9) sends for the features the server
 * implements, trimmed to those. Pass as `capabilities` to talk to the server as VS Code does.
 */
export const VSCODE_CAPABILITIES: ClientCapabilities = {
  workspace: {
    applyEdit: true,
    workspaceEdit: {
      documentChanges: true,
      resourceOperations: ['create', 'rename', 'delete'],
      failureHandling: 'textOnlyTransactional',
      normalizesLineEndings: true,
      changeAnnotationSupport: { groupsOnLabel: true },
    },
    symbol: {
      dynamicRegistration: true,
      symbolKind: { valueSet: range(1, 26) as never[] },
      tagSupport: { valueSet: [1] },
      resolveSupport: { properties: ['location.range'] },
    },
    workspaceFolders: true,
    semanticTokens: { refreshSupport: true },
    didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
  },
  textDocument: {
    completion: {
      dynamicRegistration: true,
      contextSupport: true,
      completionItem: {
        snippetSupport: true,
        commitCharactersSupport: true,
        documentationFormat: ['markdown', 'plaintext'],
        deprecatedSupport: true,
        preselectSupport: true,
        tagSupport: { valueSet: [1] },
        insertReplaceSupport: true,
        resolveSupport: { properties: ['documentation', 'detail', 'additionalTextEdits'] },
        insertTextModeSupport: { valueSet: [1, 2] },
        labelDetailsSupport: true,
      },
      insertTextMode: 2,
      completionItemKind: { valueSet: range(1, 25) as never[] },
      completionList: { itemDefaults: ['commitCharacters', 'editRange', 'insertTextFormat', 'insertTextMode', 'data'] },
    },
    hover: { dynamicRegistration: true, contentFormat: ['markdown', 'plaintext'] },
    definition: { dynamicRegistration: true, linkSupport: true },
    references: { dynamicRegistration: true },
    documentHighlight: { dynamicRegistration: true },
    documentSymbol: {
      dynamicRegistration: true,
      symbolKind: { valueSet: range(1, 26) as never[] },
      hierarchicalDocumentSymbolSupport: true,
      tagSupport: { valueSet: [1] },
      labelSupport: true,
    },
    codeAction: {
      dynamicRegistration: true,
      isPreferredSupport: true,
      disabledSupport: true,
      dataSupport: true,
      resolveSupport: { properties: ['edit'] },
      codeActionLiteralSupport: {
        codeActionKind: {
          valueSet: ['', 'quickfix', 'refactor', 'refactor.extract', 'refactor.inline', 'refactor.rewrite', 'source', 'source.organizeImports'],
        },
      },
      honorsChangeAnnotations: true,
    },
    rename: { dynamicRegistration: true, prepareSupport: true, prepareSupportDefaultBehavior: 1, honorsChangeAnnotations: true },
    foldingRange: {
      dynamicRegistration: true,
      rangeLimit: 5000,
      lineFoldingOnly: true,
      foldingRangeKind: { valueSet: ['comment', 'imports', 'region'] },
      foldingRange: { collapsedText: false },
    },
    selectionRange: { dynamicRegistration: true },
    semanticTokens: {
      dynamicRegistration: true,
      tokenTypes: [
        'namespace', 'type', 'class', 'enum', 'interface', 'struct', 'typeParameter', 'parameter', 'variable', 'property',
        'enumMember', 'event', 'function', 'method', 'macro', 'keyword', 'modifier', 'comment', 'string', 'number',
        'regexp', 'operator', 'decorator',
      ],
      tokenModifiers: [
        'declaration', 'definition', 'readonly', 'static', 'deprecated', 'abstract', 'async', 'modification',
        'documentation', 'defaultLibrary',
      ],
      formats: ['relative'],
      requests: { range: true, full: { delta: true } },
      multilineTokenSupport: false,
      overlappingTokenSupport: false,
      serverCancelSupport: true,
      augmentsSyntaxTokens: true,
    },
  },
  general: { positionEncodings: ['utf-16'] },
};

const DEFAULT_CAPABILITIES = (configuration: boolean): ClientCapabilities => ({
  workspace: { configuration, didChangeConfiguration: { dynamicRegistration: configuration } },
  textDocument: {
    synchronization: { dynamicRegistration: false },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, tagSupport: { valueSet: [1, 2] }, dataSupport: true },
  },
});

interface Waiter {
  uri: string;
  predicate: (p: PublishDiagnosticsParams) => boolean;
  since: number;
  resolve: (p: PublishDiagnosticsParams) => void;
}

/** The server's `dg/status` notification (server/src/lsp/catalogs.ts `StatusParams`). */
export interface DgStatus {
  server: 'ready';
  config?: string;
  catalog: { state: 'none' | 'loading' | 'loaded' | 'unavailable'; detail?: string };
  uris: string[];
}

export class LspClient {
  /** Every publishDiagnostics received, in order. */
  readonly published: PublishDiagnosticsParams[] = [];
  /** window/logMessage notifications received. */
  readonly logs: LogMessageParams[] = [];
  /** The tokens of the server's window/workDoneProgress/create requests (each accepted). */
  readonly progressTokens: (string | number)[] = [];
  /** `$/progress` notifications received, in order. */
  readonly progress: { token: string | number; value: unknown }[] = [];
  /** `dg/status` notifications received, in order. */
  readonly statuses: DgStatus[] = [];
  /** The registrations of the server's `client/registerCapability` requests (each accepted), in order. */
  readonly registrations: Registration[] = [];
  /** The unregistrations of its `client/unregisterCapability` requests, in order. */
  readonly unregistrations: Unregistration[] = [];
  /** The server's stderr. */
  stderr = '';
  /** Each `workspace/configuration` request the server made. */
  configurationRequests = 0;
  initializeResult!: InitializeResult;

  private readonly waiters = new Set<Waiter>();
  private readonly statusWaiters = new Set<{ uri: string; predicate: (s: DgStatus) => boolean; resolve: (s: DgStatus) => void }>();
  /** Re-checked whenever a log message or a (un)registration arrives (`until`). */
  private readonly conditions = new Set<() => void>();
  private exited: Promise<number | null>;
  private exitCode: number | null | undefined;
  private settings: Record<string, unknown> | null | undefined;

  private constructor(
    readonly connection: MessageConnection,
    /** The spawned server; undefined for a server running in this process. */
    readonly process: ChildProcessWithoutNullStreams | undefined,
    private readonly timeoutMs: number,
  ) {
    this.exited = process
      ? new Promise((resolve) => process.on('exit', (code) => resolve((this.exitCode = code))))
      : Promise.resolve(null);
    process?.stderr.setEncoding('utf8');
    process?.stderr.on('data', (chunk: string) => (this.stderr += chunk));
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.published.push(params);
      const index = this.published.length - 1;
      for (const waiter of [...this.waiters]) {
        if (waiter.uri === params.uri && index >= waiter.since && waiter.predicate(params)) {
          this.waiters.delete(waiter);
          waiter.resolve(params);
        }
      }
    });
    connection.onNotification(LogMessageNotification.type, (params) => {
      this.logs.push(params);
      this.recheck();
    });
    connection.onRequest(ConfigurationRequest.type, (params) => {
      this.configurationRequests++;
      return params.items.map((item) => (item.section === 'dataGraph' ? this.settings : null));
    });
    connection.onRequest(RegistrationRequest.type, (params) => {
      this.registrations.push(...params.registrations);
      this.recheck();
    });
    connection.onRequest(UnregistrationRequest.type, (params) => {
      this.unregistrations.push(...params.unregisterations);
      this.recheck();
    });
    connection.onRequest('window/workDoneProgress/create', (params: { token: string | number }) => {
      this.progressTokens.push(params.token);
      return null;
    });
    connection.onNotification('$/progress', (params: { token: string | number; value: unknown }) => {
      this.progress.push(params);
    });
    connection.onNotification('dg/status', (params: DgStatus) => {
      this.statuses.push(params);
      for (const waiter of [...this.statusWaiters]) {
        if (params.uris.includes(waiter.uri) && waiter.predicate(params)) {
          this.statusWaiters.delete(waiter);
          waiter.resolve(params);
        }
      }
    });
  }

  /** Spawns the built server (`dg-language-server --stdio`) and runs the initialize handshake. */
  static async start(options: StartOptions = {}): Promise<LspClient> {
    ensureBuilt();
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), serverBin, '--stdio'], {
      cwd: repoRoot,
      stdio: 'pipe',
      ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
    });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    return LspClient.initialize(new LspClient(connection, child, options.timeoutMs ?? 10_000), options, process.pid);
  }

  /**
   * Runs a server in this process: `serve` gets the client→server and server→client streams (e.g.
   * `serveStreams` from server/src/lsp/server.ts), so tests can mock modules the server imports.
   */
  static async inProcess(
    serve: (input: NodeJS.ReadableStream, output: NodeJS.WritableStream) => void,
    options: StartOptions = {},
  ): Promise<LspClient> {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    serve(toServer, toClient);
    const connection = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    // No processId: the server would otherwise poll for this process, which outlives it.
    return LspClient.initialize(new LspClient(connection, undefined, options.timeoutMs ?? 10_000), options, null);
  }

  private static async initialize(client: LspClient, options: StartOptions, processId: number | null): Promise<LspClient> {
    const connection = client.connection;
    connection.onError(() => {}); // a killed server closes the pipes; the tests see that through their waits
    client.settings = options.settings;
    connection.listen();
    const configuration = 'settings' in options && options.settings !== undefined;
    const capabilities = merge(DEFAULT_CAPABILITIES(configuration), options.capabilities ?? {});
    const folders = (options.workspaceFolders ?? []).map((path) => ({ uri: pathToFileURL(path).href, name: basename(path) }));
    client.initializeResult = await client.within(
      connection.sendRequest(InitializeRequest.type, {
        processId,
        rootUri: folders[0]?.uri ?? null,
        capabilities,
        workspaceFolders: folders.length ? folders : null,
        ...(options.initializationOptions !== undefined ? { initializationOptions: options.initializationOptions } : {}),
      }),
      'initialize',
    );
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /** The number of publications so far: pass it as `since` to wait only for later ones. */
  mark(): number {
    return this.published.length;
  }

  async open(uri: string, text: string, version = 1, languageId = 'dg'): Promise<void> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version, text },
    });
  }

  async change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: changes,
    });
  }

  /** Sends `textDocument/didSave` (without the text, as the server asks). */
  async save(uri: string): Promise<void> {
    await this.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** Changes the answer to `workspace/configuration` and tells the server. */
  async setSettings(settings: Record<string, unknown> | null): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { dataGraph: settings } });
  }

  /**
   * The first publication for `uri` (at index `since` or later; by default any, including those
   * already received) that satisfies `predicate`. Rejects after the timeout, listing what came.
   */
  waitForDiagnostics(
    uri: string,
    predicate: (p: PublishDiagnosticsParams) => boolean = () => true,
    options: { since?: number; timeoutMs?: number } = {},
  ): Promise<PublishDiagnosticsParams> {
    const since = options.since ?? 0;
    const found = this.published.find((p, i) => i >= since && p.uri === uri && predicate(p));
    if (found) return Promise.resolve(found);
    return new Promise<PublishDiagnosticsParams>((resolve, reject) => {
      const waiter: Waiter = { uri, predicate, since, resolve: (p) => (clearTimeout(timer), resolve(p)) };
      const timeoutMs = options.timeoutMs ?? this.timeoutMs;
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const got = this.published
          .filter((p) => p.uri === uri)
          .map((p) => `  version ${p.version}: ${p.diagnostics.map((d) => d.code).join(', ') || '(none)'}`);
        reject(
          new Error(
            `no matching publishDiagnostics for ${uri} within ${timeoutMs} ms` +
              `${this.exitCode !== undefined ? ` (server exited with ${this.exitCode})` : ''}; received:\n${got.join('\n') || '  nothing'}` +
              `${this.stderr ? `\nserver stderr:\n${this.stderr.slice(-2000)}` : ''}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** The diagnostics of `version` of `uri` (waits for them). */
  diagnosticsOf(uri: string, version: number, options?: { since?: number; timeoutMs?: number }): Promise<PublishDiagnosticsParams> {
    return this.waitForDiagnostics(uri, (p) => p.version === version, options);
  }

  /**
   * The first `dg/status` for `uri` (received already, or later; from index `since` of `statuses` on)
   * that satisfies `predicate`.
   */
  waitForStatus(uri: string, predicate: (status: DgStatus) => boolean = () => true, options: { since?: number } = {}): Promise<DgStatus> {
    const since = options.since ?? 0;
    const known = this.statuses.find((s, i) => i >= since && s.uris.includes(uri) && predicate(s));
    if (known) return Promise.resolve(known);
    return new Promise<DgStatus>((resolve, reject) => {
      const waiter = { uri, predicate, resolve: (s: DgStatus) => (clearTimeout(timer), resolve(s)) };
      const timer = setTimeout(() => {
        this.statusWaiters.delete(waiter);
        reject(new Error(`no matching dg/status for ${uri} within ${this.timeoutMs} ms; got ${JSON.stringify(this.statuses)}`));
      }, this.timeoutMs);
      this.statusWaiters.add(waiter);
    });
  }

  /** The first log message (from index `since` of `logs` on) that satisfies `predicate`. */
  waitForLog(predicate: (message: string) => boolean, options: { since?: number } = {}): Promise<LogMessageParams> {
    const since = options.since ?? 0;
    return this.until(
      () => this.logs.find((l, i) => i >= since && predicate(l.message)),
      () => `no matching log message; got:\n${this.logs.slice(since).map((l) => `  ${l.message}`).join('\n')}`,
    );
  }

  /** The first registration (from index `since` of `registrations` on) that satisfies `predicate`. */
  waitForRegistration(predicate: (registration: Registration) => boolean, options: { since?: number } = {}): Promise<Registration> {
    const since = options.since ?? 0;
    return this.until(
      () => this.registrations.find((r, i) => i >= since && predicate(r)),
      () => `no matching client/registerCapability; got ${JSON.stringify(this.registrations.slice(since))}`,
    );
  }

  /** The first unregistration of the registration `id`. */
  waitForUnregistration(id: string): Promise<Unregistration> {
    return this.until(
      () => this.unregistrations.find((u) => u.id === id),
      () => `no client/unregisterCapability of ${id}; got ${JSON.stringify(this.unregistrations)}`,
    );
  }

  /** Sends `workspace/didChangeWatchedFiles` (as a client whose watchers saw `changes`). */
  async filesChanged(changes: FileEvent[]): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  /**
   * Sends one `workspace/didChangeWatchedFiles` per element of `batches`, all in one write to the
   * server's stdin, so that they wait in its queue together (a client flushing a burst). Call it with
   * no other message being sent (await the previous ones): the connection writes a message in two parts.
   */
  async filesChangedAtOnce(batches: FileEvent[][]): Promise<void> {
    if (!this.process) {
      for (const changes of batches) await this.filesChanged(changes);
      return;
    }
    const frames = batches.map((changes) => {
      const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: DidChangeWatchedFilesNotification.method, params: { changes } }), 'utf8');
      return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
    });
    const stdin = this.process.stdin;
    await new Promise<void>((resolve, reject) => stdin.write(Buffer.concat(frames), (error) => (error ? reject(error) : resolve())));
  }

  /** Sends `workspace/didChangeWorkspaceFolders` (absolute paths). */
  async changeWorkspaceFolders(added: string[], removed: string[] = []): Promise<void> {
    const folder = (path: string) => ({ uri: pathToFileURL(path).href, name: basename(path) });
    await this.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
      event: { added: added.map(folder), removed: removed.map(folder) },
    });
  }

  /**
   * Resolves once the server has handled every message sent before: the server answers requests in
   * order, so anything it publishes for earlier notifications arrives before this answer.
   */
  async roundTrip(): Promise<void> {
    await this.within(
      this.connection.sendRequest('dg/test/roundTrip').then(
        () => undefined,
        () => undefined, // MethodNotFound is the expected answer
      ),
      'round trip',
    );
  }

  /** Sends a request and waits for its answer (or rejects after the timeout); a `ResponseError` rejects. */
  request<P, R, E>(type: RequestType<P, R, E>, params: P): Promise<R> {
    return this.within(this.connection.sendRequest(type, params as never), type.method);
  }

  completion(uri: string, position: Position) {
    return this.request(CompletionRequest.type, { textDocument: { uri }, position });
  }

  hover(uri: string, position: Position) {
    return this.request(HoverRequest.type, { textDocument: { uri }, position });
  }

  definition(uri: string, position: Position) {
    return this.request(DefinitionRequest.type, { textDocument: { uri }, position });
  }

  references(uri: string, position: Position, includeDeclaration = true) {
    return this.request(ReferencesRequest.type, { textDocument: { uri }, position, context: { includeDeclaration } });
  }

  highlights(uri: string, position: Position) {
    return this.request(DocumentHighlightRequest.type, { textDocument: { uri }, position });
  }

  prepareRename(uri: string, position: Position) {
    return this.request(PrepareRenameRequest.type, { textDocument: { uri }, position });
  }

  rename(uri: string, position: Position, newName: string) {
    return this.request(RenameRequest.type, { textDocument: { uri }, position, newName });
  }

  documentSymbols(uri: string) {
    return this.request(DocumentSymbolRequest.type, { textDocument: { uri } });
  }

  workspaceSymbols(query: string) {
    return this.request(WorkspaceSymbolRequest.type, { query });
  }

  foldingRanges(uri: string) {
    return this.request(FoldingRangeRequest.type, { textDocument: { uri } });
  }

  selectionRanges(uri: string, positions: Position[]) {
    return this.request(SelectionRangeRequest.type, { textDocument: { uri }, positions });
  }

  semanticTokens(uri: string) {
    return this.request(SemanticTokensRequest.type, { textDocument: { uri } });
  }

  semanticTokensRange(uri: string, range: Range) {
    return this.request(SemanticTokensRangeRequest.type, { textDocument: { uri }, range });
  }

  codeActions(uri: string, range: Range, context: CodeActionContext = { diagnostics: [] }) {
    return this.request(CodeActionRequest.type, { textDocument: { uri }, range, context });
  }

  /** True while the server process runs. */
  get alive(): boolean {
    return this.exitCode === undefined;
  }

  /**
   * Shuts the server down politely, then kills it if it lingers. Returns its exit code. An in-process
   * server only gets `shutdown` (its `exit` would end this process).
   */
  async dispose(): Promise<number | null> {
    if (!this.process) {
      await this.within(this.connection.sendRequest(ShutdownRequest.type), 'shutdown', 5000).catch(() => undefined);
      this.connection.dispose();
      return null;
    }
    const child = this.process;
    if (this.alive) {
      try {
        await this.within(this.connection.sendRequest(ShutdownRequest.type), 'shutdown', 5000);
        await this.connection.sendNotification(ExitNotification.type);
      } catch {
        // fall through to kill
      }
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await this.exited;
      clearTimeout(killer);
    }
    this.connection.dispose();
    return this.exitCode ?? null;
  }

  /** The first truthy value of `find`, checked now and whenever a log message or a (un)registration arrives; rejects after the timeout with `describe()`. */
  private until<T>(find: () => T | undefined, describe: () => string): Promise<T> {
    const found = find();
    if (found) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const value = find();
        if (!value) return;
        this.conditions.delete(check);
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.conditions.delete(check);
        reject(new Error(`within ${this.timeoutMs} ms: ${describe()}${this.stderr ? `\nserver stderr:\n${this.stderr.slice(-2000)}` : ''}`));
      }, this.timeoutMs);
      this.conditions.add(check);
    });
  }

  private recheck(): void {
    for (const check of [...this.conditions]) check();
  }

  /** `promise`, or a rejection naming `what` after the timeout. */
  within<T>(promise: Promise<T>, what: string, timeoutMs = this.timeoutMs): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what}: no answer within ${timeoutMs} ms${this.stderr ? `\nserver stderr:\n${this.stderr.slice(-2000)}` : ''}`)),
        timeoutMs,
      );
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}

/** The range from offset `start` to `end` of `text`, in LSP positions (UTF-16, any line break). */
export function rangeAt(text: string, start: number, end = start): Range {
  return { start: positionAt(text, start), end: positionAt(text, end) };
}

export function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13 && text.charCodeAt(i + 1) === 10) continue; // the \n of \r\n ends the line
    if (ch === 10 || ch === 13) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}

/** The offset of an LSP position in `text` (UTF-16, any line break), clamped to the line as servers do. */
export function offsetAt(text: string, position: { line: number; character: number }): number {
  let line = 0;
  let start = 0;
  while (line < position.line) {
    const next = text.slice(start).search(/\r\n|\r|\n/);
    if (next < 0) return text.length;
    start += next + (text.startsWith('\r\n', start + next) ? 2 : 1);
    line++;
  }
  const rest = text.slice(start).search(/\r|\n/);
  const end = rest < 0 ? text.length : start + rest;
  return Math.min(start + position.character, end);
}

/** `text` after LSP text edits (non-overlapping, ranges in `text`). */
export function applyEdits(text: string, edits: readonly { range: Range; newText: string }[]): string {
  const sorted = edits
    .map((e) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start);
  return sorted.reduce((t, e) => t.slice(0, e.start) + e.newText + t.slice(e.end), text);
}

function merge<T>(base: T, extra: unknown): T {
  if (typeof base !== 'object' || base === null || typeof extra !== 'object' || extra === null || Array.isArray(extra)) {
    return (extra ?? base) as T;
  }
  const result: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(extra)) result[key] = merge(result[key], value);
  return result as T;
}
