// Flows in Chromium (issue 14): a flow is added whole or not at all across databases, even when
// the tab adding it dies in the middle; and a child's outcome reaches its parent in another queue
// after a browser restart. To stop a tab at a chosen point between two transactions, another tab
// holds a database with a long readwrite transaction (IndexedDB runs overlapping readwrite
// transactions one at a time, across tabs): the adding tab's next transaction there waits, and the
// test closes the tab while it waits, as a tab that dies (`runBeforeUnload: false`: no handler
// runs; its transactions in flight are aborted, its Web Locks released). Not CDP's Page.crash: tabs
// of one origin share a renderer process here, and it would take the holding tab down too.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { launchOptions } from './browser';
import { expect, test } from './fixtures';

/** In `page`, hold database `name` with a readwrite transaction until `release(page, name)`; `count` reads its jobs inside it. */
async function hold(page: Page, name: string): Promise<void> {
  await page.evaluate(
    (name) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['meta', 'jobs', 'flows'], 'readwrite');
          const meta = tx.objectStore('meta');
          let stop = false;
          // A transaction takes requests only while one of its requests calls back: reads asked
          // for from outside are placed by the next turn of the loop.
          const reads: { store: string; done: (n: number) => void }[] = [];
          const spin = () => {
            for (const { store, done } of reads.splice(0)) tx.objectStore(store).count().onsuccess = (event) => done((event.target as IDBRequest<number>).result);
            if (!stop) meta.get('queue').onsuccess = spin;
          };
          spin();
          const count = (store: string) => new Promise<number>((done) => reads.push({ store, done }));
          window.state.holds ??= {};
          window.state.holds[name] = {
            count,
            release: () =>
              new Promise<void>((done) => {
                stop = true;
                tx.oncomplete = () => {
                  db.close();
                  done();
                };
              }),
          };
          resolve();
        };
      }),
    name,
  );
}

const heldCount = (page: Page, name: string, store: 'jobs' | 'flows') => page.evaluate(([name, store]) => window.state.holds[name].count(store) as Promise<number>, [name, store] as const);
const release = (page: Page, name: string) => page.evaluate((name) => window.state.holds[name].release() as Promise<void>, name);

/** A tab dies: closed with no unload handler run; nothing of it runs again. */
async function kill(page: Page): Promise<void> {
  await page.close({ runBeforeUnload: false });
}

/** Open the queues once, so their databases exist at the current version before a tab holds one. */
async function createQueues(page: Page, names: string[]): Promise<void> {
  await page.evaluate(async (names) => {
    for (const name of names) {
      const queue = new window.jobtrail.Queue(name);
      await queue.getJobCounts();
      await queue.close();
    }
  }, names);
}

/** What the first queue and the children's queue hold of the flow, read through jobtrail (which completes a pending flow first). */
async function stored(page: Page) {
  return page.evaluate(async () => {
    const assemble = window.openQueue('assemble');
    const parts = window.openQueue('parts');
    const parents = await assemble.getWaitingChildren();
    const children = await parts.getJobs(['waiting']);
    const out = {
      parents: parents.length,
      unprocessed: parents.length === 1 ? (await parents[0]!.getDependenciesCount()).unprocessed : null,
      children: children.length,
      childrenOfTheParent: children.filter((c) => c.parent?.id === parents[0]?.id).length,
      counts: { assemble: await assemble.getJobCountByTypes(), parts: await parts.getJobCountByTypes() },
    };
    await Promise.all([assemble.close(), parts.close()]);
    return out;
  });
}

/** Start adding a flow of one parent and 200 children in another queue; resolves once its first transaction committed. */
async function startAdding(page: Page, whenFirstCommitted: boolean): Promise<void> {
  await page.evaluate(async (whenFirstCommitted) => {
    const assemble = window.openQueue('assemble');
    const committed = new Promise((resolve) => assemble.once('global:waiting-children', resolve));
    const flows = new window.jobtrail.FlowProducer();
    window.state.adding = flows.add({
      name: 'file',
      queueName: 'assemble',
      children: Array.from({ length: 200 }, (_, n) => ({ name: 'part', queueName: 'parts', data: { n, bytes: 'x'.repeat(1000) } })),
    });
    window.state.adding.catch(() => {});
    if (whenFirstCommitted) await committed;
    else await new Promise<void>((resolve) => {
      // The adding tab holds the flow's Web Lock from just before its first transaction.
      const look = async () => ((await navigator.locks.query()).held?.some((l) => l.name?.startsWith('jobtrail-flow:')) ? resolve() : setTimeout(look, 5));
      void look();
    });
  }, whenFirstCommitted);
}

