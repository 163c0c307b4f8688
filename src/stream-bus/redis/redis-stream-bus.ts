import { Redis } from 'ioredis';
import { redisUrlWithoutPassword } from '../../config/redis-url.js';
import { ReplyBuffer } from '../reply-buffer.js';
import type { ReplyPublisher, StreamBus } from '../stream-bus.js';
import { applyEntry, ENDED, OPENED, TEXT, TEXT_END } from './redis-entries.js';
import { RedisFollower, type RemoteReply } from './redis-follower.js';
import { retentionTimers } from '../retention-timers.js';
import { stopListeners } from '../stop-listeners.js';

export interface RedisStreamBusOptions {
  url: string;
  /** Put before every key and channel, so that several Parleys (or test runs) can share one Redis. */
  keyPrefix?: string;
  /** How long a reply's stream stays after its end (a later reader is served from the store). */
  retainMs?: number;
  /** The longest a reply's stream lives at all: the bound on one whose process died before ending it. */
  maxLifeMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * The bus on Redis: each reply is a Redis Stream (XADD per piece, an expiry after the end), so
 * that any process can serve any reply from any offset and follow it (XREAD BLOCK). Stops travel
 * on a pub/sub channel that every process listens to. The process that generates a reply serves
 * its own readers from its own copy, as the in-process bus does.
 */
export async function redisStreamBus(options: RedisStreamBusOptions): Promise<StreamBus> {
  const prefix = options.keyPrefix ?? 'parley:';
  const retainMs = options.retainMs ?? 5_000;
  const maxLifeMs = options.maxLifeMs ?? 3_600_000;
  const onError = options.onError ?? (() => {});
  const stopChannel = `${prefix}stop`;
  const keyOf = (replyId: number) => `${prefix}reply:${replyId}`;

  const connect = async (name: string) => {
    const redis = new Redis(options.url, { lazyConnect: true, connectionName: `parley-${name}` });
    redis.on('error', onError);
    try {
      await redis.connect();
    } catch (err) {
      // Otherwise ioredis would keep trying in the background of a start that has failed.
      redis.disconnect();
      throw new Error(`Redis at ${redisUrlWithoutPassword(options.url)} does not answer: ${(err as Error).message}`);
    }
    return redis;
  };
  const commands = await connect('bus');
  const others = await Promise.allSettled([connect('bus-follow'), connect('bus-stop')]);
  const refused = others.find((r) => r.status === 'rejected');
  if (refused) {
    commands.disconnect();
    for (const r of others) if (r.status === 'fulfilled') r.value.disconnect();
    throw refused.reason;
  }
  const [blocker, subscriber] = others.map((r) => (r as PromiseFulfilledResult<Redis>).value);
  const follower = new RedisFollower(blocker, commands, onError);
  await follower.identify();
  blocker.on('ready', () => void follower.identify().catch(onError));

  const stops = stopListeners();
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== stopChannel) return;
    const replyId = Number(message);
    stops.emit(replyId);
  });
  await subscriber.subscribe(stopChannel);

  /** Replies generated here, served to this process's readers from here. */
  const publishing = new Map<number, ReplyBuffer>();
  const retention = retentionTimers();

  function open(replyId: number): ReplyPublisher {
    const key = keyOf(replyId);
    const local = new ReplyBuffer();
    publishing.set(replyId, local);
    let failure: unknown;
    const fail = (err: unknown) => {
      failure ??= err;
    };
    // One connection, so Redis applies these in the order they are sent: the opening, each piece, the end.
    commands.multi().xadd(key, '*', OPENED, '').pexpire(key, maxLifeMs).exec().catch(fail);
    // Pieces added in one turn (several read from one packet) go as one entry.
    let pending = '';
    const flush = () => {
      if (pending === '') return;
      commands.xadd(key, '*', TEXT, pending, TEXT_END, String(local.size)).catch(fail);
      pending = '';
    };
    return {
      append(text) {
        if (local.ended || text === '') return;
        local.append(text);
        if (pending === '') process.nextTick(flush);
        pending += text;
      },
      async end(ending) {
        if (local.ended) return;
        flush();
        local.end(ending);
        retention.after(retainMs, () => {
          if (publishing.get(replyId) === local) publishing.delete(replyId);
        });
        try {
          await commands.multi().xadd(key, '*', ENDED, JSON.stringify(ending)).pexpire(key, retainMs).exec();
        } catch (err) {
          fail(err);
        }
        if (failure) throw failure;
      },
    };
  }

  return {
    open,
    async feed(replyId) {
      const local = publishing.get(replyId);
      if (local) return local;
      const key = keyOf(replyId);
      const followed = follower.find(key);
      if (followed) return followed.buffer;
      const entries = await commands.xrange(key, '-', '+');
      if (!entries.length) return undefined;
      const remote: RemoteReply = {
        key,
        lastId: '0-0',
        buffer: new ReplyBuffer((watched) => (watched ? follower.add(remote) : follower.remove(remote)), true),
      };
      for (const [id, fields] of entries) {
        remote.lastId = id;
        applyEntry(remote.buffer, fields);
      }
      return remote.buffer;
    },
    async requestStop(replyId) {
      await commands.publish(stopChannel, String(replyId));
    },
    onStop: (listener) => stops.add(listener),
    async close() {
      retention.clear();
      publishing.clear();
      stops.clear();
      await follower.close();
      await Promise.allSettled([commands.quit(), subscriber.quit()]);
    },
  };
}
