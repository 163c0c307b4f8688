import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisStreamBus } from '../../src/stream-bus/redis/redis-stream-bus.js';
import { redisAvailable, TEST_REDIS_URL, testKeyPrefix } from '../support/test-services.js';
import { follow, runStreamBusContract } from './stream-bus-contract.js';

const available = await redisAvailable();

/** A TCP proxy in front of Redis whose connections can all be dropped at once, as a network blip does. */
async function droppingProxy() {
  const target = new URL(TEST_REDIS_URL);
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((client) => {
    connections++;
    const upstream = connect(Number(target.port || 6379), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = new URL(TEST_REDIS_URL);
  url.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: url.toString(),
    connections: () => connections,
    dropAll: () => {
      for (const s of sockets) s.destroy();
    },
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

async function waitForFeed(bus: Awaited<ReturnType<typeof redisStreamBus>>, id: number) {
  for (let i = 0; i < 200; i++) {
    const feed = await bus.feed(id);
    if (feed) return feed;
    await new Promise((r) => setTimeout(r, 10));
  }
  return undefined;
}

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
      await pub.end({ outcome: 'done' });
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
      await pub.end({ outcome: 'done' });
      const entries = await redis.xrange(`${keyPrefix}reply:2`, '-', '+');
      expect(entries.map(([, fields]) => fields)).toEqual([['o', ''], ['t', 'ab', 'e', '2'], ['t', 'c', 'e', '3'], ['x', '{"outcome":"done"}']]);
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
      await Promise.all(pubs.map((p) => p.end({ outcome: 'done' })));
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
    await expect(pub.end({ outcome: 'done' })).rejects.toThrow();
  });

  it('skips a piece written twice (a command resent after a dropped connection)', async () => {
    const keyPrefix = testKeyPrefix('twice');
    const bus = await redisStreamBus({ url: TEST_REDIS_URL, keyPrefix });
    try {
      const key = `${keyPrefix}reply:5`;
      await redis.xadd(key, '*', 'o', '');
      await redis.xadd(key, '*', 't', 'ab', 'e', '2');
      await redis.xadd(key, '*', 't', 'ab', 'e', '2');
      const feed = (await bus.feed(5))!;
      const following = follow(feed);
      await redis.xadd(key, '*', 't', 'c', 'e', '3');
      await redis.xadd(key, '*', 't', 'c', 'e', '3');
      await redis.xadd(key, '*', 'x', '{}');
      expect((await following).text).toBe('abc');
    } finally {
      await bus.close();
    }
  });

  it('carries a reply whole through dropped connections, on the writing side and the reading side', async () => {
    const keyPrefix = testKeyPrefix('drop');
    const proxy = await droppingProxy();
    const errors: unknown[] = [];
    const writer = await redisStreamBus({ url: proxy.url, keyPrefix, onError: (e) => errors.push(e) });
    const reader = await redisStreamBus({ url: proxy.url, keyPrefix, onError: (e) => errors.push(e) });
    try {
      const pub = writer.open(6);
      pub.append('before ');
      await new Promise((r) => setTimeout(r, 50));
      const following = follow((await reader.feed(6))!, 0, 15_000);
      await new Promise((r) => setTimeout(r, 50));
      proxy.dropAll();
      for (const piece of ['during ', 'and ', 'after']) {
        pub.append(piece);
        await new Promise((r) => setTimeout(r, 100));
      }
      await pub.end({ outcome: 'done', usage: { promptTokens: 1, completionTokens: 3 } });
      const got = await following;
      // Each bus has three connections; all six were dropped and made again.
      expect(proxy.connections()).toBeGreaterThanOrEqual(12);
      expect(got.text).toBe('before during and after');
      expect(got.ending).toEqual({ outcome: 'done', usage: { promptTokens: 1, completionTokens: 3 } });
      // A reply opened after the drop is followed too (the follower knows its new connection).
      const next = writer.open(7);
      const nextFeed = follow((await waitForFeed(reader, 7))!, 0, 15_000);
      next.append('new');
      await next.end({ outcome: 'done' });
      expect((await nextFeed).text).toBe('new');
    } finally {
      await Promise.all([writer.close(), reader.close()]);
      await proxy.close();
    }
  }, 30_000);
});
