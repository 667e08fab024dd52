// `dg`: the command-line entry point (bundled to server/out/cli.js). This is the only module that
// exits the process; everything it calls returns results (see ./check.ts).
import { Command, CommanderError, Option } from 'commander';
import { version } from '../../../package.json';
import { bundledWasm } from '../syntax/bundledWasm';
import { DgParser } from '../syntax/parser';
import { ProjectCatalogs } from '../catalog/project';
import { liveWarehouse } from '../catalog/live';
import { pullCatalog } from './catalog';
import { check } from './check';
import { dataChecks } from '../catalog/dataRun';
import { UsageError } from './files';
import { addFmtCommand } from './fmt';
import { addGraphCommand } from './graph';
import { formatHuman } from './formats/human';
import { formatJson } from './formats/json';
import { formatGithub } from './formats/github';
import { formatSarif } from './formats/sarif';
import { FORMATS, parseMaxWarnings, parseSeverities, useColor, type Format } from './options';

interface CheckFlags {
  format: Format;
  maxWarnings?: string;
  quiet?: boolean;
  color?: boolean;
  stdinFilename?: string;
  severity: string[];
  data?: boolean;
  baseline?: string;
}

interface PullFlags {
  out?: string;
}

const EXIT_HELP = `
Exit status:
  0  no errors (and no more warnings than --max-warnings)
  1  errors found, or more warnings than --max-warnings
  2  usage error (unknown option, bad value, a path that matches nothing),
     a file that could not be read, or an internal error

Examples:
  dg check                          check every *.dg under the current directory
  dg check graphs/ other.dg         directories are searched recursively for *.dg
  dg check 'graphs/**/*.dg'         globs (quoted, so dg expands them)
  dg check --format sarif > dg.sarif
  dg check --format github          annotations on the pull request (GitHub Actions)
  cat graph.dg | dg check - --stdin-filename graph.dg
  dg check --severity DG112=off --max-warnings 0
  dg check --data                   also query the warehouse: DG605, DG606
  dg check --baseline origin/main graphs/
                                    also report breaking changes since origin/main: DG500-DG503
  dg check --baseline old/ graphs/  the same against a copy of the old files (old/graphs/...)

Warehouse: each file's dg.config.json (the nearest one above it) names the warehouse or catalog the
warehouse checks (DG600-DG604) read; it is loaded once per configuration. When it cannot be loaded,
each file gets one DG607 (information) saying why, and every other check still runs.

Baseline: with --baseline, each file is compared with its old version: entity and relationship slugs
removed, renamed or moved (DG500, DG501: warnings, so --max-warnings 0 fails on them), table_ref or
primary_key changed (DG502) and enrichment_enabled switched off (DG503). A git revision is read with
git in each file's repository; an existing file or directory is a copy of the old files. A file the
baseline does not have is new. No git, no work tree or an unknown revision: exit status 2.
`;

const PULL_HELP = `
Reads the warehouse the dg.config.json above PATH names (or, with no "warehouse", its "catalog" file,
e.g. a dbt catalog.json) and writes a dg catalog snapshot: dg-catalog.json next to dg.config.json, or
--out. Commit it and set "catalog": "dg-catalog.json" in dg.config.json: teammates without warehouse
credentials then get completion and the warehouse checks from it.

Exit status: 0 written; 2 nothing written (no configuration, the warehouse failed, a usage error).

Examples:
  dg catalog pull                   the project of the current directory
  dg catalog pull graphs/shop.dg --out catalog/snapshot.json
`;

function program(setExitCode: (code: number) => void): Command {
  const dg = new Command('dg')
    .description('Checks Segment Data Graph (.dg) files.')
    .version(version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => process.stderr.write(s),
    });

  dg.command('check')
    .description('Check .dg files and report problems, like a compiler.')
    .argument('[paths...]', 'files, directories (searched for *.dg), globs, or - for standard input (default: .)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('human'))
    .option('--max-warnings <n>', 'exit with status 1 when there are more than n warnings (-1: no limit)')
    .option('-q, --quiet', 'report errors only (warnings are then not counted)')
    .option('--color', 'colour the human report even when not on a terminal')
    .option('--no-color', 'never colour the human report')
    .option('--stdin-filename <name>', 'name to report standard input under (default: <stdin>)')
    .option(
      '--severity <code=level>',
      'change a rule\'s severity: error, warning, info, hint or off (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--data', 'also run the data checks (DG605, DG606): bounded, read-only queries on the warehouse')
    .option('--baseline <rev|path>', 'also report breaking changes (DG500-DG503) since a git revision (HEAD, origin/main) or against a copy of the old files')
    .addHelpText('after', EXIT_HELP)
    .action(async (paths: string[], flags: CheckFlags) => {
      setExitCode(await runCheck(paths, flags));
    });

  const catalog = dg.command('catalog').description('Work with the warehouse catalog.');
  catalog
    .command('pull')
    .description('Write a catalog snapshot (dg-catalog.json) from the configured warehouse or catalog.')
    .argument('[path]', 'a directory, a .dg file or a dg.config.json (default: .)')
    .option('-o, --out <file>', 'where to write the snapshot (default: dg-catalog.json next to dg.config.json)')
    .addHelpText('after', PULL_HELP)
    .action(async (path: string | undefined, flags: PullFlags) => {
      setExitCode(await runPull(path, flags));
    });
  addGraphCommand(dg, setExitCode);
  addFmtCommand(dg, setExitCode);
  return dg;
}

