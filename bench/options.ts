import { parseArgs } from 'node:util';

export const SCENARIOS = ['ttfc', 'chunk', 'burst', 'throughput', 'held', 'history', 'replay', 'retrieval'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Every size the harness uses; `--quick` shrinks them so that the whole run takes under a minute. */
export interface BenchOptions {
  only: Scenario[];
  runs: number;
  ttfcClients: number[];
  /** Time-to-first-chunk samples per run and target (each client sends ceil(samples / clients) times). */
  ttfcSamples: number;
  chunkStreams: number[];
  /** Per-chunk scenario: chunks per stream, chunk size (characters) and interval (ms). */
  chunkCount: number;
  chunkSize: number;
  chunkIntervalMs: number;
  throughputSeconds: number;
  throughputClients: number;
  /** Chunks per reply and concurrent replies while measuring chunks per second. */
  fastChunks: number;
  fastStreams: number;
  held: number;
  history: number[];
  historySends: number;
  replayChunks: number;
  /** Passages indexed for the retrieval benchmark (issue 5). */
  retrievalPassages: number;
  /** Burst scenario: streams started at once, stamped chunks per stream and their interval (ms). */
  burstStreams: number;
  burstChunks: number;
  burstIntervalMs: number;
  nginx: boolean;
  /** Also measure the peer gateways (Portkey), installed on demand under bench/peers/. */
  peers: boolean;
  /** Also run a Parley on PostgreSQL + Redis (the scaled-out form) beside the embedded one. */
  scaled: boolean;
  out: string | undefined;
  quiet: boolean;
}

const FULL: Omit<BenchOptions, 'only' | 'nginx' | 'peers' | 'scaled' | 'out' | 'quiet'> = {
  runs: 5,
  ttfcClients: [1, 50, 500],
  ttfcSamples: 1000,
  chunkStreams: [1, 100, 1000],
  chunkCount: 40,
  chunkSize: 24,
  chunkIntervalMs: 50,
  throughputSeconds: 3,
  throughputClients: 64,
  fastChunks: 20_000,
  fastStreams: 8,
  held: 10_000,
  history: [0, 100_000, 1_000_000],
  historySends: 300,
  replayChunks: 10_000,
  retrievalPassages: 100_000,
  burstStreams: 100,
  burstChunks: 40,
  burstIntervalMs: 5,
};

/** Smaller everywhere (100 clients, 300 streams, 200 held, 20,000 stored), so that it runs in under a minute. */
const QUICK: typeof FULL = {
  runs: 3,
  ttfcClients: [1, 50, 100],
  ttfcSamples: 40,
  chunkStreams: [1, 100, 300],
  chunkCount: 4,
  chunkSize: 24,
  chunkIntervalMs: 50,
  throughputSeconds: 0.5,
  throughputClients: 64,
  fastChunks: 5_000,
  fastStreams: 4,
  held: 200,
  history: [0, 10_000, 20_000],
  historySends: 40,
  replayChunks: 10_000,
  retrievalPassages: 3_000,
  burstStreams: 100,
  burstChunks: 10,
  burstIntervalMs: 5,
};

const list = (v: string | undefined) => v?.split(',').map((s) => Number(s.replace(/_/g, ''))).filter((n) => Number.isFinite(n) && n >= 0);

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' }, only: { type: 'string' }, runs: { type: 'string' },
      'ttfc-clients': { type: 'string' }, 'ttfc-samples': { type: 'string' },
      'chunk-streams': { type: 'string' }, 'chunk-count': { type: 'string' }, 'chunk-size': { type: 'string' },
      'chunk-interval': { type: 'string' }, 'throughput-seconds': { type: 'string' },
      'throughput-clients': { type: 'string' }, 'fast-chunks': { type: 'string' }, 'fast-streams': { type: 'string' },
      held: { type: 'string' }, history: { type: 'string' }, 'history-sends': { type: 'string' },
      'replay-chunks': { type: 'string' }, 'retrieval-passages': { type: 'string' },
      'burst-streams': { type: 'string' }, 'burst-chunks': { type: 'string' }, 'burst-interval': { type: 'string' },
      'no-nginx': { type: 'boolean' }, peers: { type: 'boolean' }, scaled: { type: 'boolean' }, out: { type: 'string' },
      quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`npm run bench -- [--quick] [--only ${SCENARIOS.join(',')}] [--runs N]
  [--ttfc-clients 1,50,500] [--ttfc-samples N] [--chunk-streams 1,100,1000] [--chunk-count N]
  [--chunk-size N] [--chunk-interval MS] [--throughput-seconds S] [--throughput-clients N]
  [--fast-chunks N] [--fast-streams N] [--held N] [--history 0,100000,1000000] [--history-sends N]
  [--replay-chunks N] [--retrieval-passages N] [--burst-streams N] [--burst-chunks N]
  [--burst-interval MS] [--no-nginx] [--peers] [--scaled] [--out FILE] [--quiet]

  --peers  also runs the Portkey gateway (installed on demand into bench/peers/portkey) beside the
           floors, and judges the targets that compare Parley with it
  --scaled also runs a Parley on PostgreSQL + Redis (a database of its own on the server of
           PARLEY_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test, and the
           Redis of PARLEY_TEST_REDIS_URL) and puts its figures beside the embedded ones
           (throughput and chunk scenarios)\n`);
    process.exit(0);
  }
  const base = values.quick ? QUICK : FULL;
  const num = (v: string | undefined, d: number) => (v === undefined ? d : Number(v.replace(/_/g, '')));
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...SCENARIOS];
  for (const s of only) if (!SCENARIOS.includes(s as Scenario)) throw new Error(`unknown scenario ${s} (${SCENARIOS.join(', ')})`);
  return {
    only: only as Scenario[],
    runs: num(values.runs, base.runs),
    ttfcClients: list(values['ttfc-clients']) ?? base.ttfcClients,
    ttfcSamples: num(values['ttfc-samples'], base.ttfcSamples),
    chunkStreams: list(values['chunk-streams']) ?? base.chunkStreams,
    chunkCount: num(values['chunk-count'], base.chunkCount),
    chunkSize: num(values['chunk-size'], base.chunkSize),
    chunkIntervalMs: num(values['chunk-interval'], base.chunkIntervalMs),
    throughputSeconds: num(values['throughput-seconds'], base.throughputSeconds),
    throughputClients: num(values['throughput-clients'], base.throughputClients),
    fastChunks: num(values['fast-chunks'], base.fastChunks),
    fastStreams: num(values['fast-streams'], base.fastStreams),
    held: num(values.held, base.held),
    history: list(values.history) ?? base.history,
    historySends: num(values['history-sends'], base.historySends),
    replayChunks: num(values['replay-chunks'], base.replayChunks),
    retrievalPassages: num(values['retrieval-passages'], base.retrievalPassages),
    burstStreams: num(values['burst-streams'], base.burstStreams),
    burstChunks: num(values['burst-chunks'], base.burstChunks),
    burstIntervalMs: num(values['burst-interval'], base.burstIntervalMs),
    nginx: !values['no-nginx'],
    peers: values.peers ?? false,
    scaled: values.scaled ?? false,
    out: values.out,
    quiet: values.quiet ?? false,
  };
}
