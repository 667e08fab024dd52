import type { GraphModel } from '../model/graph';
import type { Span } from '../syntax/ast';
import { LineIndex } from '../syntax/lineIndex';
import { CODES, type DiagnosticCode } from './codes';
import type { Diagnostic, Fix, RelatedInformation, Severity } from './diagnostic';

/** Per-project choices: rule severities (or `off`) and the identity types a space defines. */
export interface CheckSettings {
  severities?: Partial<Record<string, Severity | 'off'>>;
  /** Custom identity types accepted by DG405 besides the standard ones. */
  identityTypes?: readonly string[];
}

export interface ReportOptions {
  severity?: Severity;
  related?: RelatedInformation[];
  fixes?: Fix[];
  tags?: Diagnostic['tags'];
}

/** What a rule family sees: the model (with its syntax) and a sink for diagnostics. */
export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly model: GraphModel,
    readonly settings: CheckSettings,
    lines?: LineIndex,
  ) {
    this.lineIndex = lines;
  }

  private lineIndex?: LineIndex;

  get text(): string {
    return this.model.syntax.text;
  }

  get lines(): LineIndex {
    this.lineIndex ??= new LineIndex(this.text);
    return this.lineIndex;
  }

  report(code: DiagnosticCode, span: Span, message: string, options: ReportOptions = {}): void {
    this.diagnostics.push({
      code,
      severity: options.severity ?? CODES[code].severity,
      message,
      span,
      ...(options.related?.length ? { related: options.related } : {}),
      ...(options.fixes?.length ? { fixes: options.fixes } : {}),
      ...(options.tags?.length ? { tags: options.tags } : {}),
    });
  }
}

export type RuleFamily = (context: CheckContext) => void;
