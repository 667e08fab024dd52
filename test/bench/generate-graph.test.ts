// The benchmark graph generator: deterministic, the requested size, and valid Data Graph (spec §2), so
// benchmarks measure the common case rather than error recovery.
import { describe, expect, it } from 'vitest';
import type { Node } from 'web-tree-sitter';
import { editSite, generateGraph, generateGraphWithStats, utf8Length } from './generate-graph';
import { syntaxProblems } from '../support/syntax-problems';
import { wasmParser } from '../support/wasm';

interface Block {
  type: string;
  labels: string[];
  attrs: Map<string, string>;
  blocks: Block[];
}

/** A string value's text, without quotes or escapes processing (the generator's values need none for these checks). */
const unquote = (node: Node) => node.text.replace(/^"|"$/g, '');

function toBlock(node: Node): Block {
  const block: Block = {
    type: node.childForFieldName('type')?.text ?? '',
    labels: node.childrenForFieldName('label').map((l) => (l ? unquote(l) : '')),
    attrs: new Map(),
    blocks: [],
  };
  for (const item of node.childForFieldName('body')?.namedChildren ?? []) {
    if (item?.type === 'block') block.blocks.push(toBlock(item));
    else if (item?.type === 'attribute') {
      const value = item.childForFieldName('value');
      block.attrs.set(item.childForFieldName('key')?.text ?? '', value ? unquote(value) : '');
    }
  }
  return block;
}

const SLUG = /^[a-z0-9_-]+$/;

/** The spec §2 rules the generator promises to keep; returns the violations. */
function violations(root: Block): string[] {
  const out: string[] = [];
  const entities = new Map<string, Block>();
  for (const e of root.blocks.filter((b) => b.type === 'entity')) {
    const slug = e.labels[0] ?? '';
    if (!SLUG.test(slug)) out.push(`entity slug ${slug}`);
    if (entities.has(slug)) out.push(`duplicate entity ${slug}`);
    entities.set(slug, e);
    for (const key of ['name', 'table_ref', 'primary_key']) if (!e.attrs.get(key)) out.push(`entity ${slug} lacks ${key}`);
    if ((e.attrs.get('table_ref') ?? '').split('.').length !== 3) out.push(`entity ${slug} table_ref`);
  }
  const names = [...entities.values()].map((e) => e.attrs.get('name'));
  if (new Set(names).size !== names.length) out.push('duplicate entity names');

  const profiles = root.blocks.filter((b) => b.type === 'profile');
  if (profiles.length !== 1) return [...out, `${profiles.length} profiles`];
  const profile = profiles[0] as Block;
  if (profile.attrs.get('type') !== 'segment:materialized') out.push('profile type');
  if ((profile.attrs.get('profile_folder') ?? '').split('.').length !== 2) out.push('profile_folder');

  const relSlugs = new Set<string>();
  const related = new Set<string>();
  const visit = (rel: Block, level: number, parent: string | undefined, siblingNames: Set<string>) => {
    const slug = rel.labels[0] ?? '';
    if (!SLUG.test(slug)) out.push(`relationship slug ${slug}`);
    if (relSlugs.has(slug)) out.push(`duplicate relationship ${slug}`);
    relSlugs.add(slug);
    if (level > 6) out.push(`${slug} at level ${level}`);
    const name = rel.attrs.get('name') ?? '';
    if (!name || siblingNames.has(name)) out.push(`${slug} name ${name}`);
    siblingNames.add(name);
    const child = rel.attrs.get('related_entity') ?? '';
    if (!entities.has(child)) out.push(`${slug} relates to unknown ${child}`);
    related.add(child);
    const kinds = rel.blocks.filter((b) => b.type !== 'relationship');
    if (parent === undefined) {
      if (kinds.length !== 1 || !['external_id', 'trait'].includes(kinds[0]?.type ?? '') || rel.attrs.has('join_on')) {
        out.push(`${slug}: level-1 join`);
      }
    } else if (rel.attrs.has('join_on')) {
      const m = /^([a-z0-9_-]+)\.\w+ = ([a-z0-9_-]+)\.\w+$/.exec(rel.attrs.get('join_on') ?? '');
      if (!m || m[1] !== parent || m[2] !== child || kinds.length !== 0) out.push(`${slug}: join_on`);
    } else {
      const j = kinds[0];
      const left = /^([a-z0-9_-]+)\.\w+ = \w+$/.exec(j?.attrs.get('left_join_on') ?? '');
      const right = /^\w+ = ([a-z0-9_-]+)\.\w+$/.exec(j?.attrs.get('right_join_on') ?? '');
      if (kinds.length !== 1 || j?.type !== 'junction_table' || left?.[1] !== parent || right?.[1] !== child) {
        out.push(`${slug}: junction_table`);
      }
    }
    const names = new Set<string>();
    for (const c of rel.blocks.filter((b) => b.type === 'relationship')) visit(c, level + 1, child, names);
  };
  const topNames = new Set<string>();
  for (const rel of profile.blocks.filter((b) => b.type === 'relationship')) visit(rel, 2, undefined, topNames);
  for (const [slug, e] of entities) {
    if (!related.has(slug) && e.attrs.get('enrichment_enabled') !== 'true') out.push(`entity ${slug} unused`);
  }
  return out;
}

