// Text helpers shared by the renderers.

/**
 * `text` made safe to show on one line: control characters (a decoded `\n`, `\u0000`, …) become
 * spaces and lone surrogates U+FFFD, so no output format is broken by them (XML forbids both).
 */
export function printable(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** `text` cut to at most `max` characters (code points), ending with `…` when cut. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
