import { createCipheriv, createDecipheriv, hkdfSync, randomFillSync } from 'node:crypto';

/** What a stream URL grants: reading one reply of one account until `expiresAt` (Unix ms). */
export interface StreamGrant {
  replyId: number;
  accountId: number;
  expiresAt: number;
}

export type OpenedToken = { ok: true; grant: StreamGrant } | { ok: false; reason: 'invalid' | 'expired' };

/**
 * Seals grants with AES-256-GCM. The token is base64url of `{"iv","value","mac","tag"}` — the
 * envelope the published stream URLs use — with `mac` empty because GCM's tag authenticates.
 */
export class StreamTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'parley', 'stream-url v1', 32));
  }

  seal(grant: StreamGrant): string {
    const iv = nextIv();
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const plain = JSON.stringify([grant.replyId, grant.accountId, grant.expiresAt]);
    const value = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.from(envelope(iv, value, cipher.getAuthTag())).toString('base64url');
  }

  open(token: string, now = Date.now()): OpenedToken {
    const grant = this.decrypt(token);
    if (!grant) return { ok: false, reason: 'invalid' };
    if (grant.expiresAt <= now) return { ok: false, reason: 'expired' };
    return { ok: true, grant };
  }

  private decrypt(token: string): StreamGrant | undefined {
    if (token.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
    const json = Buffer.from(token, 'base64url');
    // Base64 has spare bits, so several strings decode alike; accept only the one we would have made,
    // so that changing any character of a token is caught.
    if (json.toString('base64url') !== token) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(json.toString('utf8'));
    } catch {
      return undefined;
    }
    // `null`, `7`, `"x"`, `[]`: valid JSON, but no envelope; malformed like any other.
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const parts = parsed as { iv?: unknown; value?: unknown; tag?: unknown };
    if (typeof parts.iv !== 'string' || typeof parts.value !== 'string' || typeof parts.tag !== 'string') return undefined;
    const iv = Buffer.from(parts.iv, 'base64');
    const value = Buffer.from(parts.value, 'base64');
    const tag = Buffer.from(parts.tag, 'base64');
    if (iv.length !== 12 || tag.length !== 16 || envelope(iv, value, tag) !== json.toString('utf8')) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAuthTag(tag);
      const plain = Buffer.concat([decipher.update(value), decipher.final()]).toString('utf8');
      const sealed: unknown = JSON.parse(plain);
      if (!Array.isArray(sealed) || sealed.length !== 3 || !sealed.every(Number.isSafeInteger)) return undefined;
      const [replyId, accountId, expiresAt] = sealed as number[];
      return { replyId, accountId, expiresAt };
    } catch {
      return undefined;
    }
  }
}

/**
 * Random 96-bit IVs, cut from a pool filled 4 KB at a time: a call to the system's random source
 * for every 12 bytes was a visible part of each send's cost. Random IVs keep AES-GCM safe for far
 * more tokens than one key will ever seal.
 */
const IV_POOL = Buffer.alloc(12 * 341);
let ivOffset = IV_POOL.length;

function nextIv(): Buffer {
  if (ivOffset + 12 > IV_POOL.length) {
    randomFillSync(IV_POOL);
    ivOffset = 0;
  }
  ivOffset += 12;
  // A copy: the pool is refilled in place.
  return Buffer.from(IV_POOL.subarray(ivOffset - 12, ivOffset));
}

function envelope(iv: Buffer, value: Buffer, tag: Buffer): string {
  return JSON.stringify({
    iv: iv.toString('base64'), value: value.toString('base64'), mac: '', tag: tag.toString('base64'),
  });
}
