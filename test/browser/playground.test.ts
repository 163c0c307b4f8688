import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeId } from '../../src/transport/public-ids.js';
import { addText, makeFolder } from '../knowledge/knowledge-helpers.js';
import { chromiumInstalled, chromiumRequired, openChromium, CHROMIUM } from '../support/open-chromium.js';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { startParley, type RunningParley, type Tenant } from '../support/start-parley.js';

const ARTIFACTS = path.resolve('test-artifacts');
const QUESTION = 'How long do refunds take?';
const WORDS = Array.from({ length: 16 }, (_, i) => `part${i} `);

if (!chromiumInstalled && !chromiumRequired) {
  console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
}

/** The playground at `/` in a real Chromium, against a real Parley and a scripted model. */
describe.runIf(chromiumInstalled || chromiumRequired)('the playground in Chromium', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;
  let t: Tenant;
  let browser: Awaited<ReturnType<typeof openChromium>>;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    upstream = await new ScriptedOpenAi().start();
    // Slow enough that the page can be reloaded in the middle of the reply.
    upstream.scripts.set(QUESTION, { chunks: WORDS, intervalMs: 150 });
    parley = await startParley({ LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'scripted' });
    t = await parley.tenant();
    const folder = await makeFolder(t, 'Policies');
    await addText(t, folder, 'Refund policy', 'Refunds are issued within 14 days of purchase.');
    await parley.app.store.botFolders.set(t.bot.id, [decodeId('folder', folder)!]);
    browser = await openChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await parley?.stop();
    await upstream?.stop();
  });

  it('refuses a wrong key in words, then takes the right one', async () => {
    await page.goto(`${parley.url}/`);
    await page.fill('#key', 'parley_not-a-key');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#alert')).toMatch(/API key was not accepted/);
    pageErrors.length = 0; // the 401 is logged by the browser as a failed request

    await page.fill('#key', t.key);
    await page.click('#key-form button[type=submit]');
    await page.waitForSelector('#app:not([hidden])');
    expect(await page.isHidden('#alert')).toBe(true);
    expect(await page.inputValue('#bot')).toBe(t.botId);
  });

  it('starts a conversation, streams a reply, survives a reload mid-reply, and shows the sources', async () => {
    await page.fill('#conversation-name', 'Browser chat');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#conversation option:checked').textContent()).toBe('Browser chat');

    await page.fill('#content', QUESTION);
    await page.keyboard.press('Enter');
    const reply = page.locator('#messages li.bot').last();
    await expect.poll(() => reply.textContent(), { timeout: 10_000 }).toContain('part2');
    expect(await page.isVisible('#stop')).toBe(true);
    const before = (await reply.textContent()) ?? '';
    expect(before.length).toBeLessThan(WORDS.join('').length);

    await page.reload();
    const after = page.locator('#messages li.bot').last();
    await expect.poll(() => after.locator('.text').textContent(), { timeout: 15_000 }).toBe(WORDS.join(''));
    await page.waitForSelector('#messages li.bot .sources');
    expect(await after.locator('.sources').textContent()).toContain('Refund policy');
    expect(await page.isHidden('#stop')).toBe(true);
    expect(await page.locator('#messages li.user').last().textContent()).toBe(QUESTION);
  });

  it('uploads a file through the signed upload flow and sees it synced', async () => {
    await page.setInputFiles('#file', { name: 'shipping.txt', mimeType: 'text/plain', buffer: Buffer.from('Shipping takes five days.') });
    await page.click('#upload button[type=submit]');
    const row = page.locator('#documents li', { hasText: 'shipping.txt' });
    await expect.poll(() => row.locator('.status').textContent(), { timeout: 15_000 }).toBe('synced');
  });

  it('stops a reply with the Stop button', async () => {
    upstream.scripts.set('Talk for long', { chunks: WORDS, intervalMs: 300 });
    await page.fill('#content', 'Talk for long');
    await page.keyboard.press('Enter');
    const reply = page.locator('#messages li.bot').last();
    await expect.poll(() => reply.textContent(), { timeout: 10_000 }).toContain('part1');
    await page.click('#stop');
    await page.waitForSelector('#stop', { state: 'hidden', timeout: 10_000 });
    const stopped = (await reply.locator('.text').textContent()) ?? '';
    expect(stopped.length).toBeLessThan(WORDS.join('').length);
    expect(await reply.locator('.note').textContent()).toMatch(/^Stopped/);
    expect(await page.isHidden('#alert')).toBe(true);
  });

  it('keeps screenshots (wide and phone-sized) as test artifacts', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const wide = path.join(ARTIFACTS, 'playground.png');
    await page.screenshot({ path: wide, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    const phone = path.join(ARTIFACTS, 'playground-phone.png');
    await page.screenshot({ path: phone, fullPage: true });
    // Nothing wider than the phone's screen (no sideways scrolling).
    // (an expression, not a function: the tests are typed without the DOM's names)
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    console.log(`playground screenshots: ${wide}, ${phone}`);
    expect(pageErrors).toEqual([]);
  });
});
