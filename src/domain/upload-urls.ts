import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** What an upload URL grants: one PUT of one file, of the declared type, before `expiresAt` (Unix ms). */
export interface UploadGrant {
  key: string;
  accountId: number;
  contentType: string;
  maxBytes: number;
  expiresAt: number;
}

export type OpenedUploadToken = { ok: true; grant: UploadGrant } | { ok: false; reason: 'invalid' | 'expired' };

/**
 * Signs upload grants with HMAC-SHA256 under a key derived (HKDF) from the server secret for this
 * purpose alone. The token is `<base64url JSON>.<base64url MAC>`; single use is the store's job.
 */
export class UploadUrls {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'parley', 'upload-url v1', 32));
  }

  sign(grant: UploadGrant): string {
    const body = Buffer.from(JSON.stringify([grant.key, grant.accountId, grant.contentType, grant.maxBytes, grant.expiresAt]))
      .toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  open(token: string, now = Date.now()): OpenedUploadToken {
    const grant = this.verify(token);
    if (!grant) return { ok: false, reason: 'invalid' };
    if (grant.expiresAt <= now) return { ok: false, reason: 'expired' };
    return { ok: true, grant };
  }

  private verify(token: string): UploadGrant | undefined {
    const m = /^([A-Za-z0-9_-]{1,2048})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return undefined;
    const given = Buffer.from(m[2], 'base64url');
    if (given.length !== 32 || !timingSafeEqual(given, this.mac(m[1]))) return undefined;
    try {
      const [key, accountId, contentType, maxBytes, expiresAt] = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'));
      return { key, accountId, contentType, maxBytes, expiresAt };
    } catch {
      return undefined;
    }
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest();
  }
}
