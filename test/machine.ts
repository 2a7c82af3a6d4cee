// What the tests need from the machine besides Node and the npm packages: a Chromium (the browser
// tests, the consumer app, the benchmarks: test/e2e/browser.ts) and redis-server (the bridge
// tests). Each is found where it is; what is missing is installed with apt-get on Debian as root
// (saying so), and anywhere else the tests stop with the one command that installs it.
//
// `npm test` runs this file first (`tsx test/machine.ts`), so a machine without them finds out, or
// gets them, before anything else runs.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The first of these programs on the PATH, or null. */
export function onPath(names: readonly string[]): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of names) {
      const path = join(dir, name);
      try {
        accessSync(path, constants.X_OK);
        return path;
      } catch {
        // not here
      }
    }
  }
  return null;
}

/** `debian`, `ubuntu`, ...: the Linux distribution and the ones it derives from. */
export function distributions(): string[] {
  if (process.platform !== 'linux') return [];
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    const field = (key: string) => new RegExp(`^${key}="?([^"\\n]*)"?$`, 'm').exec(release)?.[1] ?? '';
    return `${field('ID')} ${field('ID_LIKE')}`.split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

export const isRoot = () => process.getuid?.() === 0;

/** Installs a package with apt-get (as root), saying so; false if that failed. */
export function aptInstall(pkg: string, what: string): boolean {
  console.error(`No ${what} found: installing it (apt-get install -y ${pkg}) ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    execFileSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: ['ignore', 'ignore', 'inherit'], env });
    return true;
  } catch (err) {
    console.error(`apt-get failed: ${(err as Error).message}`);
    return false;
  }
}

/** redis-server for the bridge tests: REDIS_SERVER_PATH, or on the PATH; else installed, or an error that says how. */
export function ensureRedisServer(): string {
  const find = () => process.env.REDIS_SERVER_PATH || onPath(['redis-server']);
  const found = find();
  if (found) return found;
  const apt = distributions().some((d) => d === 'debian' || d === 'ubuntu');
  if (apt && isRoot() && aptInstall('redis-server', 'redis-server')) {
    const installed = find();
    if (installed) return installed;
  }
  const command = apt ? `${isRoot() ? '' : 'sudo '}apt-get install -y redis-server` : process.platform === 'darwin' ? 'brew install redis' : 'your system\'s redis-server package';
  throw new Error(`The bridge tests need redis-server, and none was found (REDIS_SERVER_PATH, or on the PATH). Install it with:\n\n    ${command}\n`);
}

// `tsx test/machine.ts`: make sure of both, and say what the tests will use.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  import('./e2e/browser.js')
    .then(({ chromiumPath, chromiumFrom }) => {
      console.log(`Chromium for the browser tests: ${chromiumPath} (${chromiumFrom})`);
      console.log(`redis-server for the bridge tests: ${ensureRedisServer()}`);
    })
    .catch((err: unknown) => {
      console.error((err as Error).message);
      process.exit(1);
    });
}
