// "Data Graph: Show Graph": a webview panel beside the editor with the picture of the graph. The server
// draws it (custom request `dg/graph`, server/src/lsp/graph.ts); this module only shows the SVG it returns
// and asks again, debounced, as the document changes, while the panel is visible (a hidden panel is
// drawn once when it shows again). The page keeps its scroll position across redraws (see `page`).
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import {
  commands,
  Disposable,
  ViewColumn,
  window,
  workspace,
  type LogOutputChannel,
  type TextDocument,
  type WebviewPanel,
} from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export const SHOW_GRAPH_COMMAND = 'dataGraph.showGraph';

/** The server's custom request (server/src/lsp/graph.ts). */
const GRAPH_REQUEST = 'dg/graph';

/** Its answer. */
interface GraphResult {
  uri: string;
  version: number | null;
  svg: string;
  problems: string[];
  errors: number;
}

/** The smallest scale the picture is shrunk to, to fit the panel's width (below it, the panel scrolls). */
const MIN_SCALE = 0.7;

/** Quiet time after the last change before the picture is asked for again. */
const REFRESH_DELAY_MS = 300;

interface Shown {
  panel: WebviewPanel;
  document: TextDocument;
  timer?: NodeJS.Timeout;
  /** Bumped by every request, so that only the latest answer is shown. */
  request: number;
  /** Answers in a row for an older version than the editor's (the server is asked again a few times). */
  stale: number;
  /** The panel was visible at its last view state change (to redraw once when it shows again). */
  visible: boolean;
  /** What the page shows (see `pageKey`): an identical answer does not reload it. */
  shownKey?: string;
}

/** Registers the command and keeps one panel per document, refreshed as it changes. */
export function registerGraphPanels(client: () => LanguageClient | undefined, channel: LogOutputChannel): Disposable {
  const shown = new Map<string, Shown>();

  /** Shows a page in the panel, unless it already shows the same (a reload flickers). */
  const display = (entry: Shown, name: string, result: GraphResult | undefined, message?: string): void => {
    const key = pageKey(name, result, message);
    if (key === entry.shownKey) return;
    entry.shownKey = key;
    entry.panel.webview.html = page(name, result, message);
  };

  const refresh = async (entry: Shown): Promise<void> => {
    // Hidden: nothing to draw into (the panel draws when it shows again, see onDidChangeViewState).
    if (!entry.panel.visible) return;
    const request = ++entry.request;
    const current = client();
    const name = path.basename(entry.document.uri.path);
    if (!current) {
      display(entry, name, undefined, 'The Data Graph language server is not running.');
      return;
    }
    let result: GraphResult;
    try {
      result = await current.sendRequest<GraphResult>(GRAPH_REQUEST, { uri: entry.document.uri.toString() });
    } catch (error) {
      if (request !== entry.request || !shown.has(entry.document.uri.toString())) return;
      channel.warn(`Drawing the graph of ${entry.document.uri.toString()} failed: ${describe(error)}`);
      display(entry, name, undefined, `The language server could not draw the graph: ${describe(error)}`);
      return;
    }
    if (request !== entry.request || !shown.has(entry.document.uri.toString())) return; // a newer request is under way
    display(entry, name, result);
    // The server drew an older version than the editor has (its change was still on the way): ask again.
    const stale = result.version !== null && result.version < entry.document.version;
    entry.stale = stale ? entry.stale + 1 : 0;
    if (stale && entry.stale <= 3) schedule(entry);
  };

  /** Asks again after a quiet time, if the panel is visible (a hidden one is drawn when it shows again). */
  const schedule = (entry: Shown): void => {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    if (entry.panel.visible) entry.timer = setTimeout(() => void refresh(entry), REFRESH_DELAY_MS);
  };

  const show = (): void => {
    const document = window.activeTextEditor?.document;
    if (document?.languageId !== 'dg') {
      void window.showWarningMessage('Data Graph: open a .dg file to show its graph.');
      return;
    }
    const key = document.uri.toString();
    const known = shown.get(key);
    if (known) {
      // A hidden panel is drawn by its view state change once revealed.
      known.panel.reveal(ViewColumn.Beside, true);
      if (known.panel.visible) void refresh(known);
      return;
    }
    const panel = window.createWebviewPanel(
      'dataGraph.graph',
      `Graph: ${path.basename(document.uri.path)}`,
      { viewColumn: ViewColumn.Beside, preserveFocus: true },
      // Scripts only for the page's own nonce'd one (its scroll position, see `page`).
      { enableScripts: true, enableCommandUris: false, enableForms: false, localResourceRoots: [] },
    );
    const entry: Shown = { panel, document, request: 0, stale: 0, visible: panel.visible };
    shown.set(key, entry);
    panel.onDidDispose(() => {
      clearTimeout(entry.timer);
      if (shown.get(key) === entry) shown.delete(key);
    });
    // Shown again after being hidden (VS Code reloads the page, which restores its scroll position):
    // draw the current version once. Other view state changes (focus, column) draw nothing.
    panel.onDidChangeViewState((event) => {
      const visible = event.webviewPanel.visible;
      if (visible && !entry.visible) void refresh(entry);
      entry.visible = visible;
    });
    display(entry, path.basename(document.uri.path), undefined, 'Drawing…');
    void refresh(entry);
  };

  return Disposable.from(
    commands.registerCommand(SHOW_GRAPH_COMMAND, show),
    workspace.onDidChangeTextDocument((event) => {
      const entry = shown.get(event.document.uri.toString());
      if (entry && event.contentChanges.length) schedule(entry);
    }),
    workspace.onDidCloseTextDocument((document) => shown.get(document.uri.toString())?.panel.dispose()),
    new Disposable(() => {
      for (const entry of [...shown.values()]) entry.panel.dispose();
    }),
  );
}

