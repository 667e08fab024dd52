/**
 * Expected diagnostics written into `.dg` fixtures as comments:
 *
 *     related_entity = "carts-entity"
 *   #                   ^^^^^^^^^^^^ DG300: unknown entity "carts-entity"
 *
 * The carets mark the columns of the diagnostic on the nearest line above that is not an
 * annotation; the text after `:` must occur in the message. `# expect: DG100` (optionally with a
 * message fragment) marks a diagnostic that starts anywhere on that line. `# settings: {json}` on
 * any line passes settings to the checks.
 */
export interface Expected {
  line: number;
  /** Absent for `expect:` annotations (line only). */
  startColumn?: number;
  endColumn?: number;
  code: string;
  message?: string;
}

const CARETS = /^(\s*#\s*)(\^+)\s+(DG\d{3})(?::\s*(.*))?\s*$/;
const EXPECT = /^\s*#\s*expect:\s*(DG\d{3})(?::\s*(.*))?\s*$/;
const SETTINGS = /^\s*#\s*settings:\s*(\{.*\})\s*$/;

export function readAnnotations(text: string): { expected: Expected[]; settings: Record<string, unknown> } {
  const lines = text.split(/\r\n|\r|\n/);
  const expected: Expected[] = [];
  let settings: Record<string, unknown> = {};
  let target = -1;
  lines.forEach((line, index) => {
    const carets = CARETS.exec(line);
    const expect = EXPECT.exec(line);
    const settingsMatch = SETTINGS.exec(line);
    if (carets) {
      const startColumn = carets[1]!.length;
      expected.push({
        line: target,
        startColumn,
        endColumn: startColumn + carets[2]!.length,
        code: carets[3]!,
        message: carets[4] || undefined,
      });
    } else if (expect) {
      expected.push({ line: target, code: expect[1]!, message: expect[2] || undefined });
    } else if (settingsMatch) {
      settings = JSON.parse(settingsMatch[1]!);
    } else {
      target = index;
    }
  });
  return { expected, settings };
}
