import type { Store } from '../store/store.js';
import { failedEnding, type StreamBus } from '../stream-bus/stream-bus.js';
import type { Logger } from './logger.js';

export const INTERRUPTED_MESSAGE = 'The reply was interrupted because the server stopped while generating it.';

/** What the sweep needs of the generations running in this process. */
export interface LocalGenerations {
  /** Ends a generation of this process whose lease another one (or this one) found expired. */
  lose(replyId: number, reason: string): boolean;
}

/**
 * Fails the replies whose process died (their lease ran out, see `renewLeases`), in whichever
 * process notices first: the store fails and refunds each once, and the end goes on the bus so
 * that every reader following the reply gets the reason and `[END]`. Nothing a live process
 * renews is touched, at start or later.
 */
export class ExpiredReplies {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;

  constructor(
    private readonly deps: { store: Store; bus: StreamBus; log: Logger; generations: LocalGenerations },
    private readonly leaseMs: number,
  ) {}

  /** Sweeps now (the count it failed), then every half lease. */
  async start(): Promise<number> {
    const first = await this.sweep();
    this.timer = setInterval(() => void this.sweep(), Math.max(100, Math.floor(this.leaseMs / 2)));
    this.timer.unref();
    return first;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** Fails what has expired; returns how many. One sweep at a time. */
  sweep(): Promise<number> {
    this.sweeping ??= this.run().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async run(): Promise<number> {
    const { store, bus, log, generations } = this.deps;
    let ids: number[];
    try {
      ids = await store.messages.failExpired(INTERRUPTED_MESSAGE, Date.now(), this.leaseMs);
    } catch (err) {
      log.error({ err }, 'could not look for replies whose process died');
      return 0;
    }
    for (const id of ids) {
      // This process's own, when it could not renew in time: its generation ends it on the bus.
      if (generations.lose(id, INTERRUPTED_MESSAGE)) continue;
      await bus.open(id).end(failedEnding(INTERRUPTED_MESSAGE))
        .catch((err: unknown) => log.error({ err, replyId: id }, 'could not end the stream of a reply whose process died'));
    }
    if (ids.length) log.warn({ count: ids.length, replyIds: ids }, 'failed replies whose process stopped renewing their lease');
    return ids.length;
  }
}
