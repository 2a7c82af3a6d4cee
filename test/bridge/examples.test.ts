// The README's and the JSDoc's examples of the bridge to BullMQ, run as written (test/docs/
// examples.ts reads them, test/docs/registry.ts says what each takes for granted and checks), on a
// real Redis: the README's server, then the browser ends that forward to it (in Node, with
// fake-indexeddb), and createBridge's own example. `npm run typecheck` type-checks them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplesFor, root, writeModules } from '../docs/examples.js';
import { registry } from '../docs/registry.js';
import { openedQueues } from '../unit/helpers.js';
import { freePort, startRedis, type TestRedis } from './support/redis.js';

const generated = writeModules(examplesFor(registry, 'bridge'), registry, join(root, 'test/docs/generated/bridge'), 'node');
const module = (id: string) => {
  const g = generated.find((x) => x.example.id === id);
  if (!g) throw new Error(`no bridge example ${id}`);
  return pathToFileURL(g.path).href;
};

let redis: TestRedis;
let blobDir: string;
let server: { stop(): Promise<void> } | undefined;

beforeAll(async () => {
  redis = await startRedis();
  blobDir = mkdtempSync(join(tmpdir(), 'jobtrail-example-blobs-'));
  Object.assign(process.env, { REDIS_HOST: '127.0.0.1', REDIS_PORT: String(redis.port), PORT: String(await freePort()), BLOB_DIR: blobDir });
});

afterAll(async () => {
  for (const queue of openedQueues.splice(0)) await queue.close({ force: true });
  await server?.stop();
  await redis?.stop();
  rmSync(blobDir, { recursive: true, force: true });
});

describe('the bridge examples', () => {
  it('are the README server and browser blocks, createBridge and forwardTo', () => {
    expect(generated.map((g) => g.example.id).sort()).toEqual([
      'README.md#beyond-one-browser-bullmq-on-your-server/1',
      'README.md#beyond-one-browser-bullmq-on-your-server/2',
      'src/bridge/forward-to.ts#forwardTo',
      'src/bridge/server.ts#createBridge',
    ]);
  });

  it("the README's server starts on Redis and serves the bridge", async () => {
    server = (await import(module('README.md#beyond-one-browser-bullmq-on-your-server/1'))) as { stop(): Promise<void> };
  });

  it("the README's browser end forwards a job with a Blob to it and gets the BullMQ worker's result", async () => {
    await import(module('README.md#beyond-one-browser-bullmq-on-your-server/2'));
  });

  it("forwardTo's example forwards to it too", async () => {
    await import(module('src/bridge/forward-to.ts#forwardTo'));
  });

  it("createBridge's example serves a bridge of its own", async () => {
    await import(module('src/bridge/server.ts#createBridge'));
  });
});
