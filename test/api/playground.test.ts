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

  it('sends security headers with the page and its files: CSP without inline script, no framing, no referrer, nosniff', async () => {
    for (const path of ['/', '/playground/playground.js', '/playground/playground.css', '/playground/parley-client.js']) {
      const r = await request(`${parley.url}${path}`, 'GET');
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'none'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toMatch(/connect-src 'self'/);
      expect(r.headers.get('x-frame-options'), path).toBe('DENY');
      expect(r.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(r.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
    // API answers are never sniffed into another type either.
    expect((await request(`${parley.url}/api/v1/bots`, 'GET')).headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('lets the page reach the stream URLs\' own host when STREAM_PUBLIC_URL names one', async () => {
    const other = await startParley({ STREAM_PUBLIC_URL: 'https://streams.example:8443', PUBLIC_URL: 'https://chat.example' });
    try {
      const csp = (await request(`${other.url}/`, 'GET')).headers.get('content-security-policy')!;
      expect(csp).toContain("connect-src 'self' https://chat.example https://streams.example:8443");
    } finally {
      await other.stop();
    }
  });

  it('answers 404 in the API\'s shape for a file it does not have', async () => {
    for (const file of ['nope.js', '..%2Fpackage.json', 'index.html', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const r = await request(`${parley.url}/playground/${file}`, 'GET');
      expect(r.status).toBe(404);
      expect(r.json).toEqual({ message: 'File not found.' });
    }
  });
});
