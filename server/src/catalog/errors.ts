/**
 * Why a catalog could not be had. Every provider and the configuration reader fail with a
 * `CatalogError`, never with a raw exception: the server and the CLI turn it into one DG607 (the
 * reason and what to do) and keep every other feature working. Messages never hold a secret: build them
 * from names (an environment variable's name, a file path, a host), and pass driver messages through
 * `redact` first.
 */
export type CatalogErrorKind =
  /** dg.config.json is unreadable or invalid. */
  | 'config'
  /** The catalog file (or DuckDB file) does not exist. */
  | 'not-found'
  /** The file exists but could not be read. */
  | 'unreadable'
  /** The file is not JSON, or not a dbt catalog or dg snapshot of a known shape. */
  | 'malformed'
  /** A snapshot written by a newer dg, or a warehouse type this build does not know. */
  | 'unsupported'
  /** The warehouse's driver package is not installed. */
  | 'driver-missing'
  /** The warehouse did not answer (down, wrong host or port, unknown database). */
  | 'unreachable'
  /** The warehouse refused the credentials. */
  | 'auth'
  /** No answer within the timeout. */
  | 'timeout'
  /** The caller cancelled. */
  | 'cancelled';

export class CatalogError extends Error {
  override readonly name = 'CatalogError';

  constructor(
    readonly kind: CatalogErrorKind,
    /** One sentence: what went wrong, naming the file or setting. */
    readonly reason: string,
    /** What to do about it, if there is something. */
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(hint ? `${reason} ${hint}` : reason, options);
  }
}

export const isCatalogError = (error: unknown): error is CatalogError => error instanceof CatalogError;

/**
 * `error` as a CatalogError: itself, a cancellation (an AbortError), or `fallback` with the error's
 * message, secrets removed.
 */
export function toCatalogError(
  error: unknown,
  fallback: CatalogErrorKind,
  context: string,
  secrets: readonly string[] = [],
): CatalogError {
  if (error instanceof CatalogError) return error;
  if (isAbort(error)) return new CatalogError('cancelled', `${context}: cancelled.`);
  const message = error instanceof Error ? error.message : String(error);
  return new CatalogError(fallback, `${context}: ${redact(message, secrets)}`);
}

const isAbort = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'AbortError' || (error as { code?: unknown }).code === 'ABORT_ERR');

/**
 * Removes secrets from text meant for messages or logs: each of `secrets` (and its URL-decoded form),
 * and the password of any `scheme://user:password@host` URL.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  // Each secret and its decoded form; a URL secret is shown with its password masked (the host helps).
  const replacements = new Map<string, string>();
  for (const secret of secrets) {
    if (!secret) continue;
    const shown = maskPassword(secret);
    const masked = shown !== secret ? shown : '***';
    replacements.set(secret, masked);
    try {
      const decoded = decodeURIComponent(secret);
      if (!replacements.has(decoded)) replacements.set(decoded, masked);
    } catch {
      // not URL-encoded
    }
    // The password inside a secret URL, on its own (drivers quote it in messages).
    for (const password of passwordsOf(secret)) if (!replacements.has(password)) replacements.set(password, '***');
  }
  let out = text;
  for (const [value, replacement] of [...replacements].sort((a, b) => b[0].length - a[0].length)) {
    if (value.length >= 3) out = out.split(value).join(replacement);
  }
  return maskPassword(out);
}

const maskPassword = (text: string): string => text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]*@/gi, '$1:***@');

/** `postgres://user:***@host/db`: a URL fit to show. */
export function maskUrl(url: string): string {
  return redact(url);
}

function passwordsOf(url: string): string[] {
  let password: string;
  try {
    password = new URL(url).password;
  } catch {
    return [];
  }
  if (!password) return [];
  try {
    return [password, decodeURIComponent(password)];
  } catch {
    return [password];
  }
}
