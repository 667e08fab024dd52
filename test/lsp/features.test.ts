// The editor features through the stdio server, one block per advertised capability, with the
// client capabilities VS Code sends (plus a few answers for clients that lack them).
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CodeActionKind,
  CompletionItemKind,
  DocumentFormattingRequest,
  DocumentHighlightKind,
  DocumentRangeFormattingRequest,
  InsertTextFormat,
  InsertTextMode,
  LSPErrorCodes,
  MarkupKind,
  ResponseError,
  SymbolKind,
  type CodeAction,
  type CompletionItem,
  type CompletionList,
  type DocumentSymbol,
  type Hover,
  type LocationLink,
  type MarkupContent,
  type Range,
  type SelectionRange,
  type SemanticTokensLegend,
  type SymbolInformation,
  type TextDocumentEdit,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { applyEdits, ensureBuilt, LspClient, positionAt, rangeAt, VSCODE_CAPABILITIES } from '../support/lspClient';
import { UNQUOTED } from './texts';

/** A valid graph with a join string naming both entities (no diagnostics). */
const GRAPH = `data_graph {
  version = "v1.0.0"

  entity "account" {
    name        = "Account"
    table_ref   = "prod.public.accounts"
    primary_key = "id"
  }

  entity "cart" {
    name        = "Cart"
    table_ref   = "prod.public.carts"
    primary_key = "id"
  }

  profile {
    profile_folder = "prod.segment"
    type           = "segment:materialized"

    relationship "accounts" {
      name           = "Accounts"
      related_entity = "account"
      external_id {
        type     = "email"
        join_key = "email"
      }
      relationship "carts" {
        name           = "Carts"
        related_entity = "cart"
        join_on        = "account.id = cart.account_id"
      }
    }
  }
}
`;

let counter = 0;
const nextUri = (name: string) => `file:///work/features/${name}-${++counter}.dg`;

/** Offset of `marker` in `text` (the `nth` occurrence, 0-based) plus `delta`. */
function offsetOf(text: string, marker: string, delta = 0, nth = 0): number {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(marker, at + 1);
    if (at < 0) throw new Error(`"${marker}" (#${nth}) not in the text`);
  }
  return at + delta;
}
const positionOf = (text: string, marker: string, delta = 0, nth = 0) => positionAt(text, offsetOf(text, marker, delta, nth));
/** The range of `word` where it occurs at `marker` (`word` inside `marker`). */
function rangeOf(text: string, marker: string, word: string, nth = 0): Range {
  const start = offsetOf(text, marker, marker.indexOf(word), nth);
  return rangeAt(text, start, start + word.length);
}
const textIn = (text: string, range: Range) => {
  const lines = text.split('\n');
  if (range.start.line !== range.end.line) throw new Error(`multi-line range ${JSON.stringify(range)}`);
  return lines[range.start.line]!.slice(range.start.character, range.end.character);
};

/** The edits of a one-document WorkspaceEdit, whichever form it takes. */
function editsOf(edit: WorkspaceEdit | null | undefined, uri: string): TextEdit[] {
  expect(edit).toBeTruthy();
  if (edit!.documentChanges) {
    const changes = edit!.documentChanges as TextDocumentEdit[];
    expect(changes).toHaveLength(1);
    expect(changes[0]!.textDocument.uri).toBe(uri);
    return changes[0]!.edits as TextEdit[];
  }
  return edit!.changes![uri]!;
}

async function rejection(promise: Promise<unknown>): Promise<ResponseError<unknown>> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ResponseError);
    return error as ResponseError<unknown>;
  }
  throw new Error('expected the request to fail');
}

/** Relative semantic tokens, decoded with the server's legend. */
function decodeTokens(data: number[], legend: SemanticTokensLegend) {
  const tokens: { line: number; character: number; length: number; type: string; modifiers: string[] }[] = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i < data.length; i += 5) {
    const [deltaLine, deltaStart, length, type, bits] = data.slice(i, i + 5) as [number, number, number, number, number];
    line += deltaLine;
    character = deltaLine ? deltaStart : character + deltaStart;
    tokens.push({
      line,
      character,
      length,
      type: legend.tokenTypes[type]!,
      modifiers: legend.tokenModifiers.filter((_, bit) => (bits & (1 << bit)) !== 0),
    });
  }
  return tokens;
}

/** Each range of a selection chain, innermost first. */
function chainOf(range: SelectionRange): Range[] {
  const out: Range[] = [];
  for (let at: SelectionRange | undefined = range; at; at = at.parent) out.push(at.range);
  return out;
}
const contains = (outer: Range, inner: Range) =>
  (outer.start.line < inner.start.line || (outer.start.line === inner.start.line && outer.start.character <= inner.start.character)) &&
  (outer.end.line > inner.end.line || (outer.end.line === inner.end.line && outer.end.character >= inner.end.character));

