// Which Chromium the browser tests, the consumer-app test and the benchmarks launch, and how.
// Shared by playwright.config.ts, test/consumer/ and bench/harness/browser.ts; `npm test` looks
// for it first (test/machine.ts), so a machine without a browser finds out at once.
//
// Looked for in this order: CHROMIUM_PATH; Playwright's own Chromium, if `npx playwright install`
// put one there; `chromium`, `chromium-browser`, `google-chrome` or `google-chrome-stable` on the
// PATH. With none, on Debian as root it installs Debian's package (`apt-get install -y chromium`,
// saying so); anywhere else it stops with the one command that installs one.
import { existsSync } from 'node:fs';
import { chromium, type LaunchOptions } from '@playwright/test';
import { aptInstall, distributions, isRoot, onPath } from '../machine.js';

const ON_PATH = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** A Chromium or Chrome that is there now, and where it was found; null if there is none. */
export function findChromium(): { path: string; from: string } | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH is ${fromEnv}, which does not exist.`);
    return { path: fromEnv, from: 'CHROMIUM_PATH' };
  }
  let playwrights: string | undefined;
  try {
    playwrights = chromium.executablePath();
  } catch {
    // Playwright has no build for this platform.
  }
  if (playwrights && existsSync(playwrights)) return { path: playwrights, from: "Playwright's own" };
  const path = onPath(ON_PATH);
  return path ? { path, from: 'on the PATH' } : null;
}

/** A Chromium to launch: found, or installed with apt-get where this process may; else an error that says how. */
export function ensureChromium(): { path: string; from: string } {
  const found = findChromium();
  if (found) return found;
  const distros = distributions();
  // Ubuntu's apt has no Chromium of its own, only a snap, which does not run in containers: there,
  // as on macOS and Windows, Playwright's build (a download) is the way.
  const debian = distros.includes('debian') && !distros.includes('ubuntu');
  if (debian && isRoot() && aptInstall('chromium', 'Chromium')) {
    const installed = findChromium();
    if (installed) return installed;
  }
  const command = debian
    ? `${isRoot() ? '' : 'sudo '}apt-get install -y chromium`
    : `npx playwright install ${distros.includes('ubuntu') ? '--with-deps ' : ''}chromium`;
  throw new Error(
    "The browser tests need Chromium or Chrome, and none was found (CHROMIUM_PATH, Playwright's own, " +
      `${ON_PATH.join(', ')} on the PATH). Install one with:\n\n    ${command}\n\nor set CHROMIUM_PATH to a Chromium or Chrome binary.`,
  );
}

const chromiumFound = ensureChromium();
export const chromiumPath = chromiumFound.path;
export const chromiumFrom = chromiumFound.from;

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
