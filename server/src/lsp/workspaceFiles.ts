import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Analysis } from '../checks/analyze';
import { buildModel } from '../model/graph';
import { SyntaxDocument } from '../syntax/document';
import type { LineIndex } from '../syntax/lineIndex';
import type { DgParser } from '../syntax/parser';

/**
 * The `.dg` files of the workspace folders on disk, for workspace symbols over files that are not
 * open. The folders are walked once (`scan`, started at `initialized`; a folder added later is walked
 * when added), skipping `node_modules` and dot-directories and stopping at `maxFiles`; files created
 * or deleted since are reported by the client's file watchers (`add`, `remove`). Files are read and
 * parsed lazily, when a workspace symbol request needs them, and cached by modification time and
 * size (a file gone by then is forgotten). Open documents are the editor's business: callers leave
 * their paths out (`documents(exclude)`).
 */

export interface WorkspaceFilesOptions {
  parser: DgParser;
  /** Stop collecting after this many files. */
  maxFiles?: number;
  /** Files larger than this are skipped. */
  maxFileBytes?: number;
  /** Stop walking after this many directories (a workspace opened on a home directory). */
  maxDirectories?: number;
  /** Parsed text kept in the cache, at most (characters); files beyond it are skipped. */
  maxCachedChars?: number;
  warn: (key: string, message: string) => void;
}

export interface WorkspaceFile {
  uri: string;
  analysis: Analysis;
  lines: LineIndex;
}

interface Entry {
  uri: string;
  /** The parsed version; absent until read (or when unreadable / too large). */
  cached?: { mtimeMs: number; size: number; file: WorkspaceFile };
}

export const DEFAULT_MAX_FILES = 2000;
export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;
const DEFAULT_MAX_DIRECTORIES = 20_000;
const DEFAULT_MAX_CACHED_CHARS = 64 * 1024 * 1024;

