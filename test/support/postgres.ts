import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, type TestContext } from 'vitest';

/**
 * A throw-away PostgreSQL server for tests: Debian's server binaries (/usr/lib/postgresql/<n>/bin,
 * installed with apt-get when missing and running as root), a cluster initialised in a temp dir, listening
 * on 127.0.0.1 at a free port (and a Unix socket in the temp dir), with password (SCRAM) authentication
 * over TCP and trust over the socket (setup SQL goes through psql there). PostgreSQL refuses to run as
 * root, so as root the cluster belongs to the `postgres` user (runuser). `stop()` stops the server and
 * removes the directory.
 *
 * `startPostgres` returns `{ skip }` instead (never throws for it) when the binaries are missing and
 * cannot be installed (no root, no network): tests then skip, loudly.
 */

export interface PgServer {
  host: '127.0.0.1';
  port: number;
  /** The superuser created by initdb, and its password. */
  user: string;
  password: string;
  /** A connection URL: `postgres://user:password@127.0.0.1:port/database`. */
  url(database: string, credentials?: { user: string; password: string }): string;
  /** Runs SQL through psql as the superuser (ON_ERROR_STOP); rejects with psql's output on failure. */
  psql(database: string, sql: string): Promise<string>;
  /** Stops the server (immediate mode) and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
  /** The server's log so far (diagnostics for failing tests). */
  log(): string;
}

const SUPERUSER = 'dg_admin';
const PASSWORD = 'admin-secret-Pw1';

/** The newest PostgreSQL server binary directory, if any (`DG_TEST_PG_BIN` overrides). */
export function findPostgresBin(): string | undefined {
  const override = process.env.DG_TEST_PG_BIN;
  if (override) return existsSync(join(override, 'postgres')) ? override : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+(\.\d+)?$/.test(v) && existsSync(join(root, v, 'bin', 'postgres')) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

const isRoot = () => process.getuid?.() === 0;

/** Installs Debian's `postgresql` (root only). Returns why it could not, or undefined on success. */
function installPostgres(): string | undefined {
  if (!isRoot()) return 'the PostgreSQL server binaries are not installed, and installing them needs root';
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { encoding: 'utf8', timeout: 180_000, env });
  if (update.status !== 0) return `apt-get update failed (${update.error?.message ?? tail(update.stderr)})`;
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { encoding: 'utf8', timeout: 300_000, env });
  if (install.status !== 0) return `apt-get install postgresql failed (${install.error?.message ?? tail(install.stderr)})`;
  return undefined;
}

const tail = (text: string | null | undefined) => (text ?? '').trim().split('\n').slice(-3).join(' | ');

