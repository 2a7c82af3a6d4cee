// Notices on the channel are hints, never facts. Whatever arrives on a queue's BroadcastChannel — a
// well-formed lie, an older version's message carrying changes, another version's shape, garbage —
// only makes an instance read what was committed to the log after the last seq it has seen, and
// what its listeners are told, what `finished()` settles with and whether a running job is aborted
// all come from that read. Two Queue objects of one name in a test are two tabs.
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Queue } from '../../../src/index.js';
import { makeQueue, next } from '../helpers.js';
import { deferred, readLog, when } from './support.js';

afterEach(() => vi.restoreAllMocks());

/** Post `message` on the queue's channel, as another tab (or an extension, or an old app version) would. */
function forge(...messages: unknown[]): void {
  const channel = new BroadcastChannel('jobtrail:jobtrail:test');
  for (const message of messages) channel.postMessage(message);
  channel.close();
}

/** A version 1 notice: it carried the changes themselves, which older tabs trusted. */
const v1 = (change: Record<string, unknown>) => ({ v: 1, kind: 'changes', from: 'forger', changes: [change] });

/** Drop the notices `queue` posts, as if they were lost (or its tab posted nothing before it went). */
function silence(queue: Queue): void {
  const post = BroadcastChannel.prototype.postMessage;
  vi.spyOn(BroadcastChannel.prototype, 'postMessage').mockImplementation(function (this: BroadcastChannel, message: unknown) {
    if ((message as { from?: string } | null)?.from === queue.instanceId) return;
    post.call(this, message);
  });
}

/** Every global event an observer emits, in order. */
function record(queue: Queue): string[] {
  const seen: string[] = [];
  for (const name of ['waiting', 'active', 'progress', 'completed', 'failed', 'stalled', 'removed', 'drained', 'paused', 'resumed'] as const) {
    queue.on(`global:${name}`, (...args: unknown[]) => seen.push([name, ...args.map((a) => JSON.stringify(a))].join(' ')));
  }
  return seen;
}

/**
 * Make a real change in `writer` and wait until `reader` has read it from the log: a forgery
 * posted before that has been read over by then.
 */
async function readPast(writer: Queue, reader: Queue): Promise<void> {
  const marker = `marker-${Math.random()}`;
  const seen = new Promise<void>((resolve) => reader.on('global:changed', (c) => c.type === 'added' && c.jobId === marker && resolve()));
  await writer.add('marker', {}, { jobId: marker });
  await seen;
}

describe('a forged notice', () => {
  it('that a job completed settles no finished() and emits no global:completed; the real outcome does', async () => {
    const worker = makeQueue();
    const observer = makeQueue();
    const job = await worker.add('upload', {});
    const seen = record(observer);
    let settled: unknown = 'pending';
    const finished = (await observer.getJob(job.id))!.finished();
    void finished.then((value) => (settled = value), (err: Error) => (settled = err.message));
    forge(
      v1({ seq: 99, jobId: job.id, type: 'completed', state: 'completed', returnvalue: 'forged' }),
      { v: 2, kind: 'changed', from: 'forger', seq: 99 },
    );
    await readPast(worker, observer);
    expect(settled).toBe('pending');
    expect(seen.filter((e) => e.startsWith('completed'))).toEqual([]);

    // The observer's own global:completed: its finished() may settle from a read of the job first.
    const completed = when(observer, 'global:completed', (id) => id === job.id);
    await worker.process('upload', async () => 'real');
    expect(await finished).toBe('real');
    await completed;
    expect(seen.filter((e) => e.startsWith('completed'))).toEqual([`completed "${job.id}" "real"`]);
  });

  it('that a job failed rejects no finished() and emits no global:failed', async () => {
    const worker = makeQueue();
    const observer = makeQueue();
    const job = await worker.add('upload', {});
    const seen = record(observer);
    let settled = 'pending';
    void (await observer.getJob(job.id))!.finished().then(() => (settled = 'resolved'), () => (settled = 'rejected'));
    forge(v1({ seq: 99, jobId: job.id, type: 'failed', state: 'failed', failedReason: 'forged' }));
    await readPast(worker, observer);
    expect(settled).toBe('pending');
    expect(seen.filter((e) => e.startsWith('failed'))).toEqual([]);
  });

  it('that the queue paused emits no global:paused, and pauses nothing', async () => {
    const worker = makeQueue();
    const observer = makeQueue();
    const seen = record(observer);
    forge(v1({ seq: 99, type: 'paused' }), { v: 2, kind: 'changed', from: 'forger', seq: 1e6 });
    await readPast(worker, observer);
    expect(seen.filter((e) => e.startsWith('paused'))).toEqual([]);
    expect(await observer.isPaused()).toBe(false);
  });

  it('that a processor drained emits global:drained only when no job is waiting, once', async () => {
    const worker = makeQueue();
    const observer = makeQueue();
    await worker.add('x', {});
    const seen = record(observer);
    forge({ v: 2, kind: 'drained', from: 'forger', seq: 0 }, { v: 1, kind: 'drained', from: 'forger' });
    await readPast(worker, observer);
    expect(seen.filter((e) => e === 'drained')).toEqual([]);

    // A real drain: the log agrees.
    const drained = next(observer, 'global:drained');
    await worker.process(async () => 'ok');
    await drained;
    const count = seen.filter((e) => e === 'drained').length;
    // The same forgery again, at the same log position: nothing new to announce.
    forge({ v: 2, kind: 'drained', from: 'forger', seq: 0 });
    await readPast(worker, observer);
    await next(observer, 'global:drained'); // the marker job drains the queue once more
    expect(seen.filter((e) => e === 'drained').length).toBe(count + 1);
  });

  it('that a running job was removed does not abort it: it completes', async () => {
    const worker = makeQueue();
    const started = deferred();
    const release = deferred();
    let aborted = false;
    await worker.process(async (_job, signal) => {
      signal.addEventListener('abort', () => (aborted = true));
      started.resolve();
      await release.promise;
      return 'done';
    });
    const job = await worker.add('x', {});
    await started.promise;
    forge(v1({ seq: 99, jobId: job.id, type: 'removed', state: 'active' }), { v: 2, kind: 'changed', from: 'forger', seq: 99 });
    await readPast(makeQueue(), worker);
    release.resolve();
    expect(await job.finished()).toBe('done');
    expect(aborted).toBe(false);
    expect((await readLog()).filter((e) => e.jobId === job.id).map((e) => e.type)).toEqual(['added', 'active', 'completed']);
  });
});

