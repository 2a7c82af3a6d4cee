// The list of uploads: one row per file, newest first, each with its state, a progress bar and a
// line saying what is going on. A small file is one job; a large one is a flow, shown as one row
// for its `complete` job, whose bar combines its parts' progress. It reads through the public Queue
// API and re-reads when any tab, worker or the service worker reports a change; progress updates go
// straight to their bar (a part's to its file's).
import type { Job, JobProgress, JobState, Queue } from 'jobtrail';
import { formatBytes, formatSeconds, stateBadge } from './format';
import type { CompleteData, UploadData, UploadJobData, UploadJobResult, UploadResult } from './uploads';

type UploadJob = Job<UploadJobData, UploadJobResult>;

/** Rows shown at most (the newest); the inspector pages through everything. */
const SHOWN = 100;
const STATES: readonly JobState[] = ['active', 'waiting-children', 'waiting', 'delayed', 'failed', 'completed'];

export interface UploadListElements {
  list: HTMLOListElement;
  empty: HTMLElement;
  counts: HTMLElement;
  /** A polite live region: uploads that finish or fail are announced there. */
  announcer: HTMLElement;
}

export class UploadList {
  readonly #rows = new Map<string, Row>();
  /** The file (row) each part job belongs to, and each part's progress, by part job id. */
  readonly #parts = new Map<string, { row: Row; progress: number }>();
  #refreshing: Promise<void> | null = null;
  #again = false;
  #scheduled: ReturnType<typeof setTimeout> | null = null;
  #loaded = false;

  constructor(
    private readonly queue: Queue<UploadJobData, UploadJobResult>,
    private readonly el: UploadListElements,
    private readonly onError: (err: unknown) => void,
  ) {
    queue.on('global:progress', (id, progress) => {
      this.#rows.get(id)?.showProgress(progress);
      const part = this.#parts.get(id);
      if (part) {
        part.progress = percent(progress);
        part.row.showParts(this.#partsOf(part.row));
      }
    });
    for (const event of ['global:waiting', 'global:waiting-children', 'global:delayed', 'global:active', 'global:completed', 'global:failed', 'global:stalled', 'global:removed'] as const) {
      queue.on(event, () => this.refreshSoon());
    }
    // Whether a waiting job waits "for the network" depends on it.
    globalThis.addEventListener('online', () => this.refreshSoon());
    globalThis.addEventListener('offline', () => this.refreshSoon());
    // The retry countdowns.
    setInterval(() => {
      for (const row of this.#rows.values()) if (row.state === 'delayed') row.showDetail();
    }, 1000);
  }

  /** Re-read soon: a burst of changes (a dozen files added at once) becomes one read. */
  refreshSoon(): void {
    this.#scheduled ??= setTimeout(() => {
      this.#scheduled = null;
      void this.refresh();
    }, 30);
  }

  /** Re-read the jobs and counts and update the rows. Calls during a refresh run once more after it. */
  refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#again = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      try {
        do {
          this.#again = false;
          await this.#read();
        } while (this.#again);
      } catch (err) {
        this.onError(err);
      } finally {
        this.#refreshing = null;
      }
    })();
    return this.#refreshing;
  }

  async #read(): Promise<void> {
    // One read per state (they run side by side). A job that changes state between two of them
    // shows up twice, or not at all: the first is settled by asking it, the second by the next read.
    const [perState, counts] = await Promise.all([
      Promise.all(STATES.map((state) => this.queue.getJobs(state, 0, SHOWN - 1))),
      this.queue.getJobCounts(),
    ]);
    const found = new Map<string, { job: UploadJob; states: JobState[] }>();
    // A large file's parts are not rows: their progress is their file's.
    const parts: { job: UploadJob; state: JobState }[] = [];
    STATES.forEach((state, i) => {
      for (const job of perState[i]!) {
        if (job.name === 'part') {
          parts.push({ job, state });
          continue;
        }
        const entry = found.get(job.id);
        if (entry) entry.states.push(state);
        else found.set(job.id, { job, states: [state] });
      }
    });
    const jobs = [...found.values()].sort((a, b) => newerFirst(a.job, b.job)).slice(0, SHOWN);
    const states = await Promise.all(
      jobs.map(async ({ job, states }) => (states.length === 1 ? states[0]! : await job.getState())),
    );

    const ordered: Row[] = [];
    for (const [i, { job }] of jobs.entries()) {
      const state = states[i]!;
      if (state === 'unknown') continue;
      let row = this.#rows.get(job.id);
      if (!row) {
        row = new Row(job, this.onError);
        row.queue = this.queue;
        this.#rows.set(job.id, row);
      }
      const before = row.state;
      await row.update(job, state);
      if (this.#loaded && before !== row.state) this.#announce(row);
      ordered.push(row);
    }
    this.#parts.clear();
    for (const { job, state } of parts) {
      const row = job.parent && this.#rows.get(job.parent.id);
      if (row) this.#parts.set(job.id, { row, progress: state === 'completed' ? 100 : percent(job.progress) });
    }
    for (const row of ordered) if (row.parts > 0) row.showParts(this.#partsOf(row));
    const shown = new Set(ordered);
    for (const [id, row] of this.#rows) {
      if (shown.has(row)) continue;
      if (found.size < SHOWN && (await this.queue.getJob(id))) {
        ordered.push(row); // between two reads: placed properly by the next one
        this.#again = true;
      } else {
        row.element.remove();
        this.#rows.delete(id);
      }
    }
    // Move only the rows that are out of place, so a focused button keeps its focus.
    ordered.forEach((row, i) => {
      const at = this.el.list.children[i];
      if (at !== row.element) this.el.list.insertBefore(row.element, at ?? null);
    });
    this.el.empty.hidden = ordered.length > 0;
    this.el.counts.textContent = [
      `${counts.active} uploading`,
      `${counts['waiting-children']} in parts`,
      `${counts.waiting} waiting`,
      `${counts.delayed} retrying`,
      `${counts.completed} done`,
      `${counts.failed} failed`,
    ].join(' · ');
    this.#loaded = true;
  }

  /** The progress of a file's parts known to the list (a part not read counts as not begun). */
  #partsOf(row: Row): number[] {
    return [...this.#parts.values()].filter((p) => p.row === row).map((p) => p.progress);
  }

  #announce(row: Row): void {
    if (row.state === 'completed') this.el.announcer.textContent = `${row.name} uploaded.`;
    if (row.state === 'failed') this.el.announcer.textContent = `${row.name} failed: ${row.job.failedReason ?? ''}`;
  }
}

