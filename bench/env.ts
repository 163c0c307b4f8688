import type { BenchOptions } from './options.js';
import type { ParleyProcess } from './parley-process.js';
import type { Peer } from './peers/portkey.js';
import type { Child } from './processes.js';

/** The processes one bench run talks to, all on 127.0.0.1. */
export interface BenchEnv {
  opts: BenchOptions;
  upstream: { port: number; child: Child };
  relay: { port: number; child: Child };
  /** Absent when nginx is not installed (or --no-nginx). */
  nginx: { port: number; child: Child } | undefined;
  /** The peer gateway (Portkey), with --peers. */
  peer: Peer | undefined;
  parley: ParleyProcess;
  /** With --scaled: a Parley on PostgreSQL + Redis, measured beside `parley`. */
  scaled: ParleyProcess | undefined;
  /** Starts another Parley on a fresh store (the history scenario seeds its own), its node given `nodeArgs`. */
  freshParley(nodeArgs?: string[]): Promise<ParleyProcess>;
  /** The open-files hard limit every process here runs with. */
  fileLimit: number;
  log(message: string): void;
}

export const ms = (us: number) => us / 1000;
export const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));
