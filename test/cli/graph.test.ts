import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../server/src/checks/analyze';
import { CLI_MAX_LAYOUT_SIZE, drawGraph, type GraphOptions } from '../../server/src/cli/graph';
import { graphPicture } from '../../server/src/ide/graph/picture';
import { layoutSize, MAX_LAYOUT_SIZE } from '../../server/src/ide/graph/svg';
import { SyntaxDocument } from '../../server/src/syntax/document';
import { ensureBuilt } from '../support/lspClient';
import { repoRoot, wasmParser } from '../support/wasm';

// `dg graph`: drawGraph() in process for the formats, --out and the exit statuses; then the built
// bundle (`node server/bin/dg.js graph …`) for the command line itself.

const VALID = readFileSync(join(repoRoot, 'examples', 'complete.dg'), 'utf8');
const RETAIL = readFileSync(join(repoRoot, 'examples', 'retail', 'retail.dg'), 'utf8');
/** An unresolved related_entity (DG300, an error) in an otherwise valid graph. */
const TYPO = RETAIL.replace('related_entity = "orders"', 'related_entity = "order"');

/** n entities, each related from the profile (level 1), and with `chain`, from the one before it too. */
function generated(n: number, chain: boolean): string {
  const entities = Array.from({ length: n }, (_, i) => `  entity "e${i}" {\n    name = "E${i}"\n    table_ref = "db.s.t${i}"\n    primary_key = "id"\n  }\n`);
  const relationships = Array.from(
    { length: n },
    (_, i) =>
      `    relationship "r${i}" {\n      name = "R${i}"\n      related_entity = "e${i}"\n      external_id {\n        type = "email"\n        join_key = "email"\n      }\n` +
      (chain && i < n - 1 ? `      relationship "c${i}" {\n        name = "C${i}"\n        related_entity = "e${i + 1}"\n        join_on = "e${i}.id = e${i + 1}.id"\n      }\n` : '') +
      '    }\n',
  );
  return `data_graph {\n${entities.join('')}  profile {\n    profile_folder = "db.segment"\n    type = "segment:materialized"\n${relationships.join('')}  }\n}\n`;
}
const FLAT_200 = generated(200, false);

async function modelOf(text: string) {
  const document = SyntaxDocument.parse(await wasmParser(), text);
  try {
    return analyze(document).model;
  } finally {
    document.dispose();
  }
}

