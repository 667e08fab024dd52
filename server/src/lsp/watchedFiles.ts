import {
  DidChangeWatchedFilesNotification,
  FileChangeType,
  RegistrationRequest,
  UnregistrationRequest,
  WatchKind,
  type ClientCapabilities,
  type Connection,
  type FileSystemWatcher,
} from 'vscode-languageserver';
import { basename, dirname, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONFIG_FILE } from '../catalog/config';
import type { CatalogService, FileChange, ProjectFiles } from './catalogs';
import { fileUriToPath, isInside, type WorkspaceFiles } from './workspaceFiles';

/**
 * The files on disk the server follows, through the client's file watchers (LSP
 * `workspace/didChangeWatchedFiles`, registered dynamically after `initialized` when the client
 * supports it; other clients keep "Data Graph: Refresh Warehouse Catalog"):
 *
 * - every dg.config.json of the workspace, created, changed or deleted: the projects concerned are
 *   reloaded (CatalogService.filesChanged);
 * - `.dg` files created or deleted: the workspace-files index of workspace symbols (edits to known
 *   files are picked up by their modification time);
 * - the catalog files the loaded configurations name (`"catalog"`, free paths) and the configurations
 *   the first watcher does not cover (`dataGraph.configPath`, or above the workspace folders): a second
 *   registration, replaced (the old id unregistered) when that set changes. With
 *   `relativePatternSupport` each is a RelativePattern on its directory (the configuration's, when the
 *   catalog is under it, so that a `target/` created later is seen); without it, a glob on its name in
 *   any directory (events for other files of that name are ignored here).
 *
 * A warehouse's database file (DuckDB) is never watched: loading it, or building it from its `init`
 * script, must not trigger a reload. Clients send a burst of events as one notification (VS Code's
 * client batches them over 250 ms): its events are deduplicated here, and reloads are coalesced per
 * configuration by CatalogService (a reload under way absorbs the notifications that follow).
 */

/** Registered once: dg.config.json anywhere in the workspace, `.dg` files created or deleted. */
export const WORKSPACE_WATCHERS: FileSystemWatcher[] = [
  { globPattern: `**/${CONFIG_FILE}` },
  { globPattern: '**/*.dg', kind: WatchKind.Create | WatchKind.Delete },
];

export const WORKSPACE_REGISTRATION_ID = 'dg-watch-workspace';
/** Followed by a counter: each set of project files gets a new registration. */
export const PROJECT_REGISTRATION_PREFIX = 'dg-watch-project-files-';

/** Whether the client can be asked to watch files. */
export function canWatchFiles(capabilities: ClientCapabilities): boolean {
  return capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
}

/**
 * The watchers of the files the loaded configurations read, besides WORKSPACE_WATCHERS: each catalog
 * file, and each configuration that is not a dg.config.json inside a workspace folder.
 */
export function projectWatchers(files: readonly ProjectFiles[], folders: readonly string[], relativePatterns: boolean): FileSystemWatcher[] {
  const watchers = new Map<string, FileSystemWatcher>();
  const add = (path: string, base: string) => {
    const watcher: FileSystemWatcher = relativePatterns
      ? { globPattern: { baseUri: pathToFileURL(base).href, pattern: globOf(relative(base, path)) } }
      : { globPattern: `**/${globOf(basename(path))}` };
    watchers.set(JSON.stringify(watcher.globPattern), watcher);
  };
  for (const { config, catalog } of files) {
    const covered = basename(config) === CONFIG_FILE && folders.some((folder) => isInside(folder, config));
    // Without relative patterns a dg.config.json outside the folders cannot be watched (`**/` stays inside them).
    if (!covered && (relativePatterns || basename(config) !== CONFIG_FILE)) add(config, dirname(config));
    if (catalog) add(catalog, isInside(dirname(config), catalog) ? dirname(config) : dirname(catalog));
  }
  return [...watchers.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, watcher]) => watcher);
}

/** A relative path as a glob matching it: `/` separators, glob characters matched by `?` (the server compares exact paths). */
function globOf(path: string): string {
  return path.split(sep).join('/').replace(/[*?[\]{}]/g, '?');
}

