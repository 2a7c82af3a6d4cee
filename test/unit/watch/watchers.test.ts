// The framework-neutral watchers (watchJob, watchJobs, watchJobCounts): a snapshot that starts
// undefined, is read from the store, stays the same object until what it shows changes, follows
// changes made by another instance (another tab: a second Queue of the same name), costs one read
// per burst of changes, and lets go of the queue when its last subscriber leaves.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidOptionError, watchJob, watchJobCounts, watchJobs, type Queue, type Watcher } from '../../../src/index.js';
import { makeQueue } from '../helpers.js';

afterEach(() => vi.restoreAllMocks());

/** Subscribe, and resolve with the first snapshot that satisfies `ok` (checked at once, then after each change). */
function until<T>(watcher: Watcher<T>, ok: (value: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const check = () => {
      if (!ok(watcher.getSnapshot())) return;
      stop();
      resolve(watcher.getSnapshot());
    };
    const stop = watcher.subscribe(check);
    check();
  });
}

/** Every read and every `global:changed` listener of `queue`, counted. */
function spyOn(queue: Queue) {
  const reads = {
    job: vi.spyOn(queue, 'getJobRecord'),
    page: vi.spyOn(queue, 'getJobRecordPage'),
    counts: vi.spyOn(queue, 'getJobCounts'),
  };
  let listening = 0;
  const on = queue.on.bind(queue);
  const off = queue.off.bind(queue);
  vi.spyOn(queue, 'on').mockImplementation((event, listener) => {
    if (event === 'global:changed') listening++;
    return on(event, listener);
  });
  vi.spyOn(queue, 'off').mockImplementation((event, listener) => {
    if (event === 'global:changed') listening--;
    return off(event, listener);
  });
  return {
    reads: () => reads.job.mock.calls.length + reads.page.mock.calls.length + reads.counts.mock.calls.length,
    listening: () => listening,
  };
}

