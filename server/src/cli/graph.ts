// `dg graph`: a picture of one graph, as Mermaid (the default), Graphviz DOT or SVG.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { mergeSettings, ProjectCatalogs } from '../catalog/project';
import { analyze } from '../checks/analyze';
import { renderDot } from '../ide/graph/dot';
import { renderMermaid } from '../ide/graph/mermaid';
import { graphPicture, type GraphPicture } from '../ide/graph/picture';
import { renderSvg } from '../ide/graph/svg';
import { bundledWasm } from '../syntax/bundledWasm';
import { MAX_PARSED_LENGTH, SyntaxDocument } from '../syntax/document';
import { DgParser } from '../syntax/parser';
import { displayPath } from './files';

export const GRAPH_FORMATS = ['mermaid', 'dot', 'svg'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export interface GraphOptions {
  /** A `.dg` file, or `-` for standard input. */
  path: string;
  format: GraphFormat;
  /** Write the picture here (relative to `cwd`) instead of standard output. */
  out?: string;
  cwd: string;
  readStdin?: () => Promise<string>;
}

export interface GraphRun {
  /** 0: drawn from a graph without errors; 1: drawn, but the graph has errors; 2: nothing drawn. */
  exitCode: 0 | 1 | 2;
  /** The picture, when it goes to standard output. */
  stdout: string;
  /** Lines for standard error. */
  stderr: string[];
  /** The absolute path written (`--out`). */
  written?: string;
}

/**
 * The largest layout `--format svg` draws (see `layoutSize` in ide/graph/svg.ts): larger than the
 * editor panel's, since nothing waits on the command but its user. At this size on a 2-core machine:
 * a flat graph of 999 relationships lays out in 0.7 s, trees of nested relationships (720 to 920
 * entities) in 1.4 to 1.8 s. Above it, the SVG says to use Mermaid or DOT.
 */
export const CLI_MAX_LAYOUT_SIZE = 4000;

const RENDERERS = {
  mermaid: renderMermaid,
  dot: renderDot,
  svg: (picture: GraphPicture) => renderSvg(picture, { maxLayoutSize: CLI_MAX_LAYOUT_SIZE }),
} as const;

/**
 * Reads one graph and draws it. A graph with errors is still drawn (a related_entity that names no
 * entity becomes a "missing entity" node) and exits with 1; the errors counted are those `dg check`
 * reports without the warehouse (the nearest dg.config.json's severities apply).
 */
export async function drawGraph(parser: DgParser, options: GraphOptions): Promise<GraphRun> {
  const fail = (line: string): GraphRun => ({ exitCode: 2, stdout: '', stderr: [`dg graph: ${line}`] });
  const stdin = options.path === '-';
  const shown = stdin ? '<stdin>' : displayPath(resolve(options.cwd, options.path), options.cwd);
  let text: string;
  try {
    if (stdin) {
      if (!options.readStdin) return fail('cannot read standard input here');
      text = await options.readStdin();
    } else {
      const path = resolve(options.cwd, options.path);
      const info = await stat(path);
      if (info.isDirectory()) return fail(`${shown} is a directory: name one .dg file`);
      if (info.size > 3 * MAX_PARSED_LENGTH) return fail(`${shown} is too large to draw`);
      text = (await readFile(path)).toString('utf8');
    }
  } catch (error) {
    return fail(`cannot read ${shown}: ${describe(error)}`);
  }
  if (text.length > MAX_PARSED_LENGTH) return fail(`${shown} is too large to draw`);

  const config = await new ProjectCatalogs().configFor(stdin ? options.cwd : resolve(options.cwd, options.path), stdin);
  const settings = mergeSettings(config.kind === 'config' ? config.config : undefined);
  const document = SyntaxDocument.parse(parser, text);
  let picture;
  let errors: number;
  try {
    const analysis = analyze(document, settings);
    errors = analysis.diagnostics.filter((d) => d.severity === 'error').length;
    picture = graphPicture(analysis.model);
  } finally {
    document.dispose();
  }
  const drawn = RENDERERS[options.format](picture);
  const stderr: string[] = [];
  if (errors) {
    stderr.push(
      `dg graph: ${shown} has ${errors} ${errors === 1 ? 'error' : 'errors'}: the picture may be partial (dg check ${stdin ? '-' : shown} lists them)`,
    );
  }
  const exitCode = errors ? 1 : 0;
  if (options.out === undefined) return { exitCode, stdout: drawn, stderr };
  const out = resolve(options.cwd, options.out);
  try {
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, drawn);
  } catch (error) {
    return fail(`cannot write ${displayPath(out, options.cwd)}: ${describe(error)}`);
  }
  return { exitCode, stdout: '', stderr, written: out };
}

const GRAPH_HELP = `
Draws the profile, the entities and the relationships between them: each relationship is an arrow
from its parent (the profile, or the entity of the relationship around it) to its related entity,
labelled with its slug, name and join (external_id type -> join_key, trait name -> join_key, the
join_on text, or via the junction table). Entities no relationship uses are dashed; a related_entity
that names no entity points at a red "missing entity" node, so a broken file still draws.

Mermaid renders in GitHub Markdown (a \`\`\`mermaid block) and PR comments; DOT is for Graphviz
(dot -Tpng); SVG is a standalone image that follows the viewer's light or dark scheme.

Exit status:
  0  drawn
  1  drawn, but the file has errors (dg check lists them): the picture may be partial
  2  usage error, or the file could not be read or the output written

Examples:
  dg graph graphs/shop.dg                       Mermaid to standard output
  dg graph graphs/shop.dg --format svg --out docs/shop.svg
  dg graph graphs/shop.dg --format dot | dot -Tpng > shop.png
`;

/** Adds `dg graph` to the `dg` program (the caller owns the exit status and the process). */
export function addGraphCommand(dg: Command, setExitCode: (code: number) => void): void {
  dg.command('graph')
    .description('Draw a picture of a graph: Mermaid (default), Graphviz DOT or SVG.')
    .argument('<file>', 'a .dg file, or - for standard input')
    .addOption(new Option('-f, --format <format>', 'output format').choices(GRAPH_FORMATS).default('mermaid'))
    .option('-o, --out <file>', 'write the picture to this file instead of standard output')
    .addHelpText('after', GRAPH_HELP)
    .action(async (file: string, flags: { format: GraphFormat; out?: string }) => {
      let parser: DgParser;
      try {
        parser = await DgParser.load(bundledWasm());
      } catch (error) {
        process.stderr.write(`dg: internal error: cannot load the parser (${describe(error)}); was \`npm run build\` run?\n`);
        setExitCode(2);
        return;
      }
      const run = await drawGraph(parser, {
        path: file,
        format: flags.format,
        cwd: process.cwd(),
        readStdin,
        ...(flags.out !== undefined ? { out: flags.out } : {}),
      });
      for (const line of run.stderr) process.stderr.write(`${line}\n`);
      process.exitCode = run.exitCode; // kept if the reader goes away mid-write (EPIPE)
      if (run.stdout) await new Promise<void>((done) => process.stdout.write(run.stdout, () => done()));
      setExitCode(run.exitCode);
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const ERRNO: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
};

function describe(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string' && ERRNO[error.code]) {
    return ERRNO[error.code]!;
  }
  return error instanceof Error ? error.message : String(error);
}
