/**
 * The CPU a send costs, alone: the bench's throughput workload (64 clients, `redirect: false`,
 * replies of one chunk) for a fixed number of sends against one Parley, with its CPU per send
 * read from /proc, and optionally a V8 CPU profile (`--cpu-prof`) or a callgrind instruction count
 * (`--callgrind`: immune to other processes' load, ~50× slower) of the measured sends only.
 * `--chunks N` measures chunks instead: 4 replies of N chunks at the upstream's full speed, as the
 * throughput table's chunk row (CPU per chunk; `--sends` is then the number of rounds).
 *
 *   npx tsx bench/profile-send.ts [--sends 20000] [--chunks N] [--cpu-prof DIR] [--callgrind FILE] [--entry dist/main.js]
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import path from 'node:path';
import { keepAliveAgent, readStream } from './http-client.js';
import { startParley } from './parley-process.js';
import { ROOT, cpuOf, startHelper } from './processes.js';
import { parleySend } from './scenarios/throughput.js';
import { ConversationPool, parleyTarget } from './targets.js';

const { values } = parseArgs({
  options: {
    sends: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '3000' },
    clients: { type: 'string', default: '64' },
    chunks: { type: 'string' },
    'cpu-prof': { type: 'string' },
    callgrind: { type: 'string' },
    entry: { type: 'string', default: process.env.PARLEY_ENTRY ?? path.join(ROOT, 'dist/main.js') },
  },
});
const sends = Number(values.sends);
const warmup = Number(values.warmup);
const clients = Number(values.clients);

const upstream = await startHelper('upstream', '0');
const nodeArgs = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : [];
const command = values.callgrind
  // Instrumentation starts off and is switched on for the measured sends only (callgrind_control -i).
  ? ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${values.callgrind}`, process.execPath, '--perf-basic-prof', values.entry]
  : [values.entry];
const parley = values.callgrind
  ? await startParleyUnder('valgrind', command)
  : await startParley(`http://127.0.0.1:${upstream.port}/v1`, command, nodeArgs);

async function startParleyUnder(tool: string, args: string[]) {
  // startParley runs `node ...command`; under valgrind the node is valgrind's argument instead.
  const saved = process.execPath;
  Object.defineProperty(process, 'execPath', { value: `/usr/bin/${tool}` });
  try {
    return await startParley(`http://127.0.0.1:${upstream.port}/v1`, args);
  } finally {
    Object.defineProperty(process, 'execPath', { value: saved });
  }
}

const conversations = new ConversationPool(parley);
// The throughput scenario's own send, so that the workload is the same.
const send = parleySend(parley, conversations);

const chunks = values.chunks === undefined ? undefined : Number(values.chunks);
const subject = parleyTarget(parley, conversations, false);

/** `rounds` times, 4 replies of `chunks` chunks at once; resolves with the chunks read. */
async function streamChunks(rounds: number): Promise<number> {
  const agent = keepAliveAgent();
  let total = 0;
  for (let round = 0; round < rounds; round++) {
    await Promise.all(Array.from({ length: 4 }, async (_, i) => {
      const read = await readStream(await subject.open({ chunks: chunks!, size: 24, intervalMs: 0, firstMs: 0 }, agent, i));
      if (!read.complete) throw new Error('incomplete stream');
      total += read.chunks;
    }));
  }
  agent.destroy();
  return total;
}

async function run(total: number): Promise<void> {
  const agent = keepAliveAgent();
  let started = 0;
  await Promise.all(Array.from({ length: clients }, async (_, client) => {
    while (started < total) {
      started++;
      await send(client, agent);
    }
  }));
  agent.destroy();
  await new Promise((r) => setTimeout(r, 300)); // the last replies finish
}

try {
  if (chunks !== undefined) {
    await streamChunks(Math.max(1, Math.round(warmup / 1000)));
  } else await run(warmup);
  const pid = parley.child.pid;
  const control = (...args: string[]) => spawnSync('callgrind_control', [...args, String(pid)], {
    // valgrind names its control pipes after $HOST, which is Parley's HOST setting there.
    encoding: 'utf8', env: { ...process.env, HOST: '127.0.0.1' },
  }).stdout;
  if (values.callgrind) control('-i', 'on');
  const cpu0 = cpuOf(pid);
  const t0 = performance.now();
  const count = chunks !== undefined ? await streamChunks(sends) : (await run(sends), sends);
  const wall = performance.now() - t0;
  const cpu = cpuOf(pid) - cpu0;
  const unit = chunks !== undefined ? 'chunk' : 'send';
  console.log(`${count} ${unit}s in ${(wall / 1000).toFixed(1)} s: ${(cpu / count).toFixed(2)} µs of Parley's CPU per ${unit}`);
  if (values.callgrind) {
    // The counters of the measured sends alone: `-e` prints them summed over the process's threads.
    const counters = control('-e', 'Ir');
    const ir = [...counters.matchAll(/^\s*Th \d+\s+([\d,]+)/gm)].reduce((n, m) => n + Number(m[1].replaceAll(',', '')), 0);
    control('--dump=measured');
    control('-i', 'off');
    console.log(`callgrind: ${(ir / count).toFixed(0)} instructions per ${unit} (${values.callgrind}.*)`);
  }
} finally {
  await parley.stop();
  await upstream.child.stop();
}
