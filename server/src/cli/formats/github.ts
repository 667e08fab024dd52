import type { Severity } from '../../checks/diagnostic';
import type { CheckRun } from '../check';
import { summaryLine } from './human';

/**
 * `dg check --format github`: GitHub Actions workflow commands, one line per diagnostic, which the
 * runner turns into annotations on the pull request's files (no code scanning needed):
 *
 *     ::error file=graphs/shop.dg,line=7,col=24,endLine=7,endColumn=30,title=DG300::unknown entity …
 *
 * Errors are `error`, warnings `warning`, information and hints `notice`. Lines and columns are
 * 1-based (columns in UTF-16 units, as GitHub counts them); paths are relative to the working
 * directory, so run it from the repository root. An unreadable file is one `error` on the file. The
 * summary ends the output as a plain line.
 */

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };

export function formatGithub(run: CheckRun): string {
  const lines: string[] = [];
  for (const file of run.files) {
    if (file.error !== undefined) {
      lines.push(`::error ${properties({ file: file.path, title: 'dg' })}::${data(file.error)}`);
      continue;
    }
    for (const d of file.diagnostics) {
      const { start, end } = file.lines.rangeOf(d.span);
      const where = properties({
        file: file.path,
        line: start.line + 1,
        col: start.character + 1,
        endLine: end.line + 1,
        endColumn: end.character + 1,
        title: `${d.code}`,
      });
      lines.push(`::${COMMAND[d.severity]} ${where}::${data(d.message)}`);
    }
  }
  lines.push(summaryLine(run.summary));
  return lines.join('\n') + '\n';
}

function properties(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key}=${property(String(value))}`)
    .join(',');
}

/** A workflow command's message: `%`, CR and LF escaped (as @actions/core does). */
const data = (text: string): string => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** A property value: also `:` and `,`, which end it. */
const property = (text: string): string => data(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
