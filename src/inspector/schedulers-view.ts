// The inspector's job schedulers: each one's schedule, next run and iterations so far, with a
// remove button, and the scheduler changes seen since the inspector opened (creations, changes,
// iterations, ends and removals, from any tab). Data from the public API only.
import type { JobSchedulerJson, QueueChange } from '../index.js';
import { h, replaceChildren } from './dom.js';
import { formatClock, formatCount, formatTime } from './format.js';

/** How many scheduler changes the view keeps. */
export const RECENT_CHANGES = 20;

export interface SchedulersView {
  readonly element: HTMLElement;
  /** Show these schedulers (null: no queue open). */
  render(schedulers: readonly JobSchedulerJson[] | null): void;
  /** A committed change: the view keeps those of schedulers. */
  noteChange(change: QueueChange, at?: number): void;
  /** Forget the changes (another queue was opened). */
  reset(): void;
}

const CHANGE_WORDS: Partial<Record<QueueChange['type'], string>> = {
  schedulerUpserted: 'created or changed',
  iterationAdded: 'added its next iteration',
  schedulerEnded: 'ended',
  schedulerRemoved: 'removed',
};

/** `every: 300000` -> `every 5 min`; a pattern as written, with its time zone. */
export function describeSchedule(s: Pick<JobSchedulerJson, 'every' | 'pattern' | 'tz' | 'offset'>): string {
  if (s.pattern !== undefined) return `${s.pattern}${s.tz ? ` (${s.tz})` : ''}`;
  const every = s.every ?? 0;
  const unit = every % 3_600_000 === 0 ? [3_600_000, 'h'] as const : every % 60_000 === 0 ? [60_000, 'min'] as const : every % 1000 === 0 ? [1000, 's'] as const : [1, 'ms'] as const;
  return `every ${formatCount(every / unit[0])} ${unit[1]}${s.offset ? ` (+${formatCount(s.offset)} ms)` : ''}`;
}

export function createSchedulersView(onRemove: (id: string) => void): SchedulersView {
  const count = h('span', { class: 'n' }, '–');
  const tbody = h('tbody');
  const table = h('table', { class: 'scheduler-table' },
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Id'), h('th', { scope: 'col' }, 'Schedule'), h('th', { scope: 'col' }, 'Next run'),
      h('th', { scope: 'col', class: 'num' }, 'Iterations'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
    tbody);
  const empty = h('p', { class: 'empty' }, 'No job scheduler.');
  const changes = h('ol', { class: 'scheduler-changes', 'aria-label': 'Scheduler changes seen' });
  const element = h('details', { class: 'schedulers', open: true },
    h('summary', {}, 'Job schedulers: ', count),
    empty, table,
    h('h4', {}, 'Changes seen'), changes);
  const recent: { at: number; change: QueueChange }[] = [];

  tbody.addEventListener('click', (event) => {
    const button = (event.target as Element).closest('button[data-remove]');
    if (button) onRemove(button.getAttribute('data-remove')!);
  });

  const renderChanges = () => {
    if (recent.length === 0) {
      replaceChildren(changes, h('li', { class: 'empty' }, 'None since the inspector opened.'));
      return;
    }
    replaceChildren(changes, ...recent.map(({ at, change }) =>
      h('li', { 'data-type': change.type },
        h('time', { datetime: new Date(at).toISOString() }, formatClock(at)), ' ',
        h('strong', {}, change.schedulerId ?? ''), ' ',
        CHANGE_WORDS[change.type] ?? change.type)));
  };

  return {
    element,
    render(schedulers) {
      count.textContent = schedulers ? formatCount(schedulers.length) : '–';
      empty.hidden = !schedulers || schedulers.length > 0;
      table.hidden = !schedulers || schedulers.length === 0;
      replaceChildren(tbody, ...(schedulers ?? []).map((s) =>
        h('tr', { 'data-scheduler': s.id },
          h('td', { class: 'id' }, s.id, s.name !== s.id ? h('span', { class: 'job-name' }, ` → ${s.name}`) : null),
          h('td', { class: 'schedule' }, describeSchedule(s)),
          h('td', { class: 'next', title: s.next === undefined ? '' : formatTime(s.next) }, s.next === undefined ? `ended (${s.ended ?? 'no slot left'})` : formatTime(s.next)),
          h('td', { class: 'num iterations' }, formatCount(s.iterationCount), s.limit !== undefined ? ` / ${formatCount(s.limit)}` : null),
          h('td', {}, h('button', { type: 'button', class: 'danger', 'data-remove': s.id, 'aria-label': `Remove job scheduler ${s.id}` }, 'Remove')))));
      renderChanges();
    },
    noteChange(change, at = Date.now()) {
      if (change.schedulerId === undefined) return;
      recent.unshift({ at, change });
      recent.length = Math.min(recent.length, RECENT_CHANGES);
    },
    reset() {
      recent.length = 0;
    },
  };
}
