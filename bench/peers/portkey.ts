import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BENCH_DIR, freePort, startChild, waitForOutput, type Child } from '../processes.js';
import { completionsTarget, type StreamTarget } from '../targets.js';

/** The gateway's own folder: installed on demand from its lock file, never a dependency of Parley. */
const DIR = path.join(BENCH_DIR, 'peers', 'portkey');
const ENTRY = path.join(DIR, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');

/** Installs the pinned gateway (npm ci in its folder) unless it is there already. */
export function installPortkey(log: (m: string) => void): void {
  if (existsSync(ENTRY)) return;
  log('peers: installing the Portkey gateway into bench/peers/portkey (npm ci)');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: DIR, encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(ENTRY)) throw new Error(`could not install the Portkey gateway:\n${r.stdout}${r.stderr}`);
}

export interface Peer {
  port: number;
  child: Child;
  /** A chat-completions target through the gateway to `upstreamPort`. */
  target(upstreamPort: number): StreamTarget;
}

/** Starts Portkey's open-source gateway (Node build) in a process of its own. */
export async function startPortkey(log: (m: string) => void): Promise<Peer> {
  installPortkey(log);
  const port = await freePort();
  // --headless: no log UI and no per-request log fan-out; production: no dev-only routes.
  const child = startChild(process.execPath, [ENTRY, `--port=${port}`, '--headless'], { NODE_ENV: 'production' });
  await waitForOutput(child, /Ready for connections/, 60_000);
  return {
    port, child,
    target: (upstreamPort) => completionsTarget('Portkey gateway 1.15.2', port, {
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `http://127.0.0.1:${upstreamPort}/v1`,
      authorization: 'Bearer bench',
    }),
  };
}
