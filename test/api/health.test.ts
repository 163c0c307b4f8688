import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, startParley, type RunningParley } from '../support/start-parley.js';

describe('health checks', () => {
  let parley: RunningParley;
  beforeAll(async () => {
    parley = await startParley();
  });
  afterAll(() => parley.stop());

  it('answers /healthz and /readyz without a key', async () => {
    expect(await request(`${parley.url}/healthz`, 'GET')).toMatchObject({ status: 200, json: { status: 'ok' } });
    expect(await request(`${parley.url}/readyz`, 'GET')).toMatchObject({ status: 200, json: { status: 'ready' } });
  });

  it('answers /readyz with 503 when the store is unreachable, while /healthz stays up', async () => {
    await parley.app.store.close();
    const ready = await request(`${parley.url}/readyz`, 'GET');
    expect(ready.status).toBe(503);
    expect(ready.json).toEqual({ status: 'unavailable', message: 'The store does not answer.' });
    expect((await request(`${parley.url}/healthz`, 'GET')).status).toBe(200);
  });
});
