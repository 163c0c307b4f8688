import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); nothing is downloaded at run time. */
export const CHROMIUM = '/usr/bin/chromium';

/** Whether a missing Chromium fails the test run (in CI) rather than skipping it (on a laptop). */
export const chromiumRequired = process.env.PARLEY_REQUIRE_SERVICES === '1' || Boolean(process.env.CI);

export const chromiumInstalled = existsSync(CHROMIUM);

/** A headless Chromium with a new, empty profile; `close` removes the profile too. */
export async function openChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(path.join(tmpdir(), 'parley-chromium-'));
  // Playwright passes the profile as --user-data-dir itself (it refuses the flag in `args`).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    viewport: { width: 1200, height: 860 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
