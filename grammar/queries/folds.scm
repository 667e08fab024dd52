; Folds for Data Graph (.dg) files: every block, multi-line tuples, and block comments.
; Folds that start and end on the same line are ignored by editors.

(block) @fold

(tuple) @fold

((comment) @fold
  (#match? @fold "^/\\*"))
