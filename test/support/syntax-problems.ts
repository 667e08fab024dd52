/**
 * Finds every sign that text is not clean `.dg`: ERROR and MISSING nodes, plus the grammar's own
 * recovery forms (which are not ERROR nodes): an unclosed block at end of file, an unmatched `}`, an
 * unterminated string, a `...` placeholder, an unquoted value or label, `relationship:` with a colon,
 * an attribute without `=`. Works on web-tree-sitter and native trees alike (a TreeCursor walk).
 */

/** Node types the grammar produces only for broken or legacy text. */
export const RECOVERY_NODE_TYPES: ReadonlySet<string> = new Set([
  'ERROR',
  'missing_block_end',
  'unmatched_block_end',
  'unterminated',
  'unterminated_comment',
  'placeholder',
  'unquoted_value',
  'unquoted_label',
  'colon',
]);

/** The parts of a TreeCursor both web-tree-sitter and the native binding provide. */
interface Cursor {
  readonly nodeType: string;
  readonly nodeIsMissing: boolean;
  readonly startIndex: number;
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
}

export interface SyntaxProblem {
  type: string;
  startIndex: number;
}

/** Up to `limit` problems in the tree under `cursor` (a fresh `rootNode.walk()`). */
export function syntaxProblems(cursor: Cursor, limit = 20): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  const report = (type: string) => problems.push({ type, startIndex: cursor.startIndex });
  for (;;) {
    const type = cursor.nodeType;
    if (cursor.nodeIsMissing) report(`MISSING ${type}`);
    else if (RECOVERY_NODE_TYPES.has(type)) report(type);
    else if (type === 'attribute') {
      // The recovery form `key "value"` has no `=` child.
      let hasOperator = false;
      if (cursor.gotoFirstChild()) {
        do if (cursor.nodeType === '=') hasOperator = true;
        while (!hasOperator && cursor.gotoNextSibling());
        cursor.gotoParent();
      }
      if (!hasOperator) report('attribute without =');
    }
    if (problems.length >= limit) return problems;
    if (type !== 'ERROR' && cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return problems;
  }
}