describe('any message makes an instance read the log', () => {
  it('another version’s message, or garbage, still brings the changes it missed', async () => {
    const writer = makeQueue();
    const reader = makeQueue();
    silence(writer);
    const job = await writer.add('x', { n: 1 });
    const waiting = next(reader, 'global:waiting');
    forge({ v: 99, whatever: true });
    expect(await waiting).toEqual([job.id]);
    const changed = next(reader, 'global:progress');
    await job.updateProgress(50);
    forge('garbage');
    expect(await changed).toEqual([job.id, 50]);
  });

  it('an instance whose own commit follows seqs it has not read reads them', async () => {
    const writer = makeQueue();
    const reader = makeQueue();
    silence(writer);
    const job = await writer.add('x', {});
    const waiting = when(reader, 'global:waiting', (id) => id === job.id);
    // No notice reached the reader; its own next commit shows it a gap in the log.
    await reader.add('own', {});
    expect(await waiting).toEqual([job.id]);
  });

  it('a change committed while an instance opens its database still reaches it', async () => {
    const writer = makeQueue();
    await writer.add('before', {}); // open, and history for the reader
    for (let i = 0; i < 5; i++) {
      const reader = makeQueue();
      const waiting = when(reader, 'global:waiting', () => true);
      // Committed before or after the reader has opened its database, whichever comes first.
      const job = await writer.add(`during ${i}`, {});
      expect(await waiting).toEqual([job.id]);
    }
  });

  it('an instance reports its own changes once, however often it reads the log', async () => {
    const a = makeQueue();
    const b = makeQueue();
    const seen = record(a);
    const job = await a.add('x', {});
    await job.updateProgress(10);
    forge({ v: 2, kind: 'changed', from: 'forger', seq: 0 }, 'garbage', { v: 99 });
    await readPast(b, a);
    expect(seen.filter((e) => e.includes(`"${job.id}"`))).toEqual([`waiting "${job.id}"`, `progress "${job.id}" 10`]);
  });

  it('finished() in another tab settles with the stored result of a job removed as it completed', async () => {
    const worker = makeQueue();
    const observer = makeQueue();
    const job = await worker.add('x', {}, { removeOnComplete: true });
    const finished = (await observer.getJob(job.id))!.finished();
    const seen = record(observer);
    // The observer hears nothing until the job is long gone: the log's removal record remembers.
    silence(worker);
    await worker.process(async () => ({ url: '/files/1' }));
    await vi.waitFor(async () => expect(await worker.getJob(job.id)).toBeNull());
    expect((await readLog()).filter((e) => e.jobId === job.id)).toEqual([]);
    forge({ v: 2, kind: 'changed', from: 'forger', seq: 1e6 });
    expect(await finished).toEqual({ url: '/files/1' });
    await readPast(makeQueue(), observer);
    // Its other events went with it; how it ended did not.
    const ending = seen.filter((e) => e.startsWith('completed') || e.startsWith('removed'));
    expect(ending).toEqual([`completed "${job.id}" {"url":"/files/1"}`, `removed "${job.id}"`]);
  });
});

describe('a notice of a commit', () => {
  it('goes out once the commit is requested, before it completes, and a read begun then sees the change', async () => {
    const queue = makeQueue();
    await queue.getJobCounts();
    const other = await openDB(queue.dbName);
    // Readwrite transactions of the queue that have completed.
    let completed = 0;
    const transaction = IDBDatabase.prototype.transaction;
    vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
      const tx = transaction.apply(this, args);
      if (args[1] === 'readwrite') tx.addEventListener('complete', () => completed++);
      return tx;
    });
    const posted: { completedBefore: number; record: Promise<{ id: string; state: string } | undefined> }[] = [];
    const post = BroadcastChannel.prototype.postMessage;
    vi.spyOn(BroadcastChannel.prototype, 'postMessage').mockImplementation(function (this: BroadcastChannel, message: unknown) {
      // Another tab woken by the notice: its read begins now, on its own connection.
      if ((message as { kind?: string }).kind === 'changed') posted.push({ completedBefore: completed, record: other.get('jobs', '1') });
      post.call(this, message);
    });
    await queue.add('x', { n: 1 });
    expect(completed).toBe(1);
    expect(posted.map((p) => p.completedBefore)).toEqual([0]);
    expect(await posted[0]!.record).toMatchObject({ id: '1', state: 'waiting' });
    other.close();
  });
});
