import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, startParley, type RunningParley, type Tenant } from '../support/start-parley.js';

describe('per-key rate limiting (RATE_LIMIT)', () => {
  let parley: RunningParley;
  let t: Tenant;
  let other: Tenant;
  beforeAll(async () => {
    parley = await startParley({ RATE_LIMIT: '3/3s' });
    t = await parley.tenant();
    other = await parley.tenant();
  });
  afterAll(() => parley.stop());

  it('answers 429 in the Cody error shape with Retry-After past the limit, per key, and lets the key in again after it', async () => {
    for (let i = 0; i < 3; i++) expect((await t.api('GET', '/bots')).status).toBe(200);
    const refused = await t.api('POST', '/conversations', { name: 'x', bot_id: t.botId }, { 'x-request-id': 'limited-1' });
    expect(refused.status).toBe(429);
    expect(refused.json).toEqual({ message: 'Too many requests. Please try again in 1 second.' });
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('x-request-id')).toBe('limited-1');
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    expect(refused.headers.get('access-control-expose-headers')).toContain('retry-after');
    // Nothing was done: the refused request created no conversation.
    expect((await parley.app.store.conversations.list(t.account.id, {}, { limit: 10, offset: 0 })).total).toBe(0);
    // Another key is not held back by this one.
    expect((await other.api('GET', '/bots')).status).toBe(200);
    // Neither is an unauthenticated request counted against it: it is a 401, as ever.
    expect((await request(`${parley.url}/api/v1/bots`, 'GET')).status).toBe(401);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await t.api('GET', '/bots')).status).toBe(200);
  });

  it('is off by default', async () => {
    const open = await startParley();
    try {
      const u = await open.tenant();
      const statuses = await Promise.all(Array.from({ length: 50 }, () => u.api('GET', '/bots').then((r) => r.status)));
      expect(new Set(statuses)).toEqual(new Set([200]));
    } finally {
      await open.stop();
    }
  });
});
