// `npm run package [-- --target <vscode-target>] [vsce options]`: builds the per-platform .vsix.
//
// The server bundle keeps `@duckdb/*` external (DuckDB's native binding cannot be bundled) and imports
// `@duckdb/node-api` lazily, resolved from the bundle's folder up. The .vsix carries no node_modules, so
// this script stages DuckDB's runtime for ONE platform next to the bundle, in server/out/node_modules/:
// @duckdb/node-api (bundled into one file), @duckdb/node-bindings, its dependency detect-libc, and the
// target's native binding @duckdb/node-bindings-<platform> (duckdb.node and DuckDB's shared library). .vscodeignore lets exactly
// their runtime files in. It then runs `vsce package --no-dependencies --target <vscode-target>` with
// the remaining arguments (e.g. `--out file.vsix`) and checks that the .vsix holds the staged runtime.
//
// Target: `--target` (a VS Code target: linux-x64, linux-arm64, alpine-x64, alpine-arm64, darwin-x64,
// darwin-arm64, win32-x64, win32-arm64), by default this machine's. The binding comes from node_modules
// when it is installed there (this machine's), otherwise `npm pack` fetches the exact same version from
// the npm registry into node_modules/.cache/dg-package/ (checked against package-lock.json's integrity),
// so a release builds every target on one machine.
import { spawnSync } from 'node:child_process';
import { buildSync } from 'esbuild';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'server', 'out');
const staged = join(out, 'node_modules');
const cache = join(root, 'node_modules', '.cache', 'dg-package');
const require = createRequire(join(root, 'package.json'));

/** VS Code target → the platform suffix of DuckDB's binding package (@duckdb/node-bindings-<suffix>). */
export const BINDINGS = {
  'linux-x64': 'linux-x64',
  'linux-arm64': 'linux-arm64',
  'alpine-x64': 'linux-x64-musl',
  'alpine-arm64': 'linux-arm64-musl',
  'darwin-x64': 'darwin-x64',
  'darwin-arm64': 'darwin-arm64',
  'win32-x64': 'win32-x64',
  'win32-arm64': 'win32-arm64',
};
/** The files of the staged packages that run (the rest, e.g. .d.ts and READMEs, stay out of the .vsix). */
export const RUNTIME_FILE = /(^|\/)(package\.json|LICENSE)$|\.(js|node|so|dylib|dll)$/;

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

function run(cmd, args, options = {}) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' && cmd === 'npm', ...options });
  if (res.error) fail(`${cmd} ${args.join(' ')}: ${res.error.message}`);
  if (res.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${res.status ?? res.signal}`);
  return res;
}

/** The arguments: `--target X` / `--target=X` is taken out, everything else goes to vsce. */
function parseArgs(argv) {
  let target;
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--target' || a === '-t') {
      target = argv[++i];
      if (!target) fail(`${a} needs a VS Code target: ${Object.keys(BINDINGS).join(', ')}`);
    } else if (a.startsWith('--target=')) target = a.slice('--target='.length);
    else rest.push(a);
  }
  return { target: target ?? hostTarget(), rest };
}

/** This machine's VS Code target: process.platform-process.arch, and alpine-* on a musl Linux. */
export function hostTarget() {
  let platform = process.platform;
  if (platform === 'linux') {
    const { familySync, MUSL } = require('detect-libc');
    if (familySync() === MUSL) platform = 'alpine';
  }
  return `${platform}-${process.arch}`;
}

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const packageDir = (name, from) => dirname(createRequire(join(from, 'package.json')).resolve(`${name}/package.json`));

/** All files under `dir`, relative to it with `/` separators. */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath ?? d.path, d.name)).split(sep).join('/'));
}

/** Copies an installed package (without any node_modules of its own) into the staged node_modules. */
function stage(name, from) {
  const dest = join(staged, ...name.split('/'));
  cpSync(from, dest, { recursive: true, dereference: true, filter: (src) => !relative(from, src).split(sep).includes('node_modules') });
  return dest;
}

/**
 * Stages a pure-JavaScript package as one bundled file at its `main` (with its package.json and
 * LICENSE): @duckdb/node-api is 180-odd modules, which would make every .vsix hold as many files.
 */
function stageBundled(name, from, external) {
  const dest = join(staged, ...name.split('/'));
  const pkg = readJson(join(from, 'package.json'));
  mkdirSync(dest, { recursive: true });
  for (const file of ['package.json', 'LICENSE']) if (existsSync(join(from, file))) cpSync(join(from, file), join(dest, file));
  buildSync({
    entryPoints: [join(from, pkg.main)],
    outfile: join(dest, pkg.main),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external,
    logLevel: 'warning',
  });
  return dest;
}

/**
 * The binding package's folder: the installed one when it is there in this version, otherwise the
 * registry's tarball (npm pack, cached, verified against package-lock.json) extracted into the cache.
 */
function bindingDir(name, version, bindingsDir) {
  try {
    const dir = packageDir(name, bindingsDir);
    if (readJson(join(dir, 'package.json')).version === version) return dir;
  } catch { /* not installed: another platform's */ }

  mkdirSync(cache, { recursive: true });
  const tgz = join(cache, `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`);
  const lock = readJson(join(root, 'package-lock.json')).packages?.[`node_modules/${name}`];
  const integrity = lock?.version === version ? lock.integrity : undefined;
  const matches = () => {
    if (!integrity) return true; // npm pack itself checks the registry's integrity
    const [algo, want] = integrity.split('-', 2);
    return createHash(algo).update(readFileSync(tgz)).digest('base64') === want;
  };
  if (!existsSync(tgz) || !matches()) {
    rmSync(tgz, { force: true });
    console.log(`package: fetching ${name}@${version} from the npm registry into ${relative(root, cache)}/`);
    run('npm', ['pack', `${name}@${version}`, '--pack-destination', cache, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (!existsSync(tgz)) fail(`npm pack did not write ${tgz}`);
    if (!matches()) fail(`${tgz} does not match the integrity in package-lock.json (${integrity})`);
  }
  const dir = join(cache, `${name.replace('/', '+')}@${version}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // npm tarballs hold the package under package/
  run('tar', ['-xzf', tgz, '-C', dir, '--strip-components=1']);
  const pkg = readJson(join(dir, 'package.json'));
  if (pkg.name !== name || pkg.version !== version) fail(`${tgz} holds ${pkg.name}@${pkg.version}, not ${name}@${version}`);
  return dir;
}