const clients: LspClient[] = [];
async function startClient(options: Parameters<typeof LspClient.start>[0]): Promise<LspClient> {
  const client = await LspClient.start(options);
  clients.push(client);
  return client;
}

let vscode: LspClient;
let plain: LspClient;
beforeAll(async () => {
  ensureBuilt();
  [vscode, plain] = await Promise.all([
    startClient({ settings: {}, capabilities: VSCODE_CAPABILITIES }),
    // A bare client: no snippets, no markdown, no hierarchical symbols, no documentChanges.
    startClient({ settings: {} }),
  ]);
}, 180_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
});

/** Opens `text` in `client` and waits for its first diagnostics (so the version is checked). */
async function opened(client: LspClient, name: string, text: string): Promise<string> {
  const uri = nextUri(name);
  await client.open(uri, text, 1);
  await client.diagnosticsOf(uri, 1);
  return uri;
}

describe('textDocument/completion', () => {
  it('lists entity slugs inside related_entity quotes, replacing only the text between them', async () => {
    const text = GRAPH.replace('related_entity = "cart"', 'related_entity = "ca"');
    const uri = await opened(vscode, 'complete-entity', text);
    const cursor = positionOf(text, '"ca"', 3);
    const list = (await vscode.completion(uri, cursor)) as CompletionList;
    expect(list.isIncomplete).toBe(false);
    expect(list.items.map((i) => i.label)).toEqual(['account', 'cart']);
    const cart = list.items.find((i) => i.label === 'cart')!;
    expect(cart.kind).toBe(CompletionItemKind.Class);
    expect(cart.textEdit).toEqual({ range: rangeOf(text, '"ca"', 'ca'), newText: 'cart' });
    expect(cart.insertTextFormat).toBe(InsertTextFormat.PlainText);
    expect(cart.insertTextMode).toBe(InsertTextMode.asIs);
    expect(cart.detail).toContain('prod.public.carts');
    expect((cart.documentation as MarkupContent).kind).toBe(MarkupKind.Markdown);
    expect(list.items.map((i) => i.sortText)).toEqual([...list.items.map((i) => i.sortText!)].sort());
  });

  it('answers on broken text: an unterminated related_entity string at the end of the file', async () => {
    const text = `data_graph {
  entity "account" {
    name      = "Account"
    table_ref = "prod.public.accounts"
  }
  profile {
    relationship "r" {
      related_entity = "acc`;
    const uri = await opened(vscode, 'complete-broken', text);
    const list = (await vscode.completion(uri, positionAt(text, text.length))) as CompletionList;
    expect(list.items.map((i) => i.label)).toEqual(['account']);
    const range = (list.items[0]!.textEdit as TextEdit).range;
    expect(range).toEqual(rangeAt(text, text.length - 3, text.length));
    expect(textIn(text, range)).toBe('acc');
  });

  it('offers block snippets as snippets to insert as they are (they carry their indentation)', async () => {
    const text = `data_graph {\n  profile {\n    rel\n  }\n}\n`;
    const uri = await opened(vscode, 'complete-snippet', text);
    const list = (await vscode.completion(uri, positionOf(text, 'rel', 3))) as CompletionList;
    const item = list.items.find((i) => i.label === 'relationship')!;
    expect(item.kind).toBe(CompletionItemKind.Keyword);
    expect(item.insertTextFormat).toBe(InsertTextFormat.Snippet);
    expect(item.insertTextMode).toBe(InsertTextMode.asIs);
    const edit = item.textEdit as TextEdit;
    expect(edit.range).toEqual(rangeOf(text, 'rel', 'rel'));
    expect(edit.newText).toContain('\n      related_entity = "$');
    expect(edit.newText.endsWith('\n    }')).toBe(true);
  });

  it('sends plain text to a client without snippet support, and plain-text documentation', async () => {
    const text = `data_graph {\n  profile {\n    rel\n  }\n}\n`;
    const uri = await opened(plain, 'complete-plain', text);
    const list = (await plain.completion(uri, positionOf(text, 'rel', 3))) as CompletionList;
    const item = list.items.find((i) => i.label === 'relationship')!;
    expect(item.insertTextFormat).toBe(InsertTextFormat.PlainText);
    expect(item.insertTextMode).toBeUndefined();
    expect((item.textEdit as TextEdit).newText).toBe('relationship "" {\n      name = ""\n      related_entity = ""\n      \n    }');
    expect((item.documentation as MarkupContent).kind).toBe(MarkupKind.PlainText);
  });

  it('marks legacy values deprecated with a tag', async () => {
    const text = GRAPH.replace('"segment:materialized"', '"segment:"');
    const uri = await opened(vscode, 'complete-deprecated', text);
    const list = (await vscode.completion(uri, positionOf(text, '"segment:"', 9))) as CompletionList;
    const deprecated = list.items.filter((i: CompletionItem) => i.tags?.includes(1));
    expect(deprecated.map((i) => i.label)).toContain('segment:unmaterialized');
    expect(list.items.find((i) => i.label === 'segment:materialized')!.tags).toBeUndefined();
  });

  it('advertises the trigger characters of the completion module', () => {
    expect(vscode.initializeResult.capabilities.completionProvider).toEqual({ triggerCharacters: ['"', '.'] });
  });
});

