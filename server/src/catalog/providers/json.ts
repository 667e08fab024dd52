import { CatalogError } from '../errors';

/**
 * Reading an untrusted JSON value with errors that say where: `target/catalog.json: nodes["model.x"].
 * metadata.name must be a string (found null)`. Every failure is a `CatalogError` of kind `malformed`.
 */
export class JsonShape {
  constructor(
    /** The file, as messages name it. */
    readonly file: string,
    readonly hint?: string,
  ) {}

  fail(path: string, problem: string): never {
    throw new CatalogError('malformed', `${this.file}: ${path ? `${path} ` : ''}${problem}.`, this.hint);
  }

  object(value: unknown, path: string): Record<string, unknown> {
    if (!isObject(value)) this.fail(path, `must be an object (found ${describe(value)})`);
    return value;
  }

  array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) this.fail(path, `must be an array (found ${describe(value)})`);
    return value;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string') this.fail(path, `must be a string (found ${describe(value)})`);
    return value;
  }

  nonEmpty(value: unknown, path: string): string {
    const text = this.string(value, path);
    if (text === '') this.fail(path, 'must not be empty');
    return text;
  }

  optionalString(value: unknown, path: string): string | undefined {
    return value === undefined || value === null ? undefined : this.string(value, path);
  }

  optionalBoolean(value: unknown, path: string): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') this.fail(path, `must be true or false (found ${describe(value)})`);
    return value;
  }
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value's kind for messages, never its content beyond a short scalar. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return value.length > 40 ? 'a long string' : JSON.stringify(value);
  return String(value);
}

/** `a.b`, `a["odd key"]`, `a[3]`. */
export function member(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}

/** JSON text to a value; a syntax error names the line and column. */
export function parseJson(text: string, file: string, hint?: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new CatalogError('malformed', `${file} is empty.`, hint);
  try {
    return JSON.parse(body);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /position (\d+)/.exec(message);
    let where = '';
    if (at) {
      const offset = Number(at[1]);
      const before = body.slice(0, offset).split(/\r\n|\r|\n/);
      where = ` at line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
    }
    const what = message.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '');
    throw new CatalogError('malformed', `${file} is not valid JSON${where}: ${what}.`, hint);
  }
}
