import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The Show Graph panel (client/src/graphPanel.ts) without VS Code: its HTML (a strict
// Content-Security-Policy whose nonce is on both style blocks, the page's and the server's SVG's, and
// on the one script that keeps the scroll position; every text from outside the SVG escaped), and when
// it asks the server for a picture (only while visible, once when shown again, and it does not reload
// the page for an identical answer).

/** A fake of the few VS Code APIs the panel uses: the test drives the events. */
const vscode = vi.hoisted(() => {
  type Listener<T> = (event: T) => void;
  class Disposable {
    constructor(private readonly fn: () => void = () => {}) {}
    static from(...items: Array<{ dispose(): void }>): Disposable {
      return new Disposable(() => items.forEach((item) => item.dispose()));
    }
    dispose(): void {
      this.fn();
    }
  }
  class FakePanel {
    visible = true;
    disposed = false;
    htmls: string[] = [];
    reveals = 0;
    private readonly viewState: Listener<{ webviewPanel: FakePanel }>[] = [];
    private readonly disposeListeners: Listener<void>[] = [];
    readonly webview = {
      set html(value: string) {
        panelOf.get(this)!.htmls.push(value);
      },
      get html(): string {
        return panelOf.get(this)!.htmls.at(-1) ?? '';
      },
    };
    constructor(readonly options: Record<string, unknown>) {
      panelOf.set(this.webview, this);
    }
    onDidChangeViewState(listener: Listener<{ webviewPanel: FakePanel }>): Disposable {
      this.viewState.push(listener);
      return new Disposable();
    }
    onDidDispose(listener: Listener<void>): Disposable {
      this.disposeListeners.push(listener);
      return new Disposable();
    }
    /** VS Code hides or shows the panel (another tab in its group, …). */
    setVisible(visible: boolean): void {
      this.visible = visible;
      for (const listener of this.viewState) listener({ webviewPanel: this });
    }
    reveal(): void {
      this.reveals++;
    }
    dispose(): void {
      this.disposed = true;
      for (const listener of this.disposeListeners) listener();
    }
  }
  const panelOf = new WeakMap<object, FakePanel>();
  const state = {
    panels: [] as FakePanel[],
    commands: new Map<string, () => void>(),
    changeListeners: [] as Listener<{ document: unknown; contentChanges: unknown[] }>[],
    activeTextEditor: undefined as { document: unknown } | undefined,
  };
  const module = {
    Disposable,
    ViewColumn: { Beside: -2 },
    commands: {
      registerCommand: (name: string, fn: () => void) => {
        state.commands.set(name, fn);
        return new Disposable(() => state.commands.delete(name));
      },
    },
    window: {
      get activeTextEditor() {
        return state.activeTextEditor;
      },
      showWarningMessage: () => Promise.resolve(undefined),
      createWebviewPanel: (_type: string, _title: string, _column: unknown, options: Record<string, unknown>) => {
        const panel = new FakePanel(options);
        state.panels.push(panel);
        return panel;
      },
    },
    workspace: {
      onDidChangeTextDocument: (listener: Listener<{ document: unknown; contentChanges: unknown[] }>) => {
        state.changeListeners.push(listener);
        return new Disposable(() => state.changeListeners.splice(state.changeListeners.indexOf(listener), 1));
      },
      onDidCloseTextDocument: () => new Disposable(),
    },
  };
  return { module, state };
});
vi.mock('vscode', () => vscode.module);
const { page, registerGraphPanels, SHOW_GRAPH_COMMAND } = await import('../../client/src/graphPanel');

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" class="dg-graph">\n<style>\n.dg-graph { color: red; }\n</style>\n<text>a &lt; b</text>\n</svg>\n';

describe('graph panel page', () => {
  it('allows no resource, only its own two style blocks and its one script', () => {
    const html = page('shop.dg', { uri: 'file:///shop.dg', version: 4, svg: SVG, problems: [], errors: 0 });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp ?? '')?.[1];
    expect(csp).toBe(`default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';`);
    expect(nonce!.length).toBeGreaterThanOrEqual(16);
    expect(html.match(/<style[^>]*>/g)).toEqual([`<style nonce="${nonce}">`, `<style nonce="${nonce}">`]);
    expect(html.match(/<script[^>]*>/g)).toEqual([`<script nonce="${nonce}">`]);
    expect(html).not.toMatch(/\son\w+=|javascript:|<iframe|<img|src=|href=/i);
    expect(html).toContain('<text>a &lt; b</text>');
    expect(html).toContain('<header>shop.dg · version 4</header>');
    // Fits the panel's width down to 70% of the natural size, then scrolls.
    const wide = page('shop.dg', { uri: 'x', version: 1, svg: SVG.replace('class="dg-graph"', 'class="dg-graph" width="1000" height="400"'), problems: [], errors: 0 });
    expect(wide).toContain('.graph svg { display: block; width: 100%; height: auto; max-width: 1000px; min-width: 700px; }');
    // A fresh nonce each time.
    expect(page('shop.dg', { uri: 'file:///shop.dg', version: 4, svg: SVG, problems: [], errors: 0 })).not.toContain(nonce);
  });

  it('restores the scroll position saved in the webview state, and saves it as the page scrolls', () => {
    const html = page('shop.dg', { uri: 'x', version: 1, svg: SVG, problems: [], errors: 0 });
    const script = /<script nonce="[^"]+">([\s\S]*?)<\/script>/.exec(html)![1]!;
    const listeners: Record<string, () => void> = {};
    const graph = { scrollLeft: 0, addEventListener: (type: string, fn: () => void) => (listeners[`graph:${type}`] = fn) };
    const window = {
      scrollX: 0,
      scrollY: 0,
      scrollTo(x: number, y: number) {
        window.scrollX = x;
        window.scrollY = y;
      },
      addEventListener: (type: string, fn: () => void) => (listeners[`window:${type}`] = fn),
    };
    let saved: unknown = { x: 10, y: 250, left: 40 };
    const frames: Array<() => void> = [];
    const api = { getState: () => saved, setState: (value: unknown) => (saved = value) };
    new Function('acquireVsCodeApi', 'document', 'window', 'requestAnimationFrame', script)(
      () => api,
      { querySelector: (selector: string) => (selector === '.graph' ? graph : null) },
      window,
      (fn: () => void) => frames.push(fn),
    );
    expect([window.scrollX, window.scrollY, graph.scrollLeft]).toEqual([10, 250, 40]);
    window.scrollTo(0, 300);
    listeners['window:scroll']!();
    graph.scrollLeft = 5;
    listeners['graph:scroll']!();
    expect(frames).toHaveLength(1); // once a frame
    frames.shift()!();
    expect(saved).toEqual({ x: 0, y: 300, left: 5 });
  });

  it('says when the picture may be partial, and escapes names and messages', () => {
    const html = page('<b>&.dg', { uri: 'x', version: 2, svg: SVG, problems: ['p'], errors: 3 });
    expect(html).toContain('<header>&lt;b&gt;&amp;.dg · version 2 · <span class="errors">3 errors: the picture may be partial (see Problems)</span></header>');
    const failed = page('a.dg', undefined, 'failed: <img src=x onerror=alert(1)>');
    expect(failed).toContain('<p>failed: &lt;img src=x onerror=alert(1)&gt;</p>');
    expect(failed).not.toContain('<img');
  });
});

