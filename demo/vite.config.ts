// The demo's Vite config: `npm start` serves demo/ on 127.0.0.1 with the upload endpoint mounted;
// `npm run build:demo` builds it to demo/dist, which `npm run preview:demo` serves (with the same
// endpoint). The package's entries resolve to the sources in src/, so no package build is needed.
// The service worker (sw.ts) is built by vite-plugin-pwa, as the README shows for any Vite app.
// Two pages: index.html (the demo) and react.html (its upload list, written with jobtrail/react).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
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
  build: {
    rolldownOptions: {
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        react: fileURLToPath(new URL('./react.html', import.meta.url)),
      },
    },
  },
  plugins: [
    uploadServer(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: '.',
      filename: 'sw.ts',
      // The demo's service worker uploads and caches nothing: no precache manifest.
      injectManifest: { injectionPoint: undefined },
      // main.ts registers it (`registerSW` from `virtual:pwa-register`).
      injectRegister: false,
      manifest: false,
      devOptions: { enabled: true, type: 'module' },
    }),
  ],
  // Pre-bundle every dependency up front: one found later (when the upload worker or the service
  // worker first loads) would make Vite reload the page, and could hand the service worker a second
  // copy of a module. (jobtrail itself resolves to src/ here; an app lists jobtrail's entries.)
  optimizeDeps: {
    include: ['idb', 'xstate', 'comlink', 'workbox-window', 'react', 'react-dom/client', 'react/jsx-runtime', 'react/jsx-dev-runtime'],
    noDiscovery: true,
  },
  server: {
    host: '127.0.0.1',
    ...(testing ? { hmr: false, watch: null } : {}),
  },
  clearScreen: false,
});
