// Optimistic writes across tabs (store/write.ts): each tab starts its transactions from the meta
// record it committed last, and the head refuses those that another tab overtook; the command then
// runs again reading meta. Two tabs that add and process on one queue at once, with notices cut
// (so neither learns early that its memory is stale), run into that refusal over and over; every
// job must still run exactly once, and every projection must equal the fold of its events.
import { expect, test } from './fixtures';

test('two tabs interleaving writes: conflicts are retried, nothing is lost or duplicated, projection == fold(log)', async ({ openTab }) => {
  test.setTimeout(90_000);
  const tabs = [await openTab(), await openTab()];
  const perTab = 150;
  for (const [t, tab] of tabs.entries()) {
    await tab.evaluate(async ({ t, perTab }) => {
      // Count the head's refusals; cut the notices between the tabs.
      const proto = IDBObjectStore.prototype;
      const add = proto.add;
      const state = { conflicts: 0, ran: [] as string[] };
      proto.add = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
        const request = add.apply(this, args);
        if (this.name === 'head') request.addEventListener('error', () => request.error?.name === 'ConstraintError' && state.conflicts++);
        return request;
      };
      BroadcastChannel.prototype.postMessage = () => {};
      const queue = window.openQueue<{ t: number; i: number }, string>('optimistic');
      window.state = { queue, state };
      await queue.process(4, async (job) => {
        state.ran.push(job.id);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
        return job.id;
      });
      window.state.adding = (async () => {
        for (let i = 0; i < perTab; i++) await queue.add('x', { t, i }, i % 3 === 0 ? { removeOnComplete: true } : {});
      })();
    }, { t, perTab });
  }
  await Promise.all(tabs.map((tab) => tab.evaluate(() => window.state.adding)));
  // (Not finished(): without notices a tab learns of a job removed on completion elsewhere only by reading.)
  const ranSoFar = () => Promise.all(tabs.map((tab) => tab.evaluate(() => (window.state.state.ran as string[]).length)));
  await expect.poll(async () => (await ranSoFar()).reduce((a, b) => a + b, 0), { timeout: 60_000 }).toBe(2 * perTab);
  await expect.poll(() => tabs[0]!.evaluate(async () => (await window.state.queue.getJobCounts()).active), { timeout: 10_000 }).toBe(0);

  const seen = await Promise.all(tabs.map((tab) => tab.evaluate(() => ({ ran: window.state.state.ran as string[], conflicts: window.state.state.conflicts as number }))));
  const ran = seen.flatMap((s) => s.ran);
  expect(ran).toHaveLength(2 * perTab);
  expect(new Set(ran).size).toBe(2 * perTab);
  expect(seen.reduce((sum, s) => sum + s.conflicts, 0)).toBeGreaterThan(0);

  // projection == fold(log), and the counts agree with the projection.
  const check = await tabs[0]!.evaluate(async () => {
    const queue = window.state.queue;
    const request = indexedDB.open(queue.dbName);
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const all = <T,>(store: string): Promise<T[]> => new Promise((resolve, reject) => {
      const r = db.transaction(store).objectStore(store).getAll();
      r.onsuccess = () => resolve(r.result as T[]);
      r.onerror = () => reject(r.error);
    });
    const events = await all<any>('events');
    const records = await all<any>('jobs');
    const [meta] = await all<any>('meta');
    const head = (await all<any>('head')).at(-1);
    db.close();
    const problems: string[] = [];
    const byJob = new Map<string, any[]>();
    for (const e of events) if (e.jobId !== undefined) byJob.set(e.jobId, [...(byJob.get(e.jobId) ?? []), e]);
    if (byJob.size !== records.length) problems.push(`${byJob.size} jobs in the log, ${records.length} projected`);
    for (const record of records) {
      const log = byJob.get(record.id) ?? [];
      const folded = window.jobtrail.foldJob(record.id, log);
      if (folded.state !== record.state) problems.push(`job ${record.id}: projected ${record.state}, folds to ${folded.state}`);
      if (JSON.stringify(folded.job) !== JSON.stringify(record.job)) problems.push(`job ${record.id}: context differs from its fold`);
      if (record.seq !== log.at(-1)?.seq) problems.push(`job ${record.id}: seq ${record.seq}, last event ${log.at(-1)?.seq}`);
      if (record.seqs && JSON.stringify(record.seqs) !== JSON.stringify(log.map((e: any) => e.seq))) problems.push(`job ${record.id}: seqs differ from its events`);
    }
    for (const state of ['waiting', 'delayed', 'active', 'completed', 'failed', 'waiting-children']) {
      const n = records.filter((r: any) => r.state === state).length;
      if (meta.counts[state] !== n) problems.push(`count of ${state}: ${meta.counts[state]}, projected ${n}`);
    }
    if (head.v !== meta.version) problems.push(`head ${head.v}, meta version ${meta.version}`);
    return { problems, completed: records.filter((r: any) => r.state === 'completed').length };
  });
  expect(check.problems).toEqual([]);
  expect(check.completed).toBe(2 * (perTab - perTab / 3));
});
