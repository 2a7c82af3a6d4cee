// Planning a flow (core/flow.ts): ids and options fixed, and the waves that order its
// transactions, so that no child is ever stored before its parent. Pure: no IndexedDB here.
import { describe, expect, it } from 'vitest';
import { flowTransactions, planFlows, type FlowJob } from '../../../src/core/flow.js';
import { resolveQueueOptions } from '../../../src/core/options.js';

let n = 0;
const plan = (flows: FlowJob[]) => planFlows(flows, { queueOptions: (name) => resolveQueueOptions(name, {}), newId: () => `id-${++n}` });

describe('planFlows', () => {
  it("fixes every job's id, its parent and its children, parents before children", () => {
    const { jobs, trees } = plan([{ name: 'file', queueName: 'a', opts: { jobId: 'f' }, children: [{ name: 'part', queueName: 'b' }, { name: 'part', queueName: 'b' }] }]);
    expect(jobs.map((j) => [j.path, j.queueName, j.id])).toEqual([['flow', 'a', 'f'], ['flow.children[0]', 'b', expect.stringMatching(/^id-/)], ['flow.children[1]', 'b', expect.stringMatching(/^id-/)]]);
    expect(jobs[0]!.children).toEqual([{ id: jobs[1]!.id, queueName: 'b' }, { id: jobs[2]!.id, queueName: 'b' }]);
    expect(jobs[1]!.opts.parent).toEqual({ id: 'f', queueName: 'a' });
    expect(trees).toEqual([{ job: 0, children: [{ job: 1 }, { job: 2 }] }]);
  });

  it('waves: a job is in its parent’s wave when they share a queue, in the next one otherwise', () => {
    const { home, jobs } = plan([{
      name: 'root', queueName: 'a',
      children: [
        { name: 'local', queueName: 'a', children: [{ name: 'deep', queueName: 'a' }] },
        { name: 'away', queueName: 'b', children: [{ name: 'back', queueName: 'a' }, { name: 'there', queueName: 'b' }] },
      ],
    }]);
    expect(home).toBe('a');
    expect(jobs.map((j) => [j.name, j.wave])).toEqual([['root', 0], ['local', 0], ['deep', 0], ['away', 1], ['back', 2], ['there', 1]]);
    // One transaction per wave and queue, in wave order: b's jobs before the a job below them.
    expect(flowTransactions(jobs.filter((j) => j.wave > 0)).map((t) => [t.queueName, t.jobs.map((j) => j.name)])).toEqual([['b', ['away', 'there']], ['a', ['back']]]);
  });

  it('the first flow with children holds the intent, so that its parent is what the queue watches for', () => {
    const { home, jobs } = plan([{ name: 'leaf', queueName: 'a' }, { name: 'file', queueName: 'b', children: [{ name: 'part', queueName: 'c' }] }]);
    expect(home).toBe('b');
    expect(jobs.map((j) => [j.name, j.wave])).toEqual([['leaf', 1], ['file', 0], ['part', 1]]);
  });
});