describe('textDocument/hover', () => {
  it('on an entity reference shows the entity with its table_ref, over the slug', async () => {
    const uri = await opened(vscode, 'hover', GRAPH);
    const hover = (await vscode.hover(uri, positionOf(GRAPH, '"account"', 3, 1))) as Hover;
    const contents = hover.contents as MarkupContent;
    expect(contents.kind).toBe(MarkupKind.Markdown);
    expect(contents.value).toContain('`prod.public.accounts`');
    expect(contents.value).toContain('entity "account"');
    expect(hover.range).toEqual(rangeOf(GRAPH, 'related_entity = "account"', 'account'));
  });

  it('is null where there is nothing to say', async () => {
    const uri = await opened(vscode, 'hover-nothing', GRAPH);
    expect(await vscode.hover(uri, { line: 2, character: 0 })).toBeNull();
  });
});

describe('textDocument/definition', () => {
  it('goes from related_entity to the entity label (a LocationLink for VS Code)', async () => {
    const uri = await opened(vscode, 'definition', GRAPH);
    const links = (await vscode.definition(uri, positionOf(GRAPH, 'related_entity = "account"', 19))) as LocationLink[];
    expect(links).toHaveLength(1);
    expect(links[0]!.targetUri).toBe(uri);
    expect(links[0]!.targetSelectionRange).toEqual(rangeOf(GRAPH, 'entity "account"', 'account'));
    expect(links[0]!.originSelectionRange).toEqual(rangeOf(GRAPH, 'related_entity = "account"', 'account'));
    expect(contains(links[0]!.targetRange, links[0]!.targetSelectionRange)).toBe(true);
    expect(links[0]!.targetRange.start).toEqual(positionOf(GRAPH, 'entity "account"'));
  });

  it('goes from a join prefix to its entity; a Location for clients without link support', async () => {
    const uri = await opened(plain, 'definition-plain', GRAPH);
    const locations = await plain.definition(uri, positionOf(GRAPH, '"account.id', 2));
    expect(locations).toEqual([{ uri, range: rangeOf(GRAPH, 'entity "account"', 'account') }]);
  });
});

describe('textDocument/references', () => {
  it('finds the label, the related_entity value and the join prefix', async () => {
    const uri = await opened(vscode, 'references', GRAPH);
    const at = positionOf(GRAPH, 'entity "account"', 9);
    const expected = [
      rangeOf(GRAPH, 'entity "account"', 'account'),
      rangeOf(GRAPH, 'related_entity = "account"', 'account'),
      rangeOf(GRAPH, '"account.id', 'account'),
    ];
    expect(await vscode.references(uri, at, true)).toEqual(expected.map((range) => ({ uri, range })));
    expect(await vscode.references(uri, at, false)).toEqual(expected.slice(1).map((range) => ({ uri, range })));
  });
});

describe('textDocument/documentHighlight', () => {
  it('marks the declaring label as a write and the references as reads', async () => {
    const uri = await opened(vscode, 'highlights', GRAPH);
    const highlights = await vscode.highlights(uri, positionOf(GRAPH, '= cart.account_id', 3));
    expect(highlights).toEqual([
      { range: rangeOf(GRAPH, 'entity "cart"', 'cart'), kind: DocumentHighlightKind.Write },
      { range: rangeOf(GRAPH, 'related_entity = "cart"', 'cart'), kind: DocumentHighlightKind.Read },
      { range: rangeOf(GRAPH, 'cart.account_id', 'cart'), kind: DocumentHighlightKind.Read },
    ]);
  });
});

