/** REDIS_URL: the stream bus on Redis. Checked here so that a bad URL stops the start, not the first reply. */

const EXPECTS = 'expects redis://[user:password@]host[:6379][/db] or rediss:// (TLS)';

/** Returns the URL when Parley can use it; otherwise throws what is wrong with it. */
export function parseRedisUrl(raw: string): string {
  if (!/^rediss?:\/\//.test(raw)) throw new Error(EXPECTS);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${EXPECTS}: this URL does not parse (a password with @, : or / must be percent-encoded)`);
  }
  if (!url.hostname) throw new Error(`${EXPECTS}: the URL names no host`);
  if (url.pathname.length > 1 && !/^\/\d{1,2}$/.test(url.pathname)) throw new Error(`${EXPECTS}: the database is a number (…:6379/0)`);
  return raw;
}

/** The URL as it may be shown in messages and logs: without its password. */
export function redisUrlWithoutPassword(raw: string): string {
  return raw.replace(/^(rediss?:\/\/[^/@]*?:)[^/]*@/, '$1***@');
}
