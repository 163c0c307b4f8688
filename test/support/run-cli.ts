import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { databasesByDataDir } from './test-services.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'dist/main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than src/, so the tests run the code as it is. */
export function ensureBuilt(): void {
  if (existsSync(MAIN) && statSync(MAIN).mtimeMs >= newestSource(path.join(ROOT, 'src'))) return;
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe' });
}

/** Only what the command needs, so that the developer's own environment cannot leak in. */
function cliEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // In the scaled-out test form, a command on a test server's folder works on that server's database.
  const database = databasesByDataDir.get(dataDir);
  return { PATH: process.env.PATH, HOME: dataDir, PARLEY_DATA_DIR: dataDir, ...(database && { DATABASE_URL: database }), ...extra };
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `parley <args>`, run in `cwd` (a temp folder, so no .env is read). */
export function runCli(args: string[], dataDir: string, extra: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: dataDir, env: cliEnv(dataDir, extra), encoding: 'utf8', timeout: 15_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `parley <args>` without blocking this process: for commands that call a server running in the
 * test's own process (spawnSync would hold its event loop, so the server could not answer).
 */
export function runCliAsync(args: string[], dataDir: string, extra: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: dataDir, env: cliEnv(dataDir, extra), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** The one JSON object a `--json` command printed (and nothing else). */
export function onlyJson(r: CliResult): Record<string, unknown> {
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  if (lines.length !== 1) throw new Error(`expected one line of JSON, got:\n${r.stdout}`);
  const value = JSON.parse(lines[0]);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`not a JSON object: ${lines[0]}`);
  return value;
}

export interface Served {
  child: ChildProcess;
  url: string;
  /** Everything printed on stdout so far. */
  stdout(): string;
  /** Everything printed on stderr so far. */
  stderr(): string;
  /** Sends SIGTERM (or `signal`) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `parley serve [args]` on a free port; resolves once fastify logs "Server listening". */
export function serve(dataDir: string, extra: Record<string, string> = {}, args: string[] = []): Promise<Served> {
  const child = spawn(process.execPath, [MAIN, 'serve', ...args], {
    cwd: dataDir, env: cliEnv(dataDir, { PORT: '0', HOST: '127.0.0.1', ...extra }), stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "Server listening" within 30s:\n${out}\n${err}`));
    }, 30_000);
    child.stderr!.on('data', (d) => (err += d));
    void exited.then((code) => reject(new Error(`serve exited with ${code}:\n${out}\n${err}`)));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        child, url: m[1], stdout: () => out, stderr: () => err,
        stop: (signal = 'SIGTERM') => {
          child.kill(signal);
          return exited;
        },
      });
    });
  });
}

/** The first-start banner's key pattern (the banner is printed just after "Server listening"). */
const BANNER_KEY = /^ {2}(parley_[A-Za-z0-9_-]{16,})$/m;

/** The API key of the first-start banner, once it is printed (it follows "Server listening" by a moment). */
export async function bannerKey(server: Served, timeoutMs = 10_000): Promise<string> {
  for (const started = Date.now(); Date.now() - started < timeoutMs;) {
    const m = BANNER_KEY.exec(server.stdout());
    if (m) return m[1];
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no first-start key within ${timeoutMs} ms:\n${server.stdout()}`);
}
