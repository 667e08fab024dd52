// Runs exttests/index.js inside the real VS Code extension host, with the extension from the built
// .vsix as the extension under development: the @vscode/test-electron contract
// (extensionDevelopmentPath + extensionTestsPath), which test-electron itself cannot do offline.
// How: the .vsix is installed into a temp folder with code-server's CLI; VS Code's own server
// (code-server's lib/vscode/out/server-main.js, which accepts --enable-smoke-test-driver) serves the
// workbench; chromium opens it with the test payload; the workbench calls window.codeAutomationExit(code)
// when the test run ends. The extension host's console.log reaches the page console, relayed here.
// Run by test/e2e/run.sh; alone: node test/e2e/vscode/run-exttests.mjs (after setup.sh and npm run package).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import {
  TIMEOUT, checkInstalled, cleanup, copyExamples, env, freePort, isolatedEnv, launchChromium, makeTmp, paths,
  repoRoot, runner, startServer, stopServer, writeSettings,
} from './harness.mjs';

const r = runner('vscode-api');
const tests = path.join(repoRoot, 'test', 'e2e', 'vscode', 'exttests');
let tmp, server, browser;
// the suite's own lines come from the extension host; this process only adds setup and teardown results
let relayed = { passed: 0, failed: 0, closed: false };
try {
  checkInstalled();
  tmp = makeTmp('api');
  const ws = path.join(tmp, 'examples');
  copyExamples(ws);
  writeSettings(tmp);
  const procEnv = isolatedEnv(tmp);
  const installed = path.join(tmp, 'installed');
  const res = spawnSync(paths.node24, [paths.codeServer, '--user-data-dir', path.join(tmp, 'user-data'), '--extensions-dir', installed,
    '--install-extension', paths.vsix], { encoding: 'utf8', env: procEnv, timeout: 120000 });
  if (res.status !== 0) throw new Error(`--install-extension failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
  const extDir = readdirSync(installed, { withFileTypes: true }).find((d) => d.isDirectory() && d.name.startsWith('dg-tools.dg-data-graph-'));
  if (!extDir) throw new Error(`the .vsix did not unpack into ${installed}: ${readdirSync(installed)}`);
  const extDev = path.join(installed, extDir.name);

  const port = await freePort();
  server = await startServer(paths.node24, [paths.serverMain, '--host', '127.0.0.1', '--port', String(port), '--without-connection-token',
    '--accept-server-license-terms', '--enable-smoke-test-driver', '--telemetry-level', 'off', '--disable-workspace-trust',
    '--server-data-dir', path.join(tmp, 'user-data'), '--user-data-dir', path.join(tmp, 'user-data'), '--extensions-dir', path.join(tmp, 'extensions')],
  { env: { ...procEnv, DG_E2E_TIMEOUT_MS: String(TIMEOUT) }, ready: /Extension host agent listening|HTTP server listening/ });
  r.note(`VS Code server listening on 127.0.0.1:${port} (pid ${server.proc.pid})`);

  browser = await launchChromium(tmp);
  const page = await browser.newPage();
  const exited = new Promise((resolve) => { void page.exposeFunction('codeAutomationExit', (c) => resolve(c)); });
  page.on('console', (m) => {
    const t = m.text().replace(/%c/g, '');
    if (env.DEBUG_CONSOLE) console.log(t);
    const k = t.search(/(ok +- vscode-api|FAIL - vscode-api|\d+ passed, \d+ failed)/);
    if (k < 0) return;
    const line = t.slice(k).replace(/\s+color: [^\n]*$/, '');
    const sum = /^(\d+) passed, (\d+) failed/.exec(line);
    if (sum) relayed = { passed: Number(sum[1]), failed: Number(sum[2]), closed: true };
    else console.log(line);
  });
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = JSON.stringify([['extensionDevelopmentPath', remote(extDev)], ['extensionTestsPath', remote(tests)]]);
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(payload)}`);
  // every step inside has its own timeout; this bound only catches a host that never starts
  const limit = Number(env.DG_E2E_EXTTESTS_TIMEOUT_MS || 180000);
  let timer;
  const exitCode = await Promise.race([exited, new Promise((res) => { timer = setTimeout(() => res('timeout'), limit); })]);
  clearTimeout(timer);
  r.note(`extension test host exit code: ${exitCode}`);
  if (!relayed.closed) r.fail('extension tests ran to the end', `no closing line from the extension host (exit code ${exitCode})`);
  else if (exitCode !== 0 && relayed.failed === 0) r.fail('extension test host exit code', String(exitCode));
} catch (e) {
  r.fail('setup', (e && e.stack) || e);
} finally {
  await browser?.close().catch(() => {});
  await stopServer(server);
  const left = await cleanup(tmp);
  if (left.length) r.fail('no processes left behind', `killed:\n${left.join('\n')}`);
}
// one closing line for the whole suite: the host's counts plus this runner's own failures
process.exit(r.finish(relayed));
