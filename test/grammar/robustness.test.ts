/**
 * Robustness of the dg grammar under broken input (spec §1: "the parser never fails").
 *
 * Seeds: the corpus inputs (grammar/test/corpus/*.txt), small generated graphs (test/bench/generate-graph.ts)
 * and a hand-written graph (LF and CRLF). fast-check mutates them (bit flips, truncation, deleted ranges,
 * duplicated lines, inserted unicode incl. NUL / emoji / lone surrogates / CR / BOM, stray braces and
 * quotes) and checks that web-tree-sitter always returns a consistent `source_file` tree spanning the whole
 * text, quickly; that an incremental re-parse after edits (tree.edit + parse(text, oldTree)) prints the
 * same tree as a fresh parse (where that parse is clean; see expectLikeFresh) and that undoing the edits
 * restores the original tree; and that the native binding agrees with the wasm build.
 *
 * The runs are deterministic (a fixed fast-check seed) so CI cannot flake; inputs the grammar still gets
 * wrong are pinned under 'known issues'. To explore: DG_FC_SEED=random (or a number) picks other cases,
 * DG_FC_SCALE=20 runs 20 times as many; a failure prints the seed and path to replay (DG_FC_PATH=<path>).
 */
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Edit, type Node, type Tree } from 'web-tree-sitter';
import { generateGraph } from '../bench/generate-graph';
import { corpusDir, readCorpus } from '../support/corpus';
import { replaceRange } from '../support/edit';
import { nativeParser } from '../support/native';
import { syntaxProblems } from '../support/syntax-problems';
import { wasmParser } from '../support/wasm';

const scale = Math.max(1, Number(process.env.DG_FC_SCALE ?? 1) || 1);
const runs = (n: number) => Math.round(n * scale);
const seedEnv = process.env.DG_FC_SEED ?? '20250601';
const fcParams = {
  seed: seedEnv === 'random' ? undefined : Number(seedEnv),
  path: process.env.DG_FC_PATH,
};

const HAND_WRITTEN = `# A small graph touching every form the grammar knows.
// Second comment style.
data_graph {
  version = "v1.0.0"

  /* Entities
     span lines */
  entity "account" {
    name               = "Account"
    description        = "Quotes \\" and backslashes \\\\ and \\u00e9 and \\n and émoji 😀"
    table_ref          = "PROD.CUST.ACCOUNT"
    primary_key        = "ID"
    enrichment_enabled = true
  }
  entity "cart" {
    name = "Cart"   # trailing comment
    table_ref = "PROD.CUST.CART"
    primary_key = "CART_ID"
  }
\tentity "product_sku" { name = "Product" table_ref = "example.com:proj.shop.products" primary_key = "SKU" }

  profile {
    profile_folder = "PROD.SEGMENT"
    type           = "segment:materialized"
    relationship "user-accounts" {
      name           = "User Accounts"
      related_entity = "account"
      external_id {
        type     = "email"
        join_key = "EMAIL"
      }
      relationship "user-carts" {
        name           = "Carts"
        related_entity = "cart"
        join_on        = "account.ID = cart.ACCOUNT_ID"
        relationship "cart-products" {
          name           = "Products"
          related_entity = "product_sku"
          junction_table {
            table_ref     = "PROD.CUST.CART_PRODUCTS"
            primary_key   = "ID"
            left_join_on  = "cart.CART_ID = CART_ID"
            right_join_on = "SKU = product_sku.SKU"
          }
        }
      }
    }
    relationship "by-trait" {
      name = "By Trait"
      related_entity = "account"
      trait { name = "account_id"  join_key = "ID" }
    }
  }
}
`;

const corpusInputs = existsSync(corpusDir)
  ? [...new Set(readCorpus().map((c) => c.input))].filter((s) => s.length > 0)
  : [];
const generatedInputs = [1, 2, 3, 4].map((seed) => generateGraph({ targetBytes: 2000 + seed * 1000, seed }));
const handWritten = [HAND_WRITTEN, HAND_WRITTEN.replace(/\n/g, '\r\n'), '\uFEFF' + HAND_WRITTEN];

const seedText: fc.Arbitrary<string> = fc.oneof(
  ...(corpusInputs.length > 0 ? [{ arbitrary: fc.constantFrom(...corpusInputs), weight: 5 }] : []),
  { arbitrary: fc.constantFrom(...generatedInputs), weight: 3 },
  { arbitrary: fc.constantFrom(...handWritten), weight: 2 },
);

