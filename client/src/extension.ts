// The VS Code extension: a thin language client. It starts the bundled language server
// (server/out/server.js, `--stdio`) for `dg` documents and forwards the `dataGraph` settings; every
// language feature lives in the server, so the CLI, the server and the editor always agree.
import * as path from 'node:path';
import { commands, window, type ExtensionContext, type LogOutputChannel } from 'vscode';
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
} as const;

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

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
