/**
 * Graph layout (a section of `npm run bench`, see run.ts): the SVG picture of the graph, as the language
 * server draws it for the Show Graph panel (`dg/graph`, server/src/lsp/graph.ts). dagre lays it out on
 * the server's thread, so its time is time the server answers nothing else (diagnostics, completion):
 * `renderSvg` refuses a graph whose estimated layout size (`layoutSize`, linear, before any layout) is
 * above MAX_LAYOUT_SIZE, and the server keeps the last SVG per document for an unchanged picture.
 *
 * Shapes, all parsed from `.dg` text (names, tables and joins as a user writes them):
 *   - the retail example (examples/retail/retail.dg);
 *   - nested: graphs of the benchmark generator (generate-graph.ts): trees of relationships up to 5
 *     levels deep over fresh entities, some entities related again from elsewhere;
 *   - flat: n entities, each related from the profile (one wide row);
 *   - chain: n entities, each related from the profile and from the one before it (edges crossing up to
 *     2n ranks: what explodes; the review measured 2.3 s for n = 100, 16 s for n = 250).
 * Per shape: the layout alone (dagre), the whole `renderSvg` the panel gets, and a repeated request for
 * the same picture through the server's cache. Graphs the panel refuses are laid out once, as
 * `dg graph --format svg` would (up to its own limit), to show what the limit saves.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/checks/analyze';
import { CLI_MAX_LAYOUT_SIZE } from '../../server/src/cli/graph';
import { graphPicture, type GraphPicture } from '../../server/src/ide/graph/picture';
import { layoutPicture, layoutSize, MAX_LAYOUT_SIZE, renderSvg } from '../../server/src/ide/graph/svg';
import { SvgCache } from '../../server/src/lsp/graph';
import { SyntaxDocument } from '../../server/src/syntax/document';
import { repoRoot, wasmParser } from '../support/wasm';
import { generateGraphWithStats } from './generate-graph';
import type { BenchGraph } from './graphs';
import { fail, fmtMs, median, section, time, type Row } from './report';

/** The panel's target: no drawn graph blocks the server longer than this. */
const TARGET_MS = 150;
/** Samples per drawn shape (after two unmeasured runs). */
const RUNS = 7;

/** n entities, each related from the profile, and with `chain` also from the one before it. */
function generated(n: number, chain: boolean): string {
  const entities = Array.from(
    { length: n },
    (_, i) => `  entity "e${i}" {\n    name = "Entity ${i}"\n    table_ref = "prod.public.table_${i}"\n    primary_key = "id"\n  }\n`,
  );
  const relationships = Array.from(
    { length: n },
    (_, i) =>
      `    relationship "r${i}" {\n      name = "Relationship ${i}"\n      related_entity = "e${i}"\n` +
      `      external_id {\n        type = "email"\n        join_key = "email"\n      }\n` +
      (chain && i < n - 1
        ? `      relationship "c${i}" {\n        name = "Next ${i}"\n        related_entity = "e${i + 1}"\n        join_on = "e${i}.id = e${i + 1}.prev_id"\n      }\n`
        : '') +
      '    }\n',
  );
  return `data_graph {\n${entities.join('')}  profile {\n    profile_folder = "prod.segment"\n    type = "segment:materialized"\n${relationships.join('')}  }\n}\n`;
}

