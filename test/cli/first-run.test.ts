import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../support/start-parley.js';
import { bannerKey, ensureBuilt, runCli, serve, type Served } from '../support/run-cli.js';

/** A new user's first minutes: nothing configured, a fresh data folder, one document. */
describe('first run', { timeout: 120_000 }, () => {
  let dataDir: string;
  let server: Served | undefined;
  beforeAll(() => {
    ensureBuilt();
    dataDir = mkdtempSync(path.join(tmpdir(), 'parley-first-run-'));
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers from the first document added to the default folder, with its source, in extractive mode', async () => {
    server = await serve(dataDir);
    await expect.poll(() => server!.stdout(), { timeout: 5000 }).toMatch(/conversation_id/);
    const banner = server.stdout();
    const key = await bannerKey(server);
    const auth = { authorization: `Bearer ${key}` };
    const api = (method: string, p: string, body?: unknown) => request(`${server!.url}/api/v1${p}`, method, body, auth);

    // The banner names the default folder, and the default bot reads it.
    const folders = await api('GET', '/folders');
    expect(folders.json.data).toEqual([expect.objectContaining({ name: 'Default folder' })]);
    const folderId = folders.json.data[0].id;
    expect(banner).toContain(`"folder_id":"${folderId}"`);
    const bots = await api('GET', '/bots');
    expect(bots.json.data).toEqual([expect.objectContaining({ name: 'Default bot', model: 'extractive' })]);
    expect(typeof bots.json.data[0].description).toBe('string');

    const doc = await api('POST', '/documents', {
      name: 'Office handbook', folder_id: folderId,
      content: 'Visitors sign in at the front desk.\n\nThe office wifi network is called Harbor and its password is tulip-42.',
    });
    expect(doc.status).toBe(200);
    await expect.poll(async () => (await api('GET', `/documents/${doc.json.data.id}`)).json.data.status).toBe('synced');

    const conversation = await api('POST', '/conversations', { name: 'First chat', bot_id: bots.json.data[0].id });
    expect(conversation.status).toBe(200);
    const reply = await api('POST', '/messages', { content: 'What is the wifi password?', conversation_id: conversation.json.data.id });
    expect(reply.status).toBe(200);
    expect(reply.json.data.content).toContain('tulip-42');
    expect(reply.json.data.content).toContain('Office handbook');

    const listed = await api('GET', `/messages?conversation_id=${conversation.json.data.id}&includes=sources,usage`);
    const [answer, question] = listed.json.data;
    expect(question).toMatchObject({ machine: false, content: 'What is the wifi password?' });
    expect(question).not.toHaveProperty('usage');
    expect(answer.sources.data).toEqual([expect.objectContaining({ document_id: doc.json.data.id, document_name: 'Office handbook' })]);
  });
});

describe('start-up errors', { timeout: 60_000 }, () => {
  let dataDir: string;
  beforeAll(() => {
    ensureBuilt();
    dataDir = mkdtempSync(path.join(tmpdir(), 'parley-listen-'));
  }, 120_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('a port in use or a bad HOST is one line on stderr and exit code 1, not a stack trace', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const inUse = runCli(['serve'], dataDir, { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
      expect(inUse.status).toBe(1);
      expect(inUse.stderr).toBe(`parley: cannot listen on 127.0.0.1:${port}: the port is already in use (another server? set PORT to a free one)\n`);
    } finally {
      taken.close();
    }
    // An address this machine does not have (a name that does not resolve fails alike, but waits on DNS).
    const badHost = runCli(['serve'], dataDir, { PORT: '0', HOST: '10.255.255.1', LOG_LEVEL: 'silent' });
    expect(badHost.status).toBe(1);
    expect(badHost.stderr).toBe('parley: cannot listen on 10.255.255.1:0: this machine has no such address (set HOST to one of its addresses, or 0.0.0.0)\n');
  });
});

describe('the start-up warning about bots\' models', { timeout: 120_000 }, () => {
  let dataDir: string;
  let server: Served | undefined;
  beforeAll(() => {
    ensureBuilt();
    dataDir = mkdtempSync(path.join(tmpdir(), 'parley-warning-'));
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says a bot naming a model answers in extractive mode when no model is configured, not that it will fail', async () => {
    const withModel = { LLM_BASE_URL: 'http://127.0.0.1:9/v1', LLM_MODEL: 'gpt-x' };
    const account = JSON.parse(runCli(['account', 'create', '--name', 'w', '--json'], dataDir).stdout).id;
    expect(runCli(['bot', 'create', '--account', account, '--name', 'b', '--model', 'gpt-x'], dataDir, withModel).status).toBe(0);
    server = await serve(dataDir);
    await expect.poll(() => server!.stdout(), { timeout: 5000 }).toMatch(/extractive mode/);
    expect(server.stdout()).toMatch(/bots name a model but none is configured: they answer in extractive mode/);
    expect(server.stdout()).not.toMatch(/will fail/);
  });
});
