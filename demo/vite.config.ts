// The demo's dev server (`npm start`): serves demo/ on 127.0.0.1 with the upload endpoint mounted,
// and resolves the package's entries to the sources in src/, so no build step is needed.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { sourceAliases } from '../vite.aliases.js';
import { uploadServer } from './server/upload-server.js';

// The browser tests start this server with JOBTRAIL_DEMO_TEST=1: a file saved mid-run must not
// reload the pages under a test.
const testing = process.env.JOBTRAIL_DEMO_TEST === '1';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: {
    alias: sourceAliases,
  },
  plugins: [uploadServer()],
  // Pre-bundle every dependency up front: one found later (when the upload worker or the service
  // worker first loads) would make Vite reload the page, and could hand the service worker a second
  // copy of a module.
  optimizeDeps: {
    include: ['idb', 'xstate', 'comlink'],
    noDiscovery: true,
  },
  server: {
    host: '127.0.0.1',
    ...(testing ? { hmr: false, watch: null } : {}),
  },
  clearScreen: false,
});
