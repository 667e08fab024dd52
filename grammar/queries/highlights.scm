; Highlights for Data Graph (.dg) files.
;
; Every node gets at most one capture, so the result is the same whether the
; consumer lets the first matching pattern win (tree-sitter highlight, Helix)
; or the last one (Neovim).

; Comments: #, // and /* */
(comment) @comment

; Block types: the language's keywords, and anything else (unknown or legacy
; spellings such as `traits` or `Junction_table`, diagnosed by the server).
(block
  type: (identifier) @keyword
  (#any-of? @keyword
    "data_graph" "entity" "profile" "relationship" "external_id" "trait" "junction_table"))

(block
  type: (identifier) @type
  (#not-any-of? @type
    "data_graph" "entity" "profile" "relationship" "external_id" "trait" "junction_table"))

; Block labels (slugs), quoted or not.
(block
  label: (string) @label)

(block
  label: (unquoted_label) @label)

; Attribute keys
(attribute
  key: (identifier) @property)

; Values
(attribute
  value: (string) @string)

(tuple
  (string) @string)

(escape_sequence) @string.escape

(number) @number

(bool) @boolean

; Legacy and broken forms (the server reports them as errors)
(unquoted_value) @error ; DG004: `type = segment:materialized`

(placeholder) @error ; DG005: `...` copied from documentation

(colon) @error ; DG003: `relationship: "x" {`

(unmatched_block_end) @error ; DG002: `}` with no open block

(unterminated) @error ; DG001: string not closed before the end of the line

; Punctuation
[
  (block_start)
  (block_end)
  "["
  "]"
] @punctuation.bracket

"," @punctuation.delimiter

"=" @operator