const KINDS: Record<number, FileChange['kind']> = {
  [FileChangeType.Created]: 'created',
  [FileChangeType.Changed]: 'changed',
  [FileChangeType.Deleted]: 'deleted',
};

export class WatchedFiles {
  private readonly enabled: boolean;
  private readonly relativePatterns: boolean;
  private started = false;
  private stopped = false;
  /** The registered project watchers (as JSON) and their registration id. */
  private projectKey = '[]';
  private projectId: string | undefined;
  private registrations = 0;
  /** Registrations are sent one after the other. */
  private registering: Promise<void> = Promise.resolve();

  constructor(
    private readonly connection: Connection,
    capabilities: ClientCapabilities,
    private readonly context: {
      catalogs: CatalogService;
      workspace: WorkspaceFiles;
      /** The workspace folders now. */
      folders(): readonly string[];
      warn(key: string, message: string): void;
    },
  ) {
    this.enabled = canWatchFiles(capabilities);
    this.relativePatterns = capabilities.workspace?.didChangeWatchedFiles?.relativePatternSupport === true;
  }

  /** Registers the watchers (after `initialized`), when the client supports it. */
  start(): void {
    if (!this.enabled || this.started) return;
    this.started = true;
    this.registering = this.register(WORKSPACE_REGISTRATION_ID, WORKSPACE_WATCHERS).then(() => undefined);
    this.update();
  }

  /** The project files (or the folders) changed: registers their watchers again if they differ. */
  update(): void {
    if (!this.started || this.stopped) return;
    const watchers = projectWatchers(this.context.catalogs.projectFiles(), this.context.folders(), this.relativePatterns);
    const key = JSON.stringify(watchers);
    if (key === this.projectKey) return;
    this.projectKey = key;
    this.registering = this.registering.then(async () => {
      const previous = this.projectId;
      this.projectId = undefined;
      if (watchers.length > 0 && !this.stopped) {
        const id = `${PROJECT_REGISTRATION_PREFIX}${++this.registrations}`;
        if (await this.register(id, watchers)) this.projectId = id;
      }
      if (previous !== undefined && !this.stopped) await this.unregister(previous);
    });
  }

  /**
   * A `workspace/didChangeWatchedFiles` notification's events (untrusted JSON): `.dg` files go to the
   * workspace-files index, the others (deduplicated) to the catalogs.
   */
  received(changes: unknown): void {
    if (this.stopped) return;
    const project = new Map<string, FileChange>();
    for (const change of Array.isArray(changes) ? changes : []) {
      const { uri, type } = (change ?? {}) as { uri?: unknown; type?: unknown };
      const path = typeof uri === 'string' ? fileUriToPath(uri) : undefined;
      const kind = typeof type === 'number' ? KINDS[type] : undefined;
      if (path === undefined || kind === undefined) continue;
      if (!path.toLowerCase().endsWith('.dg')) project.set(`${kind}:${path}`, { path, kind });
      else if (kind === 'created') this.context.workspace.add(path);
      else if (kind === 'deleted') this.context.workspace.remove(path);
    }
    if (project.size === 0) return;
    this.context.catalogs
      .filesChanged([...project.values()])
      .catch((error: unknown) => this.context.warn(`watched:${String(error)}`, `dg: reloading after files changed failed: ${String(error)}`));
  }

  /** Shutdown: events are ignored, nothing more is registered. */
  stop(): void {
    this.stopped = true;
  }

  private async register(id: string, watchers: FileSystemWatcher[]): Promise<boolean> {
    try {
      await this.connection.sendRequest(RegistrationRequest.type, {
        registrations: [{ id, method: DidChangeWatchedFilesNotification.method, registerOptions: { watchers } }],
      });
      return true;
    } catch (error) {
      this.context.warn(`watch:${id}`, `dg: the client would not watch files (${error instanceof Error ? error.message : String(error)}); run "Data Graph: Refresh Warehouse Catalog" after changing dg.config.json or a catalog file`);
      return false;
    }
  }

  private async unregister(id: string): Promise<void> {
    try {
      await this.connection.sendRequest(UnregistrationRequest.type, {
        unregisterations: [{ id, method: DidChangeWatchedFilesNotification.method }],
      });
    } catch {
      // The client dropped it already, or never had it: nothing to undo.
    }
  }
}
