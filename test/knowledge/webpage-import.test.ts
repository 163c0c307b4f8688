import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startParley, type RunningParley, type Tenant } from '../support/start-parley.js';
import { makeFolder, settled } from './knowledge-helpers.js';

const ARTICLE = `<!doctype html><html><head><title>Returns policy</title></head><body>
  <nav><a href="/">Home</a> <a href="/shop">Shop</a></nav>
  <article><h1>Returns policy</h1>
  <p>You may return any item within 30 days of delivery, as long as it is unused and in its original packaging.</p>
  <p>Refunds are paid to the original payment method within five working days after we receive the item back.</p>
  <p>Sale items can be exchanged but not refunded. Shipping costs for returns are paid by the customer.</p>
  </article><footer>© Shop</footer><script>track()</script></body></html>`;

/** A small site on 127.0.0.1 with the pages the tests need, including hostile ones. */
function site(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res: ServerResponse) => {
    switch (req.url) {
      case '/article':
        return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(ARTICLE);
      case '/plain':
        return res.writeHead(200, { 'content-type': 'text/plain' }).end('Just text, served plainly.');
      case '/binary':
        return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(10));
      case '/to-metadata':
        return res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      case '/to-article':
        return res.writeHead(301, { location: '/article' }).end();
      case '/loop':
        return res.writeHead(302, { location: '/loop' }).end();
      case '/to-nowhere':
        return res.writeHead(302, { location: 'http://[zz/article' }).end();
      case '/missing':
        return res.writeHead(404).end('no');
      case '/endless': {
        res.writeHead(200, { 'content-type': 'text/html' });
        const chunk = '<p>' + 'more '.repeat(1000) + '</p>';
        const write = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', write);
        };
        return write();
      }
      case '/stalls':
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.write('<html><body><p>Starting…'); // and nothing more, ever
      default:
        return res.writeHead(404).end();
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  })));
}

describe('webpage import', () => {
  let web: Awaited<ReturnType<typeof site>>;
  let parley: RunningParley;
  let guarded: RunningParley;
  let t: Tenant;
  let folder: string;
  beforeAll(async () => {
    web = await site();
    parley = await startParley({
      WEBPAGE_ALLOWED_HOSTS: '127.0.0.1', WEBPAGE_MAX_BYTES: '65536', WEBPAGE_TIMEOUT: '1500ms', WEBPAGE_MAX_REDIRECTS: '3',
    });
    guarded = await startParley();
    t = await parley.tenant();
    folder = await makeFolder(t);
  });
  afterAll(async () => {
    await parley.stop();
    await guarded.stop();
    await web.close();
  });

  const importUrl = async (url: string, tenant = t, folderId = folder) => {
    const r = await tenant.api('POST', '/documents/webpage', { folder_id: folderId, url });
    expect(r.status).toBe(200);
    expect(r.json.data).toMatchObject({ status: 'syncing', name: url });
    return settled(tenant, r.json.data.id);
  };

  it('keeps the readable text of an allowed page, named after its title', async () => {
    const doc = await importUrl(`${web.url}/article`);
    expect(doc).toMatchObject({ status: 'synced', name: 'Returns policy' });
    const text = (await t.api('GET', `/documents/${doc.id}/content`)).text;
    expect(text).toContain('return any item within 30 days');
    expect(text).toContain('five working days');
    expect(text).not.toContain('track()');
    expect(text).not.toContain('<p>');
  });

  it('follows redirects and reads plain text', async () => {
    expect((await importUrl(`${web.url}/to-article`)).name).toBe('Returns policy');
    const plain = await importUrl(`${web.url}/plain`);
    expect((await t.api('GET', `/documents/${plain.id}/content`)).text).toBe('Just text, served plainly.');
  });

  it('refuses loopback addresses unless the allow list names them, also after DNS', async () => {
    const g = await guarded.tenant();
    const gFolder = await makeFolder(g);
    for (const url of [`${web.url}/article`, `${web.url.replace('127.0.0.1', 'localhost')}/article`, 'http://[::1]/', 'http://0.0.0.0/',
      // IPv6 spellings of an IPv4 loopback or metadata address (compatible, mapped, NAT64, 6to4).
      `http://[::127.0.0.1]:${new URL(web.url).port}/article`, 'http://[::ffff:127.0.0.1]/', 'http://[64:ff9b::a9fe:a9fe]/',
      'http://[2002:7f00:1::1]/']) {
      const doc = await importUrl(url, g, gFolder);
      expect(doc.status).toBe('sync_failed');
      expect(doc.failure_reason).toMatch(/not allowed/);
    }
  });

  it('refuses a redirect to a private (metadata) address', async () => {
    const doc = await importUrl(`${web.url}/to-metadata`);
    expect(doc.status).toBe('sync_failed');
    expect(doc.failure_reason).toBe('The address of 169.254.169.254 is not allowed (private, loopback, link-local or reserved).');
  });

  it('bounds size, time and redirects', async () => {
    const endless = await importUrl(`${web.url}/endless`);
    expect(endless).toMatchObject({ status: 'sync_failed', failure_reason: 'The page is larger than 65536 bytes.' });
    const stalls = await importUrl(`${web.url}/stalls`);
    expect(stalls.status).toBe('sync_failed');
    expect(stalls.failure_reason).toMatch(/did not arrive within/);
    const loop = await importUrl(`${web.url}/loop`);
    expect(loop).toMatchObject({ status: 'sync_failed', failure_reason: 'The page redirected more than 3 times.' });
    const nowhere = await importUrl(`${web.url}/to-nowhere`);
    expect(nowhere).toMatchObject({ status: 'sync_failed', failure_reason: 'The page redirected to an address that is not a valid URL.' });
  });

  it('fails pages that are missing or not text', async () => {
    expect((await importUrl(`${web.url}/missing`)).failure_reason).toBe('The page answered with HTTP status 404.');
    expect((await importUrl(`${web.url}/binary`)).failure_reason).toMatch(/neither HTML nor text/);
  });

  it('validates the request', async () => {
    const bad = await t.api('POST', '/documents/webpage', { folder_id: folder, url: 'ftp://example.com/x' });
    expect(bad.json).toEqual({ message: 'The url field must be a valid URL.', errors: { url: ['The url field must be a valid URL.'] } });
    const missing = await t.api('POST', '/documents/webpage', {});
    expect(Object.keys(missing.json.errors).sort()).toEqual(['folder_id', 'url']);
  });
});