describe('textDocument/prepareRename and textDocument/rename', () => {
  it('prepares on a related_entity value: the slug and its placeholder', async () => {
    const uri = await opened(vscode, 'prepare', GRAPH);
    expect(await vscode.prepareRename(uri, positionOf(GRAPH, 'related_entity = "account"', 20))).toEqual({
      range: rangeOf(GRAPH, 'related_entity = "account"', 'account'),
      placeholder: 'account',
    });
  });

  it('renames label, related_entity and join-string prefixes, annotated as needing confirmation', async () => {
    const uri = await opened(vscode, 'rename', GRAPH);
    const edit = (await vscode.rename(uri, positionOf(GRAPH, 'entity "account"', 9), 'acct')) as WorkspaceEdit;
    const change = edit.documentChanges![0] as TextDocumentEdit;
    expect(change.textDocument).toEqual({ uri, version: 1 });
    expect(change.edits).toHaveLength(3);
    for (const e of change.edits) expect((e as { annotationId?: string }).annotationId).toBe('dg.rename');
    const annotations = Object.values(edit.changeAnnotations ?? {});
    expect(annotations).toHaveLength(1);
    expect(annotations[0]!.needsConfirmation).toBe(true);
    expect(annotations[0]!.label).toBe('Rename entity "account" to "acct"');
    expect(annotations[0]!.description).toContain('Breaking change');
    const after = applyEdits(GRAPH, change.edits as TextEdit[]);
    expect(after).toBe(
      GRAPH.replace('entity "account"', 'entity "acct"')
        .replace('related_entity = "account"', 'related_entity = "acct"')
        .replace('"account.id = cart.account_id"', '"acct.id = cart.account_id"'),
    );
  });

  it('renames from a join prefix too, leaving the column that reads like it alone', async () => {
    const uri = await opened(vscode, 'rename-prefix', GRAPH);
    const edit = (await vscode.rename(uri, positionOf(GRAPH, 'cart.account_id', 1), 'basket')) as WorkspaceEdit;
    const after = applyEdits(GRAPH, editsOf(edit, uri));
    expect(after).toContain('entity "basket"');
    expect(after).toContain('related_entity = "basket"');
    expect(after).toContain('join_on        = "account.id = basket.account_id"');
  });

  it('renames a relationship', async () => {
    const uri = await opened(vscode, 'rename-relationship', GRAPH);
    const edit = (await vscode.rename(uri, positionOf(GRAPH, 'relationship "carts"', 15), 'baskets')) as WorkspaceEdit;
    expect(applyEdits(GRAPH, editsOf(edit, uri))).toBe(GRAPH.replace('relationship "carts"', 'relationship "baskets"'));
  });

  it('refuses an invalid new name with a clear error', async () => {
    const uri = await opened(vscode, 'rename-invalid', GRAPH);
    const error = await rejection(vscode.rename(uri, positionOf(GRAPH, 'entity "account"', 9), 'Bad Name'));
    expect(error.code).toBe(LSPErrorCodes.RequestFailed);
    expect(error.message).toContain('"Bad Name" is not a valid entity slug');
    const taken = await rejection(vscode.rename(uri, positionOf(GRAPH, 'entity "account"', 9), 'cart'));
    expect(taken.message).toContain('Another entity already has the slug "cart"');
  });

  it('refuses to prepare a rename where there is no slug, saying why', async () => {
    const uri = await opened(vscode, 'prepare-invalid', GRAPH);
    const error = await rejection(vscode.prepareRename(uri, positionOf(GRAPH, 'version', 2)));
    expect(error.code).toBe(LSPErrorCodes.RequestFailed);
    expect(error.message).toContain('Only entity and relationship slugs can be renamed');
  });

  it('sends plain edits to a client without change annotations or documentChanges', async () => {
    const uri = await opened(plain, 'rename-plain', GRAPH);
    const edit = (await plain.rename(uri, positionOf(GRAPH, 'entity "account"', 9), 'acct')) as WorkspaceEdit;
    expect(edit.documentChanges).toBeUndefined();
    expect(edit.changeAnnotations).toBeUndefined();
    expect(edit.changes![uri]).toHaveLength(3);
    expect(applyEdits(GRAPH, edit.changes![uri]!)).toContain('"acct.id = cart.account_id"');
  });
});

