// The package checks' Node test (`npm run check:package`): the built package in dist/. Kept out of
// the unit run, which tests the sources.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../../', import.meta.url).pathname,
    include: ['test/package/**/*.test.ts'],
    environment: 'node',
  },
});
