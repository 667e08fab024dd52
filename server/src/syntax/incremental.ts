import type { Tree } from 'web-tree-sitter';
import type { BlockSyntax, ItemSyntax, Span, SyntaxFile, ValueSyntax } from './ast';
import { Reader } from './convert';

/** One text edit in offsets: `[start, oldEnd)` of the old text became `[start, newEnd)`. */
export interface OffsetEdit {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/**
 * The syntax views of the new tree, made from the previous version's by re-reading only the
 * innermost block that contains the edit (and every range tree-sitter reports as changed), and
 * shifting what follows. Takes ownership of `previous`: its objects are updated in place. Returns
 * `undefined` when the edit is not confined to a block; the caller then reads the whole tree.
 */
export function updateSyntaxFile(
  previous: SyntaxFile,
  tree: Tree,
  text: string,
  edit: OffsetEdit,
  changedRanges: readonly Span[],
): SyntaxFile | undefined {
  const delta = edit.newEnd - edit.oldEnd;
  const toOld = (offset: number) =>
    offset <= edit.start ? offset : offset >= edit.newEnd ? offset - delta : edit.start;
  let low = edit.start;
  let high = edit.oldEnd;
  for (const range of changedRanges) {
    low = Math.min(low, toOld(range.start));
    high = Math.max(high, range.end >= edit.newEnd ? range.end - delta : edit.oldEnd);
  }

  // The chain of blocks whose bodies hold the whole region, outermost first.
  const path: BlockSyntax[] = [];
  let items = previous.items;
  for (;;) {
    const inner = items.find(
      (item): item is BlockSyntax =>
        item.kind === 'block' && !!item.close && item.open.end <= low && high <= item.close.start,
    );
    if (!inner) break;
    path.push(inner);
    items = inner.items;
  }

  for (let depth = path.length - 1; depth >= 0; depth--) {
    const old = path[depth]!;
    const node = tree.rootNode.descendantForIndex(old.span.start, old.span.end + delta);
    let candidate = node;
    while (candidate && candidate.startIndex === old.span.start && candidate.endIndex === old.span.end + delta) {
      if (candidate.type === 'block') break;
      candidate = candidate.parent;
    }
    if (
      !candidate ||
      candidate.type !== 'block' ||
      candidate.startIndex !== old.span.start ||
      candidate.endIndex !== old.span.end + delta
    ) {
      continue;
    }
    // Error recovery may re-shape broken text outside the edit without reporting a changed range:
    // patch only when every error, old and new, lies inside this block.
    const within = (span: Span) => span.start >= old.span.start && span.end <= old.span.end;
    if (!previous.problems.every((p) => within(p.span)) || previous.unmatchedCloses.length) return undefined;
    if (tree.rootNode.hasError && !candidate.hasError) return undefined;
    const reader = new Reader(candidate.walk(), text);
    let fresh: BlockSyntax;
    try {
      fresh = reader.block();
    } finally {
      reader.cursor.delete();
    }
    const oldSpan = { ...old.span };
    const parentItems = depth === 0 ? previous.items : path[depth - 1]!.items;
    const index = parentItems.indexOf(old);
    parentItems[index] = fresh;
    for (let i = index + 1; i < parentItems.length; i++) shiftItem(parentItems[i]!, delta);
    for (let d = depth - 1; d >= 0; d--) {
      const ancestor = path[d]!;
      ancestor.span.end += delta;
      if (ancestor.close) shift(ancestor.close, delta);
      const siblings = d === 0 ? previous.items : path[d - 1]!.items;
      const at = siblings.indexOf(ancestor);
      for (let i = at + 1; i < siblings.length; i++) shiftItem(siblings[i]!, delta);
    }
    const inside = (span: Span) => span.start >= oldSpan.start && span.end <= oldSpan.end;
    const after = (span: Span) => span.start >= oldSpan.end;
    const merge = <T extends { span: Span }>(old: T[], fresh: T[]): T[] => {
      const kept = old.filter((x) => !inside(x.span));
      for (const x of kept) if (after(x.span)) shift(x.span, delta);
      return [...kept, ...fresh].sort((a, b) => a.span.start - b.span.start);
    };
    for (const span of previous.unmatchedCloses) if (after(span)) shift(span, delta);
    return {
      text,
      items: previous.items,
      comments: merge(previous.comments, reader.comments),
      problems: merge(previous.problems, reader.problems),
      unmatchedCloses: previous.unmatchedCloses,
    };
  }
  return undefined;
}

function shift(span: Span, delta: number): void {
  span.start += delta;
  span.end += delta;
}

function shiftItem(item: ItemSyntax, delta: number): void {
  shift(item.span, delta);
  if (item.kind === 'placeholder') return;
  if (item.kind === 'attribute') {
    shift(item.key.span, delta);
    if (item.value) shiftValue(item.value, delta);
    return;
  }
  shift(item.type.span, delta);
  if (item.colon) shift(item.colon, delta);
  for (const label of item.labels) {
    shift(label.span, delta);
    shift(label.contentSpan, delta);
  }
  shift(item.open, delta);
  if (item.close) shift(item.close, delta);
  for (const child of item.items) shiftItem(child, delta);
}

function shiftValue(value: ValueSyntax, delta: number): void {
  shift(value.span, delta);
  if (value.kind === 'string') shift(value.contentSpan, delta);
  else if (value.kind === 'tuple') for (const element of value.elements) shiftValue(element, delta);
}
