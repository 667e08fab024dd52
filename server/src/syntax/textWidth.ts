/**
 * Display width of text in a monospaced font (a terminal, an editor): what lines things up for the
 * eye, where UTF-16 offsets do not (a CJK character or an emoji takes two columns, a combining mark
 * none). An approximation of Unicode's East Asian Width, with no grapheme clustering (an emoji
 * sequence joined by U+200D counts each of its emoji); shared by the CLI's human output (its caret
 * lines) and the formatter (its aligned trailing comments), so it lives in the lowest layer.
 */

/** Terminal columns of a code point: 0 for combining marks and zero-width ones, 2 for wide ones. */
export function charWidth(cp: number): number {
  if (
    (cp >= 0x0300 && cp <= 0x036f) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x20d0 && cp <= 0x20ff) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    cp === 0xfeff ||
    (cp >= 0xe0100 && cp <= 0xe01ef)
  ) {
    return 0;
  }
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x231a && cp <= 0x231b) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f680 && cp <= 0x1f6ff) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Columns of `text[start, end)` (UTF-16 offsets), code point by code point (`charWidth`). */
export function displayWidth(text: string, start = 0, end = text.length): number {
  let width = 0;
  for (let i = start; i < end; ) {
    const cp = text.codePointAt(i)!;
    width += charWidth(cp);
    i += cp > 0xffff ? 2 : 1;
  }
  return width;
}
