// The consumer's path, as a user walks it: build and `npm pack` jobtrail, install the tarball into a
// fresh Vite + TypeScript app (test/consumer/app/, copied to a temporary folder outside this
// repository so nothing resolves from our node_modules), type-check the app under `strict` with
// `skipLibCheck: false`, `vite build` it (page, Web Worker processor, service worker through
// vite-plugin-pwa, inspector), then drive the production build (`vite preview`) and the dev server
// in Chromium: jobs run in the worker and in the service worker, survive a reload, and the
// inspector lists them. The steps run in order; each one says what failed with the tool's output.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { Script } from 'node:vm';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { markdownExamples } from '../docs/examples';
import type { Done, Work } from './app/src/jobs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = fileURLToPath(new URL('./app/', import.meta.url));
const servers: ChildProcess[] = [];
/** The temporary folder of the run: the tarball, and the app in app/. */
let work: string;
let app: string;

test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'jobtrail-consumer-'));
  app = join(work, 'app');
});

test.afterAll(() => {
  for (const server of servers) server.kill();
  rmSync(work, { recursive: true, force: true });
});

/** Runs a command to its end and resolves with its standard output; rejects with all it printed. */
function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`\`${command} ${args.join(' ')}\` failed in ${cwd}:\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

const npm = (args: string[], cwd: string) => run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], cwd);
const appBin = (name: string) => join(app, 'node_modules', '.bin', name);

test('builds and packs the package', async () => {
  test.setTimeout(180_000);
  await run('npm', ['run', 'build'], root);
  const packed = JSON.parse(await run('npm', ['pack', '--json', '--pack-destination', work], root)) as [
    { filename: string; files: { path: string }[] },
  ];
  const files = packed[0].files.map((f) => f.path);
  expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/index.js.map']));
  expect(files.filter((f) => !/^(dist\/|LICENSE$|README\.md$|package\.json$)/.test(f)), 'only dist/ and the usual files').toEqual([]);

  cpSync(fixture, app, { recursive: true, filter: (src) => !/[/\\](node_modules|dist|dev-dist)$/.test(src) });
  renameSync(join(work, packed[0].filename), join(app, 'jobtrail.tgz'));
});

test("the app's tool versions are this repository's", () => {
  const ours = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const theirs = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  for (const [name, version] of Object.entries(theirs.devDependencies)) {
    expect(version, `${name} in test/consumer/app/package.json`).toBe(ours.devDependencies[name]);
  }
});

test("the app's vite.config.ts is the README's", () => {
  // Comments and layout aside: the config this test builds and runs is the one the README shows.
  const code = (text: string) => text.replace(/\/\/.*$/gm, '').replace(/\s+/g, '').replace(/,([}\]])/g, '$1');
  const readme = markdownExamples().find((e) => e.id === 'README.md#building-it-with-vite');
  expect(readme, 'the vite.config.ts block of README.md, "Building it with Vite"').toBeDefined();
  expect(code(readFileSync(join(fixture, 'vite.config.ts'), 'utf8'))).toBe(code(readme!.code));
});

test('installs from the tarball', async () => {
  test.setTimeout(300_000);
  await npm(['install'], app);
  const installed = JSON.parse(readFileSync(join(app, 'node_modules/jobtrail/package.json'), 'utf8')) as { name: string };
  expect(installed.name).toBe('jobtrail');
});

test('type-checks under strict, without skipLibCheck', async () => {
  test.setTimeout(120_000);
  // Page (DOM), worker and service worker (WebWorker, no DOM): jobtrail's declarations in both.
  await run(appBin('tsc'), ['-p', 'tsconfig.json'], app);
  await run(appBin('tsc'), ['-p', 'tsconfig.worker.json'], app);
  await run(appBin('tsc'), ['-p', 'tsconfig.node.json'], app);
});

test('builds with vite build: page, worker, service worker', async () => {
  test.setTimeout(120_000);
  await run(appBin('vite'), ['build'], app);
  expect(existsSync(join(app, 'dist/index.html'))).toBe(true);
  expect(readdirSync(join(app, 'dist/assets')).some((f) => f.startsWith('double.worker'))).toBe(true);
  // vite-plugin-pwa registers it as a classic script in production: it must compile as one (no
  // import, export or import.meta left). Compiled here, not run.
  const sw = readFileSync(join(app, 'dist/sw.js'), 'utf8');
  expect(sw).toContain('skipWaiting');
  expect(() => new Script(sw, { filename: 'dist/sw.js' }), 'dist/sw.js compiles as a classic script').not.toThrow();
});

test('the production build runs jobs in the worker and the service worker, through a reload, and the inspector lists them', async ({ browser }) => {
  const server = await serve(['preview']);
  const context = await browser.newContext();
  try {
    await exercise(context, server.url);
  } finally {
    await context.close();
    await test.info().attach('vite preview output', { body: server.output() });
  }
});

test('the dev server does the same, without reloading the page to optimize dependencies', async ({ browser }) => {
  const server = await serve([]);
  const context = await browser.newContext();
  try {
    const { navigations } = await exercise(context, server.url);
    // One navigation for the first load and one for the test's own reload; Vite's reload after
    // finding a new dependency (the worker's or the service worker's) would be a third.
    expect(navigations()).toBe(2);
    expect(server.output()).not.toMatch(/optimized dependencies changed|new dependencies optimized|reloading/i);
  } finally {
    await context.close();
    await test.info().attach('vite dev server output', { body: server.output() });
  }
});

/** Starts `vite <args>` on a free port of 127.0.0.1; resolves once it listens. */
async function serve(args: string[]): Promise<{ url: string; output: () => string }> {
  const port = await freePort();
  const server = spawn(appBin('vite'), [...args, '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: app,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  servers.push(server);
  let output = '';
  const url = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`${url}/`)) resolve();
    };
    server.stdout!.on('data', onData);
    server.stderr!.on('data', onData);
    server.on('exit', (code) => reject(new Error(`vite ${args.join(' ')} exited with ${code}:\n${output}`)));
  });
  return { url, output: () => output };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

declare global {
  interface Window {
    app: {
      inWorker: import('jobtrail').Queue<Work, Done>;
      inSw: import('jobtrail').Queue<Work, Done>;
    };
  }
}

/**
 * The user's story on one server: jobs in the worker and in the service worker; jobs added while
 * the queues are paused are still there after a reload and run once resumed; the inspector lists
 * both queues' jobs. Fails on any error in the page, its workers or the service worker.
 */
async function exercise(context: BrowserContext, url: string): Promise<{ page: Page; navigations: () => number }> {
  const problems: string[] = [];
  const watch = (where: string) => (message: { type(): string; text(): string }) => {
    if (message.type() === 'error') problems.push(`${where}: ${message.text()}`);
  };
  context.on('console', watch('page'));
  context.on('weberror', (error) => problems.push(`uncaught: ${error.error().message}`));
  context.on('serviceworker', (worker) => worker.on('console', watch(`service worker ${worker.url()}`)));
  context.on('page', (page) => page.on('worker', (worker) => worker.on('console', watch(`worker ${worker.url()}`))));

  const page = await context.newPage();
  let navigations = 0;
  page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations++);
  const ready = () => expect(page.locator('html')).toHaveAttribute('data-ready', 'true');
  await page.goto(url);
  await ready();
  await expect(page.locator('#service-worker')).toHaveText('active');

  const results = await page.evaluate(async () => {
    const { inWorker, inSw } = window.app;
    const jobs = [...(await Promise.all([1, 2, 3].map((n) => inWorker.add('double', { n })))), ...(await Promise.all([4, 5, 6].map((n) => inSw.add('double', { n }))))];
    return Promise.all(jobs.map((job) => job.finished()));
  });
  const inWorker = (doubled: number) => ({ doubled, ranIn: 'DedicatedWorkerGlobalScope' });
  const inSw = (doubled: number) => ({ doubled, ranIn: 'ServiceWorkerGlobalScope' });
  expect(results).toEqual([inWorker(2), inWorker(4), inWorker(6), inSw(8), inSw(10), inSw(12)]);

  // Paused (a stored flag, so every context holds), jobs wait; the reload must not lose them.
  const ids = await page.evaluate(async () => {
    const { inWorker, inSw } = window.app;
    await Promise.all([inWorker.pause(), inSw.pause()]);
    const worker = await inWorker.add('double', { n: 7 });
    const sw = await inSw.add('double', { n: 8 });
    return { worker: worker.id, sw: sw.id };
  });
  await page.reload();
  await ready();
  const after = await page.evaluate(async ({ worker, sw }) => {
    const { inWorker, inSw } = window.app;
    const waiting = [await (await inWorker.getJob(worker))!.getState(), await (await inSw.getJob(sw))!.getState()];
    await Promise.all([inWorker.resume(), inSw.resume()]);
    const done = await Promise.all([(await inWorker.getJob(worker))!.finished(), (await inSw.getJob(sw))!.finished()]);
    return { waiting, done };
  }, ids);
  expect(after).toEqual({ waiting: ['waiting', 'waiting'], done: [inWorker(14), inSw(16)] });

  // The inspector lists the queues of the origin and every job of the one it shows.
  const inspector = page.locator('jobtrail-inspector');
  const queueSelect = inspector.getByRole('combobox').first();
  await expect(queueSelect.locator('option')).toHaveText(['in-sw', 'in-worker']);
  const jobRows = inspector.getByRole('row').filter({ hasText: 'double' });
  await expect(jobRows).toHaveCount(4);
  await expect(jobRows.filter({ hasText: 'completed' })).toHaveCount(4);
  await queueSelect.selectOption('in-sw');
  await expect(jobRows).toHaveCount(4);
  await expect(jobRows.filter({ hasText: 'completed' })).toHaveCount(4);

  expect(problems).toEqual([]);
  return { page, navigations: () => navigations };
}
