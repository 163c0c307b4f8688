import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Account, ApiKey } from './entities.js';
import type { Store } from '../store/store.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const PREFIX_LEN = 10;
const SECRET_LEN = 32;
const KEY_PATTERN = new RegExp(`^parley_([A-Za-z0-9]{${PREFIX_LEN}})[A-Za-z0-9]{${SECRET_LEN}}$`);
/** Writing last-used on every request would put a write on every call; once a minute is enough. */
const TOUCH_EVERY_MS = 60_000;

function randomText(length: number): string {
  // 62 does not divide 256; rejecting bytes ≥ 248 keeps every character equally likely.
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248 && out.length < length) out += ALPHABET[b % 62];
    }
  }
  return out;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Makes a key: the returned `key` is shown once; the store keeps only its hash. */
export async function createApiKey(
  store: Store, accountId: number, name: string | null,
): Promise<{ key: string; record: ApiKey }> {
  const prefix = randomText(PREFIX_LEN);
  const key = `parley_${prefix}${randomText(SECRET_LEN)}`;
  const record = await store.apiKeys.create({ accountId, name, prefix, hash: sha256(key), createdAt: Date.now() });
  return { key, record };
}

/**
 * The live key that `presented` is, or undefined; the hash comparison takes constant time.
 * `hash` is `presented`'s SHA-256, when the caller has it already.
 */
export async function verifyApiKey(store: Store, presented: string, hash = sha256(presented)): Promise<ApiKey | undefined> {
  const match = KEY_PATTERN.exec(presented);
  if (!match) return undefined;
  const record = await store.apiKeys.findByPrefix(match[1]);
  if (!record || record.revokedAt !== null) return undefined;
  const same = timingSafeEqual(Buffer.from(hash, 'hex'), Buffer.from(record.hash, 'hex'));
  if (!same) return undefined;
  const now = Date.now();
  if (record.lastUsedAt === null || now - record.lastUsedAt > TOUCH_EVERY_MS) {
    await store.apiKeys.touch(record.id, now);
  }
  return record;
}

/**
 * Verifies keys and finds their accounts, remembering each success for `ttlMs`: every API call
 * authenticates, and two store reads and a hash comparison per call are a large share of a send.
 * A revoked key, or a changed plan, therefore reaches this process within `ttlMs`.
 */
export class KeyAuthenticator {
  /** By the key's SHA-256, so that no secret is kept as a lookup key. */
  private readonly trusted = new Map<string, { account: Account; until: number }>();

  constructor(private readonly store: Store, private readonly ttlMs: number) {}

  async authenticate(presented: string): Promise<Account | undefined> {
    const hash = sha256(presented);
    if (this.ttlMs <= 0) return this.lookUp(presented, hash);
    const now = Date.now();
    const hit = this.trusted.get(hash);
    if (hit && hit.until > now) return hit.account;
    const account = await this.lookUp(presented, hash);
    if (!account) this.trusted.delete(hash);
    else {
      if (this.trusted.size >= TRUSTED_LIMIT) this.trusted.clear();
      this.trusted.set(hash, { account, until: now + this.ttlMs });
    }
    return account;
  }

  private async lookUp(presented: string, hash: string): Promise<Account | undefined> {
    const key = await verifyApiKey(this.store, presented, hash);
    return key && this.store.accounts.get(key.accountId);
  }
}

const TRUSTED_LIMIT = 10_000;
