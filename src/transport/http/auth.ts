import type { FastifyRequest } from 'fastify';
import { verifyApiKey } from '../../domain/api-keys.js';
import type { Account } from '../../domain/entities.js';
import { unauthenticated } from '../../errors.js';
import type { Store } from '../../store/store.js';

declare module 'fastify' {
  interface FastifyRequest {
    account: Account | null;
  }
}

/** A hook that resolves `Authorization: Bearer <key>` to its account, or answers 401. */
export function bearerAuth(store: Store) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const key = match ? await verifyApiKey(store, match[1]) : undefined;
    const account = key ? await store.accounts.get(key.accountId) : undefined;
    if (!account) throw unauthenticated();
    request.account = account;
  };
}

/** The caller's account; only inside routes behind `bearerAuth`. */
export function accountOf(request: FastifyRequest): Account {
  if (!request.account) throw unauthenticated();
  return request.account;
}
