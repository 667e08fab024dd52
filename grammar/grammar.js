/**
 * Tree-sitter grammar for Segment Data Graph (`.dg`) files.
 *
 * Generic HCL2 native structure (block / label / body / attribute / value), not one rule per keyword,
 * so unknown blocks and attributes parse and the server can diagnose them. Legacy and quirk forms
 * (`relationship: "x" {`, bare values, `...`, unquoted labels, a missing `=`) get nodes of their own.
 * Newlines are insignificant: one-line blocks may hold several attributes.
 */
module.exports = grammar({
  name: 'dg',

  // src/scanner.c: `missing_block_end`, zero-width at the end of the file for each block still open
  // there (a `}` always closes the innermost open block; DG002 reports the opening brace); a string
  // still open at the end of the file; unquoted labels, only on their block's line so a stray word
  // cannot swallow the next block.
  externals: ($) => [$.missing_block_end, $._error_sentinel, $._string_eof, $.unquoted_label, $._tuple_eof],

  extras: ($) => [/\s/, /\uFEFF/, $.comment, $.unterminated_comment],

  conflicts: ($) => [
    // `key = word`: `word` is either an unquoted value or the key of the next attribute when the
    // value is missing (`name =` then a new line). The parse that survives wins.
    [$.attribute],
  ],

  rules: {
    // A `}` with no open block is kept as its own node (DG002).
    source_file: ($) => repeat(choice($._item, $.unmatched_block_end)),

    unmatched_block_end: (_) => '}',

    _item: ($) => choice($.block, $.attribute, $.placeholder),

    block: ($) =>
      seq(
        field('type', $.identifier),
        optional(field('colon', $.colon)),
        repeat(field('label', choice($.string, $.unquoted_label))),
        field('open', $.block_start),
        optional(field('body', $.body)),
        field('close', choice($.block_end, $.missing_block_end)),
      ),

    body: ($) => repeat1($._item),

    block_start: (_) => '{',
    block_end: (_) => '}',
    colon: (_) => ':',

    attribute: ($) =>
      choice(
        seq(field('key', $.identifier), field('operator', '='), optional(field('value', $._value))),
        // Missing `=` (recovery form, DG001): only before a quoted value, so it cannot be a block.
        prec.dynamic(-1, seq(field('key', $.identifier), field('value', $.string))),
        // Only a key (half-typed, DG001).
        prec.dynamic(-2, field('key', $.identifier)),
        // `key: value` (recovery form).
        prec.dynamic(-1, seq(field('key', $.identifier), field('colon', $.colon), field('value', $._value))),
      ),

    _value: ($) =>
      choice(
        $.string,
        $.number,
        $.bool,
        $.unquoted_value,
        alias($.identifier, $.unquoted_value),
        $.tuple,
        $.placeholder,
      ),

    // A tuple still open at the end of the file ends there (zero width), like a block.
    tuple: ($) =>
      seq(
        '[',
        optional(seq($._value, repeat(seq(',', $._value)), optional(','))),
        choice(']', alias($._tuple_eof, $.missing_tuple_end)),
      ),

    // `...` as a line in a body or as a value: a placeholder copied from documentation (DG005).
    placeholder: (_) => '...',

    // A string that reaches the end of its line unclosed ends there (DG001) instead of swallowing
    // the lines below it.
    string: ($) =>
      seq(
        '"',
        repeat(choice($.string_content, $.escape_sequence)),
        choice('"', alias(token.immediate(/\\?\r?\n/), $.unterminated), alias($._string_eof, $.unterminated)),
      ),

    string_content: (_) => token.immediate(prec(1, /[^"\\\r\n]+/)),

    escape_sequence: (_) =>
      token.immediate(/\\(["\\\/bfnrt]|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[^\r\n])/),

    number: (_) => /-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/,

    bool: (_) => choice('true', 'false'),

    // A value written without quotes, such as `segment:materialized` (DG004). A plain word is an
    // `identifier` aliased to this node; this token holds the words with `:`, `.`, `/` or `@`.
    unquoted_value: (_) => /[A-Za-z_][A-Za-z0-9_\-]*[:.\/@][A-Za-z0-9_\-:.\/@]*/,

    identifier: (_) => /[A-Za-z_][A-Za-z0-9_\-]*/,

    // `/*` never closed: a comment to the end of the file (DG001) rather than an ERROR over it.
    unterminated_comment: (_) => token(seq('/*', /([^*]|\*+[^*\/])*\**/)),

    comment: (_) =>
      token(choice(seq('#', /[^\r\n]*/), seq('//', /[^\r\n]*/), seq('/*', /[^*]*\*+([^/*][^*]*\*+)*/, '/'))),
  },
});
