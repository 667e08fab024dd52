import type { AttributeSyntax, BlockSyntax, ItemSyntax, Span, StringValue, ValueSyntax } from '../syntax/ast';
import { BLOCKS, LEGACY_BLOCK_NAMES, blockKindOf } from '../model/schema';
import type { CheckContext } from './context';
import { blockTitle } from './describe';
import { Layout, forEachBlock, swallowedBlock } from './nesting';

/** DG0xx: the text does not follow the syntax (or follows a legacy form of it). */
export function checkSyntax(context: CheckContext): void {
  const { syntax } = context.model;
  const reportedLines = new Set<number>();
  const lineOf = (offset: number) => context.lines.positionAt(offset).line;
  const syntaxError = (span: Span, message: string, fix?: { title: string; span: Span; newText: string }) => {
    const line = lineOf(span.start);
    if (reportedLines.has(line)) return;
    reportedLines.add(line);
    context.report('DG001', span, message, fix ? { fixes: [{ title: fix.title, edits: [{ span: fix.span, newText: fix.newText }] }] } : {});
  };

  for (const problem of syntax.problems) {
    const span = firstLine(context.text, problem.span);
    if (problem.kind === 'missing') syntaxError(span, `missing ${describeToken(problem.text)}`);
    else if (problem.kind === 'invalid-escape') {
      syntaxError(span, `invalid escape sequence "${problem.text}"; use \\", \\\\, \\n, \\t or \\uXXXX`);
    } else syntaxError(span, `unexpected ${describeText(problem.text)}`);
  }

  const visitValue = (value: ValueSyntax, attribute: AttributeSyntax) => {
    switch (value.kind) {
      case 'string':
        if (!value.terminated) {
          syntaxError(firstLine(context.text, value.span), `unterminated string: add the closing quote`, {
            title: 'Add the closing quote',
            span: { start: value.contentSpan.end, end: value.contentSpan.end },
            newText: '"',
          });
        }
        checkTemplates(context, value);
        return;
      case 'unquoted':
        context.report('DG004', value.span, `unquoted value ${value.text} for "${attribute.key.text}"; quote it: "${value.text}"`, {
          fixes: [{ title: `Quote it: "${value.text}"`, edits: [{ span: value.span, newText: `"${value.text}"` }], preferred: true }],
        });
        return;
      case 'placeholder':
        context.report('DG005', value.span, `placeholder "..." as the value of "${attribute.key.text}": write the real value`);
        return;
      case 'tuple':
        for (const element of value.elements) visitValue(element, attribute);
        return;
    }
  };

  const visitItems = (items: ItemSyntax[], parent: BlockSyntax | undefined) => {
    // Attributes seen so far in this block, by key (a Map only for large blocks).
    const seenList: AttributeSyntax[] = [];
    let seenMap: Map<string, AttributeSyntax> | undefined;
    const firstWithKey = (key: string): AttributeSyntax | undefined => {
      if (seenMap) return seenMap.get(key);
      for (const attribute of seenList) if (attribute.key.text === key) return attribute;
      return undefined;
    };
    const remember = (attribute: AttributeSyntax) => {
      if (seenMap) seenMap.set(attribute.key.text, attribute);
      else if (seenList.push(attribute) > 16) seenMap = new Map(seenList.map((a) => [a.key.text, a]));
    };
    for (const item of items) {
      if (item.kind === 'placeholder') {
        context.report('DG005', item.span, `placeholder "..." ${parent ? `inside ${blockTitle(parent)}` : 'in the file'}: replace it with real content or delete it`, {
          fixes: [{ title: 'Delete the placeholder', edits: [{ span: item.span, newText: '' }] }],
        });
      } else if (item.kind === 'attribute') {
        if (item.colon) {
          syntaxError(item.colon, `":" after "${item.key.text}": attributes use "=" (${item.key.text} = value)`, {
            title: 'Replace ":" with "="',
            span: item.colon,
            newText: ' =',
          });
        } else if (!item.hasEquals && item.value) {
          syntaxError(item.key.span, `missing "=" between "${item.key.text}" and its value`, {
            title: 'Insert "="',
            span: { start: item.key.span.end, end: item.key.span.end },
            newText: ' =',
          });
        } else if (!item.hasEquals) {
          syntaxError(item.span, `incomplete "${item.key.text}": expected "${item.key.text} = value" or a block "${item.key.text} { … }"`);
        } else if (!item.value) {
          syntaxError(item.span, `missing value for "${item.key.text}"`);
        }
        if (item.value) visitValue(item.value, item);
        const first = firstWithKey(item.key.text);
        if (first) {
          context.report('DG006', item.key.span, `attribute "${item.key.text}" is given twice in ${parent ? blockTitle(parent) : 'the file'}; keep one`, {
            related: [{ span: first.key.span, message: `first "${item.key.text}" here` }],
            fixes: [{ title: `Delete this "${item.key.text}"`, edits: [{ span: item.span, newText: '' }] }],
          });
        } else remember(item);
      } else {
        checkBlockHeader(context, item);
        visitItems(item.items, item);
      }
    }
  };
  visitItems(syntax.items, undefined);

  checkUnclosed(context);
  for (const span of syntax.unmatchedCloses) {
    context.report('DG002', span, 'unmatched "}": no block is open here', {
      fixes: [{ title: 'Delete the "}"', edits: [{ span, newText: '' }] }],
    });
  }
}

