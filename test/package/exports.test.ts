// The published package: `npm run build` (which `npm run check:package` runs just before this
// test) compiles every entry of package.json `exports` to ESM with types and source maps, and the
// built entries load and export what the README promises.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  type: string;
  dependencies: Record<string, string>;
  exports: Record<string, { types: string; import: string }>;
};
const out = join(root, 'dist');

beforeAll(() => {
  // A dist/ older than a source file is not what would be published now.
  const newest = (dir: string): number =>
    Math.max(...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
  if (!existsSync(join(out, 'index.js')) || newest(join(root, 'src')) > statSync(join(out, 'index.js')).mtimeMs) {
    throw new Error('dist/ is missing or older than src/: run `npm run build` first (`npm run check:package` does).');
  }
});

/** Where a `./dist/...` path of package.json is. */
const built = (path: string) => join(root, path);

describe('package', () => {
  it('is the ESM package jobtrail, with idb, comlink, xstate and croner (loaded only for cron patterns) as its only runtime dependencies', () => {
    expect(pkg.name).toBe('jobtrail');
    expect(pkg.type).toBe('module');
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['comlink', 'croner', 'idb', 'xstate']);
  });

  it('builds every export to JavaScript and type declarations', () => {
    expect(Object.keys(pkg.exports).sort()).toEqual(['.', './bridge', './cron', './inspector', './react', './sw', './worker']);
    for (const entry of Object.values(pkg.exports)) {
      expect(existsSync(built(entry.import)), entry.import).toBe(true);
      expect(existsSync(built(entry.types)), entry.types).toBe(true);
    }
  });

  it('exports what the README shows from each entry', async () => {
    const load = (key: string) => import(pathToFileURL(built(pkg.exports[key]!.import)).href);
    const main = await load('.');
    for (const name of ['Queue', 'Job', 'FlowProducer', 'JobtrailError', 'UnrecoverableError', 'RetryLaterError', 'jobFetch', 'errorForStatus', 'jobMachine', 'foldJob', 'provideCron']) {
      expect(main[name], name).toBeDefined();
    }
    expect(typeof (await load('./worker')).exposeProcessor).toBe('function');
    expect(typeof (await load('./cron')).Cron).toBe('function');
    for (const name of ['watchJob', 'watchJobs', 'watchJobCounts']) expect(typeof main[name], name).toBe('function');
    const react = await load('./react');
    for (const name of ['useJob', 'useJobs', 'useJobCounts', 'useQueueEvent']) expect(typeof react[name], name).toBe('function');
    const sw = await load('./sw');
    for (const name of ['requestBackgroundSync', 'serveBackgroundSync', 'requestPeriodicSync', 'servePeriodicSync', 'syncTag']) expect(typeof sw[name], name).toBe('function');
    // Importing the inspector defines nothing (and works where there is no DOM).
    expect(typeof (await load('./inspector')).defineInspector).toBe('function');
    const bridge = await load('./bridge');
    for (const name of ['createBridge', 'blobFile', 'fileBlobStore']) expect(typeof bridge[name], name).toBe('function');
  });

  it('keeps internal members out of the published types', () => {
    const types = readFileSync(built(pkg.exports['.']!.types).replace('index.d.ts', 'api/queue.d.ts'), 'utf8');
    expect(types).toContain('getJobCounts');
    // No back doors: nothing public is named like an internal member.
    expect(types).not.toMatch(/^\s+_\w+[(<:]/m);
  });

  it('never falls back to any in the published types', () => {
    const declarations = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? declarations(join(dir, entry.name)) : entry.name.endsWith('.d.ts') ? [join(dir, entry.name)] : []);
    const offending: string[] = [];
    for (const file of declarations(out)) {
      // Comments may say "any"; code may not.
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      for (const line of code.split('\n')) if (/\bany\b/.test(line)) offending.push(`${file.slice(out.length)}: ${line.trim()}`);
    }
    expect(offending).toEqual([]);
  });

  it('ships source maps that carry their sources', () => {
    const maps = (readdirSync(out, { recursive: true }) as string[]).filter((f) => f.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(10);
    for (const map of maps) {
      const { sources, sourcesContent } = JSON.parse(readFileSync(join(out, map), 'utf8')) as { sources: string[]; sourcesContent?: unknown[] };
      expect(sourcesContent?.length, map).toBe(sources.length);
      expect(sourcesContent!.every((s) => typeof s === 'string' && s.length > 0), map).toBe(true);
    }
  });

  it('does not pull the inspector, croner, nor React into the core entry', () => {
    const seen = new Set<string>();
    const imported = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:from |import\()'([^']+)'/g)) {
        if (spec!.startsWith('.')) visit(join(file, '..', spec!));
        else imported.add(spec!);
      }
    };
    visit(built(pkg.exports['.']!.import));
    // Paths relative to the checkout: a checkout's own folder may be named after anything.
    const files = [...seen].map((file) => relative(root, file));
    expect(files.some((file) => file.includes('inspector'))).toBe(false);
    expect(files.some((file) => file.endsWith('/cron.js') && !file.includes('/processing/'))).toBe(false);
    expect(imported.has('croner')).toBe(false);
    expect([...imported].filter((spec) => spec === 'react' || spec.startsWith('react/') || spec.startsWith('react-dom'))).toEqual([]);
    expect([...seen].some((file) => file.endsWith('/react.js'))).toBe(false);
  });
});
