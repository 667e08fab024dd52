import type { Catalog } from '../catalog/catalog';
import { CONFIG_FILE } from '../catalog/config';
import { ProjectCatalogs, type CatalogLoad, type ConfigState, type ProjectCatalogOptions } from '../catalog/project';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { Coalescer } from './coalesce';
import type { ProjectSettings } from './settings';
import { fileUriToPath, isInside, pathKey } from './workspaceFiles';

/**
 * The warehouse catalogs of the open documents, for the language server. Each document's
 * dg.config.json is looked up once (when the document is first checked; directory walks are cached),
 * each configuration is read once, and its catalog is loaded once, in the background, shared by every
 * document of that configuration. Nothing here runs on a keystroke: a document's state is a map lookup
 * once known. When something arrives (the configuration, then the catalog or its failure), `onChange`
 * gets the documents to re-check. `refresh` forgets and reloads (`dg/refreshCatalog`).
 *
 * Nothing here watches the disk: the client's file watchers (watchedFiles.ts) report changes to
 * `filesChanged`, which reloads only the configurations concerned (one reload at a time per
 * configuration, a burst folded into it: coalesce.ts); `projectFiles` says which files they read.
 */

/** What a document is checked with, once its configuration is known. */
export interface DocumentProject {
  config: ConfigState;
  /** The catalog's load, once settled (absent while loading, or when no configuration applies). */
  load?: CatalogLoad;
}

/**
 * A configuration's catalog state for the status bar (`dg/status`): never a secret, only an origin, a
 * size or a reason.
 */
export interface CatalogStatus {
  state: 'none' | 'loading' | 'loaded' | 'unavailable';
  detail?: string;
}

/** The `dg/status` notification: the state of the documents `uris` (all of one configuration, or none). */
export interface StatusParams {
  server: 'ready';
  /** The dg.config.json, when one applies. */
  config?: string;
  catalog: CatalogStatus;
  uris: string[];
}

/** A file changed on disk, as the client's watchers report it. */
export interface FileChange {
  /** Absolute path. */
  path: string;
  kind: 'created' | 'changed' | 'deleted';
}

/** The files a configuration read: its dg.config.json and the catalog file it names (never a warehouse's database). */
export interface ProjectFiles {
  config: string;
  catalog?: string;
}

/** The coalescing key of the documents' configuration lookups (configuration keys are absolute paths). */
const LOOKUPS = 'lookups';

/** One configuration and its catalog. */
interface Entry {
  file: string;
  state?: ConfigState;
  load?: CatalogLoad;
  /** Whether no catalog load follows (none configured, or `loadOnStartup` off). */
  settledState?: boolean;
  /** Whether the catalog is loaded even with `loadOnStartup` off (a refresh asked for it). */
  loadRequested: boolean;
  /** Settles when the configuration was read and its catalog load settled (not its Profiles Sync samples). */
  ready: Promise<void>;
}

/** `dg/refreshCatalog`'s answer: per configuration refreshed, what was loaded (never a secret). */
export interface RefreshResult {
  catalogs: {
    /** The dg.config.json. */
    config: string;
    /** Where the catalog came from, and its size, when one loaded. */
    origin?: string;
    tables?: number;
    columns?: number;
    /** Why no catalog (or a fallback) was used: reasons and what to do. */
    problems: string[];
  }[];
}

export class CatalogService {
  private readonly project: ProjectCatalogs;
  /** Document URI → its configuration file (`null`: none applies), once looked up. */
  private readonly documents = new Map<string, string | null>();
  /** Lookups under way, by document URI. */
  private readonly lookups = new Map<string, Promise<void>>();
  private readonly entries = new Map<string, Entry>();
  private stopped = false;
  private settings: ProjectSettings = { loadOnStartup: true };
  /** One lookup pass, and one reload per configuration, at a time. */
  private readonly runs: Coalescer;
  /** The changed files behind each reload asked for and not started yet, by configuration (for the log). */
  private readonly reloadReasons = new Map<string, Set<string>>();
  /**
   * The files of each configuration as last read, by configuration file: kept while it is read again
   * (a reload), so that the changes arriving meanwhile still find their configuration.
   */
  private readonly files = new Map<string, ProjectFiles>();

