import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisStreamBus } from '../../src/stream-bus/redis/redis-stream-bus.js';
import { redisAvailable, TEST_REDIS_URL, testKeyPrefix } from '../support/test-services.js';
import { follow, runStreamBusContract } from './stream-bus-contract.js';

const available = await redisAvailable();

describe.runIf(available)('Redis stream bus', () => {
  // Two buses on one Redis, as two Parley processes would have.
  runStreamBusContract('redis', async ({ retainMs }) => {
    const keyPrefix = testKeyPrefix('bus');
    const writer = await redisStreamBus({ url: TEST_REDIS_URL, keyPrefix, retainMs });
    const reader = await redisStreamBus({ url: TEST_REDIS_URL, keyPrefix, retainMs });
    return { writer, reader, close: async () => void (await Promise.all([writer.close(), reader.close()])) };
  });

  const redis = new Redis(TEST_REDIS_URL);
  afterAll(() => redis.disconnect());

  it('gives a reply in progress a bounded life, and an ended one the short life after its end', async () => {
    const keyPrefix = testKeyPrefix('ttl');
    const bus = await redisStreamBus({ url: TEST_REDIS_URL, keyPrefix, retainMs: 4_000, maxLifeMs: 60_000 });
    try {
      const pub = bus.open(1);
      pub.append('x');
      await new Promise((r) => setTimeout(r, 50));
      const key = `${keyPrefix}reply:1`;
      const live = await redis.pttl(key);
      expect(live).toBeGreaterThan(50_000);
      expect(live).toBeLessThanOrEqual(60_000);
      await pub.end({});
      const ended = await redis.pttl(key);
      expect(ended).toBeGreaterThan(0);
      expect(ended).toBeLessThanOrEqual(4_000);
    } finally {
      await bus.close();
    }
  });

  it('writes the pieces added in one turn as one entry, and each later one as its own', async () => {
    const keyPrefix = testKeyPrefix('batch');
    const bus = await redisStreamBus({ url: TEST_REDIS_URL, keyPrefix });
    try {
      const pub = bus.open(2);
      pub.append('a');
      pub.append('b');
      await new Promise((r) => setTimeout(r, 20));
      pub.append('c');
      await pub.end({});
      const entries = await redis.xrange(`${keyPrefix}reply:2`, '-', '+');
      expect(entries.map(([, fields]) => fields)).toEqual([['o', ''], ['t', 'ab'], ['t', 'c'], ['x', '{}']]);
    } finally {
      await bus.close();
    }
  });

  it('follows hundreds of replies from another process on one connection', async () => {
    const keyPrefix = testKeyPrefix('many');
    const writer = await redisStreamBus({ url: TEST_REDIS_URL, keyPrefix });
    const reader = await redisStreamBus({ url: TEST_REDIS_URL, keyPrefix });
    try {
      const ids = Array.from({ length: 300 }, (_, i) => 1000 + i);
      const pubs = ids.map((id) => writer.open(id));
      for (const p of pubs) p.append('start;');
      await new Promise((r) => setTimeout(r, 50));
      const feeds = await Promise.all(ids.map((id) => reader.feed(id)));
      const followed = feeds.map((f) => follow(f!, 0, 10_000));
      for (let round = 0; round < 3; round++) {
        for (const p of pubs) p.append(`${round};`);
        await new Promise((r) => setTimeout(r, 10));
      }
      await Promise.all(pubs.map((p) => p.end({})));
      for (const got of await Promise.all(followed)) expect(got.text).toBe('start;0;1;2;');
    } finally {
      await Promise.all([writer.close(), reader.close()]);
    }
  });

  it('reports that it could not carry a reply when Redis is gone, at the end', async () => {
    const keyPrefix = testKeyPrefix('gone');
    const bus = await redisStreamBus({ url: TEST_REDIS_URL, keyPrefix });
    const pub = bus.open(3);
    await bus.close();
    pub.append('lost');
    await expect(pub.end({})).rejects.toThrow();
  });
});
