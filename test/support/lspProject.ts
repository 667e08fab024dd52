/**
 * Project directories and language servers for the tests that drive the stdio server with a
 * dg.config.json: each test file gets a temp root (made before its tests; removed after them, with
 * every server it started), `project()` writes a dg.config.json and the files it is given into a new
 * directory of it, whose `graphs/` holds the documents.
 *
 *   const lsp = lspProjects('dg-lsp-catalog-');
 *   const { dir, uri } = lsp.project({ catalog: 'dg-catalog.json' }, { 'dg-catalog.json': text });
 *   const client = await lsp.start(dir);
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { RequestType, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import type { RefreshResult } from '../../server/src/lsp/catalogs';
import { ensureBuilt, LspClient, VSCODE_CAPABILITIES, type StartOptions } from './lspClient';

export type { RefreshResult };

/** `dg/refreshCatalog`: params `{ uri?: string }`. */
export const RefreshCatalog = new RequestType<{ uri?: string }, RefreshResult, void>('dg/refreshCatalog');

export interface Project {
  dir: string;
  /** The URI of a document in `graphs/`. */
  uri(name: string): string;
}

export interface LspProjects {
  /** The temp root (after `beforeAll`). */
  readonly root: string;
  /** A new directory with `dg.config.json` (`config` as JSON) and `files` (path relative to it → text). */
  project(config: Record<string, unknown>, files?: Record<string, string>): Project;
  /** A server talking as VS Code does (`settings` as the `dataGraph` section, `{}` by default), with `workspace` as its folder. */
  start(workspace?: string, options?: StartOptions): Promise<LspClient>;
}

/** Registers the file's `beforeAll`/`afterAll`: call at the top level of a test file. */
export function lspProjects(prefix: string): LspProjects {
  let root = '';
  let counter = 0;
  const clients: LspClient[] = [];
  beforeAll(() => {
    ensureBuilt();
    root = mkdtempSync(join(tmpdir(), prefix));
  }, 180_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    rmSync(root, { recursive: true, force: true });
  });
  return {
    get root() {
      return root;
    },
    project(config, files = {}) {
      const dir = join(root, `project-${++counter}`);
      mkdirSync(join(dir, 'graphs'), { recursive: true });
      writeFileSync(join(dir, 'dg.config.json'), JSON.stringify(config));
      for (const [name, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), text);
      }
      return { dir, uri: (name) => pathToFileURL(join(dir, 'graphs', name)).href };
    },
    async start(workspace, options = {}) {
      const client = await LspClient.start({
        settings: {},
        capabilities: VSCODE_CAPABILITIES,
        ...(workspace ? { workspaceFolders: [workspace] } : {}),
        ...options,
      });
      clients.push(client);
      return client;
    },
  };
}

/** The codes of a publication, in order. */
export const codes = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => d.code);

/** A predicate: the publication holds `code`. */
export const has = (code: string) => (p: PublishDiagnosticsParams) => codes(p).includes(code);