/**
 * The panel's HTML: a line saying what is drawn, then the server's SVG inline (so the `--vscode-*`
 * theme variables reach its style block). The Content-Security-Policy allows no resources, only the
 * two style blocks and the one script carrying this page's nonce.
 *
 * The script keeps the scroll position: each redraw replaces the whole page (and VS Code reloads it
 * when the panel shows again after being hidden), so it saves the position in the webview's state as
 * the page scrolls (VS Code keeps that state across page replacements) and restores it on load.
 */
export function page(name: string, result: GraphResult | undefined, message?: string): string {
  const nonce = randomBytes(16).toString('base64');
  const status = result
    ? [
        escapeHtml(name),
        result.version === null ? 'not open' : `version ${result.version}`,
        result.errors
          ? `<span class="errors">${result.errors} ${result.errors === 1 ? 'error' : 'errors'}: the picture may be partial (see Problems)</span>`
          : undefined,
      ]
        .filter(Boolean)
        .join(' · ')
    : escapeHtml(name);
  // Fit the panel's width, down to MIN_SCALE of the natural size (text stays readable), then scroll.
  const width = Number(/^<svg [^>]*\bwidth="(\d+)"/.exec(result?.svg ?? '')?.[1] ?? 0) || 800;
  // The SVG comes from our server, which escapes every text in it; its one <style> gets the nonce.
  const body = result ? `<div class="graph">${result.svg.replace('<style>', `<style nonce="${nonce}">`)}</div>` : `<p>${escapeHtml(message ?? '')}</p>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(name)}</title>
<style nonce="${nonce}">
body { color: var(--vscode-editor-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 8px 16px; }
header { color: var(--vscode-descriptionForeground); margin-bottom: 8px; }
.errors { color: var(--vscode-errorForeground); }
.graph { overflow: auto; }
.graph svg { display: block; width: 100%; height: auto; max-width: ${width}px; min-width: ${Math.round(width * MIN_SCALE)}px; }
</style>
</head>
<body>
<header>${status}</header>
${body}
<script nonce="${nonce}">${SCROLL_SCRIPT}</script>
</body>
</html>`;
}

/**
 * Restores the scroll position saved in the webview's state (the page's and the drawing's, which
 * scrolls sideways), then saves it as either scrolls, at most once a frame. No input other than the
 * state it wrote itself; never touches the page's content.
 */
const SCROLL_SCRIPT = `(() => {
  const vscode = acquireVsCodeApi();
  const graph = document.querySelector('.graph');
  const saved = vscode.getState();
  if (saved && typeof saved.x === 'number' && typeof saved.y === 'number') {
    window.scrollTo(saved.x, saved.y);
    if (graph && typeof saved.left === 'number') graph.scrollLeft = saved.left;
  }
  let queued = false;
  const save = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      vscode.setState({ x: window.scrollX, y: window.scrollY, left: graph ? graph.scrollLeft : 0 });
    });
  };
  window.addEventListener('scroll', save, { passive: true });
  if (graph) graph.addEventListener('scroll', save, { passive: true });
})();`;

/** What a page shows, without its nonce: equal keys, equal pages. */
export function pageKey(name: string, result: GraphResult | undefined, message?: string): string {
  return JSON.stringify(result ? [name, result.version, result.errors, result.svg] : [name, message ?? '']);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
