import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../support/start-parley.js';
import { startParley, type RunningParley } from '../support/start-parley.js';

/** The playground's static files as Parley serves them (the browser test drives the page itself). */
describe('the playground at /', () => {
  let parley: RunningParley;
  beforeAll(async () => {
    parley = await startParley();
  });
  afterAll(() => parley?.stop());

  it('serves the page, its script and style, and the client\'s browser build, with no inline script', async () => {
    const page = await request(`${parley.url}/`, 'GET');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    // Every script is a file of its own (a Content-Security-Policy may forbid inline ones).
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    for (const [file, type] of [['playground.js', 'text/javascript'], ['playground.css', 'text/css'], ['parley-client.js', 'text/javascript']]) {
      const r = await request(`${parley.url}/playground/${file}`, 'GET');
      expect(r.status, file).toBe(200);
      expect(r.headers.get('content-type')).toContain(type);
    }
    expect((await request(`${parley.url}/playground/parley-client.js`, 'GET')).text).toContain('ParleyClient');
  });

  it('answers 404 in the API\'s shape for a file it does not have', async () => {
    for (const file of ['nope.js', '..%2Fpackage.json', 'index.html']) {
      const r = await request(`${parley.url}/playground/${file}`, 'GET');
      expect(r.status).toBe(404);
      expect(r.json).toEqual({ message: 'File not found.' });
    }
  });
});
