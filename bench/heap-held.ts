/**
 * What a held stream keeps on the heap, by kind: heap snapshots of Parley (and of the bare relay)
 * before and after `--streams` streams are opened and held (the held-streams scenario's workload),
 * each after a full collection; prints the growth per stream by object kind, largest first.
 *
 *   npx tsx bench/heap-held.ts [--streams 2000] [--top 40] [--entry dist/main.js] [--dir /tmp/heap]
 */
import { readdirSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { keepAliveAgent, pool, readStream } from './http-client.js';
import { startParley } from './parley-process.js';
import { COLLECT_ON_SIGNAL, ROOT, collectedRss, startHelper, type Child } from './processes.js';
import { HELD, manyConversations, openStream, release, sendHeld } from './scenarios/held.js';
import { completionsTarget } from './targets.js';

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '2000' },
    top: { type: 'string', default: '40' },
    entry: { type: 'string', default: process.env.PARLEY_ENTRY ?? path.join(ROOT, 'dist/main.js') },
    dir: { type: 'string', default: '/tmp/parley-heap' },
    relay: { type: 'boolean', default: false },
  },
});
const streams = Number(values.streams);
const SNAPSHOT = ['--heapsnapshot-signal=SIGUSR1', '--diagnostic-dir', values.dir];

/** Per kind ("type name"): count and bytes of the snapshot's nodes. */
type Census = Map<string, { count: number; bytes: number }>;

function census(file: string): Census {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [T, N, S] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const out: Census = new Map();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + T]];
    const name = type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number' ? '' : snap.strings[snap.nodes[i + N]];
    const key = `${type} ${name.slice(0, 60)}`;
    const e = out.get(key) ?? { count: 0, bytes: 0 };
    e.count++;
    e.bytes += snap.nodes[i + S];
    out.set(key, e);
  }
  return out;
}

async function snapshot(child: Child, label: string): Promise<Census> {
  await collectedRss(child);
  const before = new Set(readdirSync(values.dir));
  process.kill(child.pid, 'SIGUSR1');
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`${label}: no heap snapshot from ${child.pid} within 180 s:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 200));
    const made = readdirSync(values.dir).find((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
    if (made) {
      const file = path.join(values.dir, made);
      // The file is made before the snapshot is written into it, and may pause while it is.
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        try {
          const counted = census(file);
          console.error(`${label}: ${file}`);
          return counted;
        } catch { /* not whole yet */ }
      }
    }
  }
}

function report(name: string, a: Census, b: Census): void {
  const rows = [...b].map(([k, v]) => ({ k, count: v.count - (a.get(k)?.count ?? 0), bytes: v.bytes - (a.get(k)?.bytes ?? 0) }))
    .filter((r) => r.bytes > 0).sort((x, y) => y.bytes - x.bytes);
  const sum = (c: Census) => [...c.values()].reduce((n, v) => n + v.bytes, 0);
  const total = sum(b) - sum(a);
  console.log(`\n${name}: heap growth ${(total / streams).toFixed(0)} B a stream\n\n| kind | per stream | bytes a stream |\n|---|---:|---:|`);
  for (const r of rows.slice(0, Number(values.top))) console.log(`| ${r.k} | ${(r.count / streams).toFixed(2)} | ${(r.bytes / streams).toFixed(0)} |`);
}

async function hold(child: Child, open: (i: number, agent: ReturnType<typeof keepAliveAgent>) => Promise<import('node:http').IncomingMessage>) {
  const agent = keepAliveAgent();
  const a = await snapshot(child, 'before');
  const reads: Promise<unknown>[] = [];
  await pool(streams, 64, async (i) => {
    const r = readStream(await open(i, agent));
    r.catch(() => undefined);
    reads.push(r);
  });
  const b = await snapshot(child, 'after');
  return { a, b, agent, reads };
}

rmSync(values.dir, { recursive: true, force: true });
mkdirSync(values.dir, { recursive: true });
const upstream = await startHelper('upstream', '0');
try {
  if (values.relay) {
    const relay = await startHelper('relay', String(upstream.port), [...COLLECT_ON_SIGNAL, ...SNAPSHOT]);
    const target = completionsTarget('relay', relay.port);
    const r = await hold(relay.child, (_, agent) => target.open(HELD, agent, 0));
    report('node:http relay', r.a, r.b);
    await release(upstream.port);
    await Promise.allSettled(r.reads);
    r.agent.destroy();
    await relay.child.stop();
  }
  const parley = await startParley(`http://127.0.0.1:${upstream.port}/v1`, [values.entry], [...COLLECT_ON_SIGNAL, ...SNAPSHOT]);
  const conversations = await manyConversations(parley, streams);
  const p = await hold(parley.child, async (i, agent) => openStream(parley, await sendHeld(parley, conversations[i], agent), agent));
  report('Parley', p.a, p.b);
  await release(upstream.port);
  await Promise.allSettled(p.reads);
  p.agent.destroy();
  await parley.stop();
} finally {
  await upstream.child.stop();
}
