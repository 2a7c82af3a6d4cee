// Flows across databases when a tab dies between two transactions (issue 14): a flow is added
// whole or not at all, and a child's outcome reaches its parent in another queue, also after a
// restart. The tab's death is simulated by running the storage steps by hand and stopping between
// two of them; then an instance opens, as after a reload, and must finish the work.
import { describe, expect, it } from 'vitest';
import { planFlows, type FlowJob } from '../../../src/core/flow.js';
import { resolveQueueOptions } from '../../../src/core/options.js';
import { addFlowJobs, putIntent, readIntents } from '../../../src/store/add-flow.js';
import { claimJobs } from '../../../src/store/claim-jobs.js';
import { dbName } from '../../../src/store/db-name.js';
import { deliverMessages, readOutbox } from '../../../src/store/deliver.js';
import { finishJobs } from '../../../src/store/finish-jobs.js';
import { openQueueDb, type QueueDB } from '../../../src/store/open-db.js';
import { readHistory } from '../../../src/store/reads.js';
import type { FlowIntent } from '../../../src/store/schema.js';
import { write } from '../../../src/store/write.js';
import { makeQueue, next } from '../helpers.js';

const T = 1_700_000_000_000;

function open(queue: string): Promise<QueueDB> {
  return openQueueDb(dbName('jobtrail', queue), { onLost() {} }, queue);
}

let ids = 0;
function plan(flow: FlowJob) {
  return planFlows([flow], { queueOptions: (name) => resolveQueueOptions(name, {}), newId: () => `id-${++ids}` });
}

/** A flow of one parent in `assemble` and `n` children in `parts` (and, with `more`, as many in `extra`). */
function bigFlow(n: number, more = 0): FlowJob {
  return {
    name: 'file',
    queueName: 'assemble',
    children: [
      ...Array.from({ length: n }, (_, k) => ({ name: 'part', queueName: 'parts', data: { k } })),
      ...Array.from({ length: more }, (_, k) => ({ name: 'part', queueName: 'extra', data: { k } })),
    ],
  };
}

/** The first transaction of FlowProducer.add: the first queue's jobs and the intent. */
async function firstStep(flow: FlowJob): Promise<FlowIntent> {
  const { jobs } = plan(flow);
  const intent: FlowIntent = { id: `flow-${++ids}`, time: T, jobs: jobs.filter((j) => j.wave > 0) };
  const db = await open(jobs[0]!.queueName);
  await write(db, 'adding a flow', async (batch) => {
    await addFlowJobs(batch, jobs.filter((j) => j.wave === 0), intent);
    putIntent(batch, intent);
  });
  db.close();
  return intent;
}

describe('a tab dies while it adds a flow across queues', () => {
  it('before its first transaction commits: no trace of the flow anywhere', async () => {
    const { jobs } = plan(bigFlow(200));
    const db = await open('assemble');
    await expect(write(db, 'adding a flow', async (batch) => {
      await addFlowJobs(batch, jobs.filter((j) => j.wave === 0), { id: 'f', time: T });
      putIntent(batch, { id: 'f', time: T, jobs: jobs.filter((j) => j.wave > 0) });
      throw new Error('the tab died');
    })).rejects.toThrow('the tab died');
    db.close();
    const assemble = makeQueue('assemble');
    const parts = makeQueue('parts');
    expect(await assemble.getJobCountByTypes()).toBe(0);
    expect(await parts.getJobCountByTypes()).toBe(0);
    expect(await readIntents(await open('assemble'))).toEqual([]);
  });

  it('after its first transaction: the next instance of the first queue to open completes the flow, before anything else', async () => {
    const intent = await firstStep(bigFlow(200));
    const assemble = makeQueue('assemble');
    // The first call on the reopened queue sees the whole flow.
    const [parent] = await assemble.getWaitingChildren();
    expect(parent!.id).toBe(intent.jobs[0]!.opts.parent!.id);
    expect((await parent!.getDependenciesCount()).unprocessed).toBe(200);
    const parts = makeQueue('parts');
    expect(await parts.getJobCounts()).toMatchObject({ waiting: 200 });
    expect(await readIntents(await open('assemble'))).toEqual([]);
    // And the flow works: every part done, the parent runs with 200 values.
    await parts.process(4, async (job) => `etag-${(job.data as { k: number }).k}`);
    await assemble.process(async (job) => Object.keys(await job.getChildrenValues()).length);
    expect(await (await assemble.getJob(parent!.id))!.finished()).toBe(200);
  });

  it('half-way through the other queues: completing it adds only what is missing, never twice', async () => {
    const intent = await firstStep(bigFlow(50, 30));
    // The transaction of queue `parts` committed; the tab died before `extra`.
    const partsDb = await open('parts');
    await write(partsDb, 'adding a flow', (batch) => addFlowJobs(batch, intent.jobs.filter((j) => j.queueName === 'parts'), intent));
    partsDb.close();
    const parts = makeQueue('parts');
    const extra = makeQueue('extra');
    expect(await parts.getJobCountByTypes()).toBe(50);
    expect(await extra.getJobCountByTypes()).toBe(0);
    makeQueue('assemble');
    await expect.poll(() => extra.getJobCountByTypes()).toBe(30);
    expect(await parts.getJobCountByTypes()).toBe(50);
    // Each job was added once: one `added` event each.
    const events = (await parts.getJobs('waiting')).map((j) => j.id);
    const histories = await Promise.all(events.map((id) => parts.getJobHistory(id)));
    expect(histories.every((h) => h.length === 1)).toBe(true);
  });

  it('two instances that open at once both complete it: still one job per id', async () => {
    await firstStep(bigFlow(40));
    const [a, b] = [makeQueue('assemble'), makeQueue('assemble')];
    await Promise.all([a.getJobCounts(), b.getJobCounts()]);
    const parts = makeQueue('parts');
    expect(await parts.getJobCountByTypes()).toBe(40);
  });
});