/** Short strings worth inserting: hostile unicode, line ends, and the grammar's own punctuation. */
const insertion: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '\0', '\r', '\n', '\r\n', '\t', '\uFEFF', '\u00a0', '\u2028', '😀', '👩‍👩‍👧', 'é', '\uD800', '\uDC00', '\uDBFF\uD800',
    '\uFFFF', '\u0085',
  ),
  fc.constantFrom('{', '}', '"', '[', ']', '=', ',', ':', '\\', '\\u', '/*', '*/', '#', '//', '...', '"\n', '{\n', '}\n', '${'),
  fc.constantFrom('entity "x" {', 'relationship "r" {', 'name = ', 'true', '-1.5e3', 'segment:materialized', 'a'),
  fc.string({ unit: 'binary', maxLength: 4 }),
);

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicateLine'; at: number }
  | { kind: 'insert'; at: number; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 15 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant('duplicateLine' as const), at: fc.nat() }),
  { arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: insertion }), weight: 3 },
);

function mutate(text: string, m: Mutation): string {
  const at = m.at % (text.length + 1);
  switch (m.kind) {
    case 'flip': {
      if (text.length === 0) return text;
      const i = at % text.length;
      // Flipping a bit of a UTF-16 unit can also make a lone surrogate: intended.
      return text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ (1 << m.bit)) + text.slice(i + 1);
    }
    case 'truncate':
      return text.slice(0, at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.length);
    case 'duplicateLine': {
      const start = text.lastIndexOf('\n', at - 1) + 1;
      const nl = text.indexOf('\n', at);
      const end = nl === -1 ? text.length : nl + 1;
      const line = text.slice(start, end);
      return text.slice(0, end) + (line.endsWith('\n') ? line : '\n' + line) + text.slice(end);
    }
    case 'insert':
      return text.slice(0, at) + m.text + text.slice(at);
  }
}

const mutatedText: fc.Arbitrary<string> = fc
  .tuple(seedText, fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([text, mutations]) => mutations.reduce(mutate, text));

/** Parses with the wasm parser (a hang is caught by the test timeout). */
async function wasmParse(text: string, previous?: Tree): Promise<Tree> {
  return (await wasmParser()).parse(text, previous);
}

/**
 * Ranges nest and are ordered: every child lies inside its parent, siblings do not overlap, and
 * rows/columns agree with the indexes. Returns the first inconsistency, or undefined.
 */
function inconsistency(text: string, root: Node): string | undefined {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const pointOf = (index: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] as number) <= index) lo = mid;
      else hi = mid - 1;
    }
    return { row: lo, column: index - (lineStarts[lo] as number) };
  };
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.startIndex > node.endIndex) return `${node.type} ends before it starts`;
    const start = pointOf(node.startIndex);
    if (start.row !== node.startPosition.row || start.column !== node.startPosition.column) {
      return `${node.type} at ${node.startIndex}: position ${JSON.stringify(node.startPosition)}, expected ${JSON.stringify(start)}`;
    }
    let previousEnd = node.startIndex;
    for (const child of node.children) {
      if (!child) return `${node.type} has a null child`;
      if (child.startIndex < previousEnd || child.endIndex > node.endIndex) {
        return `${child.type} [${child.startIndex}, ${child.endIndex}) outside ${node.type} [${node.startIndex}, ${node.endIndex}) or overlapping a sibling`;
      }
      previousEnd = child.endIndex;
      stack.push(child);
    }
  }
  return undefined;
}

