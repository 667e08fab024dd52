import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative as relativePath, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBaseline, readProjectSettings, readSettings } from '../../server/src/lsp/settings';
import { ensureBuilt } from '../support/lspClient';
import { repoRoot } from '../support/wasm';

// The extension manifest (package.json), the language configuration and the client bundle agree with
// each other and with the server, without starting VS Code (the end-to-end tests do that).

const readJson = (path: string) => JSON.parse(readFileSync(join(repoRoot, path), 'utf8'));

interface Manifest {
  main: string;
  scripts: Record<string, string>;
  engines: { vscode: string };
  activationEvents: string[];
  devDependencies: Record<string, string>;
  contributes: {
    languages: { id: string; extensions: string[]; configuration: string }[];
    grammars: { language: string; scopeName: string; path: string }[];
    snippets: { language: string; path: string }[];
    commands: { command: string; title: string }[];
    configuration: { properties: Record<string, Record<string, unknown>> };
  };
}

const pkg = readJson('package.json') as Manifest;
const relative = (path: string) => path.replace(/^\.\//, '');

/** `^1.91.0` → [1, 91, 0]. */
const versionOf = (range: string) => range.replace(/^[\^~>=]+/, '').split('.').map(Number);
const atLeast = (a: number[], b: number[]) => {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
};

describe('extension manifest', () => {
  it('activates on dg documents and points at files that exist', () => {
    expect(pkg.activationEvents).toContain('onLanguage:dg');
    expect(pkg.main).toBe('./client/out/extension.js');
    const [language] = pkg.contributes.languages;
    expect(language).toMatchObject({ id: 'dg', extensions: ['.dg'], configuration: './client/language-configuration.json' });
    expect(existsSync(join(repoRoot, relative(language!.configuration)))).toBe(true);
    const [grammar] = pkg.contributes.grammars;
    expect(readJson(relative(grammar!.path)).scopeName).toBe(grammar!.scopeName);
  });

  it('declares a VS Code version the language client runs on, and types no newer than it', () => {
    const client = readJson('node_modules/vscode-languageclient/package.json') as { engines: { vscode: string } };
    expect(atLeast(versionOf(pkg.engines.vscode), versionOf(client.engines.vscode))).toBe(true);
    // vsce refuses @types/vscode newer than engines.vscode.
    expect(atLeast(versionOf(pkg.engines.vscode), versionOf(pkg.devDependencies['@types/vscode']!))).toBe(true);
  });

  it('registers every contributed command in the client', () => {
    // extension.ts and the modules it registers commands from (graphPanel.ts).
    const source = ['extension.ts', 'graphPanel.ts'].map((file) => readFileSync(join(repoRoot, 'client', 'src', file), 'utf8')).join('\n');
    const ids = pkg.contributes.commands.map((c) => c.command);
    expect(ids.sort()).toEqual([
      'dataGraph.refreshCatalog',
      'dataGraph.restartServer',
      'dataGraph.runDataChecks',
      'dataGraph.setWarehouseSecret',
      'dataGraph.showGraph',
      'dataGraph.showOutput',
    ]);
    for (const { command, title } of pkg.contributes.commands) {
      expect(source).toContain(`'${command}'`);
      expect(title).not.toBe('');
    }
  });

  it('contributes Data Graph: Show Graph for dg editors, in the palette and the editor title bar', () => {
    const manifest = pkg as unknown as {
      contributes: {
        commands: { command: string; title: string; category?: string; icon?: string }[];
        menus?: Record<string, { command: string; when?: string; group?: string }[]>;
      };
    };
    const command = manifest.contributes.commands.find((c) => c.command === 'dataGraph.showGraph');
    expect(command).toMatchObject({ title: 'Show Graph', category: 'Data Graph' });
    expect(command?.icon).toMatch(/^\$\([a-z-]+\)$/); // a codicon: the editor title button needs an icon
    const menus = manifest.contributes.menus ?? {};
    expect(menus['commandPalette']).toContainEqual({ command: 'dataGraph.showGraph', when: 'editorLangId == dg' });
    expect(menus['editor/title']).toContainEqual({ command: 'dataGraph.showGraph', when: 'editorLangId == dg', group: 'navigation' });
    // Every category is the same, so the palette lists them all as "Data Graph: …".
    for (const c of manifest.contributes.commands) expect(c.category).toBe('Data Graph');
    // The client sends the request the server answers.
    const panel = readFileSync(join(repoRoot, 'client', 'src', 'graphPanel.ts'), 'utf8');
    const server = readFileSync(join(repoRoot, 'server', 'src', 'lsp', 'graph.ts'), 'utf8');
    expect(panel).toContain("const GRAPH_REQUEST = 'dg/graph';");
    expect(server).toContain("export const GRAPH_METHOD = 'dg/graph';");
  });

  it('declares limited support for untrusted workspaces', () => {
    const capabilities = (pkg as unknown as { capabilities?: { untrustedWorkspaces?: { supported: unknown; description?: unknown } } }).capabilities;
    expect(capabilities?.untrustedWorkspaces?.supported).toBe('limited');
    expect(capabilities?.untrustedWorkspaces?.description).toBeTruthy();
  });

  it('documents settings the server accepts', () => {
    const properties = pkg.contributes.configuration.properties;
    expect(Object.keys(properties).sort()).toEqual([
      'dataGraph.baseline',
      'dataGraph.catalog.loadOnStartup',
      'dataGraph.configPath',
      'dataGraph.identityTypes',
      'dataGraph.severities',
      'dataGraph.trace.server',
    ]);
    for (const property of Object.values(properties)) expect(property['markdownDescription'] ?? property['description']).toBeTruthy();

    const severity = Object.values(properties['dataGraph.severities']!['patternProperties'] as Record<string, { enum: string[] }>)[0]!;
    for (const level of severity.enum) {
      expect(readSettings({ severities: { DG112: level } })).toEqual({ settings: { severities: { DG112: level } }, problems: [] });
    }
    expect(readSettings({ identityTypes: ['crm_id'] }).problems).toEqual([]);
    expect(properties['dataGraph.trace.server']!['enum']).toEqual(['off', 'messages', 'verbose']);
    // VS Code sends dotted settings nested; the defaults are the server's.
    expect(properties['dataGraph.configPath']!['default']).toBe('');
    expect(properties['dataGraph.catalog.loadOnStartup']!['default']).toBe(true);
    expect(readProjectSettings({ configPath: '', catalog: { loadOnStartup: true } })).toEqual({ project: { loadOnStartup: true }, problems: [] });
    expect(readProjectSettings({ configPath: 'conf/dg.config.json', catalog: { loadOnStartup: false } })).toEqual({
      project: { configPath: 'conf/dg.config.json', loadOnStartup: false },
      problems: [],
    });
    expect(readProjectSettings({ configPath: 3, catalog: { loadOnStartup: 'no' } }).problems).toHaveLength(2);
    expect(properties['dataGraph.baseline']!['default']).toBe(readBaseline({}).baseline);
    expect(readBaseline({ baseline: '' })).toEqual({ baseline: '', problems: [] });
    expect(readBaseline({ baseline: ' origin/main ' })).toEqual({ baseline: 'origin/main', problems: [] });
    expect(readBaseline({ baseline: 3 }).problems).toHaveLength(1);
  });

  it('contributes dg snippets, packaged in the .vsix, whose starter graph checks clean', () => {
    expect(pkg.contributes.snippets).toEqual([{ language: 'dg', path: './client/snippets/dg.json' }]);
    const vscodeignore = readFileSync(join(repoRoot, '.vscodeignore'), 'utf8').split('\n');
    expect(vscodeignore).toContain('!client/snippets/dg.json');
    const snippets = readJson('client/snippets/dg.json') as Record<string, { prefix: string | string[]; body: string[]; description: string }>;
    for (const snippet of Object.values(snippets)) expect(snippet.description).toBeTruthy();
    const starter = Object.values(snippets).find((s) => [s.prefix].flat().includes('data_graph'));
    expect(starter).toBeDefined();
    // Expanded with every placeholder's default (the first choice), the starter graph has no problems.
    const body = starter!.body.join('\n');
    const defaults = new Map<string, string>();
    for (const m of body.matchAll(/\$\{(\d+):([^}]*)\}/g)) defaults.set(m[1]!, m[2]!);
    for (const m of body.matchAll(/\$\{(\d+)\|([^,|]*)[^}]*\}/g)) defaults.set(m[1]!, m[2]!);
    const text = body
      .replace(/\$\{(\d+):([^}]*)\}/g, (_, _n: string, value: string) => value)
      .replace(/\$\{(\d+)\|([^,|]*)[^}]*\}/g, (_, _n: string, value: string) => value)
      .replace(/\$(\d+)/g, (_, n: string) => defaults.get(n) ?? '');
    expect(text).toContain('external_id {');
    expect(text).toContain('join_on        = "account-entity.id = cart-entity.account_id"');
    ensureBuilt(); // the CLI bundle
    const dir = mkdtempSync(join(tmpdir(), 'dg-snippet-'));
    try {
      writeFileSync(join(dir, 'starter.dg'), text);
      const out = execFileSync(process.execPath, [join(repoRoot, 'server', 'bin', 'dg.js'), 'check', join(dir, 'starter.dg')], { cwd: dir, encoding: 'utf8' });
      expect(out).toContain('No problems');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('language configuration', () => {
  const config = readJson('client/language-configuration.json') as {
    comments: { lineComment: string; blockComment: [string, string] };
    wordPattern: string;
    indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
    folding: { markers: { start: string; end: string } };
    autoClosingPairs: { open: string; close: string; notIn?: string[] }[];
  };

  it('uses # line comments and /* */ block comments', () => {
    expect(config.comments).toEqual({ lineComment: '#', blockComment: ['/*', '*/'] });
  });

  it('keeps slugs and column names one word', () => {
    const words = 'related_entity = "cart-entity" join_on = "account-entity.id = cart-entity.account_id"'.match(
      new RegExp(config.wordPattern, 'g'),
    );
    expect(words).toEqual(['related_entity', 'cart-entity', 'join_on', 'account-entity', 'id', 'cart-entity', 'account_id']);
  });

  it('indents after an opening brace and outdents on a closing one', () => {
    const increase = new RegExp(config.indentationRules.increaseIndentPattern);
    const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
    for (const line of ['data_graph {', '  entity "cart-entity" {', '  profile {  # the profile', '  relationship "a" { // x']) {
      expect(increase.test(line), line).toBe(true);
    }
    for (const line of ['  name = "a {"', '  # entity "x" {', '  external_id { type = "email" }', '  }']) {
      expect(increase.test(line), line).toBe(false);
    }
    expect(decrease.test('  }')).toBe(true);
    expect(decrease.test('  name = "}"')).toBe(false);
  });

  it('folds # region / # endregion markers', () => {
    const start = new RegExp(config.folding.markers.start);
    const end = new RegExp(config.folding.markers.end);
    expect(['# region Entities', '  #region', '  // region x'].every((l) => start.test(l))).toBe(true);
    expect(['# endregion', '  #endregion'].every((l) => end.test(l))).toBe(true);
    expect(start.test('# regional sales')).toBe(false);
    expect(start.test('# endregion')).toBe(false);
  });

  it('auto-closes quotes outside strings and comments only', () => {
    expect(config.autoClosingPairs.find((p) => p.open === '"')).toEqual({ open: '"', close: '"', notIn: ['string', 'comment'] });
  });
});

describe('client bundle', () => {
  const bundle = join(repoRoot, 'client', 'out', 'extension.js');
  beforeAll(() => {
    if (!existsSync(bundle)) execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'ignore' });
  }, 120_000);

  it('requires nothing but vscode and Node built-ins at run time', () => {
    const text = readFileSync(bundle, 'utf8');
    const required = new Set([...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!));
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    expect([...required].filter((m) => m !== 'vscode' && !builtins.has(m))).toEqual([]);
    expect(required.has('vscode')).toBe(true);
  });
});

