/** DATABASE_URL: which store, and where. Each adapter's scheme is known here so that a bad URL stops the start. */

const EXPECTS = 'expects sqlite:<path> (for example sqlite:./data/parley.db) or postgres://user:password@host:5432/database';

/**
 * Whether DATABASE_URL names the PostgreSQL store (`postgres://` or `postgresql://`): the one test
 * that config's checks and the choice of store and retriever adapter share.
 */
export const namesPostgres = (url: string): boolean => /^postgres(ql)?:\/\//.test(url);

/** Returns the URL when it names a store Parley has; otherwise throws what is wrong with it. */
export function parseDatabaseUrl(raw: string): string {
  if (raw.startsWith('sqlite:')) {
    if (!/^sqlite:.+/.test(raw)) throw new Error(`${EXPECTS}: the sqlite: URL names no file`);
    return raw;
  }
  if (namesPostgres(raw)) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new Error(`${EXPECTS}: this postgres URL does not parse (a password with @, : or / must be percent-encoded)`);
    }
    // A Unix socket may be given as ?host=/run/postgresql instead of a host name.
    if (!url.hostname && !url.searchParams.get('host')) throw new Error(`${EXPECTS}: the postgres URL names no host`);
    if (url.pathname.length <= 1) throw new Error(`${EXPECTS}: the postgres URL names no database (…:5432/parley)`);
    return raw;
  }
  throw new Error(EXPECTS);
}

/** The URL as it may be shown in messages and logs: without its password. */
export function withoutPassword(raw: string): string {
  return raw.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:).*@/, '$1***@');
}
