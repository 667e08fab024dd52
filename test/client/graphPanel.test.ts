import { describe, expect, it, vi } from 'vitest';

// The Show Graph panel's HTML (client/src/graphPanel.ts `page`), without VS Code: a strict
// Content-Security-Policy whose nonce is on both style blocks (the page's and the server's SVG's), and
// every text from outside the SVG escaped.
vi.mock('vscode', () => ({ Disposable: class {}, ViewColumn: {}, window: {}, workspace: {}, commands: {} }));
const { page } = await import('../../client/src/graphPanel');

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" class="dg-graph">\n<style>\n.dg-graph { color: red; }\n</style>\n<text>a &lt; b</text>\n</svg>\n';

describe('graph panel page', () => {
  it('allows no script and no resource, only its own two style blocks', () => {
    const html = page('shop.dg', { uri: 'file:///shop.dg', version: 4, svg: SVG, problems: [], errors: 0 });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
    const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp ?? '')?.[1];
    expect(csp).toBe(`default-src 'none'; style-src 'nonce-${nonce}';`);
    expect(nonce!.length).toBeGreaterThanOrEqual(16);
    expect(html.match(/<style[^>]*>/g)).toEqual([`<style nonce="${nonce}">`, `<style nonce="${nonce}">`]);
    expect(html).not.toMatch(/<script|\son\w+=/i);
    expect(html).toContain('<text>a &lt; b</text>');
    expect(html).toContain('<header>shop.dg · version 4</header>');
    // Fits the panel's width down to 70% of the natural size, then scrolls.
    const wide = page('shop.dg', { uri: 'x', version: 1, svg: SVG.replace('class="dg-graph"', 'class="dg-graph" width="1000" height="400"'), problems: [], errors: 0 });
    expect(wide).toContain('.graph svg { display: block; width: 100%; height: auto; max-width: 1000px; min-width: 700px; }');
    // A fresh nonce each time.
    expect(page('shop.dg', { uri: 'file:///shop.dg', version: 4, svg: SVG, problems: [], errors: 0 })).not.toContain(nonce);
  });

  it('says when the picture may be partial, and escapes names and messages', () => {
    const html = page('<b>&.dg', { uri: 'x', version: 2, svg: SVG, problems: ['p'], errors: 3 });
    expect(html).toContain('<header>&lt;b&gt;&amp;.dg · version 2 · <span class="errors">3 errors: the picture may be partial (see Problems)</span></header>');
    const failed = page('a.dg', undefined, 'failed: <img src=x onerror=alert(1)>');
    expect(failed).toContain('<p>failed: &lt;img src=x onerror=alert(1)&gt;</p>');
    expect(failed).not.toContain('<img');
  });
});