let root: string;
const write = (path: string, text: string) => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'dg-graph-'));
  write('valid.dg', VALID);
  write('retail.dg', RETAIL);
  write('typo.dg', TYPO);
  write('cut.dg', RETAIL.slice(0, RETAIL.indexOf('relationship "loyalty"')));
  write('flat.dg', FLAT_200);
  write('chain.dg', generated(100, true));
  // A project whose dg.config.json turns the error off: dg graph counts errors as dg check does.
  write('quiet/dg.config.json', JSON.stringify({ severities: { DG300: 'off' } }));
  write('quiet/typo.dg', TYPO);
  mkdirSync(join(root, 'folder.dg'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function draw(options: Partial<GraphOptions> & { path: string }) {
  return drawGraph(await wasmParser(), { format: 'mermaid', cwd: root, ...options });
}

describe('drawGraph', () => {
  it('draws Mermaid by default, exit 0 for a sound graph', async () => {
    const run = await draw({ path: 'retail.dg' });
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toEqual([]);
    expect(run.stdout.split('\n').slice(0, 3)).toEqual([
      'flowchart LR',
      '  profile(["Profile<br/>retail.segment_profiles<br/>segment:materialized"])',
      '  e_customers["customers<br/>Customers<br/>retail.crm.customers<br/>key customer_id"]',
    ]);
    expect(run.stdout).toContain('  profile -->|"customer (Customer)<br/>external_id user_id → customer_id"| e_customers\n');
  });

  it('draws DOT and SVG', async () => {
    const dot = await draw({ path: 'retail.dg', format: 'dot' });
    expect(dot.exitCode).toBe(0);
    expect(dot.stdout).toMatch(/^digraph data_graph \{\n {2}rankdir=LR;\n/);
    expect(dot.stdout).toContain('"e_products" -> "e_categories" [label="product-categories (Categories)\\nvia retail.catalog.product_categories"];');
    const svg = await draw({ path: 'retail.dg', format: 'svg' });
    expect(svg.exitCode).toBe(0);
    expect(svg.stdout).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="dg-graph" /);
    expect(svg.stdout.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.stdout.match(/class="dg-edge-path"/g)).toHaveLength(9);
  });

  it('lays out larger graphs as SVG than the editor panel does, and says so above its limit', async () => {
    // 200 entities, each related from the profile: too large for the panel (layout size 802), not here.
    const flat = await draw({ path: 'flat.dg', format: 'svg' });
    expect(flat.exitCode).toBe(0);
    expect(layoutSize(graphPicture(await modelOf(FLAT_200))).size).toBeGreaterThan(MAX_LAYOUT_SIZE);
    expect(flat.stdout.match(/<path class="dg-edge-path" /g)).toHaveLength(200);
    // 100 entities, each related from the profile and from the one before it: size 10,500.
    const chain = await draw({ path: 'chain.dg', format: 'svg' });
    expect(chain.exitCode).toBe(0);
    expect(chain.stdout).toContain(`>Too large to draw here: 100 entities, 199 relationships (layout size 10500, the limit is ${CLI_MAX_LAYOUT_SIZE}).</text>`);
    expect(chain.stdout).not.toContain('<path');
    // Mermaid and DOT have no limit.
    expect((await draw({ path: 'chain.dg', format: 'dot' })).stdout.match(/ -> /g)).toHaveLength(199);
  });

  it('still draws a graph with errors, exit 1, and says so on standard error', async () => {
    const run = await draw({ path: 'typo.dg' });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('  missing_order{{"order<br/>missing entity"}}\n');
    expect(run.stdout).toContain('  e_customers -.->|"customer-orders (Orders)<br/>customers.customer_id = orders.customer_id"| missing_order\n');
    expect(run.stderr).toEqual(['dg graph: typo.dg has 1 error: the picture may be partial (dg check typo.dg lists them)']);
    // A file cut short (missing closing braces) draws what was read.
    const cut = await draw({ path: 'cut.dg' });
    expect(cut.exitCode).toBe(1);
    expect(cut.stdout).toContain('profile -->|"customer (Customer)');
    expect(cut.stderr[0]).toMatch(/^dg graph: cut\.dg has \d+ errors?: the picture may be partial/);
  });

  it("counts errors with the project's dg.config.json severities", async () => {
    const run = await draw({ path: 'quiet/typo.dg' });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('missing_order{{'); // still drawn as missing
  });

  it('writes --out (creating its folder) and prints nothing', async () => {
    const run = await draw({ path: 'retail.dg', format: 'svg', out: 'docs/pictures/retail.svg' });
    expect(run).toMatchObject({ exitCode: 0, stdout: '', stderr: [], written: join(root, 'docs', 'pictures', 'retail.svg') });
    expect(readFileSync(join(root, 'docs', 'pictures', 'retail.svg'), 'utf8')).toBe((await draw({ path: 'retail.dg', format: 'svg' })).stdout);
    const broken = await draw({ path: 'typo.dg', out: 'typo.mmd' });
    expect(broken.exitCode).toBe(1);
    expect(readFileSync(join(root, 'typo.mmd'), 'utf8')).toMatch(/^flowchart LR\n/);
  });

  it('reads standard input for -', async () => {
    const run = await draw({ path: '-', readStdin: async () => VALID, format: 'dot' });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^digraph data_graph/);
  });

  it('exits 2, drawing nothing, when the file cannot be read or the output cannot be written', async () => {
    expect(await draw({ path: 'missing.dg' })).toEqual({ exitCode: 2, stdout: '', stderr: ['dg graph: cannot read missing.dg: no such file or directory'] });
    expect(await draw({ path: 'folder.dg' })).toEqual({ exitCode: 2, stdout: '', stderr: ['dg graph: folder.dg is a directory: name one .dg file'] });
    const blocked = await draw({ path: 'retail.dg', out: 'valid.dg/picture.mmd' }); // a file where a folder should be
    expect(blocked.exitCode).toBe(2);
    expect(blocked.stdout).toBe('');
    expect(blocked.stderr[0]).toMatch(/^dg graph: cannot write valid\.dg\/picture\.mmd: /);
    if (process.getuid?.() !== 0) {
      write('locked/x.dg', VALID);
      chmodSync(join(root, 'locked', 'x.dg'), 0o000);
      expect((await draw({ path: 'locked/x.dg' })).exitCode).toBe(2);
    }
  });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function dg(args: string[], input = ''): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [join(repoRoot, 'server', 'bin', 'dg.js'), ...args], { cwd: root }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
    child.stdin!.end(input);
  });
}

describe('dg graph (built bundle)', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('prints Mermaid by default, and the format and --out asked for', async () => {
    const [mermaid, svg, out, help] = await Promise.all([
      dg(['graph', 'retail.dg']),
      dg(['graph', '--format', 'svg', 'retail.dg']),
      dg(['graph', 'retail.dg', '-f', 'dot', '--out', 'out/retail.dot']),
      dg(['graph', '--help']),
    ]);
    expect(mermaid).toEqual({ code: 0, stdout: (await draw({ path: 'retail.dg' })).stdout, stderr: '' });
    expect(svg.code).toBe(0);
    expect(svg.stdout).toBe((await draw({ path: 'retail.dg', format: 'svg' })).stdout);
    expect(out).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(join(root, 'out', 'retail.dot'), 'utf8')).toMatch(/^digraph data_graph/);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--format <format>');
    expect(help.stdout).toContain('Exit status');
  });

  it('exits 1 with a note on standard error for a graph with errors, reading standard input too', async () => {
    const [file, stdin] = await Promise.all([dg(['graph', 'typo.dg']), dg(['graph', '-'], TYPO)]);
    expect(file.code).toBe(1);
    expect(file.stdout).toContain('missing_order{{"order<br/>missing entity"}}');
    expect(file.stderr).toBe('dg graph: typo.dg has 1 error: the picture may be partial (dg check typo.dg lists them)\n');
    expect(stdin.code).toBe(1);
    expect(stdin.stdout).toBe(file.stdout);
  });

  it('exits 2 on usage errors and unreadable files', async () => {
    const [none, format, missing, extra] = await Promise.all([
      dg(['graph']),
      dg(['graph', '--format', 'png', 'retail.dg']),
      dg(['graph', 'nope.dg']),
      dg(['graph', 'retail.dg', 'typo.dg']),
    ]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("missing required argument 'file'");
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('Allowed choices are mermaid, dot, svg');
    expect(missing).toEqual({ code: 2, stdout: '', stderr: "dg graph: cannot read nope.dg: no such file or directory\n" });
    expect(extra.code).toBe(2);
    expect(existsSync(join(root, 'nope.dg'))).toBe(false);
  });
});
