// The inspector element in Chromium: what it shows, its time travel, its actions (through the
// public API), that job data stays text, that it is live across tabs, and that it copes with
// 100,000 jobs; and issue 16's "readable at a glance": one-line payloads with a toggle, stack traces
// as lines, who ran each attempt, attempts in words, what a time-travel step changed, the chart of
// finished jobs, the live view of the instances, and a phone's width. The page is pages/inspector/
// (the harness plus a <jobtrail-inspector>). With JOBTRAIL_DOCS_SCREENSHOT=1 the pictures in docs/
// are written again.
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * The README's pictures: written when missing, or again with JOBTRAIL_DOCS_SCREENSHOT=1, so test
 * runs leave the tree alone.
 */
async function docsScreenshot(element: Locator, file: string): Promise<void> {
  const docs = fileURLToPath(new URL('../../docs/', import.meta.url));
  if (!existsSync(`${docs}${file}`) || process.env.JOBTRAIL_DOCS_SCREENSHOT === '1') {
    mkdirSync(docs, { recursive: true });
    await element.screenshot({ path: `${docs}${file}` });
  }
}

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
    event: (k: number) => detail.locator(`.timeline tbody tr[data-step="${k}"]`),
    changes: detail.locator('.travel-changes li'),
    chart: root.locator('figure.metrics'),
    lane: (kind: string) => root.locator(`.workers-list li[data-kind="${kind}"]`),
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
    // This tab processes the queue (and stays open, so the attempts' owner is a live tab).
    const worker = window.openQueue('q');
    let attempt = 0;
    const image = { src: 'https://images.example.com/holiday/IMG_2041.jpg', width: 4032, height: 3024, formats: ['avif', 'webp', 'jpeg'], camera: { make: 'Fujifilm', model: 'X100V', iso: 160 } };
    const resize = await worker.add('resize', { n: 21, image, sizes: [320, 640, 1280, 2560] }, { attempts: 2 });
    const upload = await worker.add('upload', { file: 'holiday.mov', size: 73_400_320 });
    // A thumbnail that is still being made: the live view shows it running in this tab.
    await worker.add('thumbnail', { src: 'cat.jpg', width: 320 });
    await worker.process('*', 3, async (job) => {
      if (job.name === 'thumbnail') {
        await job.updateProgress(40);
        return new Promise(() => {});
      }
      if (job.name === 'upload') throw new Error('Upload failed: 503 Service Unavailable');
      await job.updateProgress(50);
      await job.log('resizing');
      if (++attempt === 1) throw new Error('the image server was busy');
      await job.updateProgress(100);
      return job.data.n * 2;
    });
    await resize.finished();
    await upload.finished().catch(() => {});
    // This tab takes no more jobs (the thumbnail goes on): the neighbours below stay put.
    await worker.pause(true, true);
    // Neighbours, for a fuller picture (and the screenshot).
    const queue = (window.state.queue = window.openQueue('q'));
    await queue.add('upload', { file: 'report.pdf', size: 48_213 }, { delay: 3_600_000 });
    await queue.add('email', { to: 'ada@example.com', template: 'welcome' });
  });

  await ui.row('1').click();
  await expect(ui.heading).toHaveText('Job 1 resize completed');
  await expect(ui.timelineTypes).toHaveText(['added', 'active', 'progress', 'log', 'failed', 'active', 'progress', 'log', 'progress', 'completed']);
  await expect(ui.detail.locator('.timeline tbody tr').nth(4)).toContainText('the image server was busy');
  await expect(ui.machineNode('completed')).toHaveAttribute('aria-current', 'step');

  // Each payload is one line: the `added` row (a big payload) is no taller than a progress row.
  const toggle = (k: number) => ui.event(k).locator('button.toggle');
  await expect(toggle(0)).toHaveAttribute('aria-expanded', 'false');
  await expect(ui.event(0).locator('.payload .line')).toContainText('resize · data {"n": 21, "image": {');
  const height = async (k: number) => (await ui.event(k).boundingBox())!.height;
  expect(await height(0)).toBeLessThanOrEqual((await height(2)) + 1);
  // The toggle shows it whole; the event's name and time stay in sight.
  await toggle(0).click();
  await expect(toggle(0)).toHaveAttribute('aria-expanded', 'true');
  await expect(toggle(0)).toBeFocused();
  await expect(ui.event(0).locator('.payload pre')).toContainText('"model": "X100V"');
  expect(await height(0)).toBeGreaterThan((await height(2)) * 2);
  await expect(ui.event(0).locator('td.type')).toBeInViewport();
  await expect(ui.event(0).locator('td.time')).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(toggle(0)).toHaveAttribute('aria-expanded', 'false');
  // A stack trace is a list of lines, not one string with \n in it.
  await toggle(4).click();
  const stack = ui.event(4).locator('ol.stack li');
  await expect(stack.first()).toHaveText('Error: the image server was busy');
  expect(await stack.count()).toBeGreaterThan(1);
  await expect(stack.nth(1)).toHaveText(/^\s*at /);
  await expect(ui.event(4).locator('.payload')).not.toContainText('\\n');
  await toggle(4).click();
  // Who ran each attempt: this tab, by name and page, not a UUID.
  await expect(ui.event(1).locator('.payload .line')).toHaveText(/^run by tab 1 \(\/inspector\/\?queue=q\) · [0-9a-f]{8}$/);
  await expect(ui.event(5).locator('.payload .line')).toHaveText(/^run by tab 1 /);
  // Attempts in words: the second of two succeeded; the upload's only one failed.
  await expect(ui.row('1').locator('td.attempts')).toHaveText('succeeded on attempt 2 of 2');
  await expect(ui.row('2').locator('td.attempts')).toHaveText('its only attempt failed');
  // Which instance runs what, live: the thumbnail, in this tab.
  await expect(ui.lane('window').locator('.slot.busy')).toHaveText('#3 thumbnail');
  await expect(ui.lane('window').locator('.slot.idle')).toHaveCount(2);
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
  // What the failure changed, listed and marked in the snapshot; what it left alone is not marked.
  await expect(ui.changes.and(ui.detail.locator('[data-path="attemptsMade"]'))).toHaveText('attemptsMade changed: 0 → 1');
  await expect(ui.changes.and(ui.detail.locator('[data-path="failedReason"]'))).toHaveText('failedReason changed: null → "the image server was busy"');
  await expect(ui.changes.and(ui.detail.locator('[data-path="stacktrace"]'))).toContainText('stacktrace changed: null → Error: the image server was busy');
  // The stack it added reads as lines there too.
  expect(await ui.detail.locator('.travel-changes [data-path="stacktrace"] ins .item').first().textContent()).toMatch(/^Error: the image server was busy\n\s+at /);
  await expect(ui.travelJson.locator('.field.changed')).toHaveText([/"attemptsMade"/, /"failedReason"/, /"stacktrace"/]);
  await expect(ui.travelJson.locator('.field[data-key="data"]')).not.toHaveClass(/changed/);
  // The step after: a new attempt, so only when it was processed changed.
  await ui.slider.fill('6');
  await expect(ui.changes).toHaveText([/^processedOn changed: \d+ → \d+$/]);
  await ui.slider.fill('5');
  await expect(ui.detail.locator('.machine-svg .edge.taken text')).toContainText('failed');
  // The present is untouched by travelling.
  await expect(ui.json).toContainText('"returnvalue": 42');
  // Keyboard on the slider: End returns to the newest event.
  await ui.slider.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(ui.travelState).toHaveText('active');
  await page.keyboard.press('End');
  await expect(ui.travelState).toHaveText('completed');

  // The picture: the failed attempt, what it changed marked and in view, its stack open.
  await ui.slider.fill('5');
  await expect(ui.travelState).toHaveText('waiting');
  const [field, box] = [await ui.travelJson.locator('.field.changed').first().boundingBox(), await ui.travelJson.boundingBox()];
  expect(field!.y >= box!.y && field!.y + field!.height <= box!.y + box!.height, 'the first change is in the snapshot’s view').toBe(true);
  await ui.slider.blur();
  await toggle(4).click();
  await expect(stack.first()).toBeVisible();
  const shot = await ui.root.screenshot();
  await testInfo.attach('inspector', { body: shot, contentType: 'image/png' });
  await docsScreenshot(ui.root, 'inspector.png');
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
  // Shown whole too (the failure's stack, the log line): still text.
  const collapsed = ui.detail.locator('.timeline button.toggle[aria-expanded="false"]');
  while ((await collapsed.count()) > 0) await collapsed.first().click();
  await expect(ui.detail.locator('.timeline ol.stack li').first()).toHaveText(`Error: ${payload}`);
  await expect(ui.root.locator('img, script, iframe, svg:not(.machine-svg):not(.metrics-svg)')).toHaveCount(0);
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

