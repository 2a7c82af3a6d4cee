// How the browser tests launch Chromium: shared by playwright.config.ts and by specs that launch
// their own browser (persistent contexts, which keep IndexedDB on disk across a restart).
import { existsSync } from 'node:fs';
import type { LaunchOptions } from '@playwright/test';

export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

if (!existsSync(chromiumPath)) {
  throw new Error(
    `Chromium not found at ${chromiumPath}. Install it with \`apt-get install -y chromium\` ` +
      '(Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome binary. ' +
      '(`npx playwright install` is not needed and cannot download browsers on every machine.)',
  );
}

export const launchOptions: LaunchOptions = {
  executablePath: chromiumPath,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    // Without these Chromium keeps trying to reach outside hosts.
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
