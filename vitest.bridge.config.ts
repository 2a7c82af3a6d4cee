// The bridge suite (test/bridge): jobtrail/bridge and forwardTo against a real redis-server and
// real BullMQ, on Node. Each file starts its own Redis on a free loopback port.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/bridge/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Files start Redis and bridge processes of their own: one file at a time on two cores.
    fileParallelism: false,
  },
});
