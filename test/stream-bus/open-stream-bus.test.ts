import { describe, expect, it } from 'vitest';
import { openStreamBus } from '../../src/stream-bus/open-stream-bus.js';
import { redisAvailable, TEST_REDIS_URL, testKeyPrefix } from '../support/test-services.js';

const available = await redisAvailable();

describe('openStreamBus', () => {
  it('opens the in-process bus without REDIS_URL', async () => {
    const bus = await openStreamBus(undefined);
    const pub = bus.open(1);
    pub.append('here');
    expect((await bus.feed(1))!.read(0).chunks.map((c) => c.text)).toEqual(['here']);
    await bus.close();
  });

  it('stops the start when Redis does not answer, naming it without its password', async () => {
    const started = Date.now();
    await expect(openStreamBus('redis://:s3cret@127.0.0.1:1')).rejects.toThrow(/^Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 does not answer/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a URL of another scheme', async () => {
    await expect(openStreamBus('memcached://cache')).rejects.toThrow(/REDIS_URL: no stream bus adapter for "memcached"/);
  });

  it.runIf(available)('opens the Redis bus with REDIS_URL', async () => {
    const keyPrefix = testKeyPrefix('open');
    const writer = await openStreamBus(TEST_REDIS_URL, { keyPrefix });
    const reader = await openStreamBus(TEST_REDIS_URL, { keyPrefix });
    try {
      const pub = writer.open(1);
      pub.append('across');
      await pub.end({ outcome: 'done' });
      expect((await reader.feed(1))!.read(0)).toMatchObject({ chunks: [{ text: 'across', end: 6 }], ending: { outcome: 'done' } });
    } finally {
      await Promise.all([writer.close(), reader.close()]);
    }
  });
});
