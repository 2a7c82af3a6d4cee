// settings.holdWhileOffline: while navigator.onLine is false the queue claims nothing, so no attempt
// is burnt on a network that is not there; the `online` event starts it again.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeQueue } from '../helpers.js';
import { collect, deferred, stubNetwork } from './support.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('holdWhileOffline', () => {
  it('claims nothing while offline, and runs the held jobs on `online`', async () => {
    const network = stubNetwork(false);
    const q = makeQueue('uploads', { settings: { holdWhileOffline: true } });
    await q.add('upload', { file: 'a' });
    const ran: string[] = [];
    await q.process('upload', async (job) => {
      ran.push(job.data.file);
    });
    // Added after process(): the add's notice wakes the runner, which must still hold.
    await q.add('upload', { file: 'b' });
    expect(await q.getJobCounts()).toMatchObject({ waiting: 2, active: 0 });
    expect(ran).toEqual([]);

    const completed = collect(q, 'completed', 2);
    network.online();
    await completed;
    expect(ran).toEqual(['a', 'b']);
  });

  it('lets the running job finish when the network drops, then holds the next one', async () => {
    const network = stubNetwork(true);
    const q = makeQueue('uploads', { settings: { holdWhileOffline: true } });
    const first = await q.add('upload', { file: 'a' });
    const second = await q.add('upload', { file: 'b' });
    const started = deferred();
    const gate = deferred();
    await q.process('upload', async (job) => {
      if (job.id === first.id) {
        started.resolve();
        await gate.promise;
      }
      return job.data.file;
    });
    await started.promise;
    network.offline();
    gate.resolve();
    expect(await first.finished()).toBe('a');
    expect(await second.getState()).toBe('waiting');
    expect(await q.getJobCounts()).toMatchObject({ waiting: 1, active: 0, completed: 1 });

    network.online();
    expect(await second.finished()).toBe('b');
    expect(await q.getJob(second.id)).toMatchObject({ attemptsMade: 0 });
  });

  it('notices the network is back without an `online` event, as in a Chromium service worker', async () => {
    const network = stubNetwork(false);
    const q = makeQueue('uploads', { settings: { holdWhileOffline: true } });
    const job = await q.add('upload', { file: 'a' });
    await q.process('upload', async (running) => running.data.file);
    expect(await job.getState()).toBe('waiting');
    network.navigator.onLine = true;
    expect(await job.finished()).toBe('a');
  });

  it('is off by default: an offline queue still processes', async () => {
    stubNetwork(false);
    const q = makeQueue('uploads');
    const job = await q.add('upload', { file: 'a' });
    await q.process('upload', async (running) => running.data.file);
    expect(await job.finished()).toBe('a');
  });
});
