// `dg-language-server --stdio`: the language server entry point (bundled to server/out/server.js).
import { createConnection } from 'vscode-languageserver/node';
import { version } from '../../../package.json';
import { liveWarehouse } from '../catalog/live';
import { bundledWasm } from '../syntax/bundledWasm';
import { DgParser } from '../syntax/parser';
import { serveStreams, startServer, type DgServer } from './server';

const USAGE = `Usage: dg-language-server --stdio
       dg-language-server --version

The Data Graph (.dg) language server. It speaks the Language Server Protocol over stdin/stdout
(--stdio); --node-ipc, --socket=<port> and --pipe=<name> are accepted too.
Settings come from the client's "dataGraph" configuration section, and from the dg.config.json above
each document (warehouse catalog, severities), reloaded when the client's file watchers report a change
(workspace/didChangeWatchedFiles); the custom request dg/refreshCatalog reloads it, and dg/runDataChecks runs the data checks
(DG605, DG606) of a document on demand.
`;

/** Keeps stray console output (ours or a dependency's) off stdout, which carries the protocol. */
function consoleToStderr(): void {
  const toStderr = (...args: unknown[]) => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.warn = toStderr;
}

function serve(stdio: boolean): void {
  const loadParser = () => DgParser.load(bundledWasm());
  const { drivers, connectors } = liveWarehouse();
  let server: DgServer;
  if (stdio) {
    consoleToStderr();
    server = serveStreams(process.stdin, process.stdout, { version, loadParser, drivers, connectors });
    const exit = () => process.exit(server.shutdownReceived ? 0 : 1);
    process.stdin.on('end', exit);
    process.stdin.on('close', exit);
  } else {
    // --node-ipc, --socket, --pipe: vscode-languageserver reads them from process.argv.
    const connection = createConnection();
    server = startServer(connection, { version, loadParser, drivers, connectors });
    connection.listen();
  }
  // A bug anywhere must not take the server down with it.
  process.on('uncaughtException', (error) =>
    server.logError(`uncaught:${error.message}`, `dg: uncaught exception: ${error.stack ?? error.message}`),
  );
  process.on('unhandledRejection', (reason) =>
    server.logError(`rejection:${String(reason)}`, `dg: unhandled promise rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`),
  );
}

function main(argv: string[]): void {
  if (argv.includes('--version') || argv.includes('-v')) {
    process.stdout.write(`${version}\n`);
    return;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  if (argv.includes('--stdio')) return serve(true);
  if (argv.some((a) => a === '--node-ipc' || /^--(socket|pipe)(=|$)/.test(a))) return serve(false);
  process.stderr.write(`dg-language-server: no transport given\n\n${USAGE}`);
  process.exitCode = 2;
}

main(process.argv.slice(2));
