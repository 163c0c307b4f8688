import type { Redis } from 'ioredis';
import type { ReplyBuffer } from '../reply-buffer.js';
import { applyEntry, compareEntryIds } from './redis-entries.js';

/** A reply another process writes, copied into this one as its entries arrive. */
export interface RemoteReply {
  key: string;
  buffer: ReplyBuffer;
  /** The id of the last entry applied to `buffer`. */
  lastId: string;
}

type XReadReply = [key: string, entries: [id: string, fields: string[]][]][] | null;

/**
 * Follows every watched remote reply of this process with one blocking XREAD on one connection,
 * however many there are. A reply that starts being followed interrupts the read in progress
 * (CLIENT UNBLOCK from the command connection), so it is followed at once rather than after the
 * read's timeout.
 */
export class RedisFollower {
  /** The followed copies by stream key: usually one each, more when readers read the stream at different moments. */
  private readonly follows = new Map<string, Set<RemoteReply>>();
  private version = 0;
  /** The version of `follows` the XREAD in flight was built from. */
  private reading: number | undefined;
  private blockerId: number | undefined;
  private interrupting = false;
  private wake: (() => void) | undefined;
  private closed = false;
  private readonly done: Promise<void>;

  constructor(
    private readonly blocker: Redis,
    private readonly commands: Redis,
    private readonly onError: (err: unknown) => void,
    private readonly blockMs = 10_000,
  ) {
    this.done = this.run();
  }

  /** Learns the blocking connection's id, which changes when it reconnects. */
  async identify(): Promise<void> {
    this.blockerId = Number(await this.blocker.client('ID'));
  }

  /** A followed reply with this key, whose copy is current. */
  find(key: string): RemoteReply | undefined {
    const copies = this.follows.get(key);
    return copies?.values().next().value;
  }

  add(reply: RemoteReply): void {
    let copies = this.follows.get(reply.key);
    if (!copies) this.follows.set(reply.key, (copies = new Set()));
    copies.add(reply);
    this.version++;
    if (this.wake) {
      const wake = this.wake;
      this.wake = undefined;
      wake();
    } else void this.interrupt();
  }

  /** Stops copying; a read in flight for it finishes by itself, and its result is dropped. */
  remove(reply: RemoteReply): void {
    const copies = this.follows.get(reply.key);
    if (!copies?.delete(reply) || copies.size) return;
    this.follows.delete(reply.key);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    this.blocker.disconnect();
    await this.done;
  }

  private async interrupt(): Promise<void> {
    if (this.interrupting) return;
    this.interrupting = true;
    try {
      // The XREAD may not have reached Redis yet (nothing to unblock): try again until it has, or has returned.
      for (let attempt = 0; attempt < 50 && !this.closed; attempt++) {
        if (this.reading === undefined || this.reading === this.version || this.blockerId === undefined) return;
        if (Number(await this.commands.client('UNBLOCK', this.blockerId)) === 1) return;
        await new Promise((r) => setTimeout(r, 2));
      }
    } catch (err) {
      if (!this.closed) this.onError(err);
    } finally {
      this.interrupting = false;
    }
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      if (!this.follows.size) {
        await new Promise<void>((r) => (this.wake = r));
        continue;
      }
      // One id per key: the earliest of this process's copies of it (two readers may have read it at different moments).
      const from = new Map<string, string>();
      for (const [key, copies] of this.follows) {
        let earliest: string | undefined;
        for (const f of copies) if (earliest === undefined || compareEntryIds(f.lastId, earliest) < 0) earliest = f.lastId;
        from.set(key, earliest!);
      }
      this.reading = this.version;
      let answer: XReadReply;
      try {
        answer = await this.blocker.xread('BLOCK', this.blockMs, 'STREAMS', ...from.keys(), ...from.values()) as XReadReply;
      } catch (err) {
        if (this.closed) break;
        this.onError(err);
        await new Promise((r) => setTimeout(r, 200));
        continue;
      } finally {
        this.reading = undefined;
      }
      if (answer) this.apply(answer);
    }
  }

  private apply(answer: NonNullable<XReadReply>): void {
    for (const [key, entries] of answer) {
      const copies = this.follows.get(key);
      if (!copies) continue;
      for (const f of [...copies]) {
        for (const [id, fields] of entries) {
          if (compareEntryIds(id, f.lastId) <= 0) continue;
          f.lastId = id;
          applyEntry(f.buffer, fields);
        }
        // Ending the copy unwatches it, which removes it; a copy nobody watched is removed here.
        if (f.buffer.ended) this.remove(f);
      }
    }
  }
}
