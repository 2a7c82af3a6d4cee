// A Vite app that uses jobtrail as its README says: a Web Worker processor, a service worker built
// by vite-plugin-pwa, and the inspector.
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
  plugins: [
    VitePWA({
      // Our own service worker (src/sw.ts), bundled by Vite: `sw.js` in the build, a module
      // served by the dev server in development.
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // No precache manifest: this service worker runs jobs and caches nothing, so its source
      // has no `self.__WB_MANIFEST` (keep the default injection point if you precache too).
      injectManifest: { injectionPoint: undefined },
      // src/main.ts registers it, with `registerSW` from `virtual:pwa-register`.
      injectRegister: false,
      // No web app manifest (an installable PWA would describe itself here).
      manifest: false,
      devOptions: { enabled: true, type: 'module' },
    }),
  ],
  // Worker and service worker scripts are found only when they first load, and so would their
  // imports: a dependency found late makes Vite's dev server re-optimize and reload the page.
  optimizeDeps: {
    include: ['jobtrail', 'jobtrail/worker', 'jobtrail/sw', 'jobtrail/inspector'],
  },
});
