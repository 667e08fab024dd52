// External scanner for tree-sitter-dg. Stateless.
// - MISSING_BLOCK_END: at the end of the file, closes each block left open with a zero-width token,
//   so an unclosed block keeps its node (and its contents) instead of the file becoming an ERROR.
// - STRING_EOF, TUPLE_EOF: a string or tuple still open at the end of the file ends there (zero width).
// - UNQUOTED_LABEL: a bare-word label, only on the same line as its block type, so a stray word
//   (or a block typed without its `{`) cannot take the next line's block as its labels.
#include "tree_sitter/parser.h"

enum TokenType { MISSING_BLOCK_END, ERROR_SENTINEL, STRING_EOF, UNQUOTED_LABEL, TUPLE_EOF };

void *tree_sitter_dg_external_scanner_create(void) { return NULL; }
void tree_sitter_dg_external_scanner_destroy(void *payload) { (void)payload; }
unsigned tree_sitter_dg_external_scanner_serialize(void *payload, char *buffer) {
  (void)payload;
  (void)buffer;
  return 0;
}
void tree_sitter_dg_external_scanner_deserialize(void *payload, const char *buffer, unsigned length) {
  (void)payload;
  (void)buffer;
  (void)length;
}

static bool is_identifier_start(int32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static bool is_identifier_char(int32_t c) { return is_identifier_start(c) || (c >= '0' && c <= '9') || c == '-'; }

bool tree_sitter_dg_external_scanner_scan(void *payload, TSLexer *lexer, const bool *valid_symbols) {
  (void)payload;
  // During error recovery every symbol is valid: never invent tokens then.
  if (valid_symbols[ERROR_SENTINEL]) return false;
  if (valid_symbols[STRING_EOF] && lexer->eof(lexer)) {
    lexer->result_symbol = STRING_EOF;
    return true;
  }
  if (valid_symbols[TUPLE_EOF]) {
    while (lexer->lookahead == ' ' || lexer->lookahead == '\t' || lexer->lookahead == '\r' ||
           lexer->lookahead == '\n' || lexer->lookahead == 0xFEFF) {
      lexer->advance(lexer, true);
    }
    if (lexer->eof(lexer)) {
      lexer->result_symbol = TUPLE_EOF;
      return true;
    }
  }
  if (valid_symbols[UNQUOTED_LABEL]) {
    while (lexer->lookahead == ' ' || lexer->lookahead == '\t' || lexer->lookahead == 0xFEFF) {
      lexer->advance(lexer, true);
    }
    if (is_identifier_start(lexer->lookahead)) {
      while (is_identifier_char(lexer->lookahead)) lexer->advance(lexer, false);
      lexer->mark_end(lexer);
      lexer->result_symbol = UNQUOTED_LABEL;
      return true;
    }
  }
  if (!valid_symbols[MISSING_BLOCK_END]) return false;
  while (lexer->lookahead == ' ' || lexer->lookahead == '\t' || lexer->lookahead == '\r' ||
         lexer->lookahead == '\n' || lexer->lookahead == 0xFEFF) {
    lexer->advance(lexer, true);
  }
  if (!lexer->eof(lexer)) return false;
  lexer->result_symbol = MISSING_BLOCK_END;
  return true;
}