test('names who ran each attempt (a tab, a Web Worker, a tab since closed) and shows live which instance runs what', async ({ openTab }) => {
  const page = await openInspector(openTab);
  const ui = inspector(page);
  const other = await openTab();
  // The other tab claims a job it never finishes.
  await other.evaluate(async () => {
    const queue = (window.state.queue = window.openQueue('q'));
    // One at a time, so it takes no other job while it holds this one.
    await queue.process('held', 1, () => new Promise(() => {}));
    await queue.add('held', { n: 1 });
  });
  await expect(ui.lane('window').locator('.name')).toHaveText('tab 1');
  await expect(ui.lane('window').locator('.where')).toHaveText('/');
  await expect(ui.lane('window').locator('.slot.busy')).toHaveText('#1 held');
  await expect(ui.lane('window').locator('.slot.idle')).toHaveCount(0);

  // A Web Worker that processes the queue itself, two at a time.
  await page.evaluate(async () => {
    const worker = new Worker(`${window.workerUrls.queue}${window.workerUrls.queue.includes('?') ? '&' : '?'}queue=q&concurrency=2`, { type: 'module' });
    await new Promise((ready) => worker.addEventListener('message', ready, { once: true }));
    window.state.worker = worker;
    const queue = (window.state.queue = window.openQueue('q'));
    await (await queue.add('in-worker', {})).finished();
  });
  await expect(ui.root.locator('.workers-list li[data-worker]')).toHaveCount(2);
  await expect(ui.lane('worker').locator('.name')).toHaveText('Web Worker 1');
  await expect(ui.lane('worker').locator('.where')).toHaveText('queue.worker.ts');
  await expect(ui.lane('worker').locator('.slot.idle')).toHaveCount(2);
  await ui.row('2').click();
  await expect(ui.heading).toHaveText('Job 2 in-worker completed');
  await expect(ui.event(1).locator('.payload .line')).toHaveText(/^run by Web Worker 1 \(queue\.worker\.ts\) · [0-9a-f]{8}$/);
  await expect(ui.row('2').locator('td.attempts')).toHaveText('succeeded on attempt 1 of 1');

  // Choosing a running job in the live view opens it.
  await ui.lane('window').getByRole('button', { name: 'Show job 1 (held), running' }).click();
  await expect(ui.heading).toHaveText('Job 1 held active');
  await expect(ui.event(1).locator('.payload .line')).toHaveText(/^run by tab 1 \(\/\) · [0-9a-f]{8}$/);
  await expect(ui.row('1').locator('td.attempts')).toHaveText('running attempt 1 of 1');
  // Expanded, the attempt names the instance and keeps its whole id.
  await ui.event(1).locator('button.toggle').click();
  const owner = await other.evaluate(() => window.state.queue.instanceId as string);
  await expect(ui.event(1).locator('.owner')).toHaveAttribute('data-owner', owner);
  await expect(ui.event(1).locator('.payload')).toContainText(`instance ${owner}`);

  // The tab closes: its job goes back to the line and the worker runs it; the first attempt's
  // owner still reads as what it was.
  await other.close({ runBeforeUnload: false });
  await expect(ui.heading).toHaveText('Job 1 held completed');
  await expect(ui.lane('window')).toHaveCount(0);
  const attempts = ui.detail.locator('.timeline tbody tr[data-type="active"] .payload');
  await expect(attempts).toHaveCount(2);
  await expect(attempts.first()).toContainText(`Run by a tab that has closed (tab 1) · ${owner.slice(0, 8)}`);
  await expect(attempts.last()).toContainText('run by Web Worker 1 (queue.worker.ts)');
  await page.evaluate(() => (window.state.worker as Worker).terminate());
});

