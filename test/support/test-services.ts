import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';

/**
 * The PostgreSQL server tests use: PARLEY_TEST_DATABASE_URL (any database on it; tests create their
 * own beside it), else the local default. Other test runs share the server, so every database made
 * here has a unique name and is dropped after.
 */
export const TEST_POSTGRES_URL = process.env.PARLEY_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** In CI (or with PARLEY_REQUIRE_SERVICES=1) a missing service fails the tests that need it; never skips them. */
export const servicesRequired = () => process.env.PARLEY_REQUIRE_SERVICES === '1' || !!process.env.CI;

/**
 * Whether PostgreSQL answers. When it does not: throws if services are required, else returns
 * false after saying why the tests that need it are skipped.
 */
export async function postgresAvailable(url = TEST_POSTGRES_URL): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (err) {
    return unavailable(`PostgreSQL at ${url}`, err, 'PARLEY_TEST_DATABASE_URL');
  } finally {
    await client.end().catch(() => {});
  }
}

/** A service that does not answer: fails the tests that need it when services are required, else says they are skipped. */
function unavailable(service: string, err: unknown, urlVariable: string): false {
  const why = `${service} does not answer (${(err as Error).message})`;
  if (servicesRequired()) throw new Error(`${why}; PARLEY_REQUIRE_SERVICES or CI is set, so tests that need it fail`);
  console.warn(`${why}: skipping the tests that need it (set ${urlVariable} to run them)`);
  return false;
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A new, empty database on the test server with a unique name; `drop` removes it (closing its connections). */
export async function createTestDatabase(label = 'test', serverUrl = TEST_POSTGRES_URL): Promise<TestDatabase> {
  const name = `parley_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * The Redis server tests use: PARLEY_TEST_REDIS_URL (or TEST_REDIS_URL), else the local default.
 * Other test runs share it, so every test gives its keys a unique prefix (`testKeyPrefix`).
 */
export const TEST_REDIS_URL = process.env.PARLEY_TEST_REDIS_URL || process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** Whether Redis answers; as `postgresAvailable`, it throws instead of returning false when services are required. */
export async function redisAvailable(url = TEST_REDIS_URL): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch (err) {
    return unavailable(`Redis at ${url}`, err, 'PARLEY_TEST_REDIS_URL');
  } finally {
    redis.disconnect();
  }
}

/** A key prefix no other test run uses. */
export const testKeyPrefix = (label = 'test') => `parley-test:${label}:${process.pid}:${randomBytes(4).toString('hex')}:`;

/**
 * In the scaled-out test form (PARLEY_TEST_FORM=postgres+redis), the database each test server's
 * data folder stands for: a server or a CLI command given that folder uses that database.
 */
export const databasesByDataDir = new Map<string, string>();

/** Whether the tests run in the scaled-out form (see start-parley.ts). */
export const scaledTestForm = process.env.PARLEY_TEST_FORM === 'postgres+redis';

/**
 * What one Parley needs to run in the scaled-out form: a fresh database on the test PostgreSQL
 * server and a key prefix of its own on the test Redis, both named after `label`; `drop` removes the database.
 * Given `existingDatabaseUrl`, that database is used instead and `drop` leaves it (its maker drops it).
 */
export async function scaledServices(
  label: string, existingDatabaseUrl?: string,
): Promise<{ env: Record<'DATABASE_URL' | 'REDIS_URL' | 'REDIS_KEY_PREFIX', string>; drop(): Promise<void> }> {
  const database = existingDatabaseUrl ? { url: existingDatabaseUrl, drop: async () => {} } : await createTestDatabase(label);
  return { env: { DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: testKeyPrefix(label) }, drop: () => database.drop() };
}
