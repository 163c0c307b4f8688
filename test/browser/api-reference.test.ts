import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumInstalled, chromiumRequired, openChromium, CHROMIUM } from '../support/open-chromium.js';
import { request, startParley, type RunningParley, type Tenant } from '../support/start-parley.js';

const ARTIFACTS = path.resolve('test-artifacts');

if (!chromiumInstalled && !chromiumRequired) {
  console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
}

/** The reference at /docs in a real Chromium, under the site's own Content-Security-Policy. */
describe.runIf(chromiumInstalled || chromiumRequired)('the API reference in Chromium', () => {
  let parley: RunningParley;
  let t: Tenant;
  let browser: Awaited<ReturnType<typeof openChromium>>;
  let page: Page;
  const pageErrors: string[] = [];
  const elsewhere: string[] = [];

  beforeAll(async () => {
    parley = await startParley();
    t = await parley.tenant();
    browser = await openChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // A CSP refusal is reported on the console as an error.
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    page.on('response', (r) => r.status() >= 400 && pageErrors.push(`${r.status()} ${r.url()}`));
    page.on('request', (r) => !r.url().startsWith(parley.url) && !r.url().startsWith('data:') && elsewhere.push(r.url()));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await parley?.stop();
  });

  it('shows every operation of the document, with nothing refused and nothing fetched from elsewhere', async () => {
    const doc = (await request(`${parley.url}/openapi.json`, 'GET')).json as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).filter((k) => k !== 'parameters').length, 0);
    await page.goto(`${parley.url}/docs`);
    await page.waitForSelector('.opblock');
    expect(await page.locator('.opblock').count()).toBe(operations);
    expect(await page.textContent('.info .title')).toMatch(/Parley/);
    expect(pageErrors).toEqual([]);
    expect(elsewhere).toEqual([]);
  });

  it('calls this server with a key given to "Authorize", and shows the answer', async () => {
    await page.click('button.authorize');
    await page.fill('.auth-container input', t.key);
    await page.click('.auth-btn-wrapper button.authorize');
    await page.click('.btn-done');
    const listBots = page.locator('.opblock-get', { has: page.locator('[data-path="/api/v1/bots"]') }).first();
    await listBots.locator('.opblock-summary').click();
    await listBots.locator('.try-out__btn').click();
    await listBots.locator('.execute').click();
    await expect.poll(() => listBots.locator('.live-responses-table tbody .response-col_status').first().textContent(), { timeout: 10_000 })
      .toMatch(/200/);
    expect(await listBots.locator('.live-responses-table .microlight').first().textContent()).toContain(t.botId);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'api-reference.png') });
    expect(pageErrors).toEqual([]);
    expect(elsewhere).toEqual([]);
  });
});