describe('textDocument/documentSymbol', () => {
  it('is the outline tree for VS Code: entities, the profile and its relationships', async () => {
    const uri = await opened(vscode, 'symbols', GRAPH);
    const symbols = (await vscode.documentSymbols(uri)) as DocumentSymbol[];
    const shape = (list: DocumentSymbol[]): unknown[] =>
      list.map((s) => ({ name: s.name, kind: s.kind, detail: s.detail, children: shape(s.children ?? []) }));
    expect(shape(symbols)).toEqual([
      { name: 'account', kind: SymbolKind.Class, detail: 'prod.public.accounts', children: [] },
      { name: 'cart', kind: SymbolKind.Class, detail: 'prod.public.carts', children: [] },
      {
        name: 'profile',
        kind: SymbolKind.Module,
        detail: 'prod.segment',
        children: [
          {
            name: 'accounts',
            kind: SymbolKind.Field,
            detail: 'account',
            children: [{ name: 'carts', kind: SymbolKind.Field, detail: 'cart', children: [] }],
          },
        ],
      },
    ]);
    expect(symbols[0]!.selectionRange).toEqual(rangeOf(GRAPH, 'entity "account"', 'account'));
    // VS Code rejects a selection range outside its symbol's range.
    const check = (list: DocumentSymbol[], parent?: DocumentSymbol) => {
      for (const s of list) {
        expect(contains(s.range, s.selectionRange), s.name).toBe(true);
        if (parent) expect(contains(parent.range, s.range), s.name).toBe(true);
        check(s.children ?? [], s);
      }
    };
    check(symbols);
  });

  it('is a flat list with containers for clients without hierarchical symbols', async () => {
    const uri = await opened(plain, 'symbols-flat', GRAPH);
    const symbols = (await plain.documentSymbols(uri)) as SymbolInformation[];
    expect(symbols.map((s) => [s.name, s.containerName])).toEqual([
      ['account', undefined],
      ['cart', undefined],
      ['profile', undefined],
      ['accounts', 'profile'],
      ['carts', 'accounts'],
    ]);
    expect(symbols[0]!.location.uri).toBe(uri);
  });

  it('outlines broken text as far as it parsed', async () => {
    const text = GRAPH.slice(0, GRAPH.indexOf('relationship "carts"') + 25);
    const uri = await opened(vscode, 'symbols-broken', text);
    const symbols = (await vscode.documentSymbols(uri)) as DocumentSymbol[];
    expect(symbols.map((s) => s.name)).toEqual(['account', 'cart', 'profile']);
    expect(symbols[2]!.children![0]!.children!.map((s) => s.name)).toEqual(['carts']);
  });
});

describe('workspace/symbol', () => {
  let root: string;
  let client: LspClient;
  const ordersPath = () => join(root, 'models', 'warehouse.dg');
  const ordersGraph = (slug: string) => `data_graph {
  entity "${slug}" {
    name        = "Orders"
    table_ref   = "prod.public.orders"
    primary_key = "id"
  }
}
`;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'dg-workspace-'));
    mkdirSync(join(root, 'models'));
    mkdirSync(join(root, 'node_modules', 'pkg'), { recursive: true });
    mkdirSync(join(root, '.cache'));
    writeFileSync(ordersPath(), ordersGraph('warehouse_orders'));
    writeFileSync(join(root, 'node_modules', 'pkg', 'dep.dg'), ordersGraph('warehouse_in_node_modules'));
    writeFileSync(join(root, '.cache', 'old.dg'), ordersGraph('warehouse_in_dot_dir'));
    writeFileSync(join(root, 'notes.txt'), ordersGraph('warehouse_in_txt'));
    client = await startClient({ settings: {}, capabilities: VSCODE_CAPABILITIES, workspaceFolders: [root] });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds an entity in a .dg file on disk that is not open, skipping node_modules and dot-directories', async () => {
    const symbols = (await client.workspaceSymbols('warehouse')) as SymbolInformation[];
    expect(symbols.map((s) => s.name)).toEqual(['warehouse_orders']);
    const text = ordersGraph('warehouse_orders');
    expect(symbols[0]).toEqual({
      name: 'warehouse_orders',
      kind: SymbolKind.Class,
      location: { uri: pathToFileURL(ordersPath()).href, range: rangeOf(text, 'entity "warehouse_orders"', 'warehouse_orders') },
    });
  });

  it('includes open documents, and an open document wins over its file on disk', async () => {
    const other = nextUri('open-elsewhere');
    await client.open(other, GRAPH, 1);
    const uri = pathToFileURL(ordersPath()).href;
    await client.open(uri, ordersGraph('renamed_orders'), 1);
    const names = async (query: string) => ((await client.workspaceSymbols(query)) as SymbolInformation[]).map((s) => `${s.name} ${s.location.uri}`);
    expect(await names('orders')).toEqual([`renamed_orders ${uri}`]);
    expect(await names('account')).toEqual([`account ${other}`, `accounts ${other}`]);
    await client.close(uri);
    await client.close(other);
    expect(await names('orders')).toEqual([`warehouse_orders ${uri}`]);
  });

  it('re-reads a file whose modification time changed, and forgets a deleted one', async () => {
    writeFileSync(ordersPath(), ordersGraph('warehouse_orders_v2'));
    const later = new Date(Date.now() + 10_000);
    utimesSync(ordersPath(), later, later);
    expect(((await client.workspaceSymbols('warehouse')) as SymbolInformation[]).map((s) => s.name)).toEqual(['warehouse_orders_v2']);
    rmSync(ordersPath());
    expect(await client.workspaceSymbols('warehouse')).toEqual([]);
  });
});

