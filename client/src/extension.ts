// The VS Code extension: a thin language client. It starts the bundled language server
// (server/out/server.js, `--stdio`) for `dg` documents and forwards the `dataGraph` settings; every
// language feature lives in the server, so the CLI, the server and the editor always agree.
import * as path from 'node:path';
import { commands, ProgressLocation, window, type ExtensionContext, type LogOutputChannel } from 'vscode';
import {
  LanguageClient,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

/** The client id: the language client reads `<id>.trace.server`, so it must equal the settings section. */
const CLIENT_ID = 'dataGraph';
const CLIENT_NAME = 'Data Graph';
const SETTINGS_SECTION = 'dataGraph';

export const COMMANDS = {
  restartServer: 'dataGraph.restartServer',
  showOutput: 'dataGraph.showOutput',
  refreshCatalog: 'dataGraph.refreshCatalog',
} as const;

/** The server's custom request that reloads the warehouse catalog (server/src/lsp/server.ts). */
const REFRESH_CATALOG = 'dg/refreshCatalog';

/** Its answer: per dg.config.json, what was loaded, or why not (never a secret). */
interface RefreshResult {
  catalogs: { config: string; origin?: string; tables?: number; columns?: number; problems: string[] }[];
}

let client: LanguageClient | undefined;
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
  );
  client = createClient(context, channel);
  await startClient(client, channel);
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

function createClient(context: ExtensionContext, channel: LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath(path.join('server', 'out', 'server.js'));
  const serverOptions: ServerOptions = {
    // TransportKind.stdio makes the client pass `--stdio` to the server.
    run: { module, transport: TransportKind.stdio },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
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
  };
  return new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
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
      await current.restart();
      started = true;
    } else if (current.state === State.Starting) {
      started = await startClient(current, channel); // the start under way is the restart
    } else {
      // Stopped (after too many crashes), or a failed start, which a LanguageClient cannot retry:
      // start a fresh client.
      await current.dispose().catch(() => undefined);
      client = createClient(context, channel);
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

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
