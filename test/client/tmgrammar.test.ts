import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/wasm';
import { tokenize, type Token } from './tokenize';

// The TextMate grammar (syntaxes/dg.tmLanguage.json) tokenized as VS Code does; each test names the
// token by its text (and, where the text repeats, the line it is on) and checks its innermost scope.

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
const FIXTURE = read('test/client/fixtures/highlighting.dg');

/** The `nth` token whose text is `text`, on the first line containing `onLine` if given. */
function token(tokens: Token[], text: string, onLine?: string, nth = 0): Token {
  const lines = FIXTURE.split('\n');
  const line = onLine === undefined ? undefined : lines.findIndex((l) => l.includes(onLine));
  if (line === -1) throw new Error(`no line contains ${JSON.stringify(onLine)}`);
  const found = tokens.filter((t) => t.text === text && (line === undefined || t.line === line))[nth];
  if (!found) throw new Error(`no token ${JSON.stringify(text)}${onLine ? ` on the line with ${JSON.stringify(onLine)}` : ''}`);
  return found;
}

/** The innermost scope of that token. */
const scope = (tokens: Token[], text: string, onLine?: string, nth = 0) => token(tokens, text, onLine, nth).scopes.at(-1);

describe('TextMate grammar (source.dg)', () => {
  let tokens: Token[] = [];
  beforeAll(async () => {
    tokens = await tokenize(FIXTURE);
  });

  it('scopes every token under source.dg', () => {
    expect(tokens.every((t) => t.scopes[0] === 'source.dg')).toBe(true);
  });

  it('marks the block keywords, and tells legacy and unknown block types apart', async () => {
    for (const keyword of ['data_graph', 'entity', 'profile', 'relationship', 'external_id', 'junction_table']) {
      expect(scope(tokens, keyword), keyword).toBe('keyword.other.block.dg');
    }
    expect(scope(tokens, 'traits')).toBe('invalid.deprecated.block.dg');
    const other = (await tokenize('widget "w" {\n}')).find((t) => t.text === 'widget');
    expect(other?.scopes.at(-1)).toBe('entity.name.type.block.dg');
    const trait = (await tokenize('trait {\n  name = "x"\n}')).find((t) => t.text === 'trait');
    expect(trait?.scopes.at(-1)).toBe('keyword.other.block.dg');
  });

  it('marks block labels as names: entity slugs, relationship slugs, unquoted labels', () => {
    const label = token(tokens, 'cart-entity', 'entity "cart-entity"');
    expect(label.scopes).toEqual(['source.dg', 'string.quoted.double.label.dg', 'entity.name.type.entity.dg']);
    expect(scope(tokens, '"', 'entity "cart-entity"')).toBe('punctuation.definition.string.begin.dg');
    expect(scope(tokens, 'cart-products')).toBe('entity.name.function.relationship.dg');
    expect(token(tokens, 'unquoted_label').scopes).toEqual([
      'source.dg',
      'entity.name.type.entity.dg',
      'invalid.deprecated.unquoted-label.dg',
    ]);
  });

  it('marks attribute keys and the assignment', () => {
    expect(token(tokens, 'table_ref').scopes).toEqual(['source.dg', 'meta.attribute.dg', 'variable.other.property.dg']);
    expect(scope(tokens, 'primary_key')).toBe('variable.other.property.dg');
    expect(scope(tokens, '=', 'table_ref')).toBe('keyword.operator.assignment.dg');
    // A one-line block: the key after `{`, and the `}` that closes the block, not the value.
    expect(scope(tokens, 'type', 'external_id')).toBe('variable.other.property.dg');
    expect(scope(tokens, '}', 'external_id')).toBe('punctuation.section.block.end.dg');
  });

  it('splits join strings into entity prefixes and columns', () => {
    const line = 'join_on        = "cart-entity.id';
    expect(scope(tokens, 'cart-entity', line)).toBe('entity.name.type.entity.dg');
    expect(token(tokens, 'cart-entity', line).scopes).toContain('string.quoted.double.join.dg');
    expect(scope(tokens, '.', line)).toBe('punctuation.accessor.dot.dg');
    expect(scope(tokens, 'id', line)).toBe('variable.other.column.dg');
    expect(scope(tokens, '=', line, 1)).toBe('keyword.operator.comparison.dg');
    expect(scope(tokens, 'item-entity', line)).toBe('entity.name.type.entity.dg');
    expect(scope(tokens, 'cart_id', line)).toBe('variable.other.column.dg');
    // Junction joins: one side is a bare junction column.
    expect(scope(tokens, 'cart_id', 'left_join_on')).toBe('variable.other.column.dg');
    expect(scope(tokens, 'product_sku', 'right_join_on')).toBe('variable.other.column.dg');
    expect(scope(tokens, 'product-entity', 'right_join_on')).toBe('entity.name.type.entity.dg');
    expect(scope(tokens, 'sku', 'right_join_on')).toBe('variable.other.column.dg');
    // Other strings are not split.
    expect(scope(tokens, 'PRODUCTION.CUST.CART')).toBe('string.quoted.double.dg');
    // related_entity names an entity slug.
    expect(scope(tokens, 'cart-entity', 'related_entity = "cart-entity"')).toBe('entity.name.type.entity.dg');
  });

  it('marks the three comment forms, and dg-ignore directives in them', () => {
    expect(scope(tokens, ' a double-slash comment')).toBe('comment.line.double-slash.dg');
    expect(scope(tokens, '//')).toBe('punctuation.definition.comment.dg');
    expect(scope(tokens, '/*')).toBe('punctuation.definition.comment.begin.dg');
    expect(token(tokens, '   comment ').scopes).toEqual(['source.dg', 'comment.block.dg']);
    expect(scope(tokens, ' region Entities')).toBe('comment.line.number-sign.dg');
    expect(scope(tokens, '#', 'region Entities')).toBe('punctuation.definition.comment.dg');
    expect(scope(tokens, 'dg-ignore')).toBe('keyword.other.directive.dg-ignore.dg');
    expect(scope(tokens, 'DG004')).toBe('constant.other.diagnostic-code.dg');
    // A comment after a value belongs to the comment, not the value.
    expect(token(tokens, 'dg-ignore').scopes).toContain('comment.line.number-sign.dg');
  });

  it('marks escapes, invalid escapes and template sequences in strings', () => {
    expect(token(tokens, '\\"').scopes).toEqual([
      'source.dg',
      'meta.attribute.dg',
      'string.quoted.double.dg',
      'constant.character.escape.dg',
    ]);
    expect(scope(tokens, '\\u00e9')).toBe('constant.character.escape.dg');
    expect(scope(tokens, '\\q')).toBe('invalid.illegal.escape.dg');
    expect(scope(tokens, '${')).toBe('invalid.deprecated.template.dg');
    expect(scope(tokens, '$${')).toBe('constant.character.escape.template.dg');
  });

  it('marks booleans and numbers', () => {
    expect(scope(tokens, 'true')).toBe('constant.language.boolean.dg');
    expect(scope(tokens, '1.5e3')).toBe('constant.numeric.dg');
  });

  it('marks the legacy forms: unquoted values, the keyword colon, the ... placeholder', () => {
    expect(token(tokens, 'segment:materialized').scopes).toEqual([
      'source.dg',
      'meta.attribute.dg',
      'invalid.deprecated.unquoted-value.dg',
    ]);
    expect(scope(tokens, ':', 'relationship:')).toBe('invalid.deprecated.colon.dg');
    expect(scope(tokens, 'user-carts')).toBe('entity.name.function.relationship.dg');
    expect(scope(tokens, '...')).toBe('invalid.deprecated.placeholder.dg');
  });

  it('keeps an unterminated string or label from spilling onto the next line', async () => {
    const broken = await tokenize('  name = "open\n  table_ref = "x"\n  entity "half\n  primary_key = "id"');
    expect(broken.find((t) => t.text === 'table_ref')?.scopes.at(-1)).toBe('variable.other.property.dg');
    expect(broken.find((t) => t.text === 'entity')?.scopes.at(-1)).toBe('keyword.other.block.dg');
    expect(broken.find((t) => t.text === 'primary_key')?.scopes.at(-1)).toBe('variable.other.property.dg');
  });

  it('finds nothing invalid in the complete example, and the legacy forms in the broken one', async () => {
    const complete = await tokenize(read('examples/complete.dg'));
    expect(complete.filter((t) => t.scopes.some((s) => s.startsWith('invalid.'))).map((t) => t.text)).toEqual([]);
    const broken = await tokenize(read('examples/broken/broken.dg'));
    const invalid = broken.filter((t) => t.scopes.some((s) => s.startsWith('invalid.'))).map((t) => t.text);
    expect(invalid).toEqual(['...', 'segment:materialized', ':']);
  });
});
