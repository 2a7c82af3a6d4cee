// The dev server for the browser tests: serves test/e2e/pages on 127.0.0.1 (started by Playwright's
// webServer, see playwright.config.ts). `jobtrail` and its subpath entries resolve to the sources, so
// pages and worker scripts import the package exactly as an application would.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { sourceAliases } from '../../vite.aliases.js';

// The bridge of bridge.spec.ts (the spec starts it on this port): same-origin for the pages.
const bridgePort = process.env.JOBTRAIL_BRIDGE_PORT;

/**
 * What the README's and JSDoc's examples talk to (test/e2e/examples.spec.ts): `POST /upload` stores
 * the body and answers 201 with a Location; `/sw.js` is the README's service worker, written by
 * test/docs/examples.ts to pages/examples/generated/ (served in place: a service worker script
 * may not be a redirect).
 */
const examplesServer: Plugin = {
  name: 'jobtrail-examples-server',
  configureServer(server) {
    server.middlewares.use((req, res, next) => {
      if (req.url === '/sw.js') req.url = '/examples/generated/readme-md-service-worker-and-background-sync/sw.ts';
      if (req.url !== '/upload' || req.method !== 'POST') return next();
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        res.writeHead(201, { Location: '/files/uploaded', 'Content-Type': 'text/plain' });
        res.end(`stored: ${Buffer.concat(chunks).toString('utf8')}`);
      });
    });
  },
};

export default defineConfig({
  root: fileURLToPath(new URL('./pages', import.meta.url)),
  plugins: [examplesServer],
  cacheDir: fileURLToPath(new URL('../../node_modules/.vite-e2e', import.meta.url)),
  resolve: {
    alias: sourceAliases,
  },
  // Pre-bundle every dependency up front: discovering one later (say, when a worker first loads)
  // makes Vite reload the pages in the middle of a test.
  optimizeDeps: { include: ['idb', 'xstate', 'comlink', 'croner', 'react', 'react-dom/client', 'react/jsx-runtime', 'react/jsx-dev-runtime'], noDiscovery: true },
  server: {
    host: '127.0.0.1',
    strictPort: true,
    // Tests load each page fresh; a file saved mid-run must not reload pages under a test.
    hmr: false,
    watch: null,
    proxy: bridgePort
      ? {
          '/api/jobtrail': {
            target: `http://127.0.0.1:${bridgePort}`,
            // When the bridge's side of a streamed response breaks, break the page's side too, as
            // a load balancer does (the proxy would otherwise leave the page's stream open).
            configure: (proxy) => proxy.on('proxyRes', (proxyRes, _req, res) => proxyRes.on('close', () => !proxyRes.complete && res.destroy())),
          },
        }
      : undefined,
  },
  logLevel: 'warn',
  clearScreen: false,
});