describe('generateGraph', () => {
  it('is deterministic for a seed, and differs across seeds', () => {
    expect(generateGraph({ targetBytes: 20_000, seed: 3 })).toBe(generateGraph({ targetBytes: 20_000, seed: 3 }));
    expect(generateGraph({ targetBytes: 20_000, seed: 3 })).not.toBe(generateGraph({ targetBytes: 20_000, seed: 4 }));
  });

  it('reaches the requested size, overshooting by at most a few KB', () => {
    for (const target of [10_000, 100 * 1024, 1024 * 1024]) {
      const { text, stats } = generateGraphWithStats({ targetBytes: target, seed: 9 });
      expect(utf8Length(text)).toBe(stats.bytes);
      expect(Buffer.byteLength(text)).toBe(stats.bytes);
      expect(stats.bytes).toBeGreaterThanOrEqual(target);
      expect(stats.bytes).toBeLessThan(target + 16 * 1024);
    }
  });

  it('produces valid, clean graphs that reach the depth limit and use every join form', async () => {
    const parser = await wasmParser();
    for (const seed of [1, 2, 3]) {
      const generated = generateGraphWithStats({ targetBytes: 60_000, seed });
      const tree = parser.parse(generated.text);
      const cursor = tree.rootNode.walk();
      try {
        expect(syntaxProblems(cursor)).toEqual([]);
        const roots = tree.rootNode.namedChildren.filter((n) => n?.type === 'block') as Node[];
        expect(roots.map((n) => n.childForFieldName('type')?.text)).toEqual(['data_graph']);
        const graph = toBlock(roots[0] as Node);
        expect(graph.attrs.get('version')).toBe('v1.0.0');
        expect(violations(graph)).toEqual([]);
        expect(generated.stats.maxLevel).toBe(6);
        expect(generated.stats.junctions).toBeGreaterThan(0);
        expect(generated.text).toMatch(/^\s*#/m);
        expect(generated.text).toMatch(/^\s*\/\//m);
        expect(generated.text).toMatch(/\/\*/);
        expect(generated.text).toMatch(/external_id \{/);
        expect(generated.text).toMatch(/trait \{/);
      } finally {
        cursor.delete();
        tree.delete();
      }
    }
  });

  it('editSite points inside a name value', () => {
    const text = generateGraph({ targetBytes: 50_000, seed: 5 });
    for (const fraction of [0, 0.5, 0.99, 1]) {
      const site = editSite(text, fraction);
      const line = text.split('\n')[site.row] as string;
      expect(line).toMatch(/\bname\s*=\s*"/);
      expect(text.slice(site.index - site.column, site.index)).toBe(line.slice(0, site.column));
      expect(line.slice(0, site.column)).toMatch(/"[^"]+$/);
      expect(line.slice(site.column)).toMatch(/^[^"]+"/);
    }
  });
});
