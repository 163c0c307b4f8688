import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, freePort, startChild, waitForOutput, type Child } from './processes.js';
import { getJson, keepAliveAgent, postJson } from './http-client.js';

export interface ParleyProcess {
  child: Child;
  port: number;
  dataDir: string;
  dbFile: string;
  key: string;
  botId: string;
  /** Makes a conversation with the first-run bot; returns its public id. */
  conversation(name?: string): Promise<string>;
  /** Stops and starts the server on the same data (the live bus is lost; the store stays). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts Parley (compiled dist/ unless `command` says otherwise) on a fresh data folder against `llmBaseUrl`, in its own process. */
export async function startParley(
  llmBaseUrl: string,
  // PARLEY_ENTRY runs another build (to compare before and after a change).
  command = [process.env.PARLEY_ENTRY ?? path.join(ROOT, 'dist/main.js')],
  nodeArgs: string[] = [],
  /** More environment: the scaled-out form's DATABASE_URL and REDIS_URL. */
  extraEnv: Record<string, string> = {},
): Promise<ParleyProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-bench-'));
  const port = await freePort();
  const env = {
    PORT: String(port), HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'warn',
    LLM_BASE_URL: llmBaseUrl, LLM_MODEL: 'bench', SHUTDOWN_GRACE: '1s', NODE_ENV: 'production',
    // The held-streams scenario keeps replies waiting for their first token while 10,000 streams
    // open: longer than the default 30 s first-token timeout on a loaded machine.
    LLM_FIRST_TOKEN_TIMEOUT: '15m', LLM_IDLE_TIMEOUT: '15m', LLM_TIMEOUT: '30m',
    ...extraEnv,
  };
  const boot = async () => {
    // PARLEY_NODE_ARGS passes flags to Parley's node, e.g. --cpu-prof for profiling.
    const child = startChild(process.execPath, [...nodeArgs, ...(process.env.PARLEY_NODE_ARGS?.split(' ').filter(Boolean) ?? []), ...command, 'serve'], env);
    const deadline = Date.now() + 90_000; // generous: a loaded machine, or tsx compiling src on the fly
    for (;;) {
      const ok = await getJson(port, '/healthz').then((r) => r.status === 200, () => false);
      if (ok) return child;
      if (child.proc.exitCode !== null || Date.now() > deadline) throw new Error(`Parley did not start:\n${child.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  let child = await boot();
  const key = (await waitForOutput(child, /parley_[A-Za-z0-9]{42}/))[0];
  const botId = (await waitForOutput(child, /"bot_id":"([A-Za-z0-9]+)"/))[1];
  const auth = { authorization: `Bearer ${key}` };
  const agent = keepAliveAgent(64);
  const p: ParleyProcess = {
    get child() {
      return child;
    },
    port, dataDir, dbFile: path.join(dataDir, 'parley.db'), key, botId,
    async conversation(name = 'bench') {
      const r = await postJson(port, '/api/v1/conversations', { name, bot_id: botId }, auth, agent);
      if (r.status !== 200 && r.status !== 201) throw new Error(`could not make a conversation: ${r.status} ${r.body}`);
      return (JSON.parse(r.body) as { data: { id: string } }).data.id;
    },
    async restart() {
      await child.stop();
      child = await boot();
    },
    async stop() {
      agent.destroy();
      await child.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return p;
}
