import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, startParley, type RunningParley } from '../support/start-parley.js';
import { ensureBuilt, onlyJson, runCli, serve, type Served } from '../support/run-cli.js';

// A configured model, so that `bot create --model gpt-x` is accepted.
const MODELS = { LLM_BASE_URL: 'http://127.0.0.1:9/v1', LLM_MODEL: 'gpt-x' };

describe('parley admin commands', { timeout: 60_000 }, () => {
  let dataDir: string;
  let parley: RunningParley;
  const cli = (...args: string[]) => runCli(args, dataDir, MODELS);
  beforeAll(async () => {
    ensureBuilt();
    dataDir = mkdtempSync(path.join(tmpdir(), 'parley-cli-'));
    // Opening the store through a command first shows that commands migrate it themselves.
    expect(cli('account', 'list', '--json').status).toBe(0);
    // AUTH_CACHE_TTL=0: a revoked key is refused at once (with the default cache, within a second).
    parley = await startParley({ DATABASE_URL: `sqlite:${path.join(dataDir, 'parley.db')}`, AUTH_CACHE_TTL: '0' });
  }, 120_000);
  afterAll(async () => {
    await parley?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  it('creates accounts, with a plan or a message limit', () => {
    const plain = onlyJson(cli('account', 'create', '--name', 'Acme', '--json'));
    expect(plain).toEqual({ id: expect.any(String), name: 'Acme', plan: null, message_limit: null, created_at: expect.any(Number) });
    expect(onlyJson(cli('account', 'create', '--name', 'Free', '--plan', 'free', '--json')))
      .toMatchObject({ plan: 'free', message_limit: 100 });
    expect(onlyJson(cli('account', 'create', '--name', 'Five', '--message-limit', '5', '--json')))
      .toMatchObject({ plan: null, message_limit: 5 });
    const human = cli('account', 'create', '--name', 'Readable');
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/^Created account \w+ \(Readable\)/);
  });

  it('refuses bad account options with exit code 2 and a message', () => {
    for (const [args, message] of [
      [['--name', 'X', '--plan', 'free', '--message-limit', '5'], /not both/],
      [['--name', 'X', '--plan', 'gold'], /--plan expects one of/],
      [['--name', 'X', '--message-limit', 'many'], /--message-limit expects/],
      [[], /--name is required/],
    ] as const) {
      const r = cli('account', 'create', ...args, '--json');
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });

  it('creates a working key, lists it without its secret, and revokes it', async () => {
    const account = onlyJson(cli('account', 'create', '--name', 'Keys', '--json'));
    const bot = onlyJson(cli('bot', 'create', '--account', String(account.id), '--name', 'Helper', '--json'));
    const created = onlyJson(cli('key', 'create', '--account', String(account.id), '--name', 'ci', '--json'));
    expect(Object.keys(created).sort()).toEqual(['account_id', 'id', 'key']);
    expect(created.account_id).toBe(account.id);
    const key = String(created.key);
    expect(key).toMatch(/^parley_[A-Za-z0-9]{42}$/);

    const bots = await request(`${parley.url}/api/v1/bots`, 'GET', undefined, bearer(key));
    expect(bots.status).toBe(200);
    expect(bots.json.data.map((b: { id: string }) => b.id)).toEqual([bot.id]);

    const listed = onlyJson(cli('key', 'list', '--account', String(account.id), '--json'));
    expect(listed.data).toEqual([expect.objectContaining({
      id: created.id, account_id: account.id, name: 'ci', revoked_at: null, last_used_at: expect.any(Number),
    })]);
    expect(JSON.stringify(listed)).not.toContain(key.slice(17));
    expect(JSON.stringify(listed)).not.toMatch(/hash/);

    const revoked = onlyJson(cli('key', 'revoke', String(created.id), '--json'));
    expect(revoked).toMatchObject({ id: created.id, revoked_at: expect.any(Number) });
    const after = await request(`${parley.url}/api/v1/bots`, 'GET', undefined, bearer(key));
    expect(after.status).toBe(401);
    expect(after.json).toEqual({ message: 'Unauthenticated.' });
    expect(cli('key', 'revoke', 'nonexistent').status).toBe(3); // not found
  });

  it('prints a key plainly, once, without --json', () => {
    const account = onlyJson(cli('account', 'create', '--name', 'Plain', '--json'));
    const r = cli('key', 'create', '--account', String(account.id));
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^parley_[A-Za-z0-9]{42}$/);
  });

  it('creates bots with their settings', async () => {
    const account = onlyJson(cli('account', 'create', '--name', 'Bots', '--json'));
    const bot = onlyJson(cli(
      'bot', 'create', '--account', String(account.id), '--name', 'Tutor', '--model', 'gpt-x',
      '--prompt', 'Be brief.', '--temperature', '0.2', '--json',
    ));
    expect(bot).toMatchObject({
      id: expect.any(String), name: 'Tutor', model: 'gpt-x', created_at: expect.any(Number), account_id: account.id,
      system_prompt: 'Be brief.', temperature: 0.2, max_reply_tokens: null,
    });
    const key = String(onlyJson(cli('key', 'create', '--account', String(account.id), '--json')).key);
    const bots = await request(`${parley.url}/api/v1/bots`, 'GET', undefined, bearer(key));
    // This server has no model configured, so the bot answers in extractive mode whatever it names.
    expect(bots.json.data).toEqual([{ id: bot.id, name: 'Tutor', description: null, model: 'extractive', created_at: bot.created_at }]);

    for (const [args, code] of [
      [['--account', String(account.id), '--name', 'Hot', '--temperature', '3'], 2],
      [['--account', 'nonexistent', '--name', 'Lost'], 3],
      [['--name', 'No account'], 2],
    ] as const) {
      const r = cli('bot', 'create', ...args, '--json');
      expect(r.status, args.join(' ')).toBe(code);
      expect(r.stderr).toMatch(/^parley: /);
    }
  });

  it('answers an unknown command or option with exit code 2', () => {
    for (const args of [['frobnicate'], ['key', 'create', '--colour', 'red']]) {
      const r = cli(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^parley: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const help = cli('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/parley serve/);
  });

  it('reads .env from the working folder, real variables winning', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-dotenv-'));
    try {
      writeFileSync(path.join(dir, '.env'), 'PORT=abc\n');
      const fromFile = runCli(['account', 'list'], dir);
      expect(fromFile.status).toBe(1);
      expect(fromFile.stderr).toMatch(/PORT/);
      expect(runCli(['account', 'list'], dir, { PORT: '8081' }).status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens DATABASE_URL relative to the working folder, creating its folder', () => {
    const r = runCli(['account', 'create', '--name', 'Elsewhere', '--json'], dataDir, { DATABASE_URL: 'sqlite:./nested/db/parley.db' });
    expect(r.status).toBe(0);
    expect(existsSync(path.join(dataDir, 'nested', 'db', 'parley.db'))).toBe(true);
  });

  it('stops on bad configuration, naming the variable', () => {
    for (const [args, name, value] of [
      [['serve'], 'PORT', 'abc'], [['account', 'list'], 'PORT', 'abc'], [['account', 'list'], 'DATABASE_URL', 'oracle://db'],
    ] as const) {
      const r = runCli([...args], dataDir, { [name]: value });
      expect(r.status, `${name} ${args[0]}`).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^parley: configuration error: ${name} `));
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

const KEY = /parley_[A-Za-z0-9]{42}/g;

describe('parley serve', { timeout: 120_000 }, () => {
  let dataDir: string;
  const running: Served[] = [];
  beforeAll(() => {
    ensureBuilt();
    dataDir = mkdtempSync(path.join(tmpdir(), 'parley-serve-'));
  }, 120_000);
  afterAll(() => {
    for (const s of running) s.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('bootstraps on the first start only, serves health checks, and stops cleanly on SIGTERM', async () => {
    const first = await serve(dataDir);
    running.push(first);
    expect((await request(`${first.url}/healthz`, 'GET')).json).toEqual({ status: 'ok' });
    expect((await request(`${first.url}/readyz`, 'GET')).json).toEqual({ status: 'ready' });

    // The key is printed right after listening; wait for the whole banner.
    await expect.poll(() => first.stdout(), { timeout: 5000 }).toMatch(/bot_id/);
    const keys = first.stdout().match(KEY) ?? [];
    expect(new Set(keys).size).toBe(1);
    const key = keys[0];
    expect(first.stdout()).toContain(`curl -s ${first.url}/api/v1/bots -H "Authorization: Bearer ${key}"`);

    const bots = await request(`${first.url}/api/v1/bots`, 'GET', undefined, { authorization: `Bearer ${key}` });
    expect(bots.status).toBe(200);
    expect(bots.json.data).toEqual([expect.objectContaining({ name: 'Default bot' })]);
    const botId = bots.json.data[0].id;
    expect(first.stdout()).toContain(`"bot_id":"${botId}"`);
    // Logs are JSON lines with a request id.
    const requestLogged = () => first.stdout().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l))
      .some((l) => l.reqId && l.req?.url === '/api/v1/bots');
    await expect.poll(requestLogged, { timeout: 5000 }).toBe(true);

    expect(await first.stop()).toBe(0);
    expect(first.stdout()).toMatch(/shutting down/);
    // Without PARLEY_SECRET, one is made and kept, readable by its owner only.
    const secretFile = path.join(dataDir, 'secret');
    expect(readFileSync(secretFile, 'utf8').trim().length).toBeGreaterThanOrEqual(32);
    expect(statSync(secretFile).mode & 0o077).toBe(0);

    const second = await serve(dataDir);
    running.push(second);
    const again = await request(`${second.url}/api/v1/bots`, 'GET', undefined, { authorization: `Bearer ${key}` });
    expect(again.json.data.map((b: { id: string }) => b.id)).toEqual([botId]);
    expect(await second.stop('SIGINT')).toBe(0);
    expect(second.stdout()).not.toMatch(KEY);
    expect(second.stdout()).not.toMatch(/First start/);
  });
});