describe('textDocument/foldingRange', () => {
  it('folds every multi-line block, keeping the closing brace visible', async () => {
    const uri = await opened(vscode, 'folding', GRAPH);
    const ranges = await vscode.foldingRanges(uri);
    const line = (marker: string, nth = 0) => positionOf(GRAPH, marker, 0, nth).line;
    expect(ranges).toContainEqual({ startLine: 0, endLine: GRAPH.trimEnd().split('\n').length - 2 });
    expect(ranges).toContainEqual({ startLine: line('entity "account"'), endLine: line('primary_key', 0) });
    expect(ranges).toContainEqual({ startLine: line('external_id'), endLine: line('join_key') });
    expect(ranges).toHaveLength(7);
  });

  it('folds comment runs as comments', async () => {
    const text = `# one\n# two\n# three\n${GRAPH}`;
    const uri = await opened(vscode, 'folding-comments', text);
    expect(await vscode.foldingRanges(uri)).toContainEqual({ startLine: 0, endLine: 2, kind: 'comment' });
  });
});

describe('textDocument/selectionRange', () => {
  it('expands from a word in a join string out to the whole file, each range holding the one before', async () => {
    const uri = await opened(vscode, 'selection', GRAPH);
    const [first, second] = (await vscode.selectionRanges(uri, [
      positionOf(GRAPH, '"account.id', 3),
      positionOf(GRAPH, 'related_entity = "cart"', 2),
    ]))!;
    const chain = chainOf(first!);
    expect(chain[0]).toEqual(rangeOf(GRAPH, '"account.id', 'account'));
    expect(chain[1]).toEqual(rangeOf(GRAPH, '"account.id', 'account.id'));
    expect(chain[chain.length - 1]).toEqual(rangeAt(GRAPH, 0, GRAPH.length));
    for (let i = 1; i < chain.length; i++) expect(contains(chain[i]!, chain[i - 1]!)).toBe(true);
    expect(chainOf(second!)[0]).toEqual(rangeOf(GRAPH, 'related_entity = "cart"', 'related_entity'));
  });
});

describe('textDocument/semanticTokens', () => {
  it('full: entity slugs are classes (declarations at their labels), columns variables', async () => {
    const legend = vscode.initializeResult.capabilities.semanticTokensProvider!.legend;
    const uri = await opened(vscode, 'tokens', GRAPH);
    const tokens = decodeTokens((await vscode.semanticTokens(uri))!.data, legend);
    const at = (range: Range) => tokens.find((t) => t.line === range.start.line && t.character === range.start.character);
    const label = rangeOf(GRAPH, 'entity "account"', 'account');
    expect(at(label)).toEqual({ ...label.start, length: 7, type: 'class', modifiers: ['declaration'] });
    expect(at(rangeOf(GRAPH, '"account.id', 'account'))).toMatchObject({ type: 'class', modifiers: [] });
    expect(at(rangeOf(GRAPH, 'account.id', 'id'))).toMatchObject({ type: 'variable', length: 2 });
    expect(at(rangeOf(GRAPH, 'relationship "carts"', 'carts'))).toMatchObject({ type: 'interface', modifiers: ['declaration'] });
    expect(at(rangeOf(GRAPH, 'entity "account"', 'entity'))).toMatchObject({ type: 'keyword' });
  });

  it('range: only the tokens in the range', async () => {
    const legend = vscode.initializeResult.capabilities.semanticTokensProvider!.legend;
    const uri = await opened(vscode, 'tokens-range', GRAPH);
    const start = offsetOf(GRAPH, 'entity "cart"');
    const range = rangeAt(GRAPH, start, offsetOf(GRAPH, '}', 0, 1) + 1); // the cart entity
    const tokens = decodeTokens((await vscode.semanticTokensRange(uri, range))!.data, legend);
    expect(tokens.length).toBeGreaterThan(0);
    for (const t of tokens) expect(t.line >= range.start.line && t.line <= range.end.line).toBe(true);
    expect(tokens.filter((t) => t.type === 'class').map((t) => t.line)).toEqual([range.start.line]);
  });
});