/** The uid and gid of a user, if it exists. */
function userIds(name: string): { uid: number; gid: number } | undefined {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** A command line run as `user` (as root), or as is. */
function asUser(user: string | undefined, command: string, args: string[]): [string, string[]] {
  return user ? ['runuser', ['-u', user, '--', command, ...args]] : [command, args];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function run(command: string, args: string[], options: { input?: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, output: `${output}${error.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Starts a server, or says why it cannot (then tests skip). Setup SQL runs in `postgres`. */
export async function startPostgres(): Promise<PgServer | { skip: string }> {
  let bin = findPostgresBin();
  if (!bin) {
    const failure = installPostgres();
    if (failure) return { skip: failure };
    bin = findPostgresBin();
    if (!bin) return { skip: 'apt-get installed postgresql, but no server binaries were found under /usr/lib/postgresql' };
  }
  // PostgreSQL will not run as root: as root, run it as the `postgres` user the Debian package creates.
  let user: string | undefined;
  let ids: { uid: number; gid: number } | undefined;
  if (isRoot()) {
    ids = userIds('postgres');
    if (!ids) return { skip: 'running as root, and there is no `postgres` user to run the server as' };
    user = 'postgres';
  }
  const dir = mkdtempSync(join(tmpdir(), 'dg-pg-'));
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  if (ids) {
    chownSync(dir, ids.uid, ids.gid);
    chownSync(pwfile, ids.uid, ids.gid);
  }
  const cleanup = () => rmSync(dir, { recursive: true, force: true });

  const init = await run(
    ...asUser(user, join(bin, 'initdb'), [
      '-D', data, '-U', SUPERUSER, `--pwfile=${pwfile}`,
      '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync',
    ]),
    { timeoutMs: 60_000 },
  );
  if (init.code !== 0) {
    cleanup();
    throw new Error(`initdb failed (${init.code}): ${tail(init.output)}`);
  }

  const port = await freePort();
  const [command, args] = asUser(user, join(bin, 'postgres'), [
    '-D', data, '-k', dir, '-p', String(port), '-h', '127.0.0.1',
    // A throw-away cluster on a small machine: no durability, few resources.
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
    '-c', 'shared_buffers=16MB', '-c', 'max_connections=40', '-c', 'logging_collector=off',
  ]);
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const collect = (d: Buffer) => {
    log = (log + d.toString()).slice(-1_000_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited = false;
  child.on('exit', () => (exited = true));

  let stopped = false;
  // Should the test process end without stop() (a worker torn down early), stop the server anyway.
  const onExit = () => {
    if (stopped) return;
    stopped = true;
    const [cmd, argv] = asUser(user, join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '10']);
    spawnSync(cmd, argv, { stdio: 'ignore', timeout: 15_000 });
    cleanup();
  };
  process.once('exit', onExit);
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', onExit);
    await run(...asUser(user, join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '20']), { timeoutMs: 30_000 });
    if (!exited) {
      child.kill('SIGKILL');
      await new Promise((resolve) => (exited ? resolve(undefined) : child.once('exit', resolve)));
    }
    cleanup();
  };

  // Ready when pg_isready says so (polling; the child exiting means it failed).
  const ready = join(bin, 'pg_isready');
  const started = Date.now();
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`postgres exited at startup: ${tail(log)}`);
    }
    const probe = await run(ready, ['-h', '127.0.0.1', '-p', String(port), '-t', '1'], { timeoutMs: 5_000 });
    if (probe.code === 0) break;
    if (Date.now() - started > 30_000) {
      await stop();
      throw new Error(`postgres did not become ready within 30 s: ${tail(log)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  const psqlBin = join(bin, 'psql');
  const psql = async (database: string, sql: string) => {
    const result = await run(
      ...asUser(user, existsSync(psqlBin) ? psqlBin : 'psql', ['-h', dir, '-p', String(port), '-U', SUPERUSER, '-d', database, '-v', 'ON_ERROR_STOP=1', '-q', '-X', '-f', '-']),
      { input: sql, timeoutMs: 30_000 },
    );
    if (result.code !== 0) throw new Error(`psql failed (${result.code}): ${result.output.trim()}`);
    return result.output;
  };

  return {
    host: '127.0.0.1',
    port,
    user: SUPERUSER,
    password: PASSWORD,
    url: (database, credentials = { user: SUPERUSER, password: PASSWORD }) =>
      `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    psql,
    stop,
    log: () => log,
  };
}

/**
 * A server for one test file: started (and `setup` run in `postgres`) before its tests, stopped after.
 * `need(context)` is the server, or skips that test (loudly, once per file) when there is none.
 */
export function usePostgres(setup: string, what: string): { need(context: TestContext): PgServer } {
  let server: PgServer | undefined;
  let skipped: string | undefined;
  beforeAll(async () => {
    const started = await startPostgres();
    if ('skip' in started) {
      skipped = started.skip;
      console.warn(`\n*** SKIPPING ${what}: ${skipped} ***\n`);
      return;
    }
    server = started;
    await server.psql('postgres', setup);
  }, 600_000);
  afterAll(async () => {
    await server?.stop();
  }, 60_000);
  return {
    need(context) {
      if (!server) context.skip(`no PostgreSQL server: ${skipped}`);
      return server!;
    },
  };
}
