// Flows (issue 14): FlowProducer adds trees of jobs across queues; a parent waits in
// `waiting-children` and runs once every child completed, with their results. Each queue is a
// database of its own, as in a browser; two Queue objects of one name are two tabs.
import { describe, expect, it } from 'vitest';
import { JobtrailError, type FlowJob, type Job } from '../../../src/index.js';
import { deferred, makeFlowProducer, makeQueue, next } from '../helpers.js';

const part = (n: number, opts = {}): FlowJob => ({ name: 'part', queueName: 'parts', data: { n }, opts });

/** A parts queue whose processor returns `etag-n`. */
async function partsWorker() {
  const parts = makeQueue<{ n: number }, string>('parts');
  await parts.process('part', 4, async (job) => `etag-${job.data.n}`);
  return parts;
}

describe('FlowProducer.add', () => {
  it('adds a parent waiting for its children in another queue, and resolves with the tree', async () => {
    const assemble = makeQueue('assemble');
    const parts = makeQueue('parts');
    const flows = makeFlowProducer();
    const tree = await flows.add({ name: 'file', queueName: 'assemble', data: { name: 'a.bin' }, children: [part(0), part(1)] });
    expect(tree.job).toMatchObject({ name: 'file', queueName: 'assemble', data: { name: 'a.bin' } });
    expect(tree.children!.map((c) => [c.job.queueName, c.job.name, c.job.data])).toEqual([['parts', 'part', { n: 0 }], ['parts', 'part', { n: 1 }]]);
    expect(tree.children!.map((c) => c.job.parent)).toEqual([{ id: tree.job.id, queueName: 'assemble' }, { id: tree.job.id, queueName: 'assemble' }]);
    expect(await tree.job.getState()).toBe('waiting-children');
    expect(await tree.job.isWaitingChildren()).toBe(true);
    expect(await assemble.getJobCounts()).toMatchObject({ 'waiting-children': 1, waiting: 0 });
    expect(await parts.getJobCounts()).toMatchObject({ waiting: 2 });
    expect((await assemble.getWaitingChildren()).map((j) => j.id)).toEqual([tree.job.id]);
    expect(await assemble.getWaitingChildrenCount()).toBe(1);
    expect(await assemble.count()).toBe(1);
    const keys = tree.children!.map((c) => `parts:${c.job.id}`);
    expect(await tree.job.getDependencies()).toEqual({ processed: {}, unprocessed: keys, ignored: {}, failed: [] });
    expect(await tree.job.getDependenciesCount()).toEqual({ processed: 0, unprocessed: 2, ignored: 0, failed: 0 });
  });

  it('runs the parent only after every child completed, with their values keyed queueName:id', async () => {
    const assemble = makeQueue('assemble');
    const started: string[] = [];
    const parts = makeQueue<{ n: number }, string>('parts');
    const gate = deferred();
    await parts.process('part', 4, async (job) => {
      started.push(`part ${job.data.n}`);
      if (job.data.n === 2) await gate.promise;
      return `etag-${job.data.n}`;
    });
    await assemble.process('file', async (job) => {
      started.push('file');
      return { values: await job.getChildrenValues(), counts: await job.getDependenciesCount() };
    });
    const flows = makeFlowProducer();
    const tree = await flows.add({ name: 'file', queueName: 'assemble', children: [part(0), part(1), part(2)] });
    const [c0, c1, c2] = tree.children!.map((c) => c.job);
    await c0!.finished();
    await c1!.finished();
    // Two of three children done: the parent still waits.
    expect(await tree.job.getState()).toBe('waiting-children');
    expect(await tree.job.getDependenciesCount({ processed: true, unprocessed: true })).toEqual({ processed: 2, unprocessed: 1 });
    gate.resolve();
    const result = await (await assemble.getJob(tree.job.id))!.finished();
    expect(result).toEqual({
      values: { [`parts:${c0!.id}`]: 'etag-0', [`parts:${c1!.id}`]: 'etag-1', [`parts:${c2!.id}`]: 'etag-2' },
      counts: { processed: 3, unprocessed: 0, ignored: 0, failed: 0 },
    });
    expect(started.at(-1)).toBe('file');
    const history = (await assemble.getJobHistory(tree.job.id)).map((e) => e.type);
    expect(history).toEqual(['added', 'childCompleted', 'childCompleted', 'childCompleted', 'active', 'completed']);
  });

  it('a parent and its children in one queue: the children deliver in the transaction that finishes them', async () => {
    const uploads = makeQueue('uploads');
    await uploads.process('chunk', 2, async (job) => (job.data as { n: number }).n * 10);
    await uploads.process('complete', async (job) => Object.values(await job.getChildrenValues()));
    const flows = makeFlowProducer();
    const tree = await flows.add({
      name: 'complete',
      queueName: 'uploads',
      children: [0, 1, 2].map((n) => ({ name: 'chunk', queueName: 'uploads', data: { n } })),
    });
    expect(await tree.job.finished()).toEqual([0, 10, 20]);
    // Nothing went through the outbox.
    const outbox = await new Promise((resolve, reject) => {
      const open = indexedDB.open('jobtrail:uploads');
      open.onsuccess = () => {
        const request = open.result.transaction('outbox').objectStore('outbox').count();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      };
    });
    expect(outbox).toBe(0);
  });

  it("a parent with a delay waits that long after its children are done (its own delay, BullMQ's rule)", async () => {
    const assemble = makeQueue('assemble');
    await partsWorker();
    const flows = makeFlowProducer();
    const before = Date.now();
    const tree = await flows.add({ name: 'file', queueName: 'assemble', opts: { delay: 60_000 }, children: [part(0)] });
    const delayed = next(assemble, 'global:delayed');
    await tree.children![0]!.job.finished();
    expect(await delayed).toEqual([tree.job.id]);
    const record = await assemble.getJobRecord(tree.job.id);
    expect(record!.state).toBe('delayed');
    expect(record!.job.dueAt).toBeGreaterThanOrEqual(before + 60_000);
  });

  it('deep trees: every level waits for the one below, across three queues', async () => {
    const root = makeQueue('root');
    const middle = makeQueue('middle');
    await partsWorker();
    await middle.process('group', async (job) => Object.values(await job.getChildrenValues()).join('+'));
    await root.process('all', async (job) => Object.values(await job.getChildrenValues()).sort());
    const flows = makeFlowProducer();
    const tree = await flows.add({
      name: 'all',
      queueName: 'root',
      children: [
        { name: 'group', queueName: 'middle', children: [part(1), part(2)] },
        { name: 'group', queueName: 'middle', children: [part(3), { name: 'group', queueName: 'middle', children: [part(4)] }] },
      ],
    });
    expect(tree.children![1]!.children![1]!.children![0]!.job.data).toEqual({ n: 4 });
    expect(await tree.job.finished()).toEqual(['etag-1+etag-2', 'etag-3+etag-4']);
  });

  it('addBulk adds several flows, all or none; roots may be in different queues', async () => {
    const a = makeQueue('a');
    const b = makeQueue('b');
    await partsWorker();
    await a.process(async (job) => `a:${Object.keys(await job.getChildrenValues()).length}`);
    await b.process(async (job) => `b:${Object.keys(await job.getChildrenValues()).length}`);
    const flows = makeFlowProducer();
    const trees = await flows.addBulk([
      { name: 'x', queueName: 'a', children: [part(1)] },
      { name: 'y', queueName: 'b', children: [part(2), part(3)] },
      { name: 'leaf', queueName: 'b' },
    ]);
    expect(trees.map((t) => t.job.queueName)).toEqual(['a', 'b', 'b']);
    expect(trees[2]!.children).toBeUndefined();
    expect(await Promise.all(trees.map((t) => t.job.finished()))).toEqual(['a:1', 'b:2', 'b:0']);
  });

  it('getFlow reads the tree back as stored now, to a depth and a number of children per list', async () => {
    makeQueue('root');
    const parts = await partsWorker();
    const flows = makeFlowProducer();
    const tree = await flows.add({ name: 'all', queueName: 'root', children: [part(1), { name: 'group', queueName: 'middle', children: [part(2)] }, part(3)] });
    await Promise.all([tree.children![0]!.job.finished(), tree.children![2]!.job.finished()]);
    const read = await flows.getFlow({ id: tree.job.id, queueName: 'root' });
    expect(read!.job.id).toBe(tree.job.id);
    // Processed children first, then the ones still awaited (BullMQ's order).
    expect(read!.children!.map((c) => c.job.name)).toEqual(['part', 'part', 'group']);
    expect(read!.children![2]!.children!.map((c) => c.job.data)).toEqual([{ n: 2 }]);
    expect(await flows.getFlow({ id: tree.job.id, queueName: 'root', depth: 1 })).toEqual({ job: expect.objectContaining({ id: tree.job.id }) });
    expect((await flows.getFlow({ id: tree.job.id, queueName: 'root', maxChildren: 1 }))!.children).toHaveLength(2);
    expect(await flows.getFlow({ id: 'nope', queueName: 'root' })).toBeNull();
    await parts.close();
  });

  it('a child knows its parent; a job added with a queue has none', async () => {
    const plain = makeQueue('parts');
    const flows = makeFlowProducer();
    const tree = await flows.add({ name: 'file', queueName: 'assemble', children: [part(0)] });
    const child = (await plain.getJob(tree.children![0]!.job.id))!;
    expect(child.parent).toEqual({ id: tree.job.id, queueName: 'assemble' });
    expect(child.opts.parent).toEqual({ id: tree.job.id, queueName: 'assemble' });
    expect((await plain.add({})).parent).toBeUndefined();
    makeQueue('assemble');
  });

  it('the flow ids are fresh uuids, or the jobId given', async () => {
    makeQueue('assemble');
    makeQueue('parts');
    const flows = makeFlowProducer();
    const tree = await flows.add({ name: 'file', queueName: 'assemble', opts: { jobId: 'file-1' }, children: [part(0, { jobId: 'file-1-part-0' }), part(1)] });
    expect(tree.job.id).toBe('file-1');
    expect(tree.children![0]!.job.id).toBe('file-1-part-0');
    expect(tree.children![1]!.job.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('local and global waiting-children events, and waiting when the children are done', async () => {
    const assemble = makeQueue('assemble');
    await partsWorker();
    const flows = makeFlowProducer();
    const waitingChildren = next(assemble, 'global:waiting-children');
    const tree = await flows.add({ name: 'file', queueName: 'assemble', children: [part(0)] });
    expect(await waitingChildren).toEqual([tree.job.id]);
    const waiting = next(assemble, 'global:waiting');
    expect(await waiting).toEqual([tree.job.id]);
  });
});

describe('a child that fails for good', () => {
  async function failingFlow(opts: Record<string, boolean>) {
    const assemble = makeQueue('assemble');
    const parts = makeQueue<{ n: number }, string>('parts');
    await parts.process('part', 2, async (job) => {
      if (job.data.n === 1) throw new Error('part 1 broke');
      return `etag-${job.data.n}`;
    });
    const flows = makeFlowProducer();
    const tree = await flows.add({ name: 'file', queueName: 'assemble', children: [part(0), part(1, opts)] });
    const [ok, bad] = tree.children!.map((c) => c.job);
    await ok!.finished();
    await expect(bad!.finished()).rejects.toThrow('part 1 broke');
    return { assemble, parts, tree, ok: ok!, bad: bad! };
  }

  it('without an option, leaves the parent waiting; retried and completed, the child releases it', async () => {
    const { assemble, parts, tree, bad } = await failingFlow({});
    await expect.poll(async () => (await assemble.getJobHistory(tree.job.id)).map((e) => e.type)).toContain('childFailed');
    expect(await tree.job.getState()).toBe('waiting-children');
    const failure = (await assemble.getJobHistory(tree.job.id)).find((e) => e.type === 'childFailed')!;
    expect(failure.payload).toMatchObject({ child: `parts:${bad.id}`, failedReason: 'part 1 broke', option: null });
    expect((await tree.job.getDependencies()).unprocessed).toEqual([`parts:${bad.id}`]);
    // The child is fixed and retried.
    await parts.close();
    const fixed = makeQueue<{ n: number }, string>('parts');
    await fixed.process('part', async (job) => `fixed-${job.data.n}`);
    await assemble.process(async (job) => job.getChildrenValues());
    await (await fixed.getJob(bad.id))!.retry();
    expect(Object.values((await tree.job.finished()) as object)).toEqual(['etag-0', 'fixed-1']);
  });

  it('failParentOnFailure fails the parent at once, "child queueName:id failed"', async () => {
    const { assemble, tree, bad } = await failingFlow({ failParentOnFailure: true });
    await expect(tree.job.finished()).rejects.toThrow(`child parts:${bad.id} failed`);
    expect(await tree.job.getState()).toBe('failed');
    expect(await tree.job.getDependencies()).toMatchObject({ failed: [`parts:${bad.id}`] });
    expect((await assemble.getJob(tree.job.id))!.failedReason).toBe(`child parts:${bad.id} failed`);
  });

  it('failParentOnFailure: retrying the parent, then the child that failed it, completes the flow', async () => {
    const { assemble, parts, tree, ok, bad } = await failingFlow({ failParentOnFailure: true });
    await expect(tree.job.finished()).rejects.toThrow(`child parts:${bad.id} failed`);
    await parts.close();
    const fixed = makeQueue<{ n: number }, string>('parts');
    await fixed.process('part', async (job) => `fixed-${job.data.n}`);
    await assemble.process(async (job) => job.getChildrenValues());
    const parent = (await assemble.getJob(tree.job.id))!;
    await parent.retry();
    expect(await parent.getState()).toBe('waiting-children');
    expect((await parent.getDependencies()).unprocessed).toEqual([`parts:${bad.id}`]);
    await (await fixed.getJob(bad.id))!.retry();
    expect(await parent.finished()).toEqual({ [`parts:${ok.id}`]: 'etag-0', [`parts:${bad.id}`]: 'fixed-1' });
  });

  it('ignoreDependencyOnFailure lets the parent run, and it reads the failure', async () => {
    const { assemble, tree, ok, bad } = await failingFlow({ ignoreDependencyOnFailure: true });
    await assemble.process(async (job) => ({ values: await job.getChildrenValues(), ignored: await job.getIgnoredChildrenFailures() }));
    expect(await tree.job.finished()).toEqual({ values: { [`parts:${ok.id}`]: 'etag-0' }, ignored: { [`parts:${bad.id}`]: 'part 1 broke' } });
  });

  it('removeDependencyOnFailure drops the child from the dependencies and lets the parent run', async () => {
    const { assemble, tree, ok } = await failingFlow({ removeDependencyOnFailure: true });
    await assemble.process(async (job) => ({ values: await job.getChildrenValues(), dependencies: await job.getDependencies() }));
    expect(await tree.job.finished()).toEqual({
      values: { [`parts:${ok.id}`]: 'etag-0' },
      dependencies: { processed: { [`parts:${ok.id}`]: 'etag-0' }, unprocessed: [], ignored: {}, failed: [] },
    });
  });

  it('failParentOnFailure goes up the tree: a parent failed by its child fails its own parent', async () => {
    makeQueue('root');
    const parts = makeQueue<{ n: number }, string>('parts');
    await parts.process(async () => {
      throw new Error('broke');
    });
    const flows = makeFlowProducer();
    const tree = await flows.add({
      name: 'all',
      queueName: 'root',
      children: [{ name: 'group', queueName: 'middle', opts: { failParentOnFailure: true }, children: [part(1, { failParentOnFailure: true })] }],
    });
    const group = tree.children![0]!.job;
    await expect(tree.job.finished()).rejects.toThrow(`child middle:${group.id} failed`);
    expect(await group.getState()).toBe('failed');
    makeQueue('middle');
  });
});

describe('removal', () => {
  it('removing a parent removes the children it still waits for, in every queue; completed and running ones stay', async () => {
    const assemble = makeQueue('assemble');
    const parts = makeQueue<{ n: number }, string>('parts');
    const flows = makeFlowProducer();
    const tree = await flows.add({
      name: 'file',
      queueName: 'assemble',
      children: [part(0), part(1), part(2), { name: 'note', queueName: 'assemble' }],
    });
    const [p0, p1, p2, note] = tree.children!.map((c) => c.job);
    const gate = deferred();
    const running = deferred();
    await parts.process('part', 1, async (job) => {
      if (job.data.n === 1) {
        running.resolve();
        await gate.promise;
      }
      return `etag-${job.data.n}`;
    });
    await p0!.finished();
    await running.promise;
    const removed = next(parts, 'global:removed');
    await (await assemble.getJob(tree.job.id))!.remove();
    // The waiting child goes, in its own queue (through the outbox) and in the parent's.
    expect(await removed).toEqual([p2!.id]);
    expect(await assemble.getJob(note!.id)).toBeNull();
    // The running one finishes; its outcome has no parent to go to.
    gate.resolve();
    await p1!.finished();
    expect((await parts.getJobs(['waiting', 'active', 'completed'])).map((j) => j.data.n).sort()).toEqual([0, 1]);
    expect(await assemble.getJobCountByTypes()).toBe(0);
  });

  it('removing a child that has not completed releases its parent when it was the last one', async () => {
    const assemble = makeQueue('assemble');
    const parts = makeQueue('parts');
    await partsWorker().then((q) => q.pause(true));
    const flows = makeFlowProducer();
    const tree = await flows.add({ name: 'file', queueName: 'assemble', children: [part(0)] });
    const waiting = next(assemble, 'global:waiting');
    await (await parts.getJob(tree.children![0]!.job.id))!.remove();
    expect(await waiting).toEqual([tree.job.id]);
    expect((await assemble.getJobHistory(tree.job.id)).map((e) => e.type)).toEqual(['added', 'childRemoved']);
  });

  it('removeOnComplete on a child keeps its value for the parent', async () => {
    const assemble = makeQueue('assemble');
    const parts = await partsWorker();
    await assemble.process(async (job) => job.getChildrenValues());
    const flows = makeFlowProducer();
    const tree = await flows.add({ name: 'file', queueName: 'assemble', children: [part(0, { removeOnComplete: true }), part(1, { removeOnComplete: true })] });
    const values = await tree.job.finished();
    expect(Object.values(values as object)).toEqual(['etag-0', 'etag-1']);
    expect(await parts.getJobCounts()).toMatchObject({ completed: 0 });
  });

  it('obliterating a queue of children tells their parents in other queues', async () => {
    const assemble = makeQueue('assemble');
    const parts = makeQueue('parts');
    const flows = makeFlowProducer();
    const tree = await flows.add({ name: 'file', queueName: 'assemble', children: [part(0), part(1)] });
    const waiting = next(assemble, 'global:waiting');
    await parts.obliterate();
    expect(await waiting).toEqual([tree.job.id]);
  });

  it('obliterating a queue of parents removes their pending children in other queues', async () => {
    makeQueue('assemble');
    const parts = makeQueue('parts');
    const flows = makeFlowProducer();
    const tree = await flows.add({ name: 'file', queueName: 'assemble', children: [part(0)] });
    const removed = next(parts, 'global:removed');
    await (await flows.getFlow({ id: tree.job.id, queueName: 'assemble' }))!.job.remove();
    expect(await removed).toEqual([tree.children![0]!.job.id]);
  });
});

describe('bad input: a clear error, and nothing written anywhere', () => {
  async function nothingWritten() {
    for (const name of ['assemble', 'parts', 'other']) {
      const queue = makeQueue(name);
      expect(await queue.getJobCountByTypes(), `jobs in ${name}`).toBe(0);
    }
  }

  const cases: [string, () => unknown, RegExp][] = [
    ['a child without a name', () => ({ name: 'file', queueName: 'assemble', children: [part(0), { queueName: 'parts' }] }), /Flow job flow\.children\[1\] needs a name/],
    ['a child without a queueName', () => ({ name: 'file', queueName: 'assemble', children: [{ name: 'part' }] }), /Flow job flow\.children\[0\] \(part\) needs a queueName/],
    ['a root without a name', () => ({ queueName: 'assemble' }), /Flow job flow needs a name/],
    [
      'a cycle',
      () => {
        const node: FlowJob = { name: 'loop', queueName: 'parts', children: [] };
        node.children!.push(node);
        return { name: 'file', queueName: 'assemble', children: [node] };
      },
      /flow\.children\[0\]\.children\[0\] is one of its own ancestors: a flow is a tree/,
    ],
    [
      'one node twice',
      () => {
        const node = part(0);
        return { name: 'file', queueName: 'assemble', children: [node, node] };
      },
      /flow\.children\[1\] appears twice in the flow/,
    ],
    [
      'a duplicate child id',
      () => ({ name: 'file', queueName: 'assemble', children: [part(0, { jobId: 'same' }), part(1, { jobId: 'same' })] }),
      /Flow jobs flow\.children\[0\] \(part in queue parts\) and flow\.children\[1\] \(part in queue parts\) have the same id "same" in one queue/,
    ],
    ['a bad option, deep down', () => ({ name: 'file', queueName: 'assemble', children: [{ ...part(0), children: [{ ...part(1), opts: { attempts: 0 } }] }] }), /Flow job flow\.children\[0\]\.children\[0\] \(part in queue parts\): Invalid job option attempts/],
    ['a child option on a root', () => ({ name: 'file', queueName: 'assemble', opts: { failParentOnFailure: true } }), /Flow job flow \(file in queue assemble\): Invalid job option failParentOnFailure: only a child in a flow/],
    ['two failure options on one child', () => ({ name: 'file', queueName: 'assemble', children: [part(0, { failParentOnFailure: true, ignoreDependencyOnFailure: true })] }), /Invalid job options failParentOnFailure and ignoreDependencyOnFailure: a child's failure can do one of these things only/],
    ['deduplication in a flow', () => ({ name: 'file', queueName: 'assemble', children: [part(0, { deduplication: { id: 'd' } })] }), /Invalid job option deduplication: a job of a flow is always added/],
    ['a prefix per job', () => ({ name: 'file', queueName: 'assemble', prefix: 'other' }), /a prefix per job is not supported/],
    ['children that are not an array', () => ({ name: 'file', queueName: 'assemble', children: part(0) }), /children must be an array/],
  ];

  it.each(cases)('%s', async (_what, flow, message) => {
    const flows = makeFlowProducer();
    await expect(flows.add(flow() as FlowJob)).rejects.toThrow(message);
    await nothingWritten();
  });

  it('data that cannot be cloned anywhere in the tree: ERR_NOT_CLONEABLE naming the job', async () => {
    const flows = makeFlowProducer();
    const flow = { name: 'file', queueName: 'assemble', children: [part(0), { name: 'part', queueName: 'other', data: { callback: () => {} } }] };
    await expect(flows.add(flow)).rejects.toMatchObject({ code: 'ERR_NOT_CLONEABLE', message: expect.stringMatching(/^Flow job flow\.children\[1\] \(part in queue other\): its data is not cloneable/) });
    await nothingWritten();
  });

  it('an explicit jobId a queue already has, in the first queue or another one', async () => {
    const parts = makeQueue('parts');
    await parts.add('part', {}, { jobId: 'taken' });
    const assemble = makeQueue('assemble');
    await assemble.add('file', {}, { jobId: 'taken-here' });
    const flows = makeFlowProducer();
    await expect(flows.add({ name: 'file', queueName: 'assemble', children: [part(0, { jobId: 'taken' })] })).rejects.toThrow(
      /Flow job flow\.children\[0\] \(part in queue parts\) has the id "taken", which a job of that queue already has; nothing of the flow was written/,
    );
    await expect(flows.add({ name: 'file', queueName: 'assemble', opts: { jobId: 'taken-here' }, children: [part(0)] })).rejects.toMatchObject({ code: 'ERR_REFUSED' });
    expect(await assemble.getJobCountByTypes()).toBe(1);
    expect(await parts.getJobCountByTypes()).toBe(1);
  });

  it('Queue.add refuses a parent and the child options: they belong to flows', async () => {
    const queue = makeQueue('q');
    await expect(queue.add('x', {}, { parent: { id: '1', queueName: 'q' } } as never)).rejects.toThrow(/Invalid job option parent: a job gets its parent by being added as a child of a flow/);
    await expect(queue.add('x', {}, { removeDependencyOnFailure: true })).rejects.toThrow(/Invalid job option removeDependencyOnFailure: only a child in a flow has a parent/);
    expect(() => makeQueue('q', { defaultJobOptions: { failParentOnFailure: true } })).toThrow(/defaultJobOptions\.failParentOnFailure: it is an option of a child in a flow/);
  });
});

describe('the FlowProducer itself', () => {
  it('refuses calls once closed, and unknown options', async () => {
    const flows = makeFlowProducer();
    await flows.close();
    await expect(flows.add({ name: 'x', queueName: 'q' })).rejects.toBeInstanceOf(JobtrailError);
    expect(() => makeFlowProducer({ connection: {} } as never)).toThrow('Unknown FlowProducer option connection');
  });

  it('queuesOptions give the jobs of a queue its default options', async () => {
    makeQueue('assemble');
    const parts = makeQueue('parts');
    const flows = makeFlowProducer();
    const tree = await flows.add({ name: 'file', queueName: 'assemble', children: [part(0)] }, { queuesOptions: { parts: { defaultJobOptions: { attempts: 4 } } } });
    expect((await parts.getJob(tree.children![0]!.job.id))!.opts).toMatchObject({ attempts: 4, parent: { id: tree.job.id, queueName: 'assemble' } });
    expect((tree.job as Job).opts.attempts).toBe(1);
  });
});