describe('textDocument/codeAction', () => {
  it('quick-fixes DG004 by quoting the value, as a versioned edit', async () => {
    const uri = nextUri('quickfix');
    await vscode.open(uri, UNQUOTED, 1);
    const { diagnostics } = await vscode.diagnosticsOf(uri, 1);
    const dg004 = diagnostics.find((d) => d.code === 'DG004')!;
    const actions = (await vscode.codeActions(uri, dg004.range, { diagnostics: [dg004], only: [CodeActionKind.QuickFix] })) as CodeAction[];
    expect(actions).toHaveLength(1);
    const [fix] = actions;
    expect(fix!.kind).toBe(CodeActionKind.QuickFix);
    expect(fix!.title).toContain('"segment:materialized"');
    expect(fix!.isPreferred).toBe(true);
    expect(fix!.diagnostics).toEqual([dg004]);
    const change = fix!.edit!.documentChanges![0] as TextDocumentEdit;
    expect(change.textDocument).toEqual({ uri, version: 1 });
    expect(change.edits).toEqual([{ range: dg004.range, newText: '"segment:materialized"' }]);
    expect(applyEdits(UNQUOTED, change.edits as TextEdit[])).toBe(UNQUOTED.replace('segment:materialized', '"segment:materialized"'));
  });

  it('offers source.fixAll.dg for editor.codeActionsOnSave', async () => {
    const text = UNQUOTED.replace('"email"', 'email');
    const uri = await opened(vscode, 'fix-all', text);
    const actions = (await vscode.codeActions(uri, rangeAt(text, 0), { diagnostics: [], only: ['source.fixAll'] })) as CodeAction[];
    expect(actions.map((a) => a.kind)).toEqual(['source.fixAll.dg']);
    const fixed = applyEdits(text, editsOf(actions[0]!.edit, uri));
    expect(fixed).toContain('type           = "segment:materialized"');
    expect(fixed).toContain('type     = "email"');
  });

  it('offers no fix for a diagnostic of another version', async () => {
    const uri = nextUri('stale');
    await vscode.open(uri, UNQUOTED, 1);
    const { diagnostics } = await vscode.diagnosticsOf(uri, 1);
    const dg004 = diagnostics.find((d) => d.code === 'DG004')!;
    // Version 2 inserts a line above: the diagnostic the client still shows is one line off.
    await vscode.change(uri, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '\n' }]);
    const actions = (await vscode.codeActions(uri, dg004.range, { diagnostics: [dg004], only: [CodeActionKind.QuickFix] })) as CodeAction[];
    expect(actions).toEqual([]);
    const moved = (await vscode.diagnosticsOf(uri, 2)).diagnostics.find((d) => d.code === 'DG004')!;
    expect(moved.range.start.line).toBe(dg004.range.start.line + 1);
    const current = (await vscode.codeActions(uri, moved.range, { diagnostics: [moved], only: [CodeActionKind.QuickFix] })) as CodeAction[];
    expect(editsOf(current[0]!.edit, uri)).toEqual([{ range: moved.range, newText: '"segment:materialized"' }]);
    expect((current[0]!.edit!.documentChanges![0] as TextDocumentEdit).textDocument.version).toBe(2);
  });
});

describe('textDocument/formatting and textDocument/rangeFormatting', () => {
  /** GRAPH with its whitespace spoiled, and a non-ASCII description before a trailing comment. */
  const canonical = GRAPH.replace('    primary_key = "id"\n  }\n\n  entity "cart"', '    primary_key = "id"\n    description = "Café 🎉" # ✓\n  }\n\n  entity "cart"');
  const messy = canonical
    .replace('    name        = "Account"', 'name="Account"')
    .replace('description = "Café 🎉" # ✓', 'description   =  "Café 🎉"     # ✓')
    .replace('  profile {\n', '  profile {\n\n\n')
    .replace('      related_entity = "cart"', '  related_entity = "cart"   ')
    .replace('        join_on        = "account.id', '  join_on = "account.id');
  const spaces = { tabSize: 2, insertSpaces: true };
  const format = (client: LspClient, uri: string, options = spaces) =>
    client.request(DocumentFormattingRequest.type, { textDocument: { uri }, options });

  it('is advertised', () => {
    expect(vscode.initializeResult.capabilities).toMatchObject({ documentFormattingProvider: true, documentRangeFormattingProvider: true });
  });

  it('formats the document with small edits in UTF-16 positions; formatting the result gives none', async () => {
    expect(messy).not.toBe(canonical);
    const uri = await opened(vscode, 'format', messy);
    const edits = (await format(vscode, uri))!;
    expect(edits.length).toBeGreaterThan(3);
    for (const edit of edits) expect(edit.newText.trim()).toBe('');
    expect(applyEdits(messy, edits)).toBe(canonical);
    // The trailing comment after the emoji: one edit on its line, counted in UTF-16 code units.
    const value = positionOf(messy, '"Café 🎉"');
    const after = { line: value.line, character: value.character + '"Café 🎉" '.length }; // 🎉 is two UTF-16 units
    expect(edits).toContainEqual({ range: { start: after, end: { ...after, character: after.character + 4 } }, newText: '' });
    const formatted = await opened(vscode, 'formatted', canonical);
    expect(await format(vscode, formatted)).toEqual([]);
  });

  it('indents with tabs when the client asks for them, and keeps CRLF line endings', async () => {
    const crlf = messy.replace(/\n/g, '\r\n');
    const uri = await opened(plain, 'format-crlf', crlf);
    const edits = (await format(plain, uri, { tabSize: 4, insertSpaces: false }))!;
    const tabbed = canonical.replace(/^( {2})+/gm, (indent) => '\t'.repeat(indent.length / 2));
    expect(applyEdits(crlf, edits)).toBe(tabbed.replace(/\n/g, '\r\n'));
  });

  it('range formatting edits only the lines of the range', async () => {
    const uri = await opened(vscode, 'format-range', messy);
    const start = positionOf(messy, 'profile {');
    const end = positionOf(messy, 'related_entity = "cart"');
    const edits = (await vscode.request(DocumentRangeFormattingRequest.type, {
      textDocument: { uri },
      range: { start, end: { line: end.line + 1, character: 0 } }, // whole lines: the next line is not taken
      options: spaces,
    }))!;
    expect(edits.length).toBeGreaterThan(0);
    for (const edit of edits) {
      expect(edit.range.start.line).toBeGreaterThanOrEqual(start.line);
      expect(edit.range.end.line).toBeLessThanOrEqual(end.line);
    }
    const result = applyEdits(messy, edits);
    expect(result).toContain('name="Account"'); // before the range: untouched
    expect(result).toContain('  profile {\n    profile_folder');
    expect(result).toContain('        related_entity = "cart"\n  join_on = "account.id'); // after the range: untouched
  });

  it('answers for the current version, and leaves what does not parse alone', async () => {
    const uri = await opened(vscode, 'format-versions', messy);
    const broken = messy.replace('related_entity = "account"', 'related_entity = "account');
    await vscode.change(uri, 2, [{ text: broken }]);
    const edits = (await format(vscode, uri))!;
    const result = applyEdits(broken, edits);
    expect(result).toContain('\n      related_entity = "account\n'); // the unterminated string's line, as it was
    expect(result).toContain('    name        = "Account"');
    expect(result.replace(/\s+/g, '')).toBe(broken.replace(/\s+/g, ''));
  });

  it('answers null for a document that is not open', async () => {
    expect(await format(vscode, nextUri('format-not-open'))).toBeNull();
  });
});

