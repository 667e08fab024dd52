; Tags for Data Graph (.dg) files: entities and relationships are definitions
; (named by their slug), `related_entity` values are references to entities.
;
; tree-sitter-tags accepts no helper captures, so the block type and the attribute
; key are matched on the text of the tagged node itself (it starts with them).

((block
  label: [
    (string
      (string_content) @name)
    (unquoted_label) @name
  ]) @definition.entity
  (#match? @definition.entity "^entity[^A-Za-z0-9_-]"))

((block
  label: [
    (string
      (string_content) @name)
    (unquoted_label) @name
  ]) @definition.relationship
  (#match? @definition.relationship "^relationship[^A-Za-z0-9_-]"))

((attribute
  value: (string
    (string_content) @name)) @reference.entity
  (#match? @reference.entity "^related_entity[^A-Za-z0-9_-]"))