/** The file system path of a `file:` URI; undefined for other schemes or a malformed URI. */
export function fileUriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return resolve(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

/** A path as compared with others: Windows paths are case-insensitive (VS Code writes `c:`, Node `C:`). */
export const pathKey = (path: string): string => (process.platform === 'win32' ? path.toLowerCase() : path);

/** `path` is inside the directory `dir` (both absolute). */
export const isInside = (dir: string, path: string): boolean => inside(pathKey(dir), pathKey(path));

export class WorkspaceFiles {
  private readonly entries = new Map<string, Entry>();
  private readonly roots: string[];
  private scanning: Promise<void> = Promise.resolve();
  private cachedChars = 0;
  private stopped = false;
  private readonly maxFiles: number;
  private readonly maxFileBytes: number;
  private readonly maxDirectories: number;
  private readonly maxCachedChars: number;

  constructor(
    /** Absolute paths of the workspace folders. */
    folders: readonly string[],
    private readonly options: WorkspaceFilesOptions,
  ) {
    this.roots = [...folders];
    this.maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.maxDirectories = options.maxDirectories ?? DEFAULT_MAX_DIRECTORIES;
    this.maxCachedChars = options.maxCachedChars ?? DEFAULT_MAX_CACHED_CHARS;
  }

  /** Absolute paths of the workspace folders. */
  get folders(): readonly string[] {
    return this.roots;
  }

  /** Walks the folders (once); requests wait for it. */
  scan(): Promise<void> {
    return this.queueWalk([...this.roots]);
  }

  /** A workspace folder added: walked after any walk under way (requests wait for it). */
  addFolder(folder: string): Promise<void> {
    if (this.roots.some((root) => pathKey(root) === pathKey(folder))) return this.scanning;
    this.roots.push(folder);
    return this.queueWalk([folder]);
  }

  /** A workspace folder removed: its files are forgotten (unless another folder holds them). */
  removeFolder(folder: string): void {
    const index = this.roots.findIndex((root) => pathKey(root) === pathKey(folder));
    if (index < 0) return;
    this.roots.splice(index, 1);
    for (const [path, entry] of [...this.entries]) {
      if (!this.inFolders(path)) this.forget(path, entry);
    }
  }

  /**
   * A `.dg` file created on disk (the client's watcher): remembered when a walk would have found it
   * (inside a folder, not under `node_modules` or a dot-directory, within `maxFiles`).
   */
  add(path: string): void {
    if (!path.toLowerCase().endsWith('.dg') || this.has(path) || this.entries.size >= this.maxFiles) return;
    const root = this.roots.find((folder) => isInside(folder, path));
    if (root === undefined) return;
    const parts = relative(root, path).split(/[\\/]/);
    if (parts.some((part) => part.startsWith('.') || part === 'node_modules')) return;
    this.entries.set(path, { uri: pathToFileURL(path).href });
  }

  /** A `.dg` file deleted on disk (the client's watcher): forgotten. */
  remove(path: string): void {
    for (const [known, entry] of [...this.entries]) {
      if (pathKey(known) === pathKey(path)) this.forget(known, entry);
    }
  }

  /** Stops a scan under way (shutdown). */
  stop(): void {
    this.stopped = true;
  }

  /** Known file paths, sorted. */
  paths(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** Remembers a `.dg` file inside a workspace folder that was opened (it may be newer than the scan). */
  noteOpened(uri: string): void {
    const path = fileUriToPath(uri);
    if (!path || !path.toLowerCase().endsWith('.dg') || this.entries.size >= this.maxFiles) return;
    if (this.has(path) || !this.inFolders(path)) return;
    this.entries.set(path, { uri: pathToFileURL(path).href });
  }

  /**
   * The parsed files, leaving out the paths in `exclude` (the open documents, as `pathKey`s); each file read and
   * parsed only when it changed since the last call. Files that disappeared are forgotten.
   */
  async documents(exclude: ReadonlySet<string>, isCancelled: () => boolean = () => false): Promise<WorkspaceFile[]> {
    await this.scanning;
    const out: WorkspaceFile[] = [];
    const paths = this.paths().filter((p) => !exclude.has(pathKey(p)));
    const BATCH = 32;
    for (let i = 0; i < paths.length; i += BATCH) {
      if (isCancelled()) break;
      const files = await Promise.all(paths.slice(i, i + BATCH).map((path) => this.load(path)));
      for (const file of files) if (file) out.push(file);
    }
    return out;
  }

  private async load(path: string): Promise<WorkspaceFile | undefined> {
    const entry = this.entries.get(path);
    if (!entry) return undefined;
    let info;
    try {
      info = await stat(path);
    } catch {
      this.forget(path, entry);
      return undefined;
    }
    if (!info.isFile()) {
      this.forget(path, entry);
      return undefined;
    }
    const cached = entry.cached;
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.file;
    this.drop(entry);
    if (info.size > this.maxFileBytes) {
      this.options.warn(`workspace:large:${path}`, `dg: ${path} is larger than ${this.maxFileBytes} bytes: left out of workspace symbols`);
      return undefined;
    }
    let text: string;
    try {
      text = (await readFile(path)).toString('utf8');
    } catch {
      return undefined;
    }
    if (this.cachedChars + text.length > this.maxCachedChars) {
      this.options.warn('workspace:budget', `dg: too much .dg text in the workspace: some files are left out of workspace symbols`);
      return undefined;
    }
    const file = this.parse(entry.uri, text);
    if (!file) return undefined;
    // Another request may have cached this file while this one was reading it.
    this.drop(entry);
    entry.cached = { mtimeMs: info.mtimeMs, size: info.size, file };
    this.cachedChars += text.length;
    return file;
  }

  private parse(uri: string, text: string): WorkspaceFile | undefined {
    const document = SyntaxDocument.parse(this.options.parser, text);
    try {
      const model = buildModel(document.syntax);
      return { uri, analysis: { model, diagnostics: [] }, lines: document.lineIndex };
    } catch (error) {
      // Blocks nested thousands deep overflow the model's recursion: such a file has no symbols.
      if (error instanceof RangeError) return undefined;
      throw error;
    } finally {
      document.dispose();
    }
  }

  private drop(entry: Entry): void {
    if (entry.cached) this.cachedChars -= entry.cached.file.analysis.model.syntax.text.length;
    entry.cached = undefined;
  }

  private forget(path: string, entry: Entry): void {
    this.drop(entry);
    this.entries.delete(path);
  }

  private has(path: string): boolean {
    return this.entries.has(path) || [...this.entries.keys()].some((p) => pathKey(p) === pathKey(path));
  }

  private inFolders(path: string): boolean {
    return this.roots.some((folder) => isInside(folder, path));
  }

  /** Walks `folders` after the walk under way (one at a time). */
  private queueWalk(folders: string[]): Promise<void> {
    this.scanning = this.scanning
      .then(() => this.walk(folders))
      .catch((error: unknown) => {
        this.options.warn('workspace:scan', `dg: scanning the workspace for .dg files failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    return this.scanning;
  }

  private async walk(folders: string[]): Promise<void> {
    const queue = [...folders];
    let directories = 0;
    while (queue.length > 0 && !this.stopped) {
      const directory = queue.shift()!;
      if (++directories > this.maxDirectories) {
        this.options.warn('workspace:directories', `dg: stopped looking for .dg files after ${this.maxDirectories} directories`);
        return;
      }
      let children: Dirent[];
      try {
        children = await readdir(directory, { withFileTypes: true });
      } catch {
        continue; // unreadable: skipped
      }
      children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const child of children) {
        if (child.name.startsWith('.')) continue;
        const path = join(directory, child.name);
        if (child.isDirectory()) {
          if (child.name !== 'node_modules') queue.push(path);
        } else if (child.isFile() && child.name.toLowerCase().endsWith('.dg')) {
          if (this.entries.size >= this.maxFiles) {
            this.options.warn('workspace:files', `dg: workspace symbols cover the first ${this.maxFiles} .dg files only`);
            return;
          }
          // A folder removed while it was walked adds nothing.
          if (!this.entries.has(path) && this.inFolders(path)) this.entries.set(path, { uri: pathToFileURL(path).href });
        }
      }
    }
  }
}

function inside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