describe('index units (what tree.edit and node ranges mean for JS strings)', () => {
  const text = 'data_graph {\n  # é😀\n  name = "é😀x"\n}\n';
  const valueStart = text.indexOf('"é');

  it('web-tree-sitter reports UTF-16 code units, not UTF-8 bytes', async () => {
    const tree = await wasmParse(text);
    try {
      expect(tree.rootNode.endIndex).toBe(text.length); // 39, while the UTF-8 size is 45
      const value = tree.rootNode.descendantsOfType('string')[0] as Node;
      expect(value.startIndex).toBe(valueStart);
      expect(value.endIndex).toBe(valueStart + '"é😀x"'.length);
      expect(value.endPosition).toEqual({ row: 2, column: '  name = "é😀x"'.length });
      expect(value.text).toBe('"é😀x"');
    } finally {
      tree.delete();
    }
  });

  it('the native binding uses the same units', () => {
    const tree = nativeParser().parse(text);
    expect(tree.rootNode.endIndex).toBe(text.length);
    const value = tree.rootNode.descendantsOfType('string')[0];
    expect(value?.startIndex).toBe(valueStart);
    expect(value?.endPosition).toEqual({ row: 2, column: '  name = "é😀x"'.length });
  });
});

describe('seeds', () => {
  it('the generated graphs and the hand-written graph parse cleanly', async () => {
    for (const text of [...generatedInputs, ...handWritten]) {
      const tree = await wasmParse(text);
      const cursor = tree.rootNode.walk();
      try {
        expect(syntaxProblems(cursor)).toEqual([]);
        expect(tree.rootNode.hasError).toBe(false);
      } finally {
        cursor.delete();
        tree.delete();
      }
    }
  });

  it('has corpus inputs to mutate (grammar/test/corpus)', () => {
    expect(corpusInputs.length).toBeGreaterThan(0);
  });
});

describe('mutated input', () => {
  it('always yields a consistent source_file tree spanning the text', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedText, async (text) => {
        const tree = await wasmParse(text);
        try {
          const root = tree.rootNode;
          expect(root.type).toBe('source_file');
          expect(root.endIndex).toBe(text.length);
          // The root starts after leading whitespace (tree-sitter puts it in the first token's padding).
          expect(text.slice(0, root.startIndex)).toMatch(/^[\s\uFEFF]*$/);
          expect(inconsistency(text, root)).toBeUndefined();
        } finally {
          tree.delete();
        }
      }),
      { ...fcParams, numRuns: runs(150) },
    );
  });

  it.each(['y{p""t y', 'a {\n  b = 1\n  c = [1,'])('keeps source_file at the root for %j (once an ERROR root)', async (text) => {
    const tree = await wasmParse(text);
    try {
      expect(tree.rootNode.type).toBe('source_file');
      expect(tree.rootNode.endIndex).toBe(text.length);
    } finally {
      tree.delete();
    }
  });

  it('parses the same in the native binding and in wasm', async () => {
    const native = nativeParser();
    await fc.assert(
      fc.asyncProperty(mutatedText, async (text) => {
        const tree = await wasmParse(text);
        try {
          expect(native.parse(text).rootNode.toString()).toBe(tree.rootNode.toString());
        } finally {
          tree.delete();
        }
      }),
      { ...fcParams, numRuns: runs(40) },
    );
  });
});

