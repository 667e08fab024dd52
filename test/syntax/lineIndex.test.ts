import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineIndex } from '../../server/src/syntax/lineIndex';

describe('LineIndex', () => {
  it('counts \\n, \\r\\n and \\r as line breaks, in UTF-16 units', () => {
    const lines = new LineIndex('a\r\nbé😀\rc\nd');
    expect(lines.lineCount).toBe(4);
    expect(lines.positionAt(5)).toEqual({ line: 1, character: 2 });
    expect(lines.offsetAt({ line: 2, character: 0 })).toBe(8);
    expect(lines.lineText(1)).toBe('bé😀');
    expect(lines.offsetAt({ line: 0, character: 99 })).toBe(1);
  });

  it('derived after an edit equals one built from scratch', () => {
    const piece = fc.constantFrom('a', 'é', '😀', '\n', '\r', '\r\n', ' ', '"');
    const text = fc.array(piece, { maxLength: 40 }).map((p) => p.join(''));
    fc.assert(
      fc.property(text, text, fc.nat(), fc.nat({ max: 10 }), (before, inserted, at, length) => {
        const start = at % (before.length + 1);
        const oldEnd = Math.min(before.length, start + length);
        const after = before.slice(0, start) + inserted + before.slice(oldEnd);
        const derived = new LineIndex(before).edited(after, start, oldEnd, start + inserted.length);
        const fresh = new LineIndex(after);
        for (let offset = 0; offset <= after.length; offset++) {
          expect(derived.positionAt(offset)).toEqual(fresh.positionAt(offset));
        }
        expect(derived.lineCount).toBe(fresh.lineCount);
      }),
      { numRuns: 500 },
    );
  });
});
