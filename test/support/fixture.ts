import { analyze, type Analysis } from '../../server/src/checks/analyze';
import { SyntaxDocument } from '../../server/src/syntax/document';
import { wasmParser } from './wasm';

/**
 * A `.dg` fixture with cursor markers, as in rust-analyzer: one `$0` is the cursor, two mark a
 * range. Returns the text without markers, the marker offsets and the analysis of that text.
 */
export interface Fixture {
  text: string;
  offset: number;
  /** The second marker, when the fixture marks a range. */
  end?: number;
  analysis: Analysis;
  document: SyntaxDocument;
}

export async function fixture(source: string): Promise<Fixture> {
  const { text, offset, end } = markers(source);
  const document = SyntaxDocument.parse(await wasmParser(), text);
  return { text, offset, end, analysis: analyze(document), document };
}

/** The text of a fixture without its `$0` markers, and their offsets (no parsing). */
export function markers(source: string): { text: string; offset: number; end?: number } {
  const found: number[] = [];
  let text = '';
  let rest = source;
  for (;;) {
    const at = rest.indexOf('$0');
    if (at < 0) break;
    text += rest.slice(0, at);
    found.push(text.length);
    rest = rest.slice(at + 2);
  }
  text += rest;
  return { text, offset: found[0] ?? 0, end: found[1] };
}

/** The text a span covers, for readable assertions. */
export const textOf = (text: string, span: { start: number; end: number }) => text.slice(span.start, span.end);