async function runPull(path: string | undefined, flags: PullFlags): Promise<number> {
  const live = liveWarehouse();
  const cancel = new AbortController();
  const onInterrupt = () => cancel.abort();
  process.once('SIGINT', onInterrupt);
  try {
    const result = await pullCatalog({
      cwd: process.cwd(),
      drivers: live.drivers,
      connectors: live.connectors,
      signal: cancel.signal,
      ...(path !== undefined ? { path } : {}),
      ...(flags.out !== undefined ? { out: flags.out } : {}),
    });
    for (const line of result.stderr) process.stderr.write(`${line}\n`);
    await write(process.stdout, result.stdout.map((line) => `${line}\n`).join(''));
    return result.exitCode;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

async function runCheck(paths: string[], flags: CheckFlags): Promise<number> {
  const severities = parseSeverities(flags.severity);
  const maxWarnings = flags.maxWarnings === undefined ? undefined : parseMaxWarnings(flags.maxWarnings);
  let parser: DgParser;
  try {
    parser = await DgParser.load(bundledWasm());
  } catch (error) {
    process.stderr.write(`dg: internal error: cannot load the parser (${message(error)}); was \`npm run build\` run?\n`);
    return 2;
  }
  const live = liveWarehouse();
  const cancel = new AbortController();
  const onInterrupt = () => cancel.abort();
  const data = flags.data
    ? dataChecks({ connectors: live.connectors, signal: cancel.signal, progress: (line) => process.stderr.write(`dg: ${line}\n`) })
    : undefined;
  if (data) process.once('SIGINT', onInterrupt);
  let run;
  try {
    run = await check(parser, {
      paths,
      cwd: process.cwd(),
      readStdin,
      stdinFilename: flags.stdinFilename,
      settings: { severities },
      quiet: flags.quiet,
      maxWarnings,
      catalogs: new ProjectCatalogs({ drivers: live.drivers }),
      ...(data ? { data: data.run } : {}),
      ...(flags.baseline !== undefined ? { baseline: flags.baseline } : {}),
    });
  } finally {
    await data?.close();
    process.off('SIGINT', onInterrupt);
  }
  const output =
    flags.format === 'json'
      ? formatJson(run)
      : flags.format === 'sarif'
        ? formatSarif(run, { version })
        : flags.format === 'github'
          ? formatGithub(run)
          : formatHuman(run, {
            color: useColor({ flag: flags.color, env: process.env, isTTY: !!process.stdout.isTTY }),
          });
  for (const line of run.internalErrors) process.stderr.write(`dg: ${line}\n`);
  for (const line of run.notes ?? []) process.stderr.write(`dg: note: ${line}\n`);
  process.exitCode = run.exitCode; // kept if the reader goes away mid-write (EPIPE)
  await write(process.stdout, output);
  if (run.exitCode === 1 && !run.summary.errors) {
    process.stderr.write(`dg: ${run.summary.warnings} warnings: more than --max-warnings ${maxWarnings} allows\n`);
  }
  return run.exitCode;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (!text) return resolve();
    stream.write(text, () => resolve());
  });
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function main(argv: string[]): Promise<number> {
  // `dg check | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  let exitCode = 0;
  try {
    await program((code) => (exitCode = code)).parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2; // help, version: 0
    if (error instanceof UsageError) {
      const command = argv[2] === 'catalog' ? 'dg catalog pull' : 'dg check';
      process.stderr.write(`error: ${error.message}\n(run '${command} --help' for usage)\n`);
      return 2;
    }
    process.stderr.write(`dg: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  }
}

void main(process.argv).then((code) => process.exit(code));
