// The dev server for the browser tests: serves test/e2e/pages on 127.0.0.1 (started by Playwright's
// webServer, see playwright.config.ts). `jobtrail` and its subpath entries resolve to the sources, so
// pages and worker scripts import the package exactly as an application would.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { sourceAliases } from '../../vite.aliases.js';

// The bridge of bridge.spec.ts (the spec starts it on this port): same-origin for the pages.
const bridgePort = process.env.JOBTRAIL_BRIDGE_PORT;

export default defineConfig({
  root: fileURLToPath(new URL('./pages', import.meta.url)),
  cacheDir: fileURLToPath(new URL('../../node_modules/.vite-e2e', import.meta.url)),
  resolve: {
    alias: sourceAliases,
  },
  // Pre-bundle every dependency up front: discovering one later (say, when a worker first loads)
  // makes Vite reload the pages in the middle of a test.
  optimizeDeps: { include: ['idb', 'xstate', 'comlink'], noDiscovery: true },
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
