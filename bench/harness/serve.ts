// Builds the bench pages with Vite (a production build: minified, workers bundled, as an app
// would ship jobtrail; not minified for --profile, so profiles name functions) and serves them from
// 127.0.0.1 with the cross-origin isolation headers that give `performance.now()` 5 µs resolution
// instead of 100 µs. The service worker (page/sw.ts) is built on its own, as /bench-sw.js, and
// `/bench-endpoint?run=ID` is the local endpoint its jobs and replayed requests POST to: it
// counts them per run (`&count` answers the count).
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export interface Site {
  url: string;
  /** The built file a URL of the site serves, or null. */
  fileFor(url: string): string | null;
  close(): Promise<void>;
}

const HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

export async function buildAndServe({ minify = true } = {}): Promise<Site> {
  const outDir = await mkdtemp(join(tmpdir(), 'jobtrail-bench-site-'));
  const page = (path: string) => fileURLToPath(new URL(`../page/${path}`, import.meta.url));
  await build({
    configFile: false,
    root: page(''),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'esnext', reportCompressedSize: false, minify, sourcemap: !minify },
    worker: { format: 'es' },
  });
  await build({
    configFile: false,
    root: page(''),
    logLevel: 'warn',
    // Library mode leaves process.env.NODE_ENV alone: workbox reads it to drop its dev logging.
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      outDir,
      emptyOutDir: false,
      target: 'esnext',
      reportCompressedSize: false,
      minify,
      sourcemap: !minify,
      lib: { entry: page('sw.ts'), formats: ['es'], fileName: () => 'bench-sw.js' },
    },
  });
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/bench-endpoint') {
      const run = url.searchParams.get('run') ?? '';
      if (url.searchParams.has('count')) {
        res.writeHead(200, { 'Content-Type': 'text/plain', ...HEADERS }).end(String(counts.get(run) ?? 0));
        return;
      }
      req.resume();
      req.on('end', () => {
        counts.set(run, (counts.get(run) ?? 0) + 1);
        res.writeHead(204, HEADERS).end();
      });
      return;
    }
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(outDir, path.endsWith('/') ? `${path}index.html` : path);
    stat(file).then(
      (s) => {
        if (!s.isFile() || !file.startsWith(outDir)) throw new Error('not a file');
        res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', ...HEADERS });
        createReadStream(file).pipe(res);
      },
      () => {
        res.writeHead(404).end('not found');
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    fileFor: (served) => (served.startsWith(url) ? join(outDir, new URL(served).pathname) : null),
    close: async () => {
      await closeServer(server);
      await rm(outDir, { recursive: true, force: true });
    },
  };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
