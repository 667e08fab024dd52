import { LEGACY_BLOCK_NAMES, blockKindOf } from '../model/schema';
import type { BlockSyntax, ItemSyntax, SyntaxFile } from '../syntax/ast';
import type { LineIndex } from '../syntax/lineIndex';

/*
 * How far the block structure of a broken file can be trusted. Unbalanced braces move blocks: an
 * open block reads what follows as its children, an unmatched `}` closes blocks early. Rules that
 * report what is missing or misplaced ask these first, so one missing brace is one diagnostic
 * (DG002), not a cascade.
 */

/**
 * Blocks whose header runs over more than one line (`entity "a` with its closing quote missing
 * reads the next lines as labels, up to some later `{`), with everything inside them: what they
 * hold is not what was written as their body, so no rule looks at them (DG001/DG007 report it).
 */
export function garbledBlocks(syntax: SyntaxFile, layout: Layout): Set<BlockSyntax> {
  const garbled = new Set<BlockSyntax>();
  forEachBlock(syntax.items, (block, parent) => {
    if ((parent && garbled.has(parent)) || !layout.sameLine(block.type.span.start, Math.max(block.type.span.end, block.open.start))) {
      garbled.add(block);
    }
  });
  return garbled;
}

/** Calls `visit` for every block, parents before children (with a work list: nesting may be deep). */
export function forEachBlock(items: ItemSyntax[], visit: (block: BlockSyntax, parent: BlockSyntax | undefined) => void): void {
  const work: [ItemSyntax[], BlockSyntax | undefined][] = [[items, undefined]];
  for (let next = work.pop(); next; next = work.pop()) {
    const [level, parent] = next;
    for (const item of level) {
      if (item.kind !== 'block') continue;
      visit(item, parent);
      work.push([item.items, item]);
    }
  }
}

/**
 * The first child block of `block` that starts its line at or left of the indentation of `block`'s
 * line: indented as a sibling, so most likely read into `block` because a `}` is missing.
 */
export function swallowedBlock(block: BlockSyntax, layout: Layout): BlockSyntax | undefined {
  const indent = layout.indentation(block.span.start).length;
  return block.items.find(
    (child): child is BlockSyntax =>
      child.kind === 'block' && layout.startsLine(child.span.start) && layout.indentation(child.span.start).length <= indent,
  );
}

export interface Nesting {
  /** False when unbalanced braces moved blocks: rules that depend on where a block sits wait. */
  reliable: boolean;
  /** Blocks that may have lost items to another block: nothing is reported missing from them. */
  incomplete: Set<BlockSyntax>;
  /** Per block, the offset from which its items may belong to another block: not DG101/DG102. */
  displacedFrom: Map<BlockSyntax, number>;
  /** Lines holding a syntax error: their items are not DG101/DG102. */
  brokenLines: Set<number>;
}

/**
 * Where unbalanced braces moved blocks, judged by indentation as DG002 does:
 * - a block open at the end of the file reads the blocks after it as its children, so a block holding
 *   a block indented at or left of its own line swallowed its siblings (from that child on);
 * - with an unmatched `}`, a block whose `}` sits on a later line but not at the indentation of its
 *   header (or with more than a comment after it on its line) took that `}` from a line meant for
 *   something else: it and the blocks around it closed early, and what follows that `}` in them
 *   left its block. (An extra `}` after well-indented blocks moves nothing.)
 * - past an unterminated string, or (in an unbalanced file) past a syntax error, a block opened after
 *   other text on its line or a block of unknown type, the blocks around it may have lost or gained
 *   a brace.
 */
