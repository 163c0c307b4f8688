import { memoryStreamBus } from './memory/memory-stream-bus.js';
import { redisStreamBus } from './redis/redis-stream-bus.js';
import type { StreamBus } from './stream-bus.js';

/**
 * Picks the bus adapter from REDIS_URL: Redis Streams when it is set (any process can serve any
 * stream), else this process's memory. Opening a Redis bus connects to it, so that a Redis that
 * does not answer stops the start rather than the first reply.
 */
export async function openStreamBus(
  redisUrl: string | undefined,
  options: { keyPrefix?: string; maxLifeMs?: number; onError?: (err: unknown) => void } = {},
): Promise<StreamBus> {
  if (redisUrl === undefined) return memoryStreamBus();
  if (/^rediss?:/.test(redisUrl)) return redisStreamBus({ url: redisUrl, ...options });
  throw new Error(`REDIS_URL: no stream bus adapter for ${JSON.stringify(redisUrl.split(':')[0])}`);
}
