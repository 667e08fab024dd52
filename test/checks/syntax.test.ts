import { describe, expect, it } from 'vitest';
import { fixture } from '../support/fixture';

// Syntax cases an annotated fixture cannot hold: an annotation after an unclosed `/*` is comment text.
describe('syntax diagnostics', () => {
  it('reports a block comment left open at the end of the file', async () => {
    const { analysis, text } = await fixture('data_graph {\n}\n/* never closed\nentity "x" {}\n');
    const found = analysis.diagnostics.map((d) => [d.code, d.message, text.slice(d.span.start, d.span.start + 2)]);
    expect(found).toEqual([['DG001', 'missing "*/" to close this comment', '/*']]);
  });

  it('keeps the blocks before an unclosed block comment', async () => {
    const { analysis } = await fixture('data_graph {\n  entity "a" {}\n  /* open\n');
    expect(analysis.model.entities.map((e) => e.slug)).toEqual(['a']);
  });
});

describe('syntax diagnostics at the end of the file', () => {
  it('reports a tuple left open', async () => {
    const { analysis } = await fixture('data_graph {\n  version = ["v1.0.0",');
    expect(analysis.diagnostics.filter((d) => d.code === 'DG001').map((d) => d.message)).toEqual(['missing "]"']);
  });
});