test('a tab killed during a 200-child add before its first transaction commits leaves no trace of the flow', async ({ openTab }) => {
  const [adder, holder] = [await openTab(), await openTab()];
  await createQueues(adder, ['assemble', 'parts']);
  await hold(holder, 'jobtrail:assemble');
  await startAdding(adder, false);
  await kill(adder);
  expect(await heldCount(holder, 'jobtrail:assemble', 'jobs')).toBe(0);
  await release(holder, 'jobtrail:assemble');

  const after = await openTab();
  expect(await stored(after)).toEqual({ parents: 0, unprocessed: null, children: 0, childrenOfTheParent: 0, counts: { assemble: 0, parts: 0 } });
});

test('a tab killed during a 200-child add after its first transaction: the next tab to open the queue finds the whole flow', async ({ openTab }) => {
  const [adder, holder] = [await openTab(), await openTab()];
  await createQueues(adder, ['assemble', 'parts']);
  await hold(holder, 'jobtrail:parts');
  await startAdding(adder, true);
  await kill(adder);
  // Half of the flow is stored: the parent and its intent, no child.
  expect(await heldCount(holder, 'jobtrail:parts', 'jobs')).toBe(0);
  await release(holder, 'jobtrail:parts');
  const raw = await holder.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve) => {
      const open = indexedDB.open('jobtrail:assemble');
      open.onsuccess = () => resolve(open.result);
    });
    const count = (store: string) => new Promise<number>((resolve) => (db.transaction(store).objectStore(store).count().onsuccess = (e) => resolve((e.target as IDBRequest<number>).result)));
    const out = { jobs: await count('jobs'), intents: await count('flows') };
    db.close();
    return out;
  });
  expect(raw).toEqual({ jobs: 1, intents: 1 });

  const after = await openTab();
  expect(await stored(after)).toEqual({ parents: 1, unprocessed: 200, children: 200, childrenOfTheParent: 200, counts: { assemble: 1, parts: 200 } });
});

test('a tab killed during a 200-child add: a tab that has the queue open completes the flow when the dead tab lets go', async ({ openTab }) => {
  const [adder, holder] = [await openTab(), await openTab()];
  await createQueues(adder, ['assemble', 'parts']);
  await holder.evaluate(async () => {
    const assemble = (window.state.assemble = window.openQueue('assemble'));
    await assemble.getJobCounts();
  });
  await hold(holder, 'jobtrail:parts');
  await startAdding(adder, true);
  await kill(adder);
  await release(holder, 'jobtrail:parts');
  // No new tab, no reload: the open queue saw the flow begin, waited on the adding tab's lock, got
  // it when the tab died, and completed the flow.
  await expect.poll(() => holder.evaluate(async () => (await window.state.assemble.getWaitingChildren())[0]?.getDependenciesCount().then((c: { unprocessed: number }) => c.unprocessed) ?? null)).toBe(200);
  // The parent (its queue's wave) commits before the children (theirs): wait for the last wave.
  await expect.poll(() => stored(holder)).toMatchObject({ parents: 1, children: 200, childrenOfTheParent: 200 });
});

test('an add that completes normally resolves with the whole tree; a second tab sees all of it', async ({ openTab }) => {
  const [adder, other] = [await openTab(), await openTab()];
  const ids = await adder.evaluate(async () => {
    const flows = new window.jobtrail.FlowProducer();
    const tree = await flows.add({ name: 'file', queueName: 'assemble', children: Array.from({ length: 200 }, (_, n) => ({ name: 'part', queueName: 'parts', data: { n } })) });
    await flows.close();
    return { parent: tree.job.id, children: tree.children!.length };
  });
  expect(ids.children).toBe(200);
  expect(await stored(other)).toMatchObject({ parents: 1, unprocessed: 200, children: 200, childrenOfTheParent: 200 });
});

