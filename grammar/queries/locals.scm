; Locals for Data Graph (.dg) files.
;
; Entity slugs are global to the file (the profile may come before the entities it
; references), so the only scope is the file. Entity labels define names;
; `related_entity` values refer to them.
;
; tree-sitter-tags reads this file too and rejects helper captures such as `@_key`,
; so the definitions are matched by position (a labelled block directly inside the
; top-level block: an entity of `data_graph`), and the one key test uses `@name`,
; which tags and highlighters ignore in locals patterns.

(source_file) @local.scope

(source_file
  (block
    body: (body
      (block
        label: (string
          (string_content) @local.definition)))))

(source_file
  (block
    body: (body
      (block
        label: (unquoted_label) @local.definition))))

(attribute
  key: (identifier) @name
  value: (string
    (string_content) @local.reference)
  (#eq? @name "related_entity"))
