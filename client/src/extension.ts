// The VS Code extension: a thin language client. It starts the bundled language server
// (server/out/server.js, `--stdio`) for `dg` documents and forwards the `dataGraph` settings; every
// language feature lives in the server, so the CLI, the server and the editor always agree.
import * as path from 'node:path';
import {
  commands,
  ProgressLocation,
  StatusBarAlignment,
  window,
  workspace,
  type ExtensionContext,
  type LogOutputChannel,
  type StatusBarItem,
} from 'vscode';
import {
  LanguageClient,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { registerGraphPanels } from './graphPanel';

/** The client id: the language client reads `<id>.trace.server`, so it must equal the settings section. */
const CLIENT_ID = 'dataGraph';
const CLIENT_NAME = 'Data Graph';
const SETTINGS_SECTION = 'dataGraph';

export const COMMANDS = {
  restartServer: 'dataGraph.restartServer',
  showOutput: 'dataGraph.showOutput',
  refreshCatalog: 'dataGraph.refreshCatalog',
  runDataChecks: 'dataGraph.runDataChecks',
  setWarehouseSecret: 'dataGraph.setWarehouseSecret',
} as const;

/** The server's custom request that runs a document's data checks (server/src/lsp/dataChecks.ts). */
const RUN_DATA_CHECKS = 'dg/runDataChecks';

/** Its answer (never a secret). */
interface DataChecksSummary {
  uri: string;
  config?: string;
  ran: boolean;
  queries: number;
  counts: Record<string, number>;
  problems: string[];
  cancelled: boolean;
}

/**
 * Warehouse credentials live in SecretStorage, one entry per environment variable name
 * (`dataGraph.env.DG_PG_URL`); the names (not secret) are kept in globalState so they can be listed.
 * They reach the server only through its process environment, never settings, logs or messages.
 */
const SECRET_PREFIX = 'dataGraph.env.';
const SECRET_NAMES_KEY = 'dataGraph.secretNames';
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The server's custom request that reloads the warehouse catalog (server/src/lsp/server.ts). */
const REFRESH_CATALOG = 'dg/refreshCatalog';

/** Its answer: per dg.config.json, what was loaded, or why not (never a secret). */
interface RefreshResult {
  catalogs: { config: string; origin?: string; tables?: number; columns?: number; problems: string[] }[];
}

/** The server's notification of the catalog state of some documents (server/src/lsp/catalogs.ts). */
const STATUS = 'dg/status';

/** Its parameters (never a secret: an origin, a size or a reason). */
interface StatusParams {
  server: 'ready';
  config?: string;
  catalog: { state: 'none' | 'loading' | 'loaded' | 'unavailable'; detail?: string };
  uris: string[];
}

let client: LanguageClient | undefined;
let statusItem: StatusBarItem | undefined;
/** Document URI → its last catalog state. */
const statuses = new Map<string, StatusParams>();
let output: LogOutputChannel | undefined;
/** The restart under way, if any: a second request joins it instead of starting another server. */
let restarting: Promise<void> | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const channel = window.createOutputChannel(CLIENT_NAME, { log: true });
  output = channel;
  context.subscriptions.push(
    channel,
    commands.registerCommand(COMMANDS.restartServer, () => {
      restarting ??= restartServer(context, channel).finally(() => (restarting = undefined));
      return restarting;
    }),
    commands.registerCommand(COMMANDS.showOutput, () => channel.show(true)),
    commands.registerCommand(COMMANDS.refreshCatalog, () => refreshCatalog(channel)),
    commands.registerCommand(COMMANDS.runDataChecks, () => runDataChecks(channel)),
    commands.registerCommand(COMMANDS.setWarehouseSecret, async () => {
      if (await setWarehouseSecret(context, channel)) {
        restarting ??= restartServer(context, channel).finally(() => (restarting = undefined));
        await restarting;
      }
    }),
    // Trusting the workspace lets the server connect to the warehouse (with the stored secrets): restart it.
    workspace.onDidGrantWorkspaceTrust(() => {
      restarting ??= restartServer(context, channel).finally(() => (restarting = undefined));
    }),
    // Data Graph: Show Graph (client/src/graphPanel.ts): the server draws, the panel shows.
    registerGraphPanels(() => client, channel),
  );
  statusItem = window.createStatusBarItem('dataGraph.status', StatusBarAlignment.Left, 10);
  statusItem.name = 'Data Graph';
  statusItem.command = COMMANDS.showOutput;
  context.subscriptions.push(
    statusItem,
    window.onDidChangeActiveTextEditor(() => updateStatus()),
    workspace.onDidCloseTextDocument((document) => statuses.delete(document.uri.toString())),
  );
  client = await createClient(context, channel);
  updateStatus();
  await startClient(client, channel);
  updateStatus();
}