/** Let every pending microtask and one macrotask run: a read a change started has begun by then. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('watchJob', () => {
  it('starts undefined, reads the job, and follows it until it is removed (then null)', async () => {
    const queue = makeQueue();
    const job = await queue.add('upload', { file: 'a' });
    const watcher = watchJob(queue, job.id);
    expect(watcher.getSnapshot()).toBeUndefined();

    const first = await until(watcher, (s) => s !== undefined);
    expect(first).toMatchObject({ state: 'waiting', job: { id: job.id, name: 'upload', data: { file: 'a' } } });
    expect(first!.job.toJSON()).toEqual(job.toJSON());

    await job.updateProgress(40);
    const progressed = await until(watcher, (s) => s?.job.progress === 40);
    expect(progressed).not.toBe(first);
    expect(first!.job.progress).toBe(0); // an older snapshot is left as it was

    await job.remove();
    expect(await until(watcher, (s) => s === null)).toBeNull();
  });

  it('keeps the same snapshot object through changes that leave the job as it was', async () => {
    const queue = makeQueue();
    const job = await queue.add('upload', {});
    const watcher = watchJob(queue, job.id);
    const snapshot = await until(watcher, (s) => s !== undefined);
    const changes: unknown[] = [];
    const stop = watcher.subscribe(() => changes.push(watcher.getSnapshot()));
    await queue.add('other', {});
    await queue.pause();
    await settle();
    expect(watcher.getSnapshot()).toBe(snapshot);
    expect(changes).toEqual([]);
    stop();
  });

  it('follows a job that another instance (another tab) processes', async () => {
    const here = makeQueue();
    const there = makeQueue();
    const job = await here.add('upload', 2);
    const watcher = watchJob(here, job.id);
    await until(watcher, (s) => s?.state === 'waiting');
    await there.process(async (j) => (j.data as number) * 21);
    const done = await until(watcher, (s) => s?.state === 'completed');
    expect(done!.job.returnvalue).toBe(42);
  });

  it('is shared: the same watcher for the same queue and id while it is watched', async () => {
    const queue = makeQueue();
    const a = watchJob(queue, '1');
    expect(watchJob(queue, '1')).toBe(a);
    expect(watchJob(queue, '2')).not.toBe(a);
    expect(watchJob(makeQueue(), '1')).not.toBe(a);
    const stop = a.subscribe(() => {});
    expect(watchJob(queue, '1')).toBe(a);
    stop();
    // Let go of: the next call makes a new one (and the old one still works if subscribed again).
    expect(watchJob(queue, '1')).not.toBe(a);
  });

  it('refuses what is not a job id', () => {
    const queue = makeQueue();
    expect(() => watchJob(queue, '')).toThrow(InvalidOptionError);
    expect(() => watchJob(queue, 7 as unknown as string)).toThrow(InvalidOptionError);
  });
});

describe('watchJobs', () => {
  it('lists the newest jobs first, up to the limit, by state and by exact name', async () => {
    const queue = makeQueue();
    await queue.addBulk([
      { name: 'upload', data: 1 },
      { name: 'upload-part', data: 2 },
      { name: 'upload', data: 3, opts: { delay: 60_000 } },
      { name: 'resize', data: 4 },
    ]);
    const ids = (watcher: Watcher<{ job: { data: unknown } }[] | undefined>) => until(watcher, (s) => s !== undefined).then((s) => s!.map((x) => x.job.data));
    expect(await ids(watchJobs(queue))).toEqual([4, 3, 2, 1]);
    expect(await ids(watchJobs(queue, { limit: 2 }))).toEqual([4, 3]);
    expect(await ids(watchJobs(queue, { state: 'delayed' }))).toEqual([3]);
    expect(await ids(watchJobs(queue, { name: 'upload' }))).toEqual([3, 1]);
    expect(await ids(watchJobs(queue, { name: 'upload', state: 'waiting' }))).toEqual([1]);
  });

  it('changes only what changed: the same array without a change, the same entries for jobs that did not change', async () => {
    const queue = makeQueue();
    const [a, b] = await queue.addBulk([{ data: 'a' }, { data: 'b' }]);
    const watcher = watchJobs(queue, { state: 'waiting' });
    const before = await until(watcher, (s) => s?.length === 2);
    const stop = watcher.subscribe(() => {});

    await queue.add({ data: 'c' }, { delay: 60_000 }); // another state: not even read
    await b!.update('b2'); // a listed job: read again, and changed
    const after = await until(watcher, (s) => s?.[0]?.job.data === 'b2');
    expect(after).not.toBe(before);
    expect(after![1]).toBe(before![1]); // job a, unchanged, is the same object
    expect(after![1]!.job.id).toBe(a!.id);

    await a!.changePriority({ priority: 3 }); // a listed job changed: a new array, the other entry kept
    const reordered = await until(watcher, (s) => s !== after);
    expect(reordered!.map((s) => s.job.id)).toEqual([b!.id, a!.id]);
    expect(reordered![0]).toBe(after![0]);
    stop();
  });

  it('follows jobs another instance adds and finishes', async () => {
    const here = makeQueue();
    const there = makeQueue();
    const watcher = watchJobs(here, { state: 'completed' });
    const stop = watcher.subscribe(() => {});
    await there.addBulk([{ data: 1 }, { data: 2 }]);
    await there.process(async (job) => job.data);
    const completed = await until(watcher, (s) => s?.length === 2);
    expect(completed!.map((s) => s.state)).toEqual(['completed', 'completed']);
    stop();
  });

  it('refuses options it cannot honour', () => {
    const queue = makeQueue();
    expect(() => watchJobs(queue, { limit: 0 })).toThrow(InvalidOptionError);
    expect(() => watchJobs(queue, { state: 'done' as 'completed' })).toThrow(InvalidOptionError);
    expect(() => watchJobs(queue, { name: '' })).toThrow(InvalidOptionError);
  });
});

describe('watchJobCounts', () => {
  it('reads the counts, keeps the same object while they stay, and follows another instance', async () => {
    const here = makeQueue();
    const there = makeQueue();
    const job = await here.add({}, { delay: 60_000 });
    const watcher = watchJobCounts(here);
    const first = await until(watcher, (s) => s?.delayed === 1);
    const stop = watcher.subscribe(() => {});
    await job.changeDelay(120_000); // read again: the counts are the same, so is the snapshot
    await settle();
    await until(watcher, () => true);
    expect(watcher.getSnapshot()).toBe(first);

    await there.add({});
    expect(await until(watcher, (s) => s?.waiting === 1)).toMatchObject({ waiting: 1, delayed: 1, active: 0 });
    stop();
  });
});

describe('a watch', () => {
  it('reads once per burst of changes: 50 jobs added in one transaction by another instance, one read', async () => {
    const here = makeQueue();
    const there = makeQueue();
    const spy = spyOn(here);
    const watcher = watchJobCounts(here);
    await until(watcher, (s) => s !== undefined);
    const stop = watcher.subscribe(() => {});
    const readsBefore = spy.reads();
    await there.addBulk(Array.from({ length: 50 }, (_, i) => ({ data: i })));
    await until(watcher, (s) => s?.waiting === 50);
    expect(spy.reads() - readsBefore).toBe(1);
    stop();
  });

  it('lets go of the queue when its last subscriber leaves: no listener, no read', async () => {
    const queue = makeQueue();
    const spy = spyOn(queue);
    const watchers = [watchJob(queue, '1'), watchJobs(queue), watchJobCounts(queue)];
    const stops = watchers.flatMap((w) => [w.subscribe(() => {}), w.subscribe(() => {})]);
    expect(spy.listening()).toBe(3);
    await queue.add({});
    await settle();
    stops[0]!();
    stops[0]!(); // twice: harmless
    expect(spy.listening()).toBe(3); // one subscriber of each is still there
    for (const stop of stops) stop();
    expect(spy.listening()).toBe(0);

    await settle();
    const reads = spy.reads();
    await queue.add({});
    await queue.add({});
    await settle();
    expect(spy.reads()).toBe(reads);
  });

  it('reports a failed read on the queue, and is quiet about a closed one', async () => {
    const queue = makeQueue();
    const errors: Error[] = [];
    queue.on('error', (err) => errors.push(err));
    vi.spyOn(queue, 'getJobCounts').mockRejectedValueOnce(new Error('disk on fire'));
    const stop = watchJobCounts(queue).subscribe(() => {});
    await settle();
    expect(errors.map((e) => e.message)).toEqual(['disk on fire']);
    stop();

    await queue.close();
    const stopClosed = watchJobs(queue).subscribe(() => {});
    await settle();
    expect(errors).toHaveLength(1);
    stopClosed();
  });
});
