import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(BENCH_DIR, '..');

/** The open-files hard limit: children are started with their soft limit raised to it. */
export const hardFileLimit = (): number => Number(spawnSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim()) || 1024;

export interface Child {
  proc: ChildProcess;
  pid: number;
  /** Everything the process has printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `command args` through bash so that its file limit is raised first. */
export function startChild(command: string, args: string[], env: Record<string, string> = {}): Child {
  const proc = spawn('bash', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'bench', command, ...args], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.setEncoding('utf8').on('data', (c: string) => (out = (out + c).slice(-65_536)));
  proc.stderr!.setEncoding('utf8').on('data', (c: string) => (out = (out + c).slice(-65_536)));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    proc, pid: proc.pid!, output: () => out,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Waits until `test` matches the child's output; fails with that output when it exits or times out. */
export async function waitForOutput(child: Child, test: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = child.output().match(test);
    if (m) return m;
    if (child.proc.exitCode !== null || Date.now() > deadline) {
      throw new Error(`child ${child.pid} ${child.proc.exitCode !== null ? 'exited' : 'timed out'}:\n${child.output()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts a helper (upstream or relay) in its own process; resolves with its port. */
export async function startHelper(role: 'upstream' | 'relay' | 'bound', arg: string, nodeArgs: string[] = []): Promise<{ child: Child; port: number }> {
  const child = startChild(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(BENCH_DIR, 'child-main.ts'), role, arg]);
  const m = await waitForOutput(child, /ready (\d+)/);
  return { child, port: Number(m[1]) };
}

/** Node flags that let `collectedRss` make a process collect its garbage (see collect-on-signal.mjs). */
export const COLLECT_ON_SIGNAL = ['--expose-gc', '--import', path.join(BENCH_DIR, 'collect-on-signal.mjs')];

const collections = new Map<number, number>();

/** Resident memory of a process started with COLLECT_ON_SIGNAL, in bytes, after a full garbage collection. */
export async function collectedRss(child: Child): Promise<number> {
  const done = (collections.get(child.pid) ?? 0) + 1;
  collections.set(child.pid, done);
  process.kill(child.pid, 'SIGUSR2');
  await waitForOutput(child, new RegExp(`collected ${done}\n`));
  return rssOf(child.pid);
}

/** Resident memory of a process, in bytes (Linux). */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * CPU time a process has used so far (all its threads, user and system), in µs: from the
 * scheduler's own accounting in ns (`/proc/<pid>/task/<tid>/schedstat`), since /proc/<pid>/stat's
 * utime and stime count 10 ms ticks, too coarse for a floor that spends 30 ms on a run (a quick
 * run's relay read 0 or 1 tick a run); from those ticks where schedstat is missing.
 */
export function cpuOf(pid: number): number {
  let ns = 0;
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // The thread ended between the listing and the read (Parley's threads live as long as it does).
      }
    }
  } catch {
    ns = NaN;
  }
  if (ns > 0) return ns / 1000;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}