describe('incremental re-parse', () => {
  /**
   * Checks an incremental tree against a fresh parse of the same text. Where the fresh tree is clean
   * (no ERROR/MISSING), the two must print the same. Where it has errors, tree-sitter does not promise
   * identical error recovery (it may recover differently around reused subtrees; tree-sitter's own
   * randomized tests only compare after undoing the edits, as the 'undo' property below does), so only
   * the invariants the server relies on are checked: same hasError, whole-text span, consistent ranges.
   */
  async function expectLikeFresh(text: string, incremental: Tree, checkRanges = true): Promise<void> {
    const fresh = await wasmParse(text);
    try {
      const root = incremental.rootNode;
      expect(root.endIndex).toBe(text.length);
      if (!fresh.rootNode.hasError) expect(root.toString()).toBe(fresh.rootNode.toString());
      else {
        expect(root.hasError).toBe(true);
        if (checkRanges) expect(inconsistency(text, root)).toBeUndefined();
      }
    } finally {
      fresh.delete();
    }
  }

  /** A replacement: the range [at, at + length) of the current text becomes `text`. */
  const edit = fc.record({
    at: fc.nat(),
    length: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 80 })),
    text: fc.oneof(fc.constant(''), insertion, fc.string({ unit: 'grapheme-ascii', maxLength: 6 })),
  });

  it('after random edits matches a fresh parse, and undoing the edits restores the original tree', async () => {
    await fc.assert(
      fc.asyncProperty(seedText, fc.array(edit, { minLength: 1, maxLength: 4 }), async (seed, edits) => {
        let text = seed;
        let tree = await wasmParse(text);
        const original = tree.rootNode.toString();
        const undo: Array<{ start: number; end: number; text: string }> = [];
        const apply = async (start: number, end: number, insert: string) => {
          const next = replaceRange(text, start, end, insert);
          tree.edit(new Edit(next.edit));
          const incremental = await wasmParse(next.text, tree);
          tree.delete();
          tree = incremental;
          text = next.text;
        };
        try {
          for (const e of edits) {
            const at = e.at % (text.length + 1);
            const end = Math.min(at + e.length, text.length);
            undo.push({ start: at, end: at + e.text.length, text: text.slice(at, end) });
            await apply(at, end, e.text);
            await expectLikeFresh(text, tree);
          }
          for (const u of undo.reverse()) await apply(u.start, u.end, u.text);
          expect(text).toBe(seed);
          expect(tree.rootNode.toString()).toBe(original);
        } finally {
          tree.delete();
        }
      }),
      { ...fcParams, numRuns: runs(80) },
    );
  });

  it('while typing a snippet one character at a time matches a fresh parse at every step', async () => {
    const snippet = fc.constantFrom(
      '\n    relationship "new-rel" {\n      name = "New"\n      related_entity = "acc"\n      join_on = "a.ID = b.A_ID"\n    }\n',
      '\n  entity "new_entity" {\n    name = "Né😀w"\n    table_ref = "DB.S.T"\n  }\n',
      '  # comment /* not a block */\n',
      '/* block\n comment */',
      'trait { name = "x" join_key = "Y" }',
      '"\\u00e9\\"',
    );
    await fc.assert(
      fc.asyncProperty(seedText, fc.nat(), snippet, async (seed, position, typed) => {
        let text = seed;
        let at = position % (text.length + 1);
        let tree = await wasmParse(text);
        try {
          for (const ch of typed) {
            // `ch` is one code point: an astral one (😀) is typed as both of its UTF-16 units at once.
            const next = replaceRange(text, at, at, ch);
            tree.edit(new Edit(next.edit));
            const incremental = await wasmParse(next.text, tree);
            tree.delete();
            tree = incremental;
            text = next.text;
            at += ch.length;
            // Range consistency only at the end: walking every node at every keystroke is slow in wasm.
            await expectLikeFresh(text, tree, false);
          }
          await expectLikeFresh(text, tree);
        } finally {
          tree.delete();
        }
      }),
      { ...fcParams, numRuns: runs(25) },
    );
  });
});

// Found by the properties above. `it.fails` passes while the issue remains; once the grammar handles
// the input, it fails: then turn it into a plain `it` and tighten the property (root type source_file).
describe('known issues', () => {
  // Text cut off after NULs inside an unclosed block loses the `source_file` root: the whole file
  // becomes one ERROR node. Found by 'always yields a consistent source_file tree…' with
  // DG_FC_SEED=random DG_FC_SCALE=15. The server copes with an ERROR root (it salvages its items).
  it.fails('the root is source_file after NUL bytes in an unclosed block', async () => {
    const tree = await wasmParse('a {\n  ent\0\n  ent\0');
    try {
      expect(tree.rootNode.type).toBe('source_file');
    } finally {
      tree.delete();
    }
  });

  it.fails('typing `=` after `name` above a block with an unquoted label re-parses like a fresh parse', async () => {
    // `name =` then `entity carts {}` is ambiguous (the grammar's [attribute] conflict): `name = entity` +
    // block `carts {}`, or a value-less `name =` + block `entity carts {}`. A fresh parse picks the first,
    // the incremental one (reusing the old `entity carts {}` block) the second, so diagnostics would
    // depend on edit history. Found by 'while typing a snippet…' with DG_FC_SCALE=20.
    const before = 'x {\n  name \n  entity carts {}\n}';
    const tree = await wasmParse(before);
    const next = replaceRange(before, before.indexOf('name') + 4, before.indexOf('name') + 4, '=');
    tree.edit(new Edit(next.edit));
    const incremental = await wasmParse(next.text, tree);
    const fresh = await wasmParse(next.text);
    try {
      expect(incremental.rootNode.toString()).toBe(fresh.rootNode.toString());
    } finally {
      tree.delete();
      incremental.delete();
      fresh.delete();
    }
  });
});
