const DOCUMENT_METHODS = new Set(['textDocument/didOpen', 'textDocument/didChange', 'textDocument/didClose']);

/** The document a didOpen/didChange/didClose message is about, from its raw JSON-RPC form. */
export function documentMessageUri(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { method, params } = message as { method?: unknown; params?: unknown };
  if (typeof method !== 'string' || !DOCUMENT_METHODS.has(method)) return undefined;
  return documentUri(params);
}

/** `params.textDocument.uri` when it is a string. */
export function documentUri(params: unknown): string | undefined {
  const textDocument = (params as { textDocument?: { uri?: unknown } } | null | undefined)?.textDocument;
  const uri = typeof textDocument === 'object' && textDocument !== null ? textDocument.uri : undefined;
  return typeof uri === 'string' ? uri : undefined;
}

/**
 * Document messages read from the transport but not handled yet, per URI. The reader counts each
 * didOpen/didChange/didClose as it arrives (`received`); the handler uncounts it first thing
 * (`handled`). While handling a change, `hasNewer(uri)` then tells whether a later message about the
 * same document is already waiting in the queue: that version's diagnostics would be stale on
 * arrival, so the server checks the later version instead. No timers, no debounce: when the server
 * keeps up, every version is checked and published.
 */
export class PendingDocumentMessages {
  private readonly counts = new Map<string, number>();

  received(message: unknown): void {
    const uri = documentMessageUri(message);
    if (uri !== undefined) this.counts.set(uri, (this.counts.get(uri) ?? 0) + 1);
  }

  handled(uri: string): void {
    const count = this.counts.get(uri);
    if (count === undefined) return;
    if (count <= 1) this.counts.delete(uri);
    else this.counts.set(uri, count - 1);
  }

  hasNewer(uri: string): boolean {
    return (this.counts.get(uri) ?? 0) > 0;
  }
}