describe('per-platform .vsix (npm run package)', () => {
  // server/scripts/package.mjs: stages DuckDB's runtime for one VS Code target in server/out/node_modules/
  // and runs `vsce package --target`. (The .vsix itself is built and installed by npm run test:e2e.)
  interface PackageScript {
    BINDINGS: Record<string, string>;
    RUNTIME_FILE: RegExp;
    hostTarget(): string;
  }
  const script = join(repoRoot, 'server', 'scripts', 'package.mjs');
  const load = async () => (await import(pathToFileURL(script).href)) as PackageScript;
  const requireHere = createRequire(import.meta.url);

  it('packages through server/scripts/package.mjs, for every platform DuckDB ships a binding for', async () => {
    expect(pkg.scripts['package']).toBe('node server/scripts/package.mjs');
    const { BINDINGS, hostTarget } = await load();
    const bindings = readJson('node_modules/@duckdb/node-bindings/package.json') as { version: string; optionalDependencies: Record<string, string> };
    expect(Object.values(BINDINGS).map((b) => `@duckdb/node-bindings-${b}`).sort()).toEqual(Object.keys(bindings.optionalDependencies).sort());
    for (const version of Object.values(bindings.optionalDependencies)) expect(version).toBe(bindings.version);
    const { Targets } = requireHere('@vscode/vsce/out/package.js') as { Targets: Set<string> };
    for (const target of Object.keys(BINDINGS)) expect(Targets.has(target), target).toBe(true);
    expect(Object.keys(BINDINGS)).toContain(hostTarget());
    // the staged copy (and the fetched bindings' cache, under node_modules/) stays out of git
    expect(readFileSync(join(repoRoot, '.gitignore'), 'utf8').split('\n')).toEqual(expect.arrayContaining(['server/out/', 'node_modules/']));
  });

  it('.vscodeignore lets exactly the staged DuckDB runtime in: package.json, JavaScript, binding, shared library, licenses', async () => {
    const { RUNTIME_FILE } = await load();
    const dir = mkdtempSync(join(tmpdir(), 'dg-vscodeignore-'));
    try {
      copyFileSync(join(repoRoot, 'package.json'), join(dir, 'package.json'));
      copyFileSync(join(repoRoot, '.vscodeignore'), join(dir, '.vscodeignore'));
      const touch = (file: string) => {
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        writeFileSync(join(dir, file), '');
      };
      const staged: string[] = [];
      const stage = (name: string, files: string[]) => {
        for (const f of files) staged.push(`server/out/node_modules/${name}/${f}`);
      };
      // the installed packages' real file lists (this machine's binding), and two other platforms' bindings
      const apiDir = dirname(requireHere.resolve('@duckdb/node-api/package.json'));
      const bindingsDir = dirname(createRequire(join(apiDir, 'package.json')).resolve('@duckdb/node-bindings/package.json'));
      const filesOf = (d: string) =>
        readdirSync(d, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => relativePath(d, join(e.parentPath, e.name)).split(sep).join('/'));
      // @duckdb/node-api is staged bundled into its main file (server/scripts/package.mjs)
      stage('@duckdb/node-api', ['package.json', 'LICENSE', 'README.md', 'lib/index.js', 'lib/index.d.ts']);
      stage('@duckdb/node-bindings', filesOf(bindingsDir));
      stage('detect-libc', filesOf(dirname(createRequire(join(bindingsDir, 'package.json')).resolve('detect-libc/package.json'))));
      stage('@duckdb/node-bindings-linux-x64', ['package.json', 'LICENSE', 'README.md', 'duckdb.node', 'libduckdb.so']);
      stage('@duckdb/node-bindings-darwin-arm64', ['package.json', 'LICENSE', 'README.md', 'duckdb.node', 'libduckdb.dylib']);
      stage('@duckdb/node-bindings-win32-x64', ['package.json', 'LICENSE', 'README.md', 'duckdb.node', 'duckdb.dll']);
      stage('@duckdb/node-api', ['lib/index.js.map', 'src/index.ts']);
      for (const f of [...staged, 'node_modules/left-pad/index.js', 'node_modules/left-pad/package.json', 'server/out/cli.js', 'server/out/server.js', 'server/out/server.js.map']) touch(f);

      // vsce's own file selection (what `vsce ls` lists)
      const { listFiles } = requireHere('@vscode/vsce/out/package.js') as { listFiles(o: { cwd: string; dependencies: boolean }): Promise<string[]> };
      const files = (await listFiles({ cwd: dir, dependencies: false })).map((f) => f.split(sep).join('/'));
      const runtime = staged.filter((f) => RUNTIME_FILE.test(f) && !f.endsWith('.map') && !f.includes('/src/'));
      expect(files.filter((f) => f.includes('node_modules/')).sort()).toEqual(runtime.sort());
      expect(runtime).toEqual(expect.arrayContaining([
        'server/out/node_modules/@duckdb/node-api/lib/index.js',
        'server/out/node_modules/@duckdb/node-bindings/duckdb.js',
        'server/out/node_modules/@duckdb/node-bindings-linux-x64/libduckdb.so',
        'server/out/node_modules/@duckdb/node-bindings-darwin-arm64/libduckdb.dylib',
        'server/out/node_modules/@duckdb/node-bindings-win32-x64/duckdb.dll',
        'server/out/node_modules/detect-libc/lib/detect-libc.js',
      ]));
      expect(runtime.some((f) => f.endsWith('.d.ts') || f.endsWith('README.md'))).toBe(false);
      expect(files).toContain('server/out/server.js');
      expect(files).not.toContain('server/out/cli.js');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
