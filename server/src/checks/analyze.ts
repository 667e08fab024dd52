import { buildModel, type GraphModel } from '../model/graph';
import type { SyntaxFile } from '../syntax/ast';
import { MAX_PARSED_LENGTH, SyntaxDocument } from '../syntax/document';
import type { DgParser } from '../syntax/parser';
import type { Diagnostic } from './diagnostic';
import { runChecks, type CheckSettings, type CrashReporter } from './index';

export interface Analysis {
  model: GraphModel;
  diagnostics: Diagnostic[];
}

const TOO_DEEP = 'blocks nested too deeply to check (thousands of levels)';

/** Model and diagnostics of one document version. */
export function analyze(document: SyntaxDocument, settings: CheckSettings = {}, onCrash?: CrashReporter): Analysis {
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  if (document.tooLarge) {
    return unchecked(document.text, `file too large to check (${mb(document.text.length)} MB; the limit is ${mb(MAX_PARSED_LENGTH)} MB)`);
  }
  if (document.tooDeep) return unchecked(document.text, TOO_DEEP);
  let model: GraphModel;
  try {
    model = buildModel(document.syntax);
  } catch (error) {
    // Reading the tree and the model recurse once per nesting level.
    if (error instanceof RangeError) return unchecked(document.text, TOO_DEEP);
    throw error;
  }
  return { model, diagnostics: runChecks(model, settings, onCrash, document.lineIndex) };
}

/**
 * The model of a text that is only compared, not checked (the baseline of `checkImpact`), its tree freed
 * at once; undefined when it is too large or nested too deeply to read, as `analyze` would report.
 */
export function modelOfText(parser: DgParser, text: string): GraphModel | undefined {
  const document = SyntaxDocument.parse(parser, text);
  try {
    if (document.tooLarge || document.tooDeep) return undefined;
    return buildModel(document.syntax);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  } finally {
    document.dispose();
  }
}

function unchecked(text: string, message: string): Analysis {
  const syntax: SyntaxFile = { text, items: [], comments: [], problems: [], unmatchedCloses: [] };
  return {
    model: buildModel(syntax),
    diagnostics: [{ code: 'DG001', severity: 'error', message, span: { start: 0, end: 0 } }],
  };
}