/** Stages DuckDB's runtime for `binding` into server/out/node_modules/; returns the staged files (relative to the repo). */
function stageDuckDb(binding) {
  rmSync(staged, { recursive: true, force: true });
  const apiDir = packageDir('@duckdb/node-api', root);
  const api = readJson(join(apiDir, 'package.json'));
  const bindingsDir = packageDir('@duckdb/node-bindings', apiDir);
  const bindings = readJson(join(bindingsDir, 'package.json'));
  const want = api.dependencies?.['@duckdb/node-bindings'];
  if (want !== bindings.version) fail(`@duckdb/node-api@${api.version} wants @duckdb/node-bindings@${want}, installed is ${bindings.version}: run npm ci`);
  const name = `@duckdb/node-bindings-${binding}`;
  const version = bindings.optionalDependencies?.[name];
  if (!version) fail(`@duckdb/node-bindings@${bindings.version} has no binding ${name}`);

  stageBundled('@duckdb/node-api', apiDir, ['@duckdb/node-bindings']);
  stage('@duckdb/node-bindings', bindingsDir);
  // The runtime dependencies of the two (only detect-libc today), from node_modules.
  for (const [pkgDir, pkg] of [[apiDir, api], [bindingsDir, bindings]]) {
    for (const dep of Object.keys(pkg.dependencies ?? {}).filter((d) => !d.startsWith('@duckdb/'))) {
      const depDir = packageDir(dep, pkgDir);
      if (Object.keys(readJson(join(depDir, 'package.json')).dependencies ?? {}).length) fail(`${dep} has dependencies of its own: stage them too`);
      stage(dep, depDir);
    }
  }
  const dest = stage(name, bindingDir(name, version, bindingsDir));
  if (!existsSync(join(dest, 'duckdb.node'))) fail(`${name}@${version} has no duckdb.node`);
  return filesUnder(staged).filter((f) => RUNTIME_FILE.test(f)).map((f) => `server/out/node_modules/${f}`);
}

/** The file names in a zip (.vsix) archive, read from its central directory. */
function zipEntries(file) {
  const buf = readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) fail(`${file} is not a zip archive`);
  const names = [];
  for (let i = 0, at = buf.readUInt32LE(eocd + 16); i < buf.readUInt16LE(eocd + 10); i++) {
    const nameLen = buf.readUInt16LE(at + 28), extraLen = buf.readUInt16LE(at + 30), commentLen = buf.readUInt16LE(at + 32);
    names.push(buf.toString('utf8', at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/** Stages the runtime for the target, runs vsce, and checks the .vsix against the staged runtime. */
function main(argv) {
  const { target, rest } = parseArgs(argv);
  const binding = BINDINGS[target];
  if (!binding) fail(`no DuckDB binding for the VS Code target "${target}"; targets: ${Object.keys(BINDINGS).join(', ')}`);

  const runtime = stageDuckDb(binding);
  const size = runtime.reduce((n, f) => n + statSync(join(root, f)).size, 0);
  console.log(`package: staged DuckDB's runtime for ${target} (@duckdb/node-bindings-${binding}): ${runtime.length} files, ${(size / 1048576).toFixed(1)} MB`);

  // vsce runs `vscode:prepublish` (npm run build: the bundles into server/out/, beside the staged
  // runtime) before it collects the files.
  const vsce = join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
  const res = run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links',
    '--target', target, ...rest], { stdio: ['inherit', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(res.stdout);

  // The .vsix holds exactly the staged runtime from node_modules: .vscodeignore's allow-list and the
  // staging agree.
  const vsix = /Packaged: (.+?\.vsix)/.exec(res.stdout)?.[1];
  if (!vsix || !existsSync(vsix)) fail(`cannot find the .vsix in vsce's output`);
  const packed = zipEntries(vsix).filter((e) => e.includes('node_modules/')).map((e) => e.replace(/^extension\//, '')).sort();
  const missing = runtime.filter((f) => !packed.includes(f));
  const extra = packed.filter((f) => !runtime.includes(f));
  if (missing.length || extra.length) {
    fail(`${vsix} and the staged DuckDB runtime disagree (check .vscodeignore):\n  missing: ${missing.join(', ') || '-'}\n  unexpected: ${extra.join(', ') || '-'}`);
  }
}

// Imported (by test/client/manifest.test.ts) for the tables above; run as a script, it packages.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
