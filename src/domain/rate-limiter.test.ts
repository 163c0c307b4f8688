import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('allows a burst of the limit, then refuses with the time until the next request is allowed', () => {
    const limiter = new RateLimiter({ requests: 3, windowMs: 3000 });
    for (let i = 0; i < 3; i++) expect(limiter.take('a', 1000)).toEqual({ ok: true });
    expect(limiter.take('a', 1000)).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(limiter.take('a', 1500)).toEqual({ ok: false, retryAfterMs: 500 });
    expect(limiter.take('a', 2000)).toEqual({ ok: true });
    expect(limiter.take('a', 2000)).toMatchObject({ ok: false });
  });

  it('counts each caller apart, and refills a whole burst after a whole window', () => {
    const limiter = new RateLimiter({ requests: 2, windowMs: 1000 });
    expect(limiter.take('a', 0)).toEqual({ ok: true });
    expect(limiter.take('a', 0)).toEqual({ ok: true });
    expect(limiter.take('a', 0)).toMatchObject({ ok: false });
    expect(limiter.take('b', 0)).toEqual({ ok: true });
    expect(limiter.take('a', 5000)).toEqual({ ok: true });
    expect(limiter.take('a', 5000)).toEqual({ ok: true });
    expect(limiter.take('a', 5000)).toMatchObject({ ok: false });
  });

  it('a refused request costs nothing: waiting the announced time is enough', () => {
    const limiter = new RateLimiter({ requests: 1, windowMs: 1000 });
    expect(limiter.take('a', 0)).toEqual({ ok: true });
    for (let t = 0; t < 1000; t += 100) expect(limiter.take('a', t)).toEqual({ ok: false, retryAfterMs: 1000 - t });
    expect(limiter.take('a', 1000)).toEqual({ ok: true });
  });
});
