import type { FastifyRequest } from 'fastify';
import type { KeyAuthenticator } from '../../domain/api-keys.js';
import type { Account } from '../../domain/entities.js';
import { unauthenticated } from '../../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    account: Account | null;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** A hook that resolves `Authorization: Bearer <key>` to its account, or answers 401. */
export function bearerAuth(keys: KeyAuthenticator) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    const match = header ? BEARER.exec(header) : null;
    const account = match ? await keys.authenticate(match[1]) : undefined;
    if (!account) throw unauthenticated();
    request.account = account;
  };
}

/** The caller's account; only inside routes behind `bearerAuth`. */
export function accountOf(request: FastifyRequest): Account {
  if (!request.account) throw unauthenticated();
  return request.account;
}
