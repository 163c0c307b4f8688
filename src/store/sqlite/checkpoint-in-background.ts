import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SqliteDb } from './sqlite-database.js';

/** How often the worker moves committed pages from the WAL into the database file. */
const EVERY_MS = 250;

// The worker's own code, as CommonJS text: it then runs the same whether Parley runs from dist/
// or from its TypeScript sources (tests, tsx), which a worker file path could not.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const checkpoint = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} };
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/**
 * Checkpoints in a worker thread. SQLite otherwise checkpoints inside whichever commit fills the
 * WAL past 1,000 pages — on the event loop, with two fsyncs: a send every few hundred then took
 * 5–10 ms instead of 0.1, and every reply streaming at that moment stalled with it. PASSIVE
 * checkpoints never wait for, or block, the server's reads and writes.
 *
 * Returns the function that stops the worker (after one last checkpoint).
 */
export function checkpointInBackground(db: SqliteDb, file: string): () => Promise<void> {
  db.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { file, everyMs: EVERY_MS, driver: createRequire(import.meta.url).resolve('better-sqlite3') },
  });
  worker.unref();
  let failed = false;
  worker.on('error', () => {
    // Without the worker the WAL would only grow: commits checkpoint again, as SQLite does by default.
    failed = true;
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
  });
  return async () => {
    if (failed) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage('stop');
    await exited;
  };
}