/** Shows the active editor's server and catalog state in the status bar, for dg documents only. */
function updateStatus(): void {
  const item = statusItem;
  if (!item) return;
  const document = window.activeTextEditor?.document;
  if (document?.languageId !== 'dg') {
    item.hide();
    return;
  }
  const current = client;
  const running = current?.state === State.Running;
  const status = statuses.get(document.uri.toString());
  if (!running) {
    item.text = current?.state === State.Starting ? '$(sync~spin) Data Graph: starting' : '$(error) Data Graph: server stopped';
    item.tooltip = 'The Data Graph language server is not running. Click for the output.';
  } else if (!status) {
    item.text = '$(database) Data Graph';
    item.tooltip = 'The Data Graph language server is ready.';
  } else {
    const { state, detail } = status.catalog;
    const name = status.config ? path.basename(path.dirname(status.config)) : undefined;
    const tables = state === 'loaded' && detail ? /(\d+) tables/.exec(detail)?.[1] : undefined;
    item.text =
      state === 'loaded'
        ? `$(database) Data Graph: ${name ?? 'catalog'}${tables ? ` (${tables} tables)` : ''}`
        : state === 'loading'
          ? '$(sync~spin) Data Graph: loading catalog'
          : state === 'unavailable'
            ? '$(warning) Data Graph: catalog unavailable'
            : '$(database) Data Graph: no catalog';
    item.tooltip = [`Data Graph language server: ${status.server}`, status.config ? `Configuration: ${status.config}` : undefined, detail]
      .filter(Boolean)
      .join('\n');
  }
  item.show();
}

export async function deactivate(): Promise<void> {
  const current = client;
  client = undefined;
  if (!current) return;
  try {
    // A client still starting cannot be stopped: let it finish first.
    if (current.state === State.Starting) await current.start().catch(() => undefined);
    // dispose = stop (shutdown + exit, then kill after the timeout) and never restart.
    if (current.state === State.Running) await current.dispose();
  } catch (error) {
    output?.error(`Stopping the Data Graph language server failed: ${describe(error)}`);
  }
}

/**
 * The stored warehouse secrets as environment variables, in a trusted workspace only (an untrusted one
 * gets none, and the server is told not to connect to warehouses at all).
 */