function checkBlockHeader(context: CheckContext, block: BlockSyntax): void {
  if (block.colon) {
    context.report('DG003', block.colon, `colon after the block keyword "${block.type.text}": remove it`, {
      fixes: [{ title: 'Remove the colon', edits: [{ span: block.colon, newText: '' }], preferred: true }],
    });
  }
  const kind = blockKindOf(block.type.text) ?? LEGACY_BLOCK_NAMES[block.type.text];
  if (kind) {
    const wanted = BLOCKS[kind].labels;
    if (wanted === 1 && block.labels.length === 0) {
      context.report('DG007', block.type.span, `${block.type.text} needs one label, its slug: ${block.type.text} "my-slug" {`);
    } else if (block.labels.length > wanted) {
      const extra = block.labels.slice(wanted);
      const span = { start: extra[0]!.span.start, end: extra[extra.length - 1]!.span.end };
      context.report(
        'DG007',
        span,
        wanted === 0 ? `${block.type.text} takes no label` : `${block.type.text} takes one label, not ${block.labels.length}`,
        { fixes: [{ title: 'Remove the extra labels', edits: [{ span: { start: block.labels[wanted - 1]?.span.end ?? block.type.span.end, end: span.end }, newText: '' }] }] },
      );
    }
  }
  for (const label of block.labels) {
    if (!label.quoted) {
      context.report('DG008', label.span, `label ${label.value} is not quoted; write "${label.value}"`, {
        fixes: [{ title: `Quote it: "${label.value}"`, edits: [{ span: label.span, newText: `"${label.value}"` }], preferred: true }],
      });
    }
  }
}

/**
 * DG002 for blocks still open at the end of the file. When a child starts at or left of its
 * block's own indentation, that block is the one missing its `}` (the `}` meant for it closed an
 * outer block instead), so report it rather than the outermost block.
 */
function checkUnclosed(context: CheckContext): void {
  const blocks: BlockSyntax[] = [];
  forEachBlock(context.model.syntax.items, (block) => blocks.push(block));
  const unclosed = blocks.filter((block) => !block.close);
  if (!unclosed.length) return;
  const layout = new Layout(context.lines);
  const suspects: { block: BlockSyntax; child: BlockSyntax }[] = [];
  for (const block of blocks) {
    const child = layout.startsLine(block.span.start) ? swallowedBlock(block, layout) : undefined;
    if (child) suspects.push({ block, child });
  }
  if (suspects.length) {
    for (const { block, child } of suspects) {
      context.report('DG002', block.open, `${blockTitle(block)} is not closed: "}" missing before ${blockTitle(child)}`, {
        related: [{ span: child.span, message: 'this block is indented as a sibling, not a child' }],
      });
    }
    return;
  }
  for (const block of unclosed) {
    context.report('DG002', block.open, `${blockTitle(block)} is not closed: "}" missing before the end of the file`);
  }
}

function checkTemplates(context: CheckContext, value: StringValue): void {
  if (!value.raw.includes('{')) return;
  for (const match of value.raw.matchAll(/[$%]\{/g)) {
    const start = value.contentSpan.start + match.index!;
    context.report('DG010', { start, end: start + 2 }, `"${match[0]}" in a string is literal text: Data Graph strings have no interpolation`);
  }
}

function firstLine(text: string, span: Span): Span {
  const newline = text.slice(span.start, span.end).search(/[\r\n]/);
  return newline < 0 ? span : { start: span.start, end: span.start + newline };
}

const TOKEN_NAMES: Record<string, string> = {
  block_start: '"{"',
  block_end: '"}"',
  identifier: 'a name',
  '"': 'closing quote',
  '*/': '"*/" to close this comment',
};

function describeToken(type: string): string {
  return TOKEN_NAMES[type] ?? `"${type}"`;
}

function describeText(text: string): string {
  const shown = text.length > 30 ? `${text.slice(0, 30)}…` : text;
  return shown.trim() ? `"${shown}"` : 'text';
}
