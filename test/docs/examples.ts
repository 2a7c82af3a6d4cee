// Every example a reader sees: each ```ts (or ```tsx) block of README.md and each `@example` of a JSDoc comment
// in src/. They are extracted from the text itself (never copied), turned into modules with what
// registry.ts puts before and after them, type-checked (test/unit/docs/examples.test.ts) and run:
// in Node with fake-indexeddb, or in Chromium (test/e2e/examples.spec.ts).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));

export interface Example {
  /** `README.md#section` or `src/file.ts#symbol`, with `/2`, `/3`... when one place has several. */
  id: string;
  /** The file it is written in, from the repository root. */
  source: string;
  /** The line of `source` where its code starts (1-based). */
  line: number;
  /** Examples of one README section, or of one JSDoc comment, share a folder (a worker file next to the page that starts it). */
  group: string;
  /** Its file name: the one its first line names (`// upload.worker.ts`), else `example.ts` (`.tsx` for a ```tsx block). */
  file: string;
  code: string;
}

/** The ```ts and ```tsx blocks of a Markdown file, by the heading they stand under. */
export function markdownExamples(source = 'README.md'): Example[] {
  const lines = readFileSync(join(root, source), 'utf8').split('\n');
  const found: (Omit<Example, 'id' | 'group' | 'file'> & { jsx?: boolean })[] = [];
  const sections: string[] = [];
  let section = 'top';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^#{2,3} (.*)$/.exec(lines[i]!);
    if (heading) section = slug(heading[1]!);
    const fence = lines[i]!.trim();
    if (fence !== '```ts' && fence !== '```tsx') continue;
    const start = i + 1;
    while (i + 1 < lines.length && lines[i + 1]!.trim() !== '```') i++;
    found.push({ source, line: start + 1, code: lines.slice(start, i + 1).join('\n') + '\n', jsx: fence === '```tsx' });
    sections.push(section);
    i++;
  }
  return name(found.map((e, k) => ({ ...e, key: `${source}#${sections[k]}` })));
}

/** The `@example` parts of the JSDoc comments in the TypeScript files under `dir`, by the symbol they document. */
export function jsdocExamples(dir = 'src'): Example[] {
  const found: (Omit<Example, 'id' | 'group' | 'file'> & { key: string })[] = [];
  for (const path of tsFiles(join(root, dir))) {
    const source = relative(root, path);
    const text = readFileSync(path, 'utf8');
    for (const comment of text.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
      const body = comment[1]!.split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
      const startLine = text.slice(0, comment.index).split('\n').length;
      for (let i = 0; i < body.length; i++) {
        const tag = /^@example\s?(.*)$/.exec(body[i]!.trimEnd());
        if (!tag) continue;
        const code: string[] = tag[1] ? [tag[1]] : [];
        const first = tag[1] ? i : i + 1;
        while (i + 1 < body.length && !/^@\w/.test(body[i + 1]!)) code.push(body[++i]!);
        while (code.length > 0 && code.at(-1)!.trim() === '') code.pop();
        found.push({ key: `${source}#${symbolAfter(text, comment.index! + comment[0].length)}`, source, line: startLine + first, code: code.join('\n') + '\n' });
      }
    }
  }
  return name(found);
}

/** Every example: the README's, then the JSDoc ones. */
export function allExamples(): Example[] {
  return [...markdownExamples(), ...jsdocExamples()];
}

/** Ids, folders and file names: one folder per README section or per JSDoc comment's symbol. */
function name(found: (Omit<Example, 'id' | 'group' | 'file'> & { key: string; jsx?: boolean })[]): Example[] {
  const seen = new Map<string, number>();
  const total = new Map<string, number>();
  for (const e of found) total.set(e.key, (total.get(e.key) ?? 0) + 1);
  return found.map(({ key, jsx, ...e }) => {
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    const named = /^\/\/ ([\w.-]+\.tsx?)\b/.exec(e.code)?.[1];
    const ext = jsx ? 'tsx' : 'ts';
    return {
      ...e,
      id: total.get(key)! > 1 ? `${key}/${n}` : key,
      group: slug(key),
      file: named ?? (total.get(key)! > 1 ? `example-${n}.${ext}` : `example.${ext}`),
    };
  });
}