test('says attempts made and allowed in words', async ({ openTab }) => {
  const page = await openInspector(openTab);
  const ui = inspector(page);
  await page.evaluate(async () => {
    const queue = (window.state.queue = window.openQueue('q'));
    let tries = 0;
    await queue.process(async (job) => {
      if (job.name === 'flaky' && ++tries < 3) throw new Error(`try ${tries} failed`);
      return 'ok';
    });
    await (await queue.add('flaky', {}, { attempts: 5 })).finished();
    await (await queue.add('first-time', {}, { attempts: 5 })).finished();
    // This tab takes no more jobs: the next two are not run.
    await queue.pause(true);
    await queue.add('not-yet', {}, { attempts: 3 });
    await queue.add('later', {}, { delay: 3_600_000 });
  });
  await expect(ui.row('1').locator('td.attempts')).toHaveText('succeeded on attempt 3 of 5');
  // The case "0/5" got wrong: it ran once, and that once succeeded.
  await expect(ui.row('2').locator('td.attempts')).toHaveText('succeeded on attempt 1 of 5');
  await expect(ui.row('3').locator('td.attempts')).toHaveText('not run yet, 3 attempts allowed');
  await expect(ui.row('4').locator('td.attempts')).toHaveText('not run yet, 1 attempt allowed');
});

