// The inspector element in Chromium: what it shows, its time travel, its actions (through the
// public API), that job data stays text, that it is live across tabs, and that it copes with
// 100,000 jobs. The page is pages/inspector/ (the harness plus a <jobtrail-inspector>).
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** Opens the inspector page as a new tab (with the fixture's error checks). */
async function openInspector(openTab: () => Promise<Page>, query = 'queue=q'): Promise<Page> {
  const page = await openTab();
  await page.goto(`/inspector/?${query}`);
  await page.waitForFunction(() => window.harnessReady === true);
  return page;
}

/** The parts of the inspector tests look at; locators pierce its open shadow root. */
function inspector(page: Page) {
  const root = page.locator('jobtrail-inspector');
  const detail = root.locator('section.detail');
  return {
    root,
    ids: root.locator('.job-table tbody tr[data-id] td:first-child'),
    row: (id: string) => root.locator(`.job-table tbody tr[data-id="${id}"]`),
    count: (state: string) => root.locator(`.counts button[data-state="${state}"] .n`),
    filter: (state: string) => root.locator(`.counts button[data-state="${state}"]`),
    range: root.locator('.pager .range'),
    status: root.locator('p.status'),
    error: root.locator('.error'),
    detail,
    heading: detail.locator('h3'),
    timelineTypes: detail.locator('.timeline tbody td.type'),
    slider: detail.getByRole('slider', { name: 'After event' }),
    travelState: detail.locator('.travel-row .badge'),
    travelJson: detail.locator('pre.travel-json'),
    json: detail.locator('pre.json'),
    machineNode: (state: string) => detail.locator(`.machine-svg .node.state-${state}`),
    button: (name: string | RegExp) => root.getByRole('button', { name }),
  };
}

/** Resolves with a job's state as the page's own queue reads it. */
const stateOf = (page: Page, id: string) =>
  page.evaluate(async (id) => (await (await window.state.queue.getJob(id))?.getState()) ?? null, id);

test('lists the jobs newest first with counts, filters and searches, and opens a job from the keyboard', async ({ openTab }) => {
  const page = await openInspector(openTab);
  const ui = inspector(page);
  await page.evaluate(async () => {
    const queue = (window.state.queue = window.openQueue('q'));
    await queue.add('upload', { file: 'a.png' });
    await queue.add('upload', { file: 'b.png' }, { delay: 60_000 });
    await queue.add('resize', { width: 100 });
  });

  await expect(ui.ids).toHaveText(['3', '2', '1']);
  await expect(ui.count('all')).toHaveText('3');
  await expect(ui.count('waiting')).toHaveText('2');
  await expect(ui.count('delayed')).toHaveText('1');
  await expect(ui.range).toHaveText('Page 1 · 1–3 of 3');

  // Keyboard: the first row takes focus, arrows move, Enter opens.
  await ui.row('3').focus();
  await page.keyboard.press('ArrowDown');
  await expect(ui.row('2')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(ui.row('2')).toHaveAttribute('aria-current', 'true');
  await expect(ui.heading).toHaveText('Job 2 upload delayed');
  await expect(ui.timelineTypes).toHaveText(['added']);
  await expect(ui.json).toContainText('"file": "b.png"');
  await expect(ui.machineNode('delayed')).toHaveAttribute('aria-current', 'step');
  await page.keyboard.press('End');
  await expect(ui.row('1')).toBeFocused();
  await page.keyboard.press(' ');
  await expect(ui.heading).toHaveText('Job 1 upload waiting');

  await ui.filter('delayed').click();
  await expect(ui.filter('delayed')).toHaveAttribute('aria-pressed', 'true');
  await expect(ui.ids).toHaveText(['2']);
  await ui.filter('all').click();

  const search = ui.root.getByRole('search');
  await search.getByRole('searchbox', { name: 'Search text' }).fill('up');
  await search.getByRole('button', { name: 'Search' }).click();
  await expect(ui.ids).toHaveText(['2', '1']);
  await search.getByRole('combobox', { name: 'Search by' }).selectOption('id');
  await search.getByRole('searchbox', { name: 'Search text' }).fill('3');
  await search.getByRole('button', { name: 'Search' }).click();
  await expect(ui.ids).toHaveText(['3']);
  await search.getByRole('searchbox', { name: 'Search text' }).fill('42');
  await search.getByRole('button', { name: 'Search' }).click();
  await expect(ui.root.locator('.job-table tbody')).toHaveText('No job with id 42.');
  await search.getByRole('button', { name: 'Clear' }).click();
  await expect(ui.ids).toHaveText(['3', '2', '1']);
});

test('shows a job’s timeline, and time travel shows the job as it was after an earlier event', async ({ openTab }, testInfo) => {
  const page = await openInspector(openTab);
  await page.setViewportSize({ width: 1360, height: 1000 });
  const ui = inspector(page);
  await page.evaluate(async () => {
    const worker = window.openQueue('q');
    let attempt = 0;
    const resize = await worker.add('resize', { n: 21 }, { attempts: 2 });
    const upload = await worker.add('upload', { file: 'holiday.mov', size: 73_400_320 });
    await worker.process(async (job) => {
      if (job.name === 'upload') throw new Error('Upload failed: 503 Service Unavailable');
      await job.updateProgress(50);
      await job.log('resizing');
      if (++attempt === 1) throw new Error('the image server was busy');
      await job.updateProgress(100);
      return job.data.n * 2;
    });
    await resize.finished();
    await upload.finished().catch(() => {});
    await worker.close();
    // Neighbours that nobody processes, for a fuller picture (and the screenshot).
    const queue = (window.state.queue = window.openQueue('q'));
    await queue.add('upload', { file: 'report.pdf', size: 48_213 }, { delay: 3_600_000 });
    await queue.add('email', { to: 'ada@example.com', template: 'welcome' });
    await queue.add('thumbnail', { src: 'cat.jpg', width: 320 }, { priority: 1 });
  });

  await ui.row('1').click();
  await expect(ui.heading).toHaveText('Job 1 resize completed');
  await expect(ui.timelineTypes).toHaveText(['added', 'active', 'progress', 'log', 'failed', 'active', 'progress', 'log', 'progress', 'completed']);
  await expect(ui.detail.locator('.timeline tbody tr').nth(4)).toContainText('the image server was busy');
  await expect(ui.machineNode('completed')).toHaveAttribute('aria-current', 'step');
  await expect(ui.travelState).toHaveText('completed');
  await expect(ui.json).toContainText('"returnvalue": 42');

  // Right after `added`: waiting, nothing tried yet.
  await ui.slider.fill('1');
  await expect(ui.travelState).toHaveText('waiting');
  await expect(ui.machineNode('waiting')).toHaveAttribute('aria-current', 'step');
  await expect(ui.travelJson).toContainText('"attemptsMade": 0');
  await expect(ui.travelJson).toContainText('"returnvalue": null');
  // After the failed attempt: waiting again, with the failure recorded.
  await ui.slider.fill('5');
  await expect(ui.travelState).toHaveText('waiting');
  await expect(ui.travelJson).toContainText('"attemptsMade": 1');
  await expect(ui.travelJson).toContainText('"failedReason": "the image server was busy"');
  await expect(ui.detail.locator('.timeline tbody tr[aria-current="step"] td.type')).toHaveText('failed');
  await expect(ui.detail.locator('.machine-svg .edge.taken text')).toContainText('failed');
  // The present is untouched by travelling.
  await expect(ui.json).toContainText('"returnvalue": 42');
  // Keyboard on the slider: End returns to the newest event.
  await ui.slider.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(ui.travelState).toHaveText('active');
  await page.keyboard.press('End');
  await expect(ui.travelState).toHaveText('completed');

  await ui.slider.fill('6');
  await expect(ui.travelState).toHaveText('active');
  await ui.slider.blur();
  const shot = await ui.root.screenshot();
  await testInfo.attach('inspector', { body: shot, contentType: 'image/png' });
  // The README's picture: written when missing, or again with JOBTRAIL_DOCS_SCREENSHOT=1, so
  // test runs leave the tree alone.
  const docs = fileURLToPath(new URL('../../docs/', import.meta.url));
  if (!existsSync(`${docs}inspector.png`) || process.env.JOBTRAIL_DOCS_SCREENSHOT === '1') {
    mkdirSync(docs, { recursive: true });
    await ui.root.screenshot({ path: `${docs}inspector.png` });
  }
  await page.emulateMedia({ colorScheme: 'dark' });
  await testInfo.attach('inspector-dark', { body: await ui.root.screenshot(), contentType: 'image/png' });
});

test('retry and remove go through the API and into the log; a refused action shows its error', async ({ openTab }) => {
  const page = await openInspector(openTab);
  const ui = inspector(page);
  await page.evaluate(async () => {
    const queue = (window.state.queue = window.openQueue('q'));
    const tries = new Map<string, number>();
    let release!: () => void;
    window.state.release = () => release();
    const held = new Promise<void>((resolve) => (release = resolve));
    await queue.process('*', 2, async (job) => {
      if (job.name === 'hold') return held;
      const n = (tries.get(job.id) ?? 0) + 1;
      tries.set(job.id, n);
      if (job.name === 'flaky' && n === 1) throw new Error('flaky the first time');
      return 'ok';
    });
    const flaky = await queue.add('flaky', {});
    await flaky.finished().catch(() => {});
    await (await queue.add('fine', {})).finished();
    await queue.add('hold', {});
  });
  await expect(ui.count('failed')).toHaveText('1');
  await expect(ui.count('active')).toHaveText('1');

  // Retry the failed job: it runs again and completes; the log shows the retry.
  await ui.row('1').click();
  await expect(ui.heading).toHaveText('Job 1 flaky failed');
  await expect(ui.button('Promote')).toBeDisabled();
  await ui.button('Retry').click();
  await expect(ui.status).toHaveText('Retried job 1.');
  await expect(ui.timelineTypes).toHaveText(['added', 'active', 'failed', 'retried', 'active', 'completed']);
  await expect(ui.heading).toHaveText('Job 1 flaky completed');

  // Remove a completed job: gone from the table, the store and the detail.
  await ui.row('2').click();
  await expect(ui.heading).toHaveText('Job 2 fine completed');
  await ui.button('Remove').click();
  await expect(ui.status).toHaveText('Removed job 2.');
  await expect(ui.ids).toHaveText(['3', '1']);
  await expect(ui.detail.locator('.placeholder')).toBeVisible();
  expect(await stateOf(page, '2')).toBeNull();

  // An active job may only be removed by its processor: the refusal is shown, nothing changes.
  await ui.row('3').click();
  await expect(ui.heading).toHaveText('Job 3 hold active');
  await ui.button('Remove').click();
  await expect(ui.error).toBeVisible();
  await expect(ui.error).toContainText('Removing job 3 failed: Cannot remove job 3: it is active');
  await expect(ui.error).toContainText('ERR_REFUSED');
  expect(await stateOf(page, '3')).toBe('active');
  await ui.error.getByRole('button', { name: 'Dismiss' }).click();
  await expect(ui.error).toBeHidden();
  await page.evaluate(() => window.state.release());
  await expect(ui.heading).toHaveText('Job 3 hold completed');
});

test('pause and resume the queue, promote a delayed job, and clean finished jobs', async ({ openTab }) => {
  const page = await openInspector(openTab);
  const ui = inspector(page);
  await page.evaluate(async () => {
    const queue = (window.state.queue = window.openQueue('q'));
    await queue.process('*', async () => 'done');
    await (await queue.add('first', {})).finished();
    await queue.add('later', {}, { delay: 3_600_000 });
  });
  await expect(ui.count('completed')).toHaveText('1');

  await ui.button('Pause queue').click();
  await expect(ui.root.locator('.paused-badge')).toBeVisible();
  await expect(ui.button('Resume queue')).toBeVisible();
  expect(await page.evaluate(() => window.state.queue.isPaused())).toBe(true);

  // Promoted while paused: the job waits instead of running.
  await ui.row('2').click();
  await expect(ui.button('Retry')).toBeDisabled();
  await ui.button('Promote').click();
  await expect(ui.heading).toHaveText('Job 2 later waiting');
  await expect(ui.timelineTypes).toHaveText(['added', 'promoted']);

  await ui.button('Resume queue').click();
  await expect(ui.root.locator('.paused-badge')).toBeHidden();
  await expect(ui.heading).toHaveText('Job 2 later completed');
  expect(await page.evaluate(() => window.state.queue.isPaused())).toBe(false);

  await ui.button('Clean finished jobs').click();
  await expect(ui.status).toHaveText('Cleaned 2 completed and 0 failed jobs.');
  await expect(ui.count('all')).toHaveText('0');
  await expect(ui.root.locator('.job-table tbody')).toHaveText('No jobs yet. Add one below.');
});

test('adds a job from the form, with clear errors for bad JSON and refused options', async ({ openTab }) => {
  const page = await openInspector(openTab);
  const ui = inspector(page);
  const form = ui.root.locator('details.add');
  await form.locator('summary').click();
  const data = form.getByRole('textbox', { name: 'Data (JSON)' });
  const opts = form.getByRole('textbox', { name: /^Options/ });
  const add = form.getByRole('button', { name: 'Add job' });

  await form.getByRole('textbox', { name: 'Name' }).fill('thumbnail');
  await data.fill('{"width": 100,\n "height": }');
  await add.click();
  await expect(data).toHaveAttribute('aria-invalid', 'true');
  await expect(form.locator('#add-data-error')).toContainText('Data is not valid JSON: Unexpected token');
  await expect(data).toBeFocused();

  await data.fill('{"width": 100}');
  await opts.fill('[1, 2]');
  await add.click();
  await expect(data).toHaveAttribute('aria-invalid', 'false');
  await expect(form.locator('#add-opts-error')).toHaveText('Options must be a JSON object, like {"delay": 5000, "attempts": 3}');

  // Valid JSON, but the queue refuses the option: the API's own message is shown.
  await opts.fill('{"attempts": 0}');
  await add.click();
  await expect(form.locator('.form-error')).toContainText('attempts');
  await expect(ui.error).toContainText('Adding a job failed');
  await expect(ui.count('all')).toHaveText('0');

  await opts.fill('{"delay": 60000}');
  await add.click();
  await expect(ui.status).toHaveText('Added job 1.');
  await expect(ui.error).toBeHidden();
  await expect(ui.heading).toHaveText('Job 1 thumbnail delayed');
  await expect(ui.json).toContainText('"width": 100');
  await expect(ui.json).toContainText('"delay": 60000');
});

test('job data, names, logs and errors holding markup are shown as text and never run', async ({ openTab }) => {
  const page = await openInspector(openTab);
  const ui = inspector(page);
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const payload = '<img src=x onerror="window.pwned=1;alert(1)">';
  await page.evaluate(async (payload) => {
    const queue = (window.state.queue = window.openQueue('q'));
    await queue.process('*', async (job) => {
      await job.log(`<script>window.pwned=2</script>${payload}`);
      await job.updateProgress({ html: payload });
      throw new Error(payload);
    });
    const job = await queue.add(payload, { html: payload, svg: '<svg onload="window.pwned=3"></svg>' });
    await job.finished().catch(() => {});
  }, payload);

  await expect(ui.row('1')).toContainText(payload);
  await ui.row('1').click();
  await expect(ui.heading).toContainText(payload);
  await expect(ui.json).toContainText(JSON.stringify(payload));
  await expect(ui.detail.locator('.timeline')).toContainText('<script>window.pwned=2</script>');
  await expect(ui.json).toContainText(`"failedReason": ${JSON.stringify(payload)}`);
  // None of it became elements, so nothing could load, error or run.
  await expect(ui.root.locator('img, script, iframe, svg:not(.machine-svg)')).toHaveCount(0);
  expect(await page.evaluate(() => (window as { pwned?: unknown }).pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
});

test('a change made in another tab shows in the inspector within a second', async ({ openTab }) => {
  const watching = await openInspector(openTab);
  const ui = inspector(watching);
  await expect(ui.root.locator('.job-table tbody')).toHaveText('No jobs yet. Add one below.');
  const other = await openTab();
  await other.evaluate(async () => {
    window.state.queue = window.openQueue('q');
    window.state.job = await window.state.queue.add('from-the-other-tab', { n: 1 });
  });
  await expect(ui.row('1'), 'the new job').toContainText('from-the-other-tab', { timeout: 1_000 });
  await ui.row('1').click();
  await expect(ui.heading).toHaveText('Job 1 from-the-other-tab waiting');

  // A log line has no global event: the inspector still hears of it.
  await other.evaluate(() => window.state.job.log('hello from tab 2'));
  await expect(ui.timelineTypes, 'the log line').toHaveText(['added', 'log'], { timeout: 1_000 });

  // Live updates keep the keyboard focus where it was.
  await ui.filter('waiting').focus();
  await other.evaluate(() => window.state.queue.add('second', {}));
  await expect(ui.count('waiting')).toHaveText('2', { timeout: 1_000 });
  await expect(ui.filter('waiting')).toBeFocused();
  await ui.row('1').focus();
  await other.evaluate(() => window.state.queue.add('third', {}));
  await expect(ui.ids).toHaveText(['3', '2', '1'], { timeout: 1_000 });
  await expect(ui.row('1')).toBeFocused();

  await other.evaluate(() => window.state.queue.pause());
  await expect(ui.root.locator('.paused-badge'), 'the pause').toBeVisible({ timeout: 1_000 });

  await other.evaluate(async () => {
    await window.state.queue.resume();
    await window.state.queue.process(async () => 'done');
    await window.state.job.finished();
  });
  await expect(ui.heading, 'the completion').toHaveText('Job 1 from-the-other-tab completed', { timeout: 1_000 });
});

test('stays usable with 100,000 jobs: pages, searches and counts read only what they show', async ({ openTab }) => {
  test.setTimeout(240_000);
  const page = await openInspector(openTab);
  const ui = inspector(page);
  await page.evaluate(async () => {
    const queue = (window.state.queue = window.openQueue('q'));
    for (let start = 0; start < 100_000; start += 5_000) {
      await queue.addBulk(Array.from({ length: 5_000 }, (_, i) => ({ name: `job-${(start + i) % 10}`, data: { i: start + i } })));
    }
  });
  await expect(ui.count('all')).toHaveText('100,000');
  await expect(ui.ids.first()).toHaveText('100000');
  await expect(ui.ids).toHaveCount(50);
  await expect(ui.range).toHaveText('Page 1 · 1–50 of 100,000');

  await ui.button('Older →').click();
  await expect(ui.ids.first()).toHaveText('99950');
  await expect(ui.range).toHaveText('Page 2 · 51–100 of 100,000');
  await ui.button('← Newer').click();
  await expect(ui.ids.first()).toHaveText('100000');

  const search = ui.root.getByRole('search');
  // Job i + 1 is named job-(i % 10): the newest job-7 is 99998.
  await search.getByRole('searchbox', { name: 'Search text' }).fill('job-7');
  await search.getByRole('button', { name: 'Search' }).click();
  await expect(ui.ids.first()).toHaveText('99998');
  await expect(ui.ids.nth(1)).toHaveText('99988');
  await search.getByRole('combobox', { name: 'Search by' }).selectOption('id');
  await search.getByRole('searchbox', { name: 'Search text' }).fill('12345');
  await search.getByRole('button', { name: 'Search' }).click();
  await expect(ui.ids).toHaveText(['12345']);
  await ui.row('12345').click();
  await expect(ui.heading).toHaveText('Job 12345 job-4 waiting');
  await expect(ui.json).toContainText('"i": 12344');

  // Live while it is big: one more job shows on top.
  await search.getByRole('button', { name: 'Clear' }).click();
  await page.evaluate(() => window.state.queue.add('the-last-one', {}));
  await expect(ui.ids.first()).toHaveText('100001');
  await expect(ui.count('waiting')).toHaveText('100,001');
});

test('shows the job schedulers with their schedule, next run and iterations, their changes from any tab, and removes one', async ({ openTab }) => {
  const page = await openInspector(openTab);
  const other = await openTab();
  const ui = inspector(page);
  const schedulers = ui.root.locator('details.schedulers');
  const row = (id: string) => schedulers.locator(`tr[data-scheduler="${id}"]`);
  await other.evaluate(async () => {
    const queue = (window.state.queue = window.openQueue('q'));
    await queue.upsertJobScheduler('sync-drafts', { every: 300_000 }, { name: 'sync' });
    await queue.upsertJobScheduler('cleanup', { pattern: '0 3 * * *', tz: 'Europe/Berlin', limit: 10 });
  });
  await expect(schedulers.locator('summary .n')).toHaveText('2');
  await expect(row('sync-drafts').locator('td')).toHaveText(['sync-drafts → sync', 'every 5 min', /^\d{4}-\d\d-\d\d \d\d:\d\d:00\.000$/, '1', 'Remove']);
  await expect(row('cleanup').locator('td.schedule')).toHaveText('0 3 * * * (Europe/Berlin)');
  await expect(row('cleanup').locator('td.iterations')).toHaveText('1 / 10');
  // The next run is the iteration waiting in the job table.
  const next = await other.evaluate(async () => (await window.state.queue.getJobScheduler('sync-drafts')).next);
  await expect(ui.row(`repeat:sync-drafts:${next}`)).toBeVisible();

  // A change in the other tab shows as it happens.
  await other.evaluate(() => window.state.queue.upsertJobScheduler('sync-drafts', { every: 600_000 }, { name: 'sync' }));
  await expect(row('sync-drafts').locator('td.schedule')).toHaveText('every 10 min');
  await expect(schedulers.locator('.scheduler-changes li').first()).toContainText('sync-drafts added its next iteration');
  await expect(schedulers.locator('.scheduler-changes li[data-type="schedulerUpserted"]').first()).toContainText('sync-drafts created or changed');

  await ui.button('Remove job scheduler cleanup').click();
  await expect(ui.status).toHaveText('Removed job scheduler cleanup.');
  await expect(row('cleanup')).toHaveCount(0);
  await expect(schedulers.locator('.scheduler-changes li').first()).toContainText('cleanup removed');
  expect(await other.evaluate(async () => (await window.state.queue.getJobSchedulers()).map((s: { id: string }) => s.id))).toEqual(['sync-drafts']);
});

test('importing defines nothing; defineInspector() registers the element once, under any name', async ({ openTab }) => {
  const page = await openInspector(openTab, 'define=no');
  const result = await page.evaluate(() => {
    const before = customElements.get('jobtrail-inspector');
    const first = window.inspectorModule.defineInspector();
    const again = window.inspectorModule.defineInspector();
    const other = window.inspectorModule.defineInspector('my-inspector');
    return {
      before: before === undefined,
      same: first === again && customElements.get('jobtrail-inspector') === first,
      other: other !== first && customElements.get('my-inspector') === other,
      isElement: document.createElement('my-inspector') instanceof window.inspectorModule.JobtrailInspector,
    };
  });
  expect(result).toEqual({ before: true, same: true, other: true, isElement: true });

  // The element under another name works the same.
  await page.evaluate(async () => {
    const queue = (window.state.queue = window.openQueue('named'));
    await queue.add('hello', {});
    document.body.append(Object.assign(document.createElement('my-inspector'), { queue: 'named' }));
  });
  await expect(page.locator('my-inspector .job-table tbody tr[data-id="1"]')).toContainText('hello');
});

test('opens the first queue of the origin, switches queues, and closes its queue when removed', async ({ openTab }) => {
  const page = await openTab();
  await page.evaluate(async () => {
    await window.openQueue('alpha').add('a-job', {});
    await window.openQueue('beta').add('b-job', {});
    await window.openQueue('gamma', { prefix: 'elsewhere' }).add('g-job', {});
  });
  await page.goto('/inspector/');
  await page.waitForFunction(() => window.harnessReady === true);
  const ui = inspector(page);
  const select = ui.root.getByRole('combobox', { name: 'Queue' });
  await expect(select.locator('option')).toHaveText(['alpha', 'beta']);
  await expect(ui.row('1')).toContainText('a-job');

  await select.selectOption('beta');
  await expect(ui.row('1')).toContainText('b-job');
  await expect(ui.root).toHaveAttribute('queue', 'beta');

  await page.evaluate(() => document.querySelector('jobtrail-inspector')!.setAttribute('prefix', 'elsewhere'));
  // `beta` does not exist under that prefix: the inspector opens it (empty), like any app would.
  await expect(ui.count('all')).toHaveText('0');
  await page.evaluate(() => document.querySelector('jobtrail-inspector')!.setAttribute('queue', 'gamma'));
  await expect(ui.row('1')).toContainText('g-job');

  const closed = await page.evaluate(async () => {
    const closed: string[] = [];
    const close = window.jobtrail.Queue.prototype.close;
    window.jobtrail.Queue.prototype.close = function (this: InstanceType<typeof window.jobtrail.Queue>, ...args) {
      closed.push(`${this.prefix}:${this.name}`);
      return close.apply(this, args);
    };
    document.querySelector('jobtrail-inspector')!.remove();
    await new Promise((resolve) => setTimeout(resolve, 0));
    return closed;
  });
  expect(closed).toEqual(['elsewhere:gamma']);
});

test('shows a flow: a parent waiting for its children in two queues, their states, and a child of another queue', async ({ openTab }) => {
  const page = await openInspector(openTab, 'queue=files');
  const ui = inspector(page);
  const ids = await page.evaluate(async () => {
    const flows = new window.jobtrail.FlowProducer();
    const { job, children } = await flows.add({
      name: 'assemble',
      queueName: 'files',
      children: [
        { name: 'part', queueName: 'parts', data: { n: 1 } },
        { name: 'part', queueName: 'parts', data: { n: 2 } },
        { name: 'checksum', queueName: 'files' },
      ],
    });
    const parts = (window.state.parts = window.openQueue('parts'));
    let first = true;
    await parts.process(async () => {
      if (first) {
        first = false;
        return 'etag-1';
      }
      return new Promise<string>(() => {}); // the second part is still uploading
    });
    await children![0]!.job.finished();
    await flows.close();
    return { parent: job.id, parts: [children![0]!.job.id, children![1]!.job.id], checksum: children![2]!.job.id };
  });

  await expect(ui.count('waiting-children')).toHaveText('1');
  await ui.row(ids.parent).click();
  await expect(ui.heading).toHaveText(`Job ${ids.parent} assemble waiting-children`);
  const flow = ui.detail.locator('section.flow');
  await expect(flow.locator('.flow-summary')).toHaveText('1 of 3 children completed.');
  const node = (queue: string, id: string) => flow.locator(`li[data-flow-job="${queue}:${id}"] > .node-line`);
  await expect(node('files', ids.parent).locator('.badge')).toHaveText('waiting-children');
  await expect(node('parts', ids.parts[0]!).locator('.badge')).toHaveText('completed');
  await expect(node('parts', ids.parts[1]!).locator('.badge')).toHaveText('active');
  await expect(node('files', ids.checksum).locator('.badge')).toHaveText('waiting');
  // The child's completion is an event of the parent, in its timeline and its machine.
  await expect(ui.timelineTypes).toHaveText(['added', 'childCompleted']);
  await expect(ui.machineNode('waiting-children')).toHaveAttribute('aria-current', 'step');

  // A child of another queue: the inspector opens that queue and shows it, with its parent.
  await node('parts', ids.parts[0]!).getByRole('button', { name: `Show job ${ids.parts[0]} of queue parts` }).click();
  await expect(ui.root).toHaveAttribute('queue', 'parts');
  await expect(ui.heading).toHaveText(`Job ${ids.parts[0]} part completed`);
  await expect(flow.locator('.flow-summary')).toHaveText(`A child of job ${ids.parent} (assemble, queue files), which is waiting-children.`);
});
