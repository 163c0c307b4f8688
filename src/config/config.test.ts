import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { bool, duration, httpUrl, int, num, oneOf } from './env-parsers.js';

const cwd = path.resolve('/srv/parley');

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, cwd);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('loadConfig', () => {
  it('has embedded defaults', () => {
    const c = loadConfig({}, cwd);
    expect(c).toMatchObject({
      port: 8080, host: '127.0.0.1', dataDir: path.join(cwd, 'data'), secret: undefined, logLevel: 'info',
      bodyLimitBytes: 2 * 1024 * 1024, trustProxy: false, publicUrl: undefined, shutdownGraceMs: 10_000,
    });
    expect(c.databaseUrl).toBe(`sqlite:${path.join(cwd, 'data', 'parley.db')}`);
    expect(c.knowledge.retrievalMinRelevance).toBe(0.3);
    expect(loadConfig({ RETRIEVAL_MIN_RELEVANCE: '0' }, cwd).knowledge.retrievalMinRelevance).toBe(0);
  });

  it('reads the variables, an empty one counting as unset', () => {
    const c = loadConfig({
      PORT: '0', HOST: '0.0.0.0', PARLEY_DATA_DIR: 'state', BODY_LIMIT_BYTES: '4096', TRUST_PROXY: 'yes',
      PUBLIC_URL: 'https://parley.example/', STREAM_URL_TTL: '15m', SHUTDOWN_GRACE: '1500ms', LOG_LEVEL: '',
      PARLEY_SECRET: 's'.repeat(32),
    }, cwd);
    expect(c).toMatchObject({
      port: 0, host: '0.0.0.0', dataDir: path.join(cwd, 'state'), bodyLimitBytes: 4096, trustProxy: true,
      publicUrl: 'https://parley.example', streamUrlTtlMs: 900_000, shutdownGraceMs: 1500, logLevel: 'info',
      secret: 's'.repeat(32),
    });
    expect(c.databaseUrl).toBe(`sqlite:${path.join(cwd, 'state', 'parley.db')}`);
    expect(loadConfig({ DATABASE_URL: 'sqlite:/var/lib/parley/parley.db' }, cwd).databaseUrl).toBe('sqlite:/var/lib/parley/parley.db');
    for (const url of ['postgres://parley:pw@db.internal:5432/parley', 'postgresql://db/parley?sslmode=require', 'postgres:///parley?host=/run/postgresql']) {
      expect(loadConfig({ DATABASE_URL: url }, cwd).databaseUrl).toBe(url);
    }
  });

  it.each([
    ['PORT', 'abc'], ['PORT', '65536'], ['PORT', '-1'], ['PORT', '80.5'],
    ['BODY_LIMIT_BYTES', '10'], ['BODY_LIMIT_BYTES', 'lots'],
    ['TRUST_PROXY', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['PUBLIC_URL', 'parley.example'], ['PUBLIC_URL', 'ftp://parley.example'],
    ['STREAM_PUBLIC_URL', 'not a url'],
    ['LLM_BASE_URL', 'localhost:11434'],
    ['STREAM_URL_TTL', '10x'], ['STREAM_URL_TTL', '0'],
    ['STREAM_KEEPALIVE', 'often'],
    ['SHUTDOWN_GRACE', '-5s'],
    ['RETRIEVAL_MIN_RELEVANCE', '1.5'], ['RETRIEVAL_MIN_RELEVANCE', 'high'],
    ['DATABASE_URL', 'mysql://db/parley'], ['DATABASE_URL', 'sqlite:'],
    ['DATABASE_URL', 'postgres://'], ['DATABASE_URL', 'postgres://db.internal'], ['DATABASE_URL', 'postgresql://db:port/x'],
    ['REDIS_URL', 'localhost:6379'], ['REDIS_URL', 'http://cache:6379'], ['REDIS_URL', 'redis://'], ['REDIS_URL', 'redis://cache:port'],
    ['REDIS_URL', 'redis://cache:6379/zero'], ['REDIS_KEY_PREFIX', 'has space'],
  ])('refuses %s=%j with a message naming it', (name, value) => {
    const err = configError({ [name]: value });
    expect(err.variable).toBe(name);
    expect(err.message.startsWith(`${name} `)).toBe(true);
    expect(err.message).toContain(JSON.stringify(value));
  });
});

describe('HTTP timeouts', () => {
  it('bound every phase of a request by default, and take durations', () => {
    expect(loadConfig({}, '/tmp').http).toEqual({ headersMs: 60_000, requestMs: 300_000, keepAliveMs: 72_000 });
    expect(loadConfig({ HTTP_REQUEST_TIMEOUT: '2s' }, '/tmp').http).toEqual({ headersMs: 2000, requestMs: 2000, keepAliveMs: 72_000 });
    expect(loadConfig({ HTTP_HEADERS_TIMEOUT: '5s', HTTP_REQUEST_TIMEOUT: '10m', HTTP_KEEPALIVE_TIMEOUT: '5s' }, '/tmp').http)
      .toEqual({ headersMs: 5000, requestMs: 600_000, keepAliveMs: 5000 });
  });

  it.each([
    ['HTTP_REQUEST_TIMEOUT', '0'], ['HTTP_REQUEST_TIMEOUT', 'never'], ['HTTP_HEADERS_TIMEOUT', '0s'], ['HTTP_KEEPALIVE_TIMEOUT', '-1'],
  ])('refuses %s=%j (no phase goes unbounded)', (name, value) => {
    const err = configError({ [name]: value });
    expect(err.variable).toBe(name);
    expect(err.message).toContain(JSON.stringify(value));
  });

  it('refuses a headers timeout longer than the request timeout', () => {
    const err = configError({ HTTP_HEADERS_TIMEOUT: '2m', HTTP_REQUEST_TIMEOUT: '1m' });
    expect(err.variable).toBe('HTTP_HEADERS_TIMEOUT');
    expect(err.message).toContain('HTTP_REQUEST_TIMEOUT');
  });
});

describe('RATE_LIMIT', () => {
  it('is off unless set, and takes requests per window', () => {
    expect(loadConfig({}, '/tmp').rateLimit).toBeUndefined();
    expect(loadConfig({ RATE_LIMIT: 'off' }, '/tmp').rateLimit).toBeUndefined();
    expect(loadConfig({ RATE_LIMIT: '600/1m' }, '/tmp').rateLimit).toEqual({ requests: 600, windowMs: 60_000 });
    expect(loadConfig({ RATE_LIMIT: '20 / 10s' }, '/tmp').rateLimit).toEqual({ requests: 20, windowMs: 10_000 });
    expect(loadConfig({ RATE_LIMIT: '5000/h' }, '/tmp').rateLimit).toEqual({ requests: 5000, windowMs: 3_600_000 });
  });

  it.each(['600', '0/1m', 'lots/1m', '10/0s', '10/500ms', '10/fortnight'])('refuses RATE_LIMIT=%j with a message naming it', (value) => {
    const err = configError({ RATE_LIMIT: value });
    expect(err.variable).toBe('RATE_LIMIT');
    expect(err.message).toContain(JSON.stringify(value));
  });
});

describe('PARLEY_SECRET', () => {
  it('refuses one shorter than 32 characters, naming the variable and the length, never the value', () => {
    const err = configError({ PARLEY_SECRET: 'hunter2-is-short' });
    expect(err.variable).toBe('PARLEY_SECRET');
    expect(err.message).toMatch(/^PARLEY_SECRET expects a string of at least 32 characters \(got 16\)$/);
    expect(err.message).not.toContain('hunter2');
  });
});

describe('DATABASE_URL', () => {
  it('explains a bad postgres URL without showing its password', () => {
    const err = configError({ DATABASE_URL: 'postgres://parley:s3cret@db.internal' });
    expect(err.message).toContain('names no database');
    expect(err.message).toContain('postgres://parley:***@db.internal');
    expect(err.message).not.toContain('s3cret');
    expect(configError({ DATABASE_URL: 'postgres://u:p@ss@db:port/x' }).message).not.toContain('p@ss');
  });

  it('refuses a postgres URL without // (no store adapter would take it), saying what it expects', () => {
    for (const url of ['postgres:foo', 'postgresql:foo', 'postgres:/parley?host=/run/postgresql']) {
      const err = configError({ DATABASE_URL: url });
      expect(err.variable).toBe('DATABASE_URL');
      expect(err.message.startsWith('DATABASE_URL ')).toBe(true);
      expect(err.message).toContain('expects sqlite:<path>');
      expect(err.message).toContain('postgres://user:password@host:5432/database');
      expect(err.message).toContain(JSON.stringify(url));
    }
  });
});

describe('REDIS_URL', () => {
  it('is absent by default (the in-process bus) and taken as given when valid', () => {
    expect(loadConfig({}, '/tmp').redisUrl).toBeUndefined();
    for (const url of ['redis://127.0.0.1:6379', 'redis://cache', 'rediss://user:pw@cache.internal:6380/2', 'redis://:pw@cache/0']) {
      expect(loadConfig({ REDIS_URL: url }, '/tmp').redisUrl).toBe(url);
    }
  });

  it('explains a bad URL without showing its password', () => {
    const err = configError({ REDIS_URL: 'redis://:s3cret@cache:6379/x' });
    expect(err.message).toContain('database is a number');
    expect(err.message).toContain('redis://:***@cache');
    expect(err.message).not.toContain('s3cret');
    expect(configError({ REDIS_URL: 'redis://u:p@ss@cache/x' }).message).not.toContain('p@ss');
  });
});

describe('BLOB_STORE', () => {
  it('is the data folder by default, and PostgreSQL when asked with a PostgreSQL database', () => {
    expect(loadConfig({}, cwd).blobStore).toBe('local');
    expect(loadConfig({ BLOB_STORE: 'local', DATABASE_URL: 'postgres://db/parley' }, cwd).blobStore).toBe('local');
    expect(loadConfig({ BLOB_STORE: 'postgres', DATABASE_URL: 'postgres://db/parley' }, cwd).blobStore).toBe('postgres');
  });

  it('refuses other values, and postgres without a PostgreSQL DATABASE_URL', () => {
    const other = configError({ BLOB_STORE: 's3' });
    expect(other.variable).toBe('BLOB_STORE');
    expect(other.message).toContain('expects one of: local, postgres');
    const onSqlite = configError({ BLOB_STORE: 'postgres' });
    expect(onSqlite.variable).toBe('BLOB_STORE');
    expect(onSqlite.message).toContain('DATABASE_URL must be a postgres:// URL');
  });
});

describe('env parsers', () => {
  it('int takes whole numbers within bounds', () => {
    const p = int(1, 10);
    expect(p('7')).toBe(7);
    expect(p(' 10 ')).toBe(10);
    for (const bad of ['0', '11', '1.0', '1e1', '', 'seven', '0x5']) expect(() => p(bad), bad).toThrow(/whole number from 1 to 10/);
  });

  it('num takes finite numbers within bounds', () => {
    const p = num(0, 2);
    expect(p('0.7')).toBe(0.7);
    for (const bad of ['', ' ', '3', '-0.1', 'Infinity', 'NaN', 'x']) expect(() => p(bad), bad).toThrow(/number from 0 to 2/);
  });

  it('duration reads units, a bare number as seconds', () => {
    const p = duration(1, 86_400_000);
    expect([p('1500ms'), p('30s'), p('15m'), p('1h'), p('1d'), p('2'), p('0.5s')])
      .toEqual([1500, 30_000, 900_000, 3_600_000, 86_400_000, 2000, 500]);
    for (const bad of ['', 's', '1w', '-1s', '2d', '0']) expect(() => p(bad), bad).toThrow(/duration/);
  });

  it('oneOf, httpUrl and bool', () => {
    expect(oneOf('a', 'b')('b')).toBe('b');
    expect(() => oneOf('a', 'b')('c')).toThrow('expects one of: a, b');
    expect(httpUrl('http://x.example:8080/base//')).toBe('http://x.example:8080/base');
    for (const bad of ['x.example', 'file:///etc', '']) expect(() => httpUrl(bad), bad).toThrow(/http\(s\) URL/);
    expect(['1', 'TRUE', 'on', 'yes'].map(bool)).toEqual([true, true, true, true]);
    expect(['0', 'false', 'Off', 'no'].map(bool)).toEqual([false, false, false, false]);
    expect(() => bool('2')).toThrow('expects true or false');
  });
});
