// getWorkers (BullMQ; issue 12): the processing instances of a queue alive now, with their kind
// and concurrency. In Node there are no Web Locks: liveness is the heartbeat.
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { makeQueue } from '../helpers.js';
import { fastStalls } from './support.js';

describe('queue.getWorkers', () => {
  it('lists every instance that processes the queue, with its handlers and concurrency', async () => {
    const reader = makeQueue();
    expect(await reader.getWorkers()).toEqual([]);
    const a = makeQueue();
    const b = makeQueue();
    await a.process('upload', 2, async () => {});
    await a.process('*', async () => {});
    await b.process(3, async () => {});
    const workers = await reader.getWorkers();
    expect(workers).toHaveLength(2);
    const first = workers.find((w) => w.id === a.instanceId);
    const second = workers.find((w) => w.id === b.instanceId);
    expect(first).toEqual({
      id: a.instanceId,
      kind: 'other',
      concurrency: 3,
      handlers: [{ name: 'upload', concurrency: 2 }, { name: '*', concurrency: 1 }],
      startedAt: expect.any(Number),
      url: null,
      paused: false,
    });
    expect(second).toMatchObject({ id: b.instanceId, concurrency: 3, handlers: [{ name: '*', concurrency: 3 }] });
  });

  it('shows a local pause, and forgets an instance once it closed', async () => {
    const reader = makeQueue();
    const a = makeQueue();
    await a.process(async () => {});
    await a.pause(true);
    expect(await reader.getWorkers()).toMatchObject([{ id: a.instanceId, paused: true }]);
    await a.resume(true);
    expect(await reader.getWorkers()).toMatchObject([{ id: a.instanceId, paused: false }]);
    await a.close();
    expect(await reader.getWorkers()).toEqual([]);
  });

  it('leaves out an instance that died (its heartbeat ran out); the next stall sweep deletes its record', async () => {
    const reader = makeQueue();
    const db = await openDB(reader.dbName);
    const now = Date.now();
    await db.put('owners', { owner: 'dead', expiresAt: now - 1, kind: 'window', handlers: [{ name: '*', concurrency: 1 }], startedAt: now - 60_000, url: null, paused: false });
    expect(await reader.getWorkers()).toEqual([]);
    const live = makeQueue('test', { settings: fastStalls });
    // process() resolves after the instance's first sweep.
    await live.process(async () => {});
    expect(await db.get('owners', 'dead')).toBeUndefined();
    expect((await reader.getWorkers()).map((w) => w.id)).toEqual([live.instanceId]);
    db.close();
  });
});