describe('requests and versions', () => {
  it('answer from the version the request follows, even when its check was skipped for a newer one', async () => {
    const graphWith = (slug: string) => GRAPH.replace('entity "cart"', `entity "${slug}"`).replace('related_entity = "cart"', 'related_entity = "x"');
    const uri = nextUri('versions');
    await vscode.open(uri, graphWith('alpha'), 1);
    await vscode.diagnosticsOf(uri, 1);
    const text2 = graphWith('beta');
    // Sent back to back: version 3 is usually waiting in the queue when version 2 is handled.
    const sent = [
      vscode.change(uri, 2, [{ text: text2 }]),
      vscode.completion(uri, positionOf(text2, 'related_entity = "x"', 18)),
      vscode.change(uri, 3, [{ text: graphWith('gamma') }]),
    ] as const;
    const list = (await sent[1]) as CompletionList;
    expect(list.items.map((i) => i.label)).toEqual(['account', 'beta']);
    await Promise.all(sent);
    expect((await vscode.diagnosticsOf(uri, 3)).version).toBe(3);
    const after = (await vscode.completion(uri, positionOf(text2, 'related_entity = "x"', 18))) as CompletionList;
    expect(after.items.map((i) => i.label)).toEqual(['account', 'gamma']);
  });

  it('answer null for a document that is not open', async () => {
    const uri = nextUri('not-open');
    expect(await vscode.hover(uri, { line: 0, character: 0 })).toBeNull();
    expect(await vscode.completion(uri, { line: 0, character: 0 })).toBeNull();
    expect(await vscode.documentSymbols(uri)).toBeNull();
  });

  it('a request that makes a handler throw is answered with null, logged once, and the server keeps going', async () => {
    const client = await startClient({ settings: {}, capabilities: VSCODE_CAPABILITIES });
    const uri = await opened(client, 'malformed', GRAPH);
    for (let i = 0; i < 3; i++) {
      expect(await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: null })).toBeNull();
      expect(await client.connection.sendRequest('textDocument/selectionRange', { textDocument: { uri }, positions: 7 })).toBeNull();
    }
    const errors = client.logs.filter((l) => l.type === 1).map((l) => l.message);
    expect(errors.filter((m) => m.includes('textDocument/hover failed'))).toHaveLength(1);
    expect(errors.filter((m) => m.includes('textDocument/selectionRange failed'))).toHaveLength(1);
    expect(((await client.hover(uri, positionOf(GRAPH, '"account"', 3, 1))) as Hover).contents).toBeTruthy();
    expect(client.alive).toBe(true);
  });
});