test('a flow across two queues survives a browser restart, and a child outcome not yet delivered is delivered after it', async ({ openTab, baseURL }) => {
  const profile = await mkdtemp(join(tmpdir(), 'jobtrail-e2e-flows-'));
  try {
    const firstRun = await chromium.launchPersistentContext(profile, { ...launchOptions, baseURL });
    const [worker, holder] = [await openTab(firstRun), await openTab(firstRun)];
    const ids = await worker.evaluate(async () => {
      const flows = new window.jobtrail.FlowProducer();
      const tree = await flows.add({
        name: 'file',
        queueName: 'assemble',
        children: [1, 2, 3, 4].map((n) => ({ name: 'part', queueName: 'parts', data: { n } })),
      });
      await flows.close();
      return { parent: tree.job.id, children: tree.children!.map((c) => c.job.id) };
    });
    // Parts 1 and 2 complete in this run, one at a time, when the test lets them: part 1 reaches
    // its parent; part 2 completes while the parent's database is held, so its outcome is still in
    // the outbox when the browser closes. Part 3 is running then.
    await worker.evaluate(async () => {
      const allowed = new Map<number, () => void>();
      const gates = new Map<number, Promise<void>>();
      const gate = (n: number) => {
        if (!gates.has(n)) gates.set(n, new Promise<void>((resolve) => allowed.set(n, resolve)));
        return gates.get(n)!;
      };
      window.state.allow = (n: number) => {
        void gate(n);
        allowed.get(n)!();
      };
      const parts = (window.state.parts = window.openQueue<{ n: number }, string>('parts'));
      await parts.process('part', 1, async (job) => {
        await gate(job.data.n);
        return `etag-${job.data.n}`;
      });
    });
    const completedInParts = () => worker.evaluate(async () => (await window.state.parts.getCompleted()).length);
    const processedInAssemble = () => worker.evaluate(async (parent) => {
      const assemble = window.openQueue('assemble');
      const n = (await (await assemble.getJob(parent))!.getDependenciesCount()).processed;
      await assemble.close();
      return n;
    }, ids.parent);
    await worker.evaluate(() => window.state.allow(1));
    await expect.poll(processedInAssemble).toBe(1);
    await hold(holder, 'jobtrail:assemble');
    await worker.evaluate(() => window.state.allow(2));
    await expect.poll(completedInParts).toBe(2);
    const outbox = await holder.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve) => {
        const open = indexedDB.open('jobtrail:parts');
        open.onsuccess = () => resolve(open.result);
      });
      const n = await new Promise<number>((resolve) => (db.transaction('outbox').objectStore('outbox').count().onsuccess = (e) => resolve((e.target as IDBRequest<number>).result)));
      db.close();
      return n;
    });
    expect(outbox).toBe(1);
    // The worker tab goes first, so its delivery waiting on the held database dies with it.
    await worker.close({ runBeforeUnload: false });
    await firstRun.close();

    const secondRun = await chromium.launchPersistentContext(profile, { ...launchOptions, baseURL });
    const after = await openTab(secondRun);
    const out = await after.evaluate(async (ids) => {
      const assemble = window.openQueue('assemble');
      const before = await (await assemble.getJob(ids.parent))!.getDependenciesCount();
      // Opening the children's queue delivers what its outbox still holds.
      const parts = window.openQueue<{ n: number }, string>('parts');
      await parts.process('part', async (job) => `etag-${job.data.n}`);
      await assemble.process('file', async (job) => job.getChildrenValues());
      const values = await (await assemble.getJob(ids.parent))!.finished();
      const history = (await assemble.getJobHistory(ids.parent)).map((e) => e.type);
      return { before, values, history };
    }, ids);
    await secondRun.close();

    expect(out.before).toEqual({ processed: 1, unprocessed: 3, ignored: 0, failed: 0 });
    expect(Object.keys(out.values as object).sort()).toEqual(ids.children.map((id) => `parts:${id}`).sort());
    expect(out.history).toEqual(['added', 'childCompleted', 'childCompleted', 'childCompleted', 'childCompleted', 'active', 'completed']);
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
});