/** One upload's row. */
class Row {
  readonly element: HTMLLIElement;
  state: JobState | null = null;
  job: UploadJob;
  /** When a delayed job runs again, and why it waits: read from its history. */
  #retry: { dueAt: number; after: string } | null = null;
  #retryFor = '';
  readonly #badge: HTMLElement;
  readonly #progress: HTMLProgressElement;
  readonly #percent: HTMLElement;
  readonly #detail: HTMLElement;
  readonly #retryButton: HTMLButtonElement;
  readonly #removeButton: HTMLButtonElement;

  constructor(job: UploadJob, onError: (err: unknown) => void) {
    this.job = job;
    const name = job.data.name;
    this.parts = job.name === 'complete' ? (job.data as CompleteData).parts : 0;
    this.element = h('li', { className: 'upload' });
    this.element.dataset.jobId = job.id;
    const nameId = `upload-${job.id}-name`;
    this.#badge = h('span', { className: 'badge' });
    this.#progress = h('progress', { max: 100, value: 0 });
    this.#progress.setAttribute('aria-labelledby', nameId);
    this.#percent = h('span', { className: 'percent' });
    this.#detail = h('p', { className: 'upload-detail' });
    this.#retryButton = h('button', { type: 'button', className: 'secondary', textContent: 'Retry' });
    this.#retryButton.setAttribute('aria-label', `Retry ${name}`);
    this.#removeButton = h('button', { type: 'button', className: 'secondary', textContent: 'Remove' });
    this.#removeButton.setAttribute('aria-label', `Remove ${name}`);
    this.#retryButton.onclick = () => this.#retryFile().catch(onError);
    this.#removeButton.onclick = () => this.job.remove().catch(onError);

    const title = h('span', { className: 'upload-name', id: nameId, textContent: name });
    const size = job.name === 'complete' ? (job.data as CompleteData).size : (job.data as UploadData).size;
    const meta = h('span', { className: 'upload-meta', textContent: `${formatBytes(size)} · ${this.parts > 0 ? `${this.parts} parts · ` : ''}job ${job.id.slice(0, 8)}` });
    this.element.append(
      h('div', { className: 'upload-head' }, title, meta, this.#badge),
      h('div', { className: 'upload-bar' }, this.#progress, this.#percent),
      h('div', { className: 'upload-foot' }, this.#detail, h('span', { className: 'upload-actions' }, this.#retryButton, this.#removeButton)),
    );
  }

  /** How many parts a large file has (0 for a small one, uploaded in one job). */
  readonly parts: number;
  /** How far each part of a large file is known to be, 0-100. */
  #partProgress: number[] = [];

  get name(): string {
    return this.job.data.name;
  }

  /** A large file's bar: its parts' progress combined. */
  showParts(progress: number[]): void {
    this.#partProgress = progress;
    if (this.state === 'waiting-children') {
      this.showProgress(progress.reduce((sum, p) => sum + p, 0) / this.parts);
      this.showDetail();
    }
  }

  /** Retry a failed file; for one in parts, first the parts that failed it (the file then waits for them again). */
  async #retryFile(): Promise<void> {
    const failed = this.parts > 0 ? (await this.job.getDependencies()).failed ?? [] : [];
    await this.job.retry();
    for (const key of failed) {
      const part = await this.queue?.getJob(key.slice(key.indexOf(':') + 1));
      await part?.retry();
    }
  }

  /** The queue, for a file's parts (set by the list). */
  queue: Queue<UploadJobData, UploadJobResult> | null = null;

  async update(job: UploadJob, state: JobState): Promise<void> {
    this.job = job;
    this.state = state;
    this.element.dataset.state = state;
    this.#badge.textContent = stateBadge(state);
    this.#badge.className = `badge badge-${state}`;
    if (this.parts > 0 && state === 'waiting-children') this.showParts(this.#partProgress);
    else this.showProgress(state === 'completed' ? 100 : this.parts > 0 && (state === 'waiting' || state === 'active' || state === 'delayed') ? 100 : job.progress);
    this.#retryButton.hidden = state !== 'failed';
    this.#removeButton.hidden = state === 'active';
    if (state === 'delayed') {
      // Read the history once per wait, not on every refresh.
      const key = `${job.attemptsMade}:${job.processedOn}`;
      if (this.#retryFor !== key) {
        this.#retryFor = key;
        this.#retry = retryOf(await job.history());
      }
    } else {
      this.#retry = null;
      this.#retryFor = '';
    }
    this.showDetail();
  }

  showProgress(progress: JobProgress): void {
    const value = percent(progress);
    this.#progress.value = value;
    this.#percent.textContent = `${Math.round(value)}%`;
  }

  showDetail(): void {
    this.#detail.textContent = this.#describe();
  }

  #describe(): string {
    const { attemptsMade, opts, failedReason } = this.job;
    const returnvalue = this.job.returnvalue as UploadResult | null;
    const next = `attempt ${attemptsMade + 1} of ${opts.attempts}`;
    if (this.parts > 0) {
      const done = this.#partProgress.filter((p) => p >= 100).length;
      switch (this.state) {
        case 'waiting-children':
          return `Uploading ${this.parts} parts side by side · ${done} of ${this.parts} done`;
        case 'waiting':
          return `Every part is uploaded · ${navigator.onLine ? 'completing soon' : 'completing when the network is back'}`;
        case 'active':
          return `Completing: the server checks the ${this.parts} parts and assembles the file`;
        case 'completed':
          return `Uploaded in ${this.parts} parts, completed by ${returnvalue?.by ?? 'an uploader'} · SHA-256 ${returnvalue?.sha256.slice(0, 12) ?? '?'}…`;
        case 'failed':
          return `Failed: ${failedReason ?? 'unknown reason'}`;
      }
    }
    switch (this.state) {
      case 'waiting':
        return `${navigator.onLine ? 'Waiting for a free uploader' : 'Waiting for the network (no attempt is used while offline)'} · ${next} next`;
      case 'active':
        return `Uploading · ${next}`;
      case 'delayed': {
        const wait = this.#retry ? `in ${formatSeconds(this.#retry.dueAt - Date.now())}` : 'soon';
        return this.#retry ? `${this.#retry.after} · ${next} ${wait}` : `Waiting to retry · ${next} ${wait}`;
      }
      case 'completed': {
        const retries = attemptsMade > 0 ? ` after ${attemptsMade} failed attempt${attemptsMade === 1 ? '' : 's'}` : '';
        return `Uploaded by ${returnvalue?.by ?? 'an uploader'}${retries} · SHA-256 ${returnvalue?.sha256.slice(0, 12) ?? '?'}…`;
      }
      case 'failed':
        return `Failed after ${attemptsMade} attempt${attemptsMade === 1 ? '' : 's'}: ${failedReason ?? 'unknown reason'}`;
      default:
        return '';
    }
  }
}

/** Why a delayed job waits and until when, from its newest failure or postponement. */
function retryOf(history: Awaited<ReturnType<UploadJob['history']>>): { dueAt: number; after: string } | null {
  for (let i = history.length - 1; i >= 0; i--) {
    const event = history[i]!;
    if (event.type === 'failed' && event.payload.retryDelay !== null) {
      return { dueAt: event.time + event.payload.retryDelay, after: `Failed: ${event.payload.failedReason} (backoff ${formatSeconds(event.payload.retryDelay)})` };
    }
    if (event.type === 'postponed') {
      return { dueAt: event.time + event.payload.delay, after: `Given back without using an attempt: ${event.payload.reason}` };
    }
  }
  return null;
}

/** Newest first: by when the job was added, then by id (automatic ids count up; a file in parts has a uuid). */
function newerFirst(a: UploadJob, b: UploadJob): number {
  return b.timestamp - a.timestamp || Number(b.id) - Number(a.id) || b.id.localeCompare(a.id);
}

/** A job's progress as a percentage, 0-100 (an object progress counts as 0). */
function percent(progress: JobProgress): number {
  return typeof progress === 'number' ? Math.max(0, Math.min(100, progress)) : 0;
}

/** A small element factory: properties, then children (text is always set as text, never as HTML). */
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: Node[]
): HTMLElementTagNameMap[K] {
  const element = Object.assign(document.createElement(tag), props);
  element.append(...children);
  return element;
}
