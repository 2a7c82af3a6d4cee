// The processing instances alive now, and what each runs: one lane per instance (its name, where it
// runs, its handlers) with a slot per job it may run at once, filled by the active jobs it holds
// the claim of. Active jobs whose holder is no longer listed wait for the stall check: shown apart.
import type { JobRecord, WorkerInfo } from '../index.js';
import { h, replaceChildren } from './dom.js';
import { formatClock, formatCount, formatProgress } from './format.js';
import type { InstanceNames } from './instances.js';

/** Slots drawn per instance; a larger concurrency is summed up in words. */
const MAX_SLOTS = 12;

export interface InstancesView {
  readonly element: HTMLElement;
  /** Show these instances and active jobs (null: no queue open, or not read yet). */
  render(workers: readonly WorkerInfo[] | null, active: readonly JobRecord[], names: InstanceNames): void;
}

/** `onOpen(id)` is called when a running job is chosen. */
export function createInstancesView(onOpen: (jobId: string) => void): InstancesView {
  const count = h('span', { class: 'n' }, '–');
  const list = h('ul', { class: 'workers-list', 'aria-label': 'Processing instances' });
  const orphans = h('p', { class: 'orphans', hidden: true });
  const element = h('details', { class: 'workers', open: true }, h('summary', {}, 'Processing now: ', count), list, orphans);
  element.addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLElement>('button[data-job]');
    if (button) onOpen(button.dataset.job!);
  });

  return {
    element,
    render(workers, active, names) {
      count.textContent = workers ? formatCount(workers.length) : '–';
      const byOwner = new Map<string, JobRecord[]>();
      for (const r of active) {
        const owner = r.job.claim?.owner;
        if (owner !== undefined) byOwner.set(owner, [...(byOwner.get(owner) ?? []), r]);
      }
      if (!workers || workers.length === 0) {
        replaceChildren(list, h('li', { class: 'empty' }, workers ? 'No tab, worker or service worker is processing this queue.' : ''));
      } else {
        replaceChildren(list, ...workers.map((w) => lane(w, byOwner.get(w.id) ?? [], names)));
      }
      const live = new Set(workers?.map((w) => w.id));
      const left = active.filter((r) => !live.has(r.job.claim?.owner ?? ''));
      orphans.hidden = left.length === 0 || workers === null;
      replaceChildren(orphans, 'Active, held by an instance no longer running (the stall check will give them back): ',
        ...left.flatMap((r, i) => [i > 0 ? ', ' : '', jobButton(r)]));
    },
  };
}

function lane(w: WorkerInfo, running: readonly JobRecord[], names: InstanceNames): HTMLLIElement {
  const who = names.describe(w.id);
  const shown = Math.min(w.concurrency, MAX_SLOTS);
  const slots = Array.from({ length: Math.max(shown, running.length) }, (_, i) => {
    const r = running[i];
    return r ? h('span', { class: 'slot busy' }, jobButton(r)) : h('span', { class: 'slot idle' }, 'idle');
  });
  return h('li', { 'data-worker': w.id, 'data-kind': w.kind },
    h('div', { class: 'who' },
      h('span', { class: 'name' }, h('span', { class: 'badge kind' }, who.kind), who.number === null ? null : ` ${who.number}`),
      who.where ? h('span', { class: 'where', title: `instance ${w.id}` }, who.where) : null,
      h('strong', { class: 'concurrency', title: 'jobs it may run at once' }, `×${w.concurrency}`),
      h('span', { class: 'handlers', title: 'the job names it takes, and how many at once' },
        w.handlers.map((x) => `${x.name === '*' ? 'every name' : x.name} ×${x.concurrency}`).join(', ')),
      w.paused ? h('span', { class: 'badge paused-badge' }, 'paused here') : null,
      h('span', { class: 'since' }, `since ${formatClock(w.startedAt)} · ${who.shortId}`)),
    h('div', { class: 'slots', role: 'list', 'aria-label': `Running in ${who.name}: ${running.length} of ${w.concurrency}` },
      ...slots.map((s) => (s.setAttribute('role', 'listitem'), s)),
      w.concurrency > MAX_SLOTS ? h('span', { class: 'more' }, `${running.length} of ${formatCount(w.concurrency)} slots busy`) : null));
}

function jobButton(r: JobRecord): HTMLButtonElement {
  const progress = typeof r.job.progress === 'number' ? Math.max(0, Math.min(100, r.job.progress)) : null;
  return h('button', { type: 'button', class: 'link running', 'data-job': r.id, 'aria-label': `Show job ${r.id} (${r.job.name}), running` },
    `#${r.id} ${r.job.name}`,
    progress !== null ? h('progress', { max: 100, value: progress, 'aria-label': `${formatProgress(r.job.progress)} done` }) : null);
}