  constructor(
    private readonly options: ProjectCatalogOptions & {
      /** Documents whose project changed: re-check them. */
      onChange: (uris: string[]) => void;
      /** One line per catalog loaded or failed (for the output channel). */
      log?: (message: string, problem: boolean) => void;
      /** A configuration's (or a document's) catalog state changed (`dg/status`). */
      onStatus?: (status: StatusParams) => void;
      /** A configuration was read or dropped: `projectFiles()` may have changed. */
      onProjectFiles?: () => void;
    },
  ) {
    this.project = new ProjectCatalogs(options);
    this.runs = new Coalescer((key, error) =>
      this.options.log?.(`dg: reloading ${key} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, true),
    );
  }

  /**
   * The document's project when known; otherwise `undefined`, and its lookup starts (in the
   * background; `onChange` tells when it has something).
   */
  projectOf(uri: string): DocumentProject | undefined {
    if (this.stopped) return undefined;
    const file = this.documents.get(uri);
    if (file === undefined) {
      this.lookup(uri);
      return undefined;
    }
    if (file === null) return { config: { kind: 'none' } };
    const entry = this.entries.get(file);
    if (!entry?.state) return undefined;
    return entry.load ? { config: entry.state, load: entry.load } : { config: entry.state };
  }

  /**
   * The document's project once its configuration was read and its catalog load settled (for requests
   * that need it, e.g. dg/runDataChecks); `undefined` once stopped.
   */
  async settled(uri: string): Promise<DocumentProject | undefined> {
    if (this.stopped) return undefined;
    if (!this.documents.has(uri)) await this.lookup(uri);
    const file = this.documents.get(uri);
    if (typeof file === 'string') await (this.entries.get(file) ?? this.start(file)).ready;
    return this.projectOf(uri);
  }

  /** The loaded catalog a document's completion and hover read (none while loading or when it failed). */
  catalogOf(uri: string): Catalog | undefined {
    return this.projectOf(uri)?.load?.catalog;
  }

  /** Forgets a closed document (its configuration and catalog stay cached for the others). */
  close(uri: string): void {
    this.documents.delete(uri);
    this.lookups.delete(uri); // a lookup under way for it is dropped when it settles
  }

  /**
   * Reads the configuration and reloads the catalog of `uri`'s project (every project when absent),
   * then re-checks their documents (`openUris`). Resolves once the loads settled.
   */
  async refresh(uri: string | undefined, openUris: readonly string[]): Promise<RefreshResult> {
    if (this.stopped) return { catalogs: [] };
    let affected: string[];
    if (uri === undefined) {
      this.project.forget();
      this.entries.clear();
      this.forgetFiles();
      this.documents.clear();
      affected = [...openUris];
    } else {
      const file = this.documents.get(uri);
      // A dg.config.json may have appeared or gone: look every directory up again.
      this.project.forgetLookups();
      if (file) {
        this.project.forget(file);
        this.entries.delete(file);
      }
      affected = [...new Set([uri, ...[...this.documents].filter(([, f]) => f !== null && f === file).map(([u]) => u)])];
      for (const document of affected) this.documents.delete(document);
    }
    this.lookups.clear();
    await Promise.all(affected.map((document) => this.lookup(document, true)));
    const files = new Set(affected.map((document) => this.documents.get(document)).filter((f): f is string => typeof f === 'string'));
    await Promise.all([...files].map((file) => this.entries.get(file)?.ready));
    this.options.onChange(affected);
    return { catalogs: [...files].map((file) => this.describe(file)) };
  }

  /**
   * Applies `dataGraph.configPath` and `dataGraph.catalog.loadOnStartup`. When they changed, everything
   * read is forgotten (the caller re-checks the documents, which looks them up again). Returns whether
   * they changed.
   */
  configure(settings: ProjectSettings): boolean {
    const same = settings.configPath === this.settings.configPath && settings.loadOnStartup === this.settings.loadOnStartup;
    this.settings = { ...settings };
    if (same || this.stopped) return false;
    this.project.forget();
    this.entries.clear();
    this.forgetFiles();
    this.documents.clear();
    this.lookups.clear();
    return true;
  }

  /**
   * Files changed on disk (the client's watchers). A dg.config.json created or deleted moves documents:
   * the directory walks are forgotten and each document's configuration is looked up again (only those
   * whose configuration changed are re-checked). A configuration that changed, or whose catalog file
   * did, is read again and its catalog reloaded, then its documents are re-checked; other projects are
   * left alone (a live warehouse is not reconnected). Resolves once the reloads settled.
   */
  async filesChanged(changes: readonly FileChange[]): Promise<void> {
    if (this.stopped) return;
    // The configurations being read (for the first time, or again) and those read.
    const configs = new Set([...this.entries.keys(), ...this.files.keys()]);
    const reloads = new Map<string, string[]>();
    const reload = (file: string, path: string) => reloads.set(file, [...(reloads.get(file) ?? []), path]);
    let moved = false;
    for (const { path, kind } of changes) {
      const key = pathKey(path);
      const known = [...configs].find((file) => pathKey(file) === key);
      if (known !== undefined || basename(path) === CONFIG_FILE) {
        if (kind !== 'changed') moved = true;
        if (known !== undefined) reload(known, path);
        else this.project.forget(path); // read again by the lookup that finds it
      }
      for (const files of this.files.values()) {
        if (files.catalog !== undefined && pathKey(files.catalog) === key) reload(files.config, path);
      }
    }
    if (moved) {
      // Cached reads of a configuration without documents are dropped first, so that a lookup finding it reads it again.
      for (const file of reloads.keys()) {
        if (this.documentsOf(file).length === 0) this.drop(file);
      }
      await this.runs.run(LOOKUPS, () => this.lookUpAgain());
    }
    await Promise.all([...reloads].map(([file, paths]) => this.reload(file, paths)));
  }

  /**
   * Replaces the workspace roots (folders added or removed): a document outside every dg.config.json
   * gets the first root's, so every document's configuration is looked up again.
   */
  setRoots(roots: readonly string[]): Promise<void> {
    this.project.setRoots(roots);
    if (this.stopped) return Promise.resolve();
    return this.runs.run(LOOKUPS, () => this.lookUpAgain());
  }

  /** The files the configurations read so far name (for the file watchers). */
  projectFiles(): ProjectFiles[] {
    return [...this.files.values()];
  }

  /** The catalog state of a document, once known (for `dg/status`). */
  statusOf(uri: string): StatusParams | undefined {
    const file = this.documents.get(uri);
    if (file === undefined) return undefined;
    if (file === null) return { server: 'ready', catalog: { state: 'none', detail: 'no dg.config.json applies' }, uris: [uri] };
    return { ...this.status(file), uris: [uri] };
  }

  /** Cancels the loads under way (shutdown). */
  stop(): void {
    this.stopped = true;
    this.project.cancelAll();
  }

  /** The dg.config.json `dataGraph.configPath` names (relative to the first workspace folder), if set. */
  private explicitConfig(): string | undefined {
    const path = this.settings.configPath;
    if (!path) return undefined;
    const root = this.project.roots[0];
    return isAbsolute(path) ? resolve(path) : root !== undefined ? resolve(root, path) : undefined;
  }

  /** The dg.config.json that applies to a document now (directory walks cached). */
  private async configFileOf(uri: string): Promise<string | undefined> {
    const explicit = this.explicitConfig();
    if (explicit !== undefined) return explicit;
    const path = fileUriToPath(uri);
    if (path !== undefined) return this.project.configFileFor(path);
    // A document that is no file (untitled) gets the first workspace root's configuration.
    const root = this.project.roots[0];
    return root !== undefined ? this.project.configFileFor(root, true) : undefined;
  }

  /** `load`: load the catalog even when `loadOnStartup` is off (a refresh). */
  private lookup(uri: string, load = false): Promise<void> {
    let lookup = this.lookups.get(uri);
    if (lookup) return lookup;
    lookup = (async () => {
      const file = await this.configFileOf(uri);
      if (this.stopped || this.lookups.get(uri) !== lookup) return;
      this.documents.set(uri, file ?? null);
      if (file === undefined) {
        this.options.onStatus?.({ server: 'ready', catalog: { state: 'none', detail: 'no dg.config.json applies' }, uris: [uri] });
        return; // checked as before: nothing changes
      }
      const entry = this.entries.get(file) ?? this.start(file, load);
      this.options.onStatus?.({ ...this.status(file), uris: [uri] });
      if (entry.state) this.options.onChange([uri]); // the configuration was read for another document already
    })().finally(() => {
      if (this.lookups.get(uri) === lookup) this.lookups.delete(uri);
    });
    this.lookups.set(uri, lookup);
    return lookup;
  }

  /** Looks every document's configuration up again (walking the directories again); moves those whose changed. */
  private async lookUpAgain(): Promise<void> {
    this.project.forgetLookups();
    const uris = new Set([...this.documents.keys(), ...this.lookups.keys()]);
    await Promise.all(
      [...uris].map(async (uri) => {
        const before = this.documents.get(uri);
        const after = (await this.configFileOf(uri)) ?? null;
        if (this.stopped || (!this.documents.has(uri) && !this.lookups.has(uri))) return; // closed meanwhile
        if (before === after) return;
        // A lookup under way may have walked the old directories: its answer is dropped.
        this.documents.delete(uri);
        this.lookups.delete(uri);
        await this.lookup(uri);
        if (this.documents.get(uri) === null) this.options.onChange([uri]); // no configuration any more
      }),
    );
    // Configurations no open document uses any more are forgotten (and their files no longer watched).
    for (const file of [...this.entries.keys()]) if (this.documentsOf(file).length === 0) this.drop(file);
  }

  /**
   * Reads `file` again and reloads its catalog, after the reload under way for it if any (a burst of
   * changes gives one reload, or one more when some came after it started); none when no open document
   * uses it any more.
   */
  private reload(file: string, paths: readonly string[]): Promise<void> {
    const reasons = this.reloadReasons.get(file) ?? new Set<string>();
    for (const path of paths) reasons.add(path);
    this.reloadReasons.set(file, reasons);
    return this.runs.run(`config:${file}`, async () => {
      const changed = [...(this.reloadReasons.get(file) ?? [])];
      this.reloadReasons.delete(file);
      if (this.stopped) return;
      const entry = this.entries.get(file);
      const loaded = entry !== undefined && (entry.loadRequested || entry.load !== undefined);
      if (this.documentsOf(file).length === 0) {
        this.drop(file);
        return;
      }
      const names = changed.map((path) => (isInside(dirname(file), path) ? relative(dirname(file), path) : path));
      this.options.log?.(`dg: ${names.join(', ')} changed on disk: reloading ${file}`, false);
      this.project.forget(file);
      // Loaded before (maybe by a refresh with loadOnStartup off): loaded again.
      await this.start(file, loaded).ready;
    });
  }

  /** Forgets a configuration and its catalog. */
  private drop(file: string): void {
    this.project.forget(file);
    this.entries.delete(file);
    if (this.files.delete(file)) this.options.onProjectFiles?.();
  }

  private forgetFiles(): void {
    if (this.files.size === 0) return;
    this.files.clear();
    this.options.onProjectFiles?.();
  }

  /** Reads a configuration and loads its catalog, telling its documents after each step. */
  private start(file: string, load = false): Entry {
    const entry: Entry = { file, loadRequested: load, ready: Promise.resolve() };
    this.entries.set(file, entry);
    const current = () => !this.stopped && this.entries.get(file) === entry;
    entry.ready = (async () => {
      const state = await this.project.readConfig(file);
      if (!current()) return;
      entry.state = state;
      this.noteFiles(file, state);
      if (state.kind === 'invalid') this.options.log?.(`dg: ${file}: ${state.error.message}`, true);
      if (state.kind !== 'config' || (!load && !this.settings.loadOnStartup)) entry.settledState = true;
      this.options.onChange(this.documentsOf(file));
      this.notify(file);
      if (state.kind !== 'config' || entry.settledState) return;
      const loaded = await this.project.catalog(state.config);
      if (!current()) return;
      entry.load = loaded;
      this.report(file, loaded);
      if (loaded.configured) this.options.onChange(this.documentsOf(file));
      this.notify(file);
      // The samples only add completion items: nothing waits for them, nothing is re-checked.
      loaded.sampling?.then((sampled) => {
        if (!current()) return;
        entry.load = sampled;
        this.reportSamples(file, sampled);
        this.notify(file);
      });
    })();
    return entry;
  }

  /** Remembers the files a configuration just read names; tells when they changed. */
  private noteFiles(file: string, state: ConfigState): void {
    const catalog = state.kind === 'config' ? state.config.catalog?.path : undefined;
    const before = this.files.get(file);
    if (before && before.catalog === catalog) return;
    this.files.set(file, catalog !== undefined ? { config: file, catalog } : { config: file });
    this.options.onProjectFiles?.();
  }

  private notify(file: string): void {
    const uris = this.documentsOf(file);
    if (uris.length) this.options.onStatus?.({ ...this.status(file), uris });
  }

  /** The state of a configuration's catalog (no URIs yet). */
  private status(file: string): StatusParams {
    const entry = this.entries.get(file);
    const state = entry?.state;
    const base = { server: 'ready' as const, config: file, uris: [] };
    if (!entry || !state) return { ...base, catalog: { state: 'loading', detail: 'reading dg.config.json' } };
    if (state.kind === 'none') return { ...base, catalog: { state: 'none', detail: 'no dg.config.json applies' } };
    if (state.kind === 'invalid') return { ...base, catalog: { state: 'unavailable', detail: state.error.message } };
    const name = basename(state.config.dir);
    const load = entry.load;
    if (!load) {
      return entry.settledState
        ? { ...base, catalog: { state: 'none', detail: 'not loaded (dataGraph.catalog.loadOnStartup is off): run "Data Graph: Refresh Warehouse Catalog"' } }
        : { ...base, catalog: { state: 'loading', detail: 'loading the warehouse catalog' } };
    }
    if (!load.configured) return { ...base, catalog: { state: 'none', detail: 'dg.config.json names no warehouse and no catalog' } };
    if (!load.catalog) return { ...base, catalog: { state: 'unavailable', detail: load.failures[0]?.message ?? 'the catalog could not be loaded' } };
    const tables = load.catalog.stats().tables;
    const sampled = load.sampling ? '' : load.catalog.profileSamples.length ? ', profiles sampled' : '';
    return { ...base, catalog: { state: 'loaded', detail: `${name ? `${name}: ` : ''}${tables} tables${sampled}` } };
  }

  private documentsOf(file: string): string[] {
    return [...this.documents].filter(([, f]) => f === file).map(([uri]) => uri);
  }

  private report(file: string, load: CatalogLoad): void {
    if (!load.configured) return;
    const problems = load.failures.map((f) => f.message);
    if (load.catalog) {
      const stats = load.catalog.stats();
      this.options.log?.(`dg: catalog for ${file}: ${load.catalog.origin}, ${stats.tables} tables, ${stats.columns} columns`, false);
    }
    for (const problem of problems) this.options.log?.(`dg: catalog for ${file}: ${problem}`, true);
  }

  private reportSamples(file: string, load: CatalogLoad): void {
    for (const sample of load.catalog?.profileSamples ?? []) {
      this.options.log?.(`dg: catalog for ${file}: ${sample.values.length} values of ${sample.folder}.${sample.table}.${sample.column} sampled`, false);
    }
    for (const problem of load.sampleProblems ?? []) this.options.log?.(`dg: catalog for ${file}: ${problem}`, true);
  }

  private describe(file: string): RefreshResult['catalogs'][number] {
    const entry = this.entries.get(file);
    const state = entry?.state;
    if (!state || state.kind === 'none') return { config: file, problems: [] };
    if (state.kind === 'invalid') return { config: file, problems: [state.error.message] };
    const load = entry.load;
    const problems = load?.failures.map((f) => f.message) ?? [];
    if (!load?.catalog) return { config: file, problems: load?.configured === false ? ['dg.config.json names no warehouse and no catalog.'] : problems };
    const stats = load.catalog.stats();
    return { config: file, origin: load.catalog.origin, tables: stats.tables, columns: stats.columns, problems };
  }
}