export async function graphSection(_graphs: BenchGraph[]): Promise<void> {
  const parser = await wasmParser();
  const pictureOf = (text: string): GraphPicture => {
    const document = SyntaxDocument.parse(parser, text);
    try {
      return graphPicture(analyze(document).model);
    } finally {
      document.dispose();
    }
  };
  const nested = (kib: number) => pictureOf(generateGraphWithStats({ targetBytes: kib * 1024, seed: 42 }).text);
  // The largest of each shape the panel draws: their layouts are the slowest it waits for.
  const flatLimit = Math.floor((MAX_LAYOUT_SIZE - 2) / 4); // 2(n + 1) + n + n dummies
  let chainLimit = 1;
  while ((chainLimit + 1) ** 2 + 5 * (chainLimit + 1) <= MAX_LAYOUT_SIZE) chainLimit++; // 2(n + 1) + (2n - 1) + n² + n - 1
  let nestedLimit = 4;
  while (layoutSize(nested(nestedLimit + 4)).size <= MAX_LAYOUT_SIZE) nestedLimit += 4;
  const shapes: Array<[string, GraphPicture]> = [
    ['retail example', pictureOf(readFileSync(join(repoRoot, 'examples', 'retail', 'retail.dg'), 'utf8'))],
    ['nested, 16 KiB', nested(16)],
    [`nested, ${nestedLimit} KiB`, nested(nestedLimit)],
    ['flat 50', pictureOf(generated(50, false))],
    [`flat ${flatLimit}`, pictureOf(generated(flatLimit, false))],
    ['chain 10', pictureOf(generated(10, true))],
    [`chain ${chainLimit}`, pictureOf(generated(chainLimit, true))],
    ['nested, 100 KiB', nested(100)],
    ['flat 499', pictureOf(generated(499, false))],
    ['chain 40', pictureOf(generated(40, true))],
    ['chain 100', pictureOf(generated(100, true))],
    ['chain 250', pictureOf(generated(250, true))],
  ];
  // JIT: lay out a mid-sized graph a few times before measuring anything.
  for (let i = 0; i < 3; i++) layoutPicture(shapes[2]![1]);

  const rows: Row[] = [];
  for (const [name, picture] of shapes) {
    const size = layoutSize(picture);
    const drawn = size.size <= MAX_LAYOUT_SIZE;
    const estimate = median(Array.from({ length: 5 }, () => time(() => layoutSize(picture))));
    let layout = '';
    let worst = 0;
    let svg = '';
    let cached = '';
    if (drawn) {
      for (let i = 0; i < 2; i++) layoutPicture(picture);
      const samples = Array.from({ length: RUNS }, () => time(() => layoutPicture(picture)));
      worst = Math.max(...samples);
      layout = `${fmtMs(median(samples))} / ${fmtMs(worst)}`;
      svg = fmtMs(median(Array.from({ length: 3 }, () => time(() => renderSvg(picture)))));
      const cache = new SvgCache();
      cache.svg('file:///bench.dg', picture);
      // The server's request for an unchanged picture: the picture's JSON and hash, no layout.
      const copies = Array.from({ length: 5 }, () => structuredClone(picture)); // equal, not the same object
      cached = fmtMs(median(copies.map((copy) => time(() => cache.svg('file:///bench.dg', copy)))));
      if (!renderSvg(picture).includes('class="dg-edge-path"') && picture.edges.length) fail(`graph layout: ${name} was not drawn`);
    } else {
      // What the panel gets instead: the message, after the estimate alone.
      svg = fmtMs(median(Array.from({ length: 3 }, () => time(() => renderSvg(picture)))));
      if (!renderSvg(picture).includes('Too large to draw here')) fail(`graph layout: ${name} (size ${size.size}) was not refused`);
      layout = size.size <= CLI_MAX_LAYOUT_SIZE ? `(${fmtMs(time(() => layoutPicture(picture)))}, once)` : '(not laid out)';
    }
    rows.push({
      shape: name,
      boxes: size.nodes,
      edges: size.edges,
      'dummy nodes (est.)': size.dummies,
      'layout size': size.size,
      panel: drawn ? 'drawn' : 'refused',
      'layout p50 / max': layout,
      'renderSvg p50': svg,
      'unchanged, cached': cached || '-',
      'layoutSize()': fmtMs(estimate),
      target: drawn ? `max ≤ ${TARGET_MS} ms` : '-',
      verdict: drawn ? (worst <= TARGET_MS ? 'met' : 'MISSED') : '-',
    });
  }
  section(
    'Graph layout (SVG for the Show Graph panel, in process)',
    rows,
    `Layout: dagre's layout() alone (layoutPicture), ${RUNS} runs after two unmeasured; renderSvg: the whole SVG the\n` +
      `panel gets (layout, or the "too large" message when the layout size exceeds ${MAX_LAYOUT_SIZE}); cached: the\n` +
      "server's answer for an unchanged picture (SvgCache: the picture's JSON hashed, the kept SVG returned).\n" +
      'Layout size = 2 × boxes + edges + estimated dummy nodes (an upper bound of dagre\'s; long edges make them).\n' +
      `Refused shapes are laid out once when \`dg graph --format svg\` would (layout size ≤ ${CLI_MAX_LAYOUT_SIZE}), to show the\n` +
      `time the panel's limit saves. Target: no drawn graph over ${TARGET_MS} ms (the server answers nothing meanwhile).`,
  );
}