/** The name declared right after a JSDoc comment: function, class, const, method. */
function symbolAfter(text: string, from: number): string {
  const rest = text.slice(from).replace(/^\s+/, '');
  const m = /^(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:static\s+)?(?:readonly\s+)?(?:async\s+)?(?:get\s+|set\s+)?(?:function\*?\s+|class\s+|const\s+|let\s+|interface\s+|type\s+)?([A-Za-z_$][\w$]*)/.exec(rest);
  return m?.[1] ?? 'unknown';
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? tsFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

// ---- Turning examples into modules ------------------------------------------------------------

/** What registry.ts says of one example. */
export interface ExampleSpec {
  /**
   * Where it runs: in Node (vitest, fake-indexeddb), in Chromium (Playwright), with a real Redis and
   * BullMQ (the bridge suite, test/bridge/examples.test.ts), or as a file another example's run
   * loads (a worker script, a service worker): `{ with: id }`.
   */
  runs: 'node' | 'browser' | 'bridge' | { with: string };
  /** Code before the example: the imports and values it takes for granted. `$docs/` is test/docs/, `$src/` src/. */
  before?: string;
  /** Code after it, in the same module: drives it and checks what it did; throws if it did not. */
  after?: string;
  /**
   * Browser only: a module of the same folder that the test page imports instead of the example
   * (for an example that is a worker script or a service worker, which a page must start).
   */
  driver?: string;
}

/** The examples that run `where`, with the files that run as part of them (`{ with }`). */
export function examplesFor(specs: Record<string, ExampleSpec>, where: 'node' | 'browser' | 'bridge'): Example[] {
  return allExamples().filter((e) => {
    const runs = specs[e.id]?.runs;
    return runs === where || (typeof runs === 'object' && specs[runs.with]?.runs === where);
  });
}

export interface Generated {
  example: Example;
  spec: ExampleSpec;
  /** The module written for the example. */
  path: string;
  /** How many lines come before the example's first line in the module. */
  offset: number;
  /** The driver module, if the spec has one. */
  driverPath?: string;
}

/**
 * Write the modules of `examples` under `outDir` (emptied first), one folder per group. For Node,
 * `jobtrail` imports become the tracked copy of the package (test/docs/jobtrail-tracked.ts: every
 * Queue is closed and checked after the test) and the subpath entries their sources; for the
 * browser, Vite resolves them as an application's bundler would.
 */
export function writeModules(examples: Example[], specs: Record<string, ExampleSpec>, outDir: string, target: 'node' | 'browser'): Generated[] {
  rmSync(outDir, { recursive: true, force: true });
  const out: Generated[] = [];
  for (const example of examples) {
    const spec = specs[example.id];
    if (!spec) continue;
    const path = join(outDir, example.group, example.file);
    mkdirSync(dirname(path), { recursive: true });
    const header = `// Generated from ${example.source}:${example.line} (${example.id}) by test/docs/examples.ts. Do not edit.\n`;
    const before = spec.before ? `${spec.before.trim()}\n// ---- the example ----\n` : '';
    const after = spec.after ? `// ---- after the example ----\n${spec.after.trim()}\n` : '';
    const text = rewrite(header + before + example.code + after, path, target);
    writeFileSync(path, text);
    const generated: Generated = { example, spec, path, offset: (header + before).split('\n').length - 1 };
    if (spec.driver) {
      generated.driverPath = join(dirname(path), 'driver.ts');
      writeFileSync(generated.driverPath, rewrite(`// The page that runs ${example.id}.\n${spec.driver.trim()}\n`, generated.driverPath, target));
    }
    out.push(generated);
  }
  return out;
}

function rewrite(code: string, path: string, target: 'node' | 'browser'): string {
  const to = (file: string) => {
    const rel = relative(dirname(path), join(root, file)).replace(/\\/g, '/');
    return rel.startsWith('.') ? rel : `./${rel}`;
  };
  let out = code
    .replace(/'\$docs\/([^']+)'/g, (_, file: string) => `'${to(`test/docs/${file}`)}'`)
    .replace(/'\$src\/([^']+)'/g, (_, file: string) => `'${to(`src/${file}`)}'`);
  if (target === 'node') {
    out = out
      .replace(/from 'jobtrail'/g, `from '${to('test/docs/jobtrail-tracked.js')}'`)
      .replace(/from 'jobtrail\/(worker|sw|bridge|cron|react)'/g, (_, entry: string) => `from '${to(`src/${entry}.js`)}'`)
      .replace(/import\('jobtrail\/cron'\)/g, `import('${to('src/cron.js')}')`)
      .replace(/from 'jobtrail\/inspector'/g, `from '${to('src/inspector/index.js')}'`);
  }
  return out;
}