test('charts the jobs completed and failed per minute from the queue’s metrics', async ({ openTab }) => {
  const page = await openInspector(openTab);
  const ui = inspector(page);
  await expect(ui.chart.locator('rect.bar')).toHaveCount(0);
  await expect(ui.chart.locator('figcaption')).toContainText('0 completed');
  const metrics = await page.evaluate(async () => {
    const queue = (window.state.queue = window.openQueue('q'));
    await queue.process(async (job) => {
      if (job.data.fail) throw new Error('refused');
      return 'ok';
    });
    const jobs = await queue.addBulk([
      ...Array.from({ length: 5 }, (_, i) => ({ name: 'ok', data: { i } })),
      ...Array.from({ length: 2 }, (_, i) => ({ name: 'bad', data: { i, fail: true } })),
    ]);
    await Promise.all(jobs.map((job) => job.finished().catch(() => {})));
    return { completed: (await queue.getMetrics('completed')).data, failed: (await queue.getMetrics('failed')).data };
  });
  const nonZero = (data: number[]) => data.filter((n) => n > 0).sort();
  await expect(ui.chart.locator('figcaption')).toContainText('5 completed');
  await expect(ui.chart.locator('figcaption')).toContainText('2 failed');
  // One bar per minute that had jobs, as tall as its count (the jobs may straddle a minute).
  const counts = (series: string) => ui.chart.locator(`rect.bar-${series}`).evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('data-count'))).sort());
  expect(await counts('completed')).toEqual(nonZero(metrics.completed));
  expect(await counts('failed')).toEqual(nonZero(metrics.failed));
  const top = Number(await ui.chart.locator('.y-top').textContent());
  expect(top).toBeGreaterThanOrEqual(Math.max(...metrics.completed));
  const bars = await ui.chart.locator('rect.bar').evaluateAll((rects) => rects.map((r) => ({ count: Number(r.getAttribute('data-count')), height: Number(r.getAttribute('height')) })));
  for (const bar of bars) expect(bar.height).toBeCloseTo((bar.count / top) * 90, 1);
  await expect(ui.chart.getByRole('img')).toHaveAttribute('aria-label', 'Jobs finished per minute: 5 completed and 2 failed in the last hour');
});

