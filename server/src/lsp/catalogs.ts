import type { Catalog } from '../catalog/catalog';
import { ProjectCatalogs, type CatalogLoad, type ConfigState, type ProjectCatalogOptions } from '../catalog/project';
import { fileUriToPath } from './workspaceFiles';

/**
 * The warehouse catalogs of the open documents, for the language server. Each document's
 * dg.config.json is looked up once (when the document is first checked; directory walks are cached),
 * each configuration is read once, and its catalog is loaded once, in the background, shared by every
 * document of that configuration. Nothing here runs on a keystroke: a document's state is a map lookup
 * once known. When something arrives (the configuration, then the catalog or its failure), `onChange`
 * gets the documents to re-check. `refresh` forgets and reloads (`dg/refreshCatalog`).
 *
 * Nothing on disk is watched: a changed dg.config.json or snapshot is read again on refresh.
 */

/** What a document is checked with, once its configuration is known. */
export interface DocumentProject {
  config: ConfigState;
  /** The catalog's load, once settled (absent while loading, or when no configuration applies). */
  load?: CatalogLoad;
}

/** One configuration and its catalog. */
interface Entry {
  file: string;
  state?: ConfigState;
  load?: CatalogLoad;
  /** Settles when the configuration was read and its catalog load settled. */
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

  constructor(
    private readonly options: ProjectCatalogOptions & {
      /** Documents whose project changed: re-check them. */
      onChange: (uris: string[]) => void;
      /** One line per catalog loaded or failed (for the output channel). */
      log?: (message: string, problem: boolean) => void;
    },
  ) {
    this.project = new ProjectCatalogs(options);
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
    await Promise.all(affected.map((document) => this.lookup(document)));
    const files = new Set(affected.map((document) => this.documents.get(document)).filter((f): f is string => typeof f === 'string'));
    await Promise.all([...files].map((file) => this.entries.get(file)?.ready));
    this.options.onChange(affected);
    return { catalogs: [...files].map((file) => this.describe(file)) };
  }

  /** Cancels the loads under way (shutdown). */
  stop(): void {
    this.stopped = true;
    this.project.cancelAll();
  }

  private lookup(uri: string): Promise<void> {
    let lookup = this.lookups.get(uri);
    if (lookup) return lookup;
    lookup = (async () => {
      const path = fileUriToPath(uri);
      const roots = this.project.roots;
      // A document that is no file (untitled) gets the first workspace root's configuration.
      const file = path !== undefined ? await this.project.configFileFor(path) : roots.length ? await this.project.configFileFor(roots[0]!, true) : undefined;
      if (this.stopped || this.lookups.get(uri) !== lookup) return;
      this.documents.set(uri, file ?? null);
      if (file === undefined) return; // checked as before: nothing changes
      const entry = this.entries.get(file) ?? this.start(file);
      if (entry.state) this.options.onChange([uri]); // the configuration was read for another document already
    })().finally(() => {
      if (this.lookups.get(uri) === lookup) this.lookups.delete(uri);
    });
    this.lookups.set(uri, lookup);
    return lookup;
  }

  /** Reads a configuration and loads its catalog, telling its documents after each step. */
  private start(file: string): Entry {
    const entry: Entry = { file, ready: Promise.resolve() };
    this.entries.set(file, entry);
    const current = () => !this.stopped && this.entries.get(file) === entry;
    entry.ready = (async () => {
      const state = await this.project.readConfig(file);
      if (!current()) return;
      entry.state = state;
      if (state.kind === 'invalid') this.options.log?.(`dg: ${file}: ${state.error.message}`, true);
      this.options.onChange(this.documentsOf(file));
      if (state.kind !== 'config') return;
      const load = await this.project.catalog(state.config);
      if (!current()) return;
      entry.load = load;
      this.report(file, load);
      if (load.configured) this.options.onChange(this.documentsOf(file));
    })();
    return entry;
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