describe('graph panel refresh', () => {
  const uri = { path: '/work/shop.dg', toString: () => 'file:///work/shop.dg' };
  const document = { uri, languageId: 'dg', version: 1 };
  let requests: number;
  let svg: string;
  let registration: { dispose(): void };

  const client = {
    sendRequest: async () => {
      requests++;
      return { uri: uri.toString(), version: document.version, svg, problems: [], errors: 0 };
    },
  };
  const type = () => {
    document.version++;
    for (const listener of vscode.state.changeListeners) listener({ document, contentChanges: [{}] });
  };
  const settle = async () => {
    await vi.advanceTimersByTimeAsync(1000);
  };

  beforeEach(() => {
    vi.useFakeTimers();
    requests = 0;
    svg = SVG;
    document.version = 1;
    vscode.state.panels.length = 0;
    vscode.state.activeTextEditor = { document };
    const channel = { warn: () => {} };
    registration = registerGraphPanels(() => client as never, channel as never);
  });
  afterEach(() => {
    registration.dispose();
    vi.useRealTimers();
  });

  it('asks while the panel is visible, debounced, and not while it is hidden', async () => {
    vscode.state.commands.get(SHOW_GRAPH_COMMAND)!();
    await settle();
    const panel = vscode.state.panels[0]!;
    expect(panel.options).toMatchObject({ enableScripts: true, enableCommandUris: false, localResourceRoots: [] });
    expect(requests).toBe(1);
    expect(panel.htmls.at(-1)).toContain('version 1');
    type();
    type();
    await settle();
    expect(requests).toBe(2); // once for both edits
    expect(panel.htmls.at(-1)).toContain('version 3');

    panel.setVisible(false);
    type();
    type();
    await settle();
    expect(requests).toBe(2);

    // Shown again: drawn once, at once.
    panel.setVisible(true);
    await settle();
    expect(requests).toBe(3);
    expect(panel.htmls.at(-1)).toContain('version 5');
    // Other view state changes (focus, column) while visible ask nothing.
    panel.setVisible(true);
    await settle();
    expect(requests).toBe(3);
  });

  it('does not reload the page for an identical answer', async () => {
    vscode.state.commands.get(SHOW_GRAPH_COMMAND)!();
    await settle();
    const panel = vscode.state.panels[0]!;
    const pages = panel.htmls.length; // "Drawing…", then the picture
    expect(pages).toBe(2);
    // Shown again, nothing changed: asked, same answer, same page (VS Code reloads it by itself).
    panel.setVisible(false);
    panel.setVisible(true);
    await settle();
    expect(requests).toBe(2);
    expect(panel.htmls).toHaveLength(pages);
    svg = SVG.replace('a &lt; b', 'a &lt; c');
    panel.setVisible(false);
    panel.setVisible(true);
    await settle();
    expect(panel.htmls).toHaveLength(pages + 1);
    expect(panel.htmls.at(-1)).toContain('a &lt; c');
  });

  it('reveals a hidden panel on Show Graph, and draws it when it shows', async () => {
    vscode.state.commands.get(SHOW_GRAPH_COMMAND)!();
    await settle();
    const panel = vscode.state.panels[0]!;
    panel.setVisible(false);
    type();
    vscode.state.commands.get(SHOW_GRAPH_COMMAND)!();
    await settle();
    expect(panel.reveals).toBe(1);
    expect(requests).toBe(1); // still hidden
    panel.setVisible(true);
    await settle();
    expect(requests).toBe(2);
    expect(vscode.state.panels).toHaveLength(1);
  });
});