test('at a phone’s width (390 px) nothing overflows sideways: the table and the timeline stack', async ({ openTab }, testInfo) => {
  const page = await openInspector(openTab);
  await page.setViewportSize({ width: 390, height: 844 });
  const ui = inspector(page);
  // An empty queue says so, instead of "Page 1 of 0 jobs".
  await expect(ui.range).toHaveText('No jobs');
  await ui.filter('failed').click();
  await expect(ui.range).toHaveText('No failed jobs');
  await ui.filter('all').click();
  await page.evaluate(async () => {
    const queue = (window.state.queue = window.openQueue('q'));
    await queue.process(async (job) => {
      await job.log('converting https://media.example.com/uploads/2026/12/a-very-long-file-name-without-any-spaces-at-all.mov');
      throw new Error('The transcoder at https://transcode.example.com/v2/jobs refused: 413 Payload Too Large');
    });
    await (await queue.add('convert', { src: 'https://media.example.com/uploads/2026/12/a-very-long-file-name-without-any-spaces-at-all.mov', presets: ['1080p', '720p', '480p'] }, { attempts: 1 })).finished().catch(() => {});
    // This tab takes no more jobs: the email waits.
    await queue.pause(true);
    await queue.add('email', { to: 'ada@example.com', template: 'welcome', locale: 'en-GB' });
  });
  await ui.row('1').click();
  await expect(ui.heading).toHaveText('Job 1 convert failed');
  for (const toggle of await ui.detail.locator('.timeline button.toggle').all()) await toggle.click();
  await expect(ui.detail.locator('.timeline ol.stack')).toBeVisible();
  await expect(ui.range).toHaveText('Page 1 · 1–2 of 2');

  const overflow = await page.evaluate(() => {
    const root = document.querySelector('jobtrail-inspector')!.shadowRoot!;
    const wide = (el: Element) => el.scrollWidth > el.clientWidth;
    return {
      page: wide(document.documentElement),
      inspector: wide(root.querySelector('.inspector')!),
      // Every scrolling box of the inspector: none scrolls sideways either.
      inside: [...root.querySelectorAll('*')].filter((el) => el.clientWidth > 0 && wide(el) && getComputedStyle(el).overflowX !== 'visible' && getComputedStyle(el).overflowX !== 'hidden')
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
    };
  });
  expect(overflow).toEqual({ page: false, inspector: false, inside: [] });
  // Stacked: a job's cells and an event's payload sit below the first line, not beside it.
  const below = async (first: Locator, second: Locator) => (await second.boundingBox())!.y >= (await first.boundingBox())!.y + (await first.boundingBox())!.height - 1;
  expect(await below(ui.row('1').locator('td.id'), ui.row('1').locator('td.created'))).toBe(true);
  expect(await below(ui.event(0).locator('td.type'), ui.event(0).locator('td.payload'))).toBe(true);
  // Stacked by CSS only: the job table is still a table to assistive technology.
  await expect(ui.root.locator('.job-table').getByRole('row')).toHaveCount(3);
  await expect(ui.root.locator('.job-table').getByRole('cell', { name: 'convert' })).toHaveCount(1);
  await testInfo.attach('inspector-390', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
  await docsScreenshot(ui.root, 'inspector-390.png');
});