async function secretEnv(context: ExtensionContext): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  if (!workspace.isTrusted) return env;
  for (const name of context.globalState.get<string[]>(SECRET_NAMES_KEY, [])) {
    const value = await context.secrets.get(SECRET_PREFIX + name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

async function createClient(context: ExtensionContext, channel: LogOutputChannel): Promise<LanguageClient> {
  const module = context.asAbsolutePath(path.join('server', 'out', 'server.js'));
  let secrets: Record<string, string> = {};
  try {
    secrets = await secretEnv(context);
  } catch (error) {
    channel.warn(`Reading the stored warehouse secrets failed: ${describe(error)}`);
  }
  const env = { ...process.env, ...secrets };
  const serverOptions: ServerOptions = {
    // TransportKind.stdio makes the client pass `--stdio` to the server.
    run: { module, transport: TransportKind.stdio, options: { env } },
    debug: { module, transport: TransportKind.stdio, options: { env, execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: 'dg', scheme: 'file' },
      { language: 'dg', scheme: 'untitled' },
    ],
    // The server pulls `dataGraph` with workspace/configuration; a change notification tells it when.
    synchronize: { configurationSection: SETTINGS_SECTION },
    outputChannel: channel,
    traceOutputChannel: channel,
    // Restricted mode: the server reads catalog files only and never connects to a warehouse.
    initializationOptions: { untrusted: !workspace.isTrusted },
  };
  const created = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  created.onDidChangeState(() => {
    if (created.state !== State.Running) statuses.clear();
    if (client === created) updateStatus();
  });
  // A client-side handler registered before start is installed when the connection starts.
  created.onNotification(STATUS, (params: StatusParams) => {
    if (!params || !Array.isArray(params.uris)) return;
    for (const uri of params.uris) statuses.set(uri, params);
    if (client === created) updateStatus();
  });
  return created;
}

async function startClient(current: LanguageClient, channel: LogOutputChannel): Promise<boolean> {
  try {
    await current.start();
    return true;
  } catch (error) {
    // The client already logged the failure; keep the extension (and its commands) alive.
    channel.error(`The Data Graph language server did not start: ${describe(error)}`);
    return false;
  }
}

async function restartServer(context: ExtensionContext, channel: LogOutputChannel): Promise<void> {
  const current = client;
  if (!current) return; // deactivated
  channel.info('Restarting the Data Graph language server.');
  let started: boolean;
  try {
    if (current.state === State.Running) {
      // A fresh client, so the server process gets the current secrets and trust in its environment.
      await current.dispose().catch(() => undefined);
      client = await createClient(context, channel);
      started = await startClient(client, channel);
    } else if (current.state === State.Starting) {
      started = await startClient(current, channel); // the start under way is the restart
    } else {
      // Stopped (after too many crashes), or a failed start, which a LanguageClient cannot retry:
      // start a fresh client.
      await current.dispose().catch(() => undefined);
      client = await createClient(context, channel);
      started = await startClient(client, channel);
    }
  } catch (error) {
    channel.error(`Restarting the Data Graph language server failed: ${describe(error)}`);
    started = false;
  }
  if (!started) {
    void window.showErrorMessage('The Data Graph language server did not restart.', 'Show Output').then((choice) => {
      if (choice) channel.show(true);
    });
  }
}

/**
 * Reloads the warehouse catalog of the active .dg editor's project (every project when no .dg file is
 * active): dg.config.json is read again, the catalog reloaded, the open documents re-checked.
 */
async function refreshCatalog(channel: LogOutputChannel): Promise<void> {
  const current = client;
  if (!current || current.state !== State.Running) {
    void window.showWarningMessage('The Data Graph language server is not running.');
    return;
  }
  const document = window.activeTextEditor?.document;
  const params = document?.languageId === 'dg' ? { uri: document.uri.toString() } : {};
  let result: RefreshResult;
  try {
    result = await window.withProgress({ location: ProgressLocation.Window, title: 'Data Graph: refreshing the warehouse catalog' }, () =>
      current.sendRequest<RefreshResult>(REFRESH_CATALOG, params),
    );
  } catch (error) {
    channel.error(`Refreshing the warehouse catalog failed: ${describe(error)}`);
    void window.showErrorMessage('Data Graph: refreshing the warehouse catalog failed.', 'Show Output').then((choice) => {
      if (choice) channel.show(true);
    });
    return;
  }
  if (result.catalogs.length === 0) {
    void window.showInformationMessage('Data Graph: no dg.config.json applies to the open files, so there is no warehouse catalog to refresh.');
    return;
  }
  for (const catalog of result.catalogs) {
    for (const problem of catalog.problems) channel.warn(`${catalog.config}: ${problem}`);
    if (catalog.origin) {
      const size = `${catalog.tables ?? 0} tables, ${catalog.columns ?? 0} columns`;
      void window.showInformationMessage(`Data Graph: warehouse catalog loaded from ${catalog.origin} (${size}).`);
    } else if (catalog.problems.length) {
      void window.showWarningMessage(`Data Graph: no warehouse catalog: ${catalog.problems[0]}`, 'Show Output').then((choice) => {
        if (choice) channel.show(true);
      });
    }
  }
}

/**
 * Asks for the name of an environment variable dg.config.json references (`env:DG_PG_URL`) and its
 * value, and stores the value in SecretStorage. Returns whether one was stored (the caller restarts the
 * server so its environment has it). The value is never logged or shown.
 */
async function setWarehouseSecret(context: ExtensionContext, channel: LogOutputChannel): Promise<boolean> {
  const name = await window.showInputBox({
    title: 'Data Graph: warehouse secret',
    prompt: 'Name of the environment variable dg.config.json references (as "env:NAME")',
    placeHolder: 'DG_PG_URL',
    ignoreFocusOut: true,
    validateInput: (value) => (ENV_NAME.test(value.trim()) ? undefined : 'An environment variable name: letters, digits and _, not starting with a digit.'),
  });
  if (name === undefined) return false;
  const variable = name.trim();
  const value = await window.showInputBox({
    title: `Data Graph: value of ${variable}`,
    prompt: `The value of ${variable} (stored in VS Code's secret storage, passed to the language server's environment)`,
    password: true,
    ignoreFocusOut: true,
  });
  if (value === undefined) return false;
  await context.secrets.store(SECRET_PREFIX + variable, value);
  const names = new Set(context.globalState.get<string[]>(SECRET_NAMES_KEY, []));
  names.add(variable);
  await context.globalState.update(SECRET_NAMES_KEY, [...names]);
  channel.info(`Stored a value for ${variable} in the secret storage; restarting the language server.`);
  if (!workspace.isTrusted) {
    void window.showWarningMessage(`Data Graph: ${variable} is stored, but this workspace is not trusted, so the language server does not connect to warehouses.`);
  }
  return true;
}

/**
 * Runs the data checks (DG605, DG606) of the active .dg document against its warehouse; the server
 * shows the progress (cancellable) and publishes the findings with the document's diagnostics.
 */
async function runDataChecks(channel: LogOutputChannel): Promise<void> {
  const current = client;
  if (!current || current.state !== State.Running) {
    void window.showWarningMessage('The Data Graph language server is not running.');
    return;
  }
  const document = window.activeTextEditor?.document;
  if (document?.languageId !== 'dg') {
    void window.showWarningMessage('Data Graph: open a .dg file to run its data checks.');
    return;
  }
  let summary: DataChecksSummary;
  try {
    summary = await current.sendRequest<DataChecksSummary>(RUN_DATA_CHECKS, { uri: document.uri.toString() });
  } catch (error) {
    channel.error(`Running the data checks failed: ${describe(error)}`);
    void window.showErrorMessage('Data Graph: running the data checks failed.', 'Show Output').then((choice) => {
      if (choice) channel.show(true);
    });
    return;
  }
  if (summary.cancelled) return;
  for (const problem of summary.problems) channel.warn(`${document.uri.fsPath}: ${problem}`);
  const findings = (summary.counts['DG605'] ?? 0) + (summary.counts['DG606'] ?? 0);
  if (summary.problems.length) {
    void window.showWarningMessage(`Data Graph: data checks incomplete: ${summary.problems[0]}`, 'Show Output').then((choice) => {
      if (choice) channel.show(true);
    });
  } else {
    void window.showInformationMessage(
      `Data Graph: data checks ran ${summary.queries} ${summary.queries === 1 ? 'query' : 'queries'}: ${findings ? `${findings} finding${findings === 1 ? '' : 's'} (see Problems)` : 'no findings'}.`,
    );
  }
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
