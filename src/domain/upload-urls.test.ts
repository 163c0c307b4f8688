import { describe, expect, it } from 'vitest';
import { UploadUrls } from './upload-urls.js';

describe('UploadUrls', () => {
  const urls = new UploadUrls('x'.repeat(32));
  const grant = { key: 'uploads/abc.pdf', accountId: 7, contentType: 'application/pdf', maxBytes: 100, expiresAt: 2_000 };

  it('opens what it signed, until it expires', () => {
    const token = urls.sign(grant);
    expect(urls.open(token, 1_000)).toEqual({ ok: true, grant });
    expect(urls.open(token, 2_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a changed token, or one signed with another secret', () => {
    const token = urls.sign(grant);
    const [body, mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify(['uploads/abc.pdf', 8, 'application/pdf', 100, 2_000])).toString('base64url');
    expect(urls.open(`${forged}.${mac}`, 1_000).ok).toBe(false);
    expect(urls.open(`${body}.${mac.slice(0, -1)}A`, 1_000).ok).toBe(false);
    expect(new UploadUrls('y'.repeat(32)).open(token, 1_000).ok).toBe(false);
    expect(urls.open('nonsense', 1_000).ok).toBe(false);
  });
});
