// The consumer-app test (consumer.spec.ts): `npm run test:consumer`. One test at a time, in order:
// each step builds on the one before.
import { defineConfig } from '@playwright/test';
import { launchOptions } from '../e2e/browser';

export default defineConfig({
  testDir: '.',
  testMatch: 'consumer.spec.ts',
  outputDir: '../../test-results/consumer',
  workers: 1,
  retries: 0,
  forbidOnly: true,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: 'list',
  use: {
    browserName: 'chromium',
    launchOptions,
    trace: 'retain-on-failure',
  },
});