export function readNesting(syntax: SyntaxFile, layout: Layout): Nesting {
  if (isIntact(syntax)) return { reliable: true, incomplete: new Set(), displacedFrom: new Map(), brokenLines: new Set() };
  const incomplete = new Set<BlockSyntax>();
  const displacedFrom = new Map<BlockSyntax, number>();
  const displace = (block: BlockSyntax, from: number) => displacedFrom.set(block, Math.min(from, displacedFrom.get(block) ?? Infinity));
  const text = layout.text;
  const indentOf = (offset: number) => layout.indentation(offset).length;
  let unclosed = false;
  const swallowing: { block: BlockSyntax; from: number }[] = [];
  const earlyClosed: BlockSyntax[] = [];
  const suspects: number[] = [];
  const parents = new Map<BlockSyntax, BlockSyntax | undefined>();
  forEachBlock(syntax.items, (item, parent) => {
    parents.set(item, parent);
    if (!item.close) unclosed = true;
    const swallowed = swallowedBlock(item, layout);
    if (swallowed) swallowing.push({ block: item, from: swallowed.span.start });
    const close = item.close;
    if (close && !layout.sameLine(item.open.start, close.start)) {
      const next = nextOnLine(text, close.end);
      const misplaced = !layout.startsLine(close.start) || indentOf(close.start) !== indentOf(item.span.start);
      // Only another `}` or a comment (`#`, `//`, `/*`) may follow a `}` on its line.
      if (misplaced || !['', '}', '#', '/'].includes(next)) earlyClosed.push(item);
    }
    // A block opened after other text on its line (not just a `{`), or of no known type, is where
    // a stray `{` may have come from.
    const midLine = !layout.startsLine(item.span.start) && previousOnLine(text, item.span.start) !== '{';
    if (midLine || !(blockKindOf(item.type.text) ?? LEGACY_BLOCK_NAMES[item.type.text])) suspects.push(item.span.start);
  });
  // A string left open runs to the end of its line and may have taken a `{` or `}` with it; in an
  // unbalanced file, any syntax error may be where a brace went missing. Past such a place, the
  // blocks around it are not what was written.
  const damage = (offset: number) => {
    for (const block of blocksAround(syntax.items, offset)) {
      incomplete.add(block);
      displace(block, offset);
    }
  };
  forEachItem(syntax.items, (item) => {
    if (item.kind === 'attribute' && item.value?.kind === 'string' && !item.value.terminated) damage(item.value.span.start);
  });
  // A block with a syntax error in its own body may have lost an attribute to it (DG001 says so);
  // the items on the error's line are not what was meant.
  const brokenLines = new Set<number>();
  for (const problem of syntax.problems) {
    const innermost = blocksAround(syntax.items, problem.span.start).pop();
    if (innermost) incomplete.add(innermost);
    brokenLines.add(layout.line(problem.span.start));
  }
  if (unclosed || syntax.unmatchedCloses.length) {
    for (const problem of syntax.problems) damage(problem.span.start);
    for (const offset of suspects) damage(offset);
  }
  if (unclosed) {
    for (const { block, from } of swallowing) {
      incomplete.add(block);
      displace(block, from);
    }
  }
  if (syntax.unmatchedCloses.length) {
    for (const block of earlyClosed) {
      incomplete.add(block);
      for (let ancestor = parents.get(block); ancestor; ancestor = parents.get(ancestor)) {
        incomplete.add(ancestor);
        displace(ancestor, block.close!.end);
      }
    }
  }
  const reliable = displacedFrom.size === 0 && !(syntax.unmatchedCloses.length && earlyClosed.length) && !(unclosed && swallowing.length);
  return { reliable, incomplete, displacedFrom, brokenLines };
}

/** Balanced braces, no syntax error, no string left open: the common case, nothing to judge. */
function isIntact(syntax: SyntaxFile): boolean {
  if (syntax.problems.length || syntax.unmatchedCloses.length) return false;
  let intact = true;
  forEachItem(syntax.items, (item) => {
    if (item.kind === 'block' ? !item.close : item.kind === 'attribute' && item.value?.kind === 'string' && !item.value.terminated) intact = false;
  });
  return intact;
}

/** Calls `visit` for every item, blocks before their contents. */
function forEachItem(items: ItemSyntax[], visit: (item: ItemSyntax) => void): void {
  for (const item of items) visit(item);
  forEachBlock(items, (block) => {
    for (const item of block.items) visit(item);
  });
}

/** The first character after `offset` on its line that is not a space or tab (`''` at the end). */
function nextOnLine(text: string, offset: number): string {
  let i = offset;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  const ch = text[i] ?? '';
  return ch === '\n' || ch === '\r' ? '' : ch;
}

/** The last character before `offset` on its line that is not a space or tab (`''` at the start). */
function previousOnLine(text: string, offset: number): string {
  let i = offset;
  while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
  const ch = i > 0 ? text[i - 1]! : '';
  return ch === '\n' || ch === '\r' ? '' : ch;
}

/** The blocks whose body holds `offset`, outermost first. */
function blocksAround(items: ItemSyntax[], offset: number): BlockSyntax[] {
  const chain: BlockSyntax[] = [];
  let level = items;
  for (;;) {
    // Items are in source order: the last one starting at or before `offset`.
    let low = 0;
    let high = level.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (level[mid]!.span.start <= offset) {
        found = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    const block = level[found];
    if (block?.kind !== 'block' || block.open.end > offset || offset >= (block.close?.start ?? block.span.end + 1)) return chain;
    chain.push(block);
    level = block.items;
  }
}

/**
 * Line facts about offsets of one text, in O(log n) per question (files may hold a 256 KB line of
 * junk: nothing here scans a line per block).
 */
export class Layout {
  private readonly contentStarts = new Map<number, number>();

  constructor(readonly lines: LineIndex) {}

  get text(): string {
    return this.lines.text;
  }

  line(offset: number): number {
    return this.lines.positionAt(offset).line;
  }

  sameLine(a: number, b: number): boolean {
    const [from, to] = a <= b ? [a, b] : [b, a];
    if (to - from > 256) return this.line(a) === this.line(b);
    const text = this.text;
    for (let i = from; i < to; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10 || ch === 13) return false;
    }
    return true;
  }

  /** True when only spaces and tabs precede `offset` on its line. */
  startsLine(offset: number): boolean {
    return this.contentStart(this.line(offset)) >= offset;
  }

  /** The spaces and tabs that start the line holding `offset`. */
  indentation(offset: number): string {
    const line = this.line(offset);
    return this.text.slice(this.lines.lineStart(line), this.contentStart(line));
  }

  /** Offset of the first character of `line` that is not a space or tab. */
  private contentStart(line: number): number {
    let start = this.contentStarts.get(line);
    if (start === undefined) {
      const text = this.text;
      const end = this.lines.lineEnd(line);
      start = this.lines.lineStart(line);
      while (start < end && (text[start] === ' ' || text[start] === '\t')) start++;
      this.contentStarts.set(line, start);
    }
    return start;
  }
}
