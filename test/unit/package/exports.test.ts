// The published package: `npm run build` compiles every entry of package.json `exports` to ESM with
// types, and the built entries load and export what the README promises.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  type: string;
  dependencies: Record<string, string>;
  exports: Record<string, { types: string; import: string }>;
};
let out: string;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'jobtrail-build-'));
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', out], { stdio: 'pipe' });
}, 120_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Where a `./dist/...` path of package.json lands in this test's build directory. */
const built = (path: string) => join(out, path.replace(/^\.\/dist\//, ''));

describe('package', () => {
  it('is the ESM package jobtrail, with idb, comlink and xstate as its only runtime dependencies', () => {
    expect(pkg.name).toBe('jobtrail');
    expect(pkg.type).toBe('module');
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['comlink', 'idb', 'xstate']);
  });

  it('builds every export to JavaScript and type declarations', () => {
    expect(Object.keys(pkg.exports).sort()).toEqual(['.', './bridge', './inspector', './sw', './worker']);
    for (const entry of Object.values(pkg.exports)) {
      expect(existsSync(built(entry.import)), entry.import).toBe(true);
      expect(existsSync(built(entry.types)), entry.types).toBe(true);
    }
  });

  it('exports what the README shows from each entry', async () => {
    const load = (key: string) => import(pathToFileURL(built(pkg.exports[key]!.import)).href);
    const main = await load('.');
    for (const name of ['Queue', 'Job', 'JobtrailError', 'UnrecoverableError', 'RetryLaterError', 'jobFetch', 'errorForStatus', 'jobMachine', 'foldJob']) {
      expect(main[name], name).toBeDefined();
    }
    expect(typeof (await load('./worker')).exposeProcessor).toBe('function');
    const sw = await load('./sw');
    for (const name of ['requestBackgroundSync', 'serveBackgroundSync', 'syncTag']) expect(typeof sw[name], name).toBe('function');
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

  it('does not pull the inspector into the core entry', () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) visit(join(file, '..', spec!));
    };
    visit(built(pkg.exports['.']!.import));
    expect([...seen].some((file) => file.includes('inspector'))).toBe(false);
  });
});
