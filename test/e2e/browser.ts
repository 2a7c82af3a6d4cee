// Which Chromium the browser tests, the consumer-app test and the benchmarks launch, and how.
// Shared by playwright.config.ts, test/consumer/ and bench/harness/browser.ts; `npm test` runs it
// first (`tsx test/e2e/browser.ts`) so a machine without a browser finds out at once.
//
// Looked for in this order: CHROMIUM_PATH; Playwright's own Chromium, if `npx playwright install`
// put one there; `chromium`, `chromium-browser`, `google-chrome` or `google-chrome-stable` on the
// PATH. With none, on Debian as root it installs Debian's package (`apt-get install -y chromium`,
// saying so); anywhere else it stops with the one command that installs one.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type LaunchOptions } from '@playwright/test';

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
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of ON_PATH) {
      const path = join(dir, name);
      if (isExecutable(path)) return { path, from: 'the PATH' };
    }
  }
  return null;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `debian`, `ubuntu`, ...: the Linux distribution and the ones it derives from. */
function distributions(): string[] {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    const field = (key: string) => new RegExp(`^${key}="?([^"\\n]*)"?$`, 'm').exec(release)?.[1] ?? '';
    return `${field('ID')} ${field('ID_LIKE')}`.split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

/** The one command that gets a Chromium onto this machine, and whether this process runs it itself. */
function howToInstall(): { command: string; runIt: boolean } {
  const distros = process.platform === 'linux' ? distributions() : [];
  const root = process.getuid?.() === 0;
  if (distros.includes('debian') && !distros.includes('ubuntu')) {
    return { command: `${root ? '' : 'sudo '}apt-get install -y chromium`, runIt: root };
  }
  // Ubuntu's apt has no Chromium of its own, only a snap, which does not run in containers: there,
  // as on macOS and Windows, Playwright's build (a download) is the way.
  return { command: `npx playwright install ${distros.includes('ubuntu') ? '--with-deps ' : ''}chromium`, runIt: false };
}

/** A Chromium to launch: found, or installed with apt-get where this process may; else an error that says how. */
export function ensureChromium(): string {
  const found = findChromium();
  if (found) return found.path;
  const { command, runIt } = howToInstall();
  if (runIt) {
    console.error(`No Chromium found: installing Debian's package (${command}) ...`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    try {
      execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
      execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    } catch (err) {
      console.error(`apt-get failed: ${(err as Error).message}`);
    }
    const installed = findChromium();
    if (installed) return installed.path;
  }
  throw new Error(
    "The browser tests need Chromium or Chrome, and none was found (CHROMIUM_PATH, Playwright's own, " +
      `${ON_PATH.join(', ')} on the PATH). Install one with:\n\n    ${command}\n\nor set CHROMIUM_PATH to a Chromium or Chrome binary.`,
  );
}

// Run as a script (`tsx test/e2e/browser.ts`), it says which Chromium, or why none, without a stack.
const asScript = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);

export const chromiumPath = asScript ? '' : ensureChromium();

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

if (asScript) {
  try {
    const path = ensureChromium();
    console.log(`Chromium for the browser tests: ${path} (${findChromium()?.from})`);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
