// The dev server for the browser tests: serves test/e2e/pages on 127.0.0.1 (started by Playwright's
// webServer, see playwright.config.ts). `jobtrail` and its subpath entries resolve to the sources, so
// pages and worker scripts import the package exactly as an application would.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { sourceAliases } from '../../vite.aliases.js';

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
  },
  logLevel: 'warn',
  clearScreen: false,
});
