import type { InitializeParams } from 'vscode-languageserver';
import { resolve } from 'node:path';
import { fileUriToPath, pathKey } from './workspaceFiles';

/**
 * The workspace folders: those of `initialize`, then as `workspace/didChangeWorkspaceFolders` says
 * (the server advertises `workspace.workspaceFolders.changeNotifications`). Each change is passed on:
 * the workspace-files index walks an added folder and forgets a removed one's files, and the
 * catalogs look every document's dg.config.json up again (a document outside every dg.config.json
 * gets the first folder's that has one).
 */

/** The file system paths of the workspace folders (or the root, from clients that send no folders). */
export function workspaceFolderPaths(params: InitializeParams): string[] {
  const folders: unknown[] = Array.isArray(params.workspaceFolders) ? params.workspaceFolders : [];
  const uris = folders.length ? folders.map((f) => (f as { uri?: unknown } | null)?.uri) : [params.rootUri];
  const paths = uris.map((uri) => (typeof uri === 'string' ? fileUriToPath(uri) : undefined)).filter((p): p is string => p !== undefined);
  if (paths.length === 0 && typeof params.rootPath === 'string' && params.rootPath) paths.push(resolve(params.rootPath));
  return [...new Set(paths)];
}

/** What follows the folders. */
export interface FolderListeners {
  added(folder: string): void;
  removed(folder: string): void;
  /** After each change, with the folders now. */
  changed(folders: readonly string[]): void;
}

export class WorkspaceFolders {
  private current: string[];

  constructor(
    initial: readonly string[],
    private readonly listeners: FolderListeners,
  ) {
    this.current = [...initial];
  }

  get paths(): readonly string[] {
    return this.current;
  }

  /** A `workspace/didChangeWorkspaceFolders` event (untrusted JSON: `{ added, removed }`, each a list of `{ uri, name }`). */
  change(event: unknown): void {
    const { added, removed } = (event ?? {}) as { added?: unknown; removed?: unknown };
    const pathsOf = (list: unknown): string[] =>
      (Array.isArray(list) ? list : [])
        .map((folder) => (folder as { uri?: unknown } | null)?.uri)
        .map((uri) => (typeof uri === 'string' ? fileUriToPath(uri) : undefined))
        .filter((p): p is string => p !== undefined);
    let changed = false;
    for (const folder of pathsOf(removed)) {
      const before = this.current.length;
      this.current = this.current.filter((known) => pathKey(known) !== pathKey(folder));
      if (this.current.length === before) continue;
      changed = true;
      this.listeners.removed(folder);
    }
    for (const folder of pathsOf(added)) {
      if (this.current.some((known) => pathKey(known) === pathKey(folder))) continue;
      this.current.push(folder);
      changed = true;
      this.listeners.added(folder);
    }
    if (changed) this.listeners.changed(this.current);
  }
}