describe("a child's outcome reaching its parent in another database", () => {
  /** A flow whose child ran to completion in its own database, the tab dying before it delivered the outbox. */
  async function childDoneNotDelivered() {
    const { jobs } = plan({ name: 'file', queueName: 'assemble', children: [{ name: 'part', queueName: 'parts', data: { k: 1 } }, { name: 'part', queueName: 'parts', data: { k: 2 } }] });
    const home = await open('assemble');
    await write(home, 'adding a flow', (batch) => addFlowJobs(batch, jobs.filter((j) => j.queueName === 'assemble'), { id: 'f', time: T }));
    home.close();
    const db = await open('parts');
    await write(db, 'adding a flow', (batch) => addFlowJobs(batch, jobs.filter((j) => j.queueName === 'parts'), { id: 'f', time: T }));
    const request = { owner: 'dead-tab', max: 2, take: () => true, now: T + 1, limiter: null, newToken: () => 'token' };
    const claimed = await write(db, 'claiming', (batch) => claimJobs(batch, request));
    const finishes = claimed.result.claimed.map((r) => ({ jobId: r.id, token: 'token', outcome: { type: 'completed' as const, returnvalue: `etag-${r.id}` } }));
    const finished = await write(db, 'finishing', (batch) => finishJobs(batch, finishes, T + 2));
    expect(finished.wroteOutbox).toBe(true);
    const outbox = await readOutbox(db, 10);
    db.close();
    return { parentId: jobs[0]!.id, childIds: jobs.slice(1).map((j) => j.id), outbox };
  }

  it('waits in the outbox, and the next instance of the child queue to open delivers it', async () => {
    const { parentId, childIds, outbox } = await childDoneNotDelivered();
    expect(outbox.map((m) => [m.to, m.kind])).toEqual([[{ id: parentId, queueName: 'assemble' }, 'child'], [{ id: parentId, queueName: 'assemble' }, 'child']]);
    const assemble = makeQueue('assemble');
    expect(await assemble.getJobCounts()).toMatchObject({ 'waiting-children': 1 });
    const released = next(assemble, 'global:waiting');
    makeQueue('parts');
    expect(await released).toEqual([parentId]);
    const parent = (await assemble.getJob(parentId))!;
    expect(await parent.getChildrenValues()).toEqual(Object.fromEntries(childIds.map((id) => [`parts:${id}`, `etag-${id}`])));
    expect(await readOutbox(await open('parts'), 10)).toEqual([]);
  });

  it('delivered twice (a crash before the outbox was emptied, or two tabs at once), it counts once', async () => {
    const { parentId, outbox } = await childDoneNotDelivered();
    const home = await open('assemble');
    await write(home, 'delivering', (batch) => deliverMessages(batch, outbox));
    await write(home, 'delivering again', (batch) => deliverMessages(batch, outbox));
    const types = (await readHistory(home, parentId)).map((e) => e.type);
    home.close();
    expect(types).toEqual(['added', 'childCompleted', 'childCompleted']);
    makeQueue('assemble');
    makeQueue('parts');
  });

  it('a failure without option delivered twice is noted once', async () => {
    const { jobs } = plan({ name: 'file', queueName: 'assemble', children: [{ name: 'part', queueName: 'parts' }] });
    const home = await open('assemble');
    await write(home, 'adding', (batch) => addFlowJobs(batch, jobs.slice(0, 1), { id: 'f', time: T }));
    const failure = { kind: 'child' as const, to: { id: jobs[0]!.id, queueName: 'assemble' }, event: { type: 'childFailed' as const, time: T, payload: { child: `parts:${jobs[1]!.id}`, failedReason: 'broke', option: null, at: 12 } } };
    await write(home, 'delivering', (batch) => deliverMessages(batch, [failure]));
    await write(home, 'delivering again', (batch) => deliverMessages(batch, [failure]));
    expect((await readHistory(home, jobs[0]!.id)).map((e) => e.type)).toEqual(['added', 'childFailed']);
    home.close();
    makeQueue('assemble');
  });
});
