// The rows of a job's timeline. Each payload is one line (a summary in words where the event has
// one: who ran the attempt, why it failed, what it returned) with a toggle to the whole of it; a
// stack trace is shown as its lines, and the event's name and time stay on the row's first line.
import type { StoredJobEvent } from '../index.js';
import { h } from './dom.js';
import { formatClock, formatProgress, formatTime, formatValue } from './format.js';
import type { InstanceNames } from './instances.js';

/**
 * One line for an event's payload. `owner` names the instance holding a claim; claim tokens (opaque)
 * are left out.
 *
 * For instance:
 * payloadSummary(failedEvent, owner) // 'the image server was busy · retry now'
 */
export function payloadSummary(event: StoredJobEvent, owner: (id: string) => string): string {
  switch (event.type) {
    case 'added':
      return `${event.payload.name} · data ${formatValue(event.payload.data, { indent: 0 })}`;
    case 'active':
      return `run by ${owner(event.payload.owner)}`;
    case 'failed': {
      const { retryDelay } = event.payload;
      return `${event.payload.failedReason} · ${retryDelay === null ? 'no retry' : retryDelay === 0 ? 'retry now' : `retry in ${formatDelay(retryDelay)}`}`;
    }
    case 'completed':
      return `returned ${formatValue(event.payload.returnvalue, { indent: 0 })}`;
    case 'progress':
      return formatProgress(event.payload.progress);
    case 'log':
      return event.payload.line;
    default: {
      const { token: _token, ...rest } = event.payload as Record<string, unknown>;
      return Object.keys(rest).length === 0 ? '' : formatValue(rest, { indent: 0 });
    }
  }
}

/** A stack trace as its lines (the first is the error's message), without blank ones. */
export function stackLines(stack: string): string[] {
  return stack.split('\n').map((line) => line.trimEnd()).filter((line) => line.trim() !== '');
}

/** `1500` -> `1.5 s`, `120000` -> `2 min`. */
export function formatDelay(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 6_000) / 10} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}

/** The row of event `k` (from 0); `expanded` shows the whole payload instead of its line. */
export function timelineRow(event: StoredJobEvent, k: number, owners: InstanceNames, expanded: boolean): HTMLTableRowElement {
  const line = payloadSummary(event, (id) => owners.describe(id).text);
  const payload = h('td', { class: 'payload' });
  if (line !== '') {
    payload.append(h('button', {
      type: 'button', class: 'toggle', 'data-toggle': event.seq, 'aria-expanded': String(expanded),
      'aria-label': `${expanded ? 'Collapse' : 'Expand'} the payload of event ${k + 1}`,
    }, expanded ? '▾' : '▸'));
    payload.append(expanded ? fullPayload(event, owners) : h('span', { class: 'line', title: line.length > 80 ? line.slice(0, 500) : null }, line));
  }
  return h('tr', { 'data-step': k, 'data-type': event.type },
    h('td', { class: 'num' }, k + 1),
    h('td', { class: 'type' }, h('strong', {}, event.type)),
    h('td', { class: 'time', title: formatTime(event.time) }, formatClock(event.time)),
    payload,
    h('td', { class: 'num seq' }, event.seq));
}

/** The whole payload: fields in words where they have some, the stack as lines, the rest as JSON. */
function fullPayload(event: StoredJobEvent, owners: InstanceNames): HTMLElement {
  const box = h('div', { class: 'full' });
  if (event.type === 'active') {
    const who = owners.describe(event.payload.owner);
    box.append(
      h('p', {}, 'Run by ', h('strong', { class: 'owner', 'data-owner': event.payload.owner }, who.text)),
      h('p', { class: 'ids' }, `instance ${event.payload.owner}`, h('br'), `claim ${event.payload.token}`));
    return box;
  }
  if (event.type === 'failed') {
    const { failedReason, stack, retryDelay } = event.payload;
    box.append(h('p', { class: 'reason' }, failedReason),
      h('p', {}, retryDelay === null ? 'No retry: this failure is final.' : `Retried ${retryDelay === 0 ? 'at once' : `after ${formatDelay(retryDelay)}`}.`));
    if (stack) box.append(h('ol', { class: 'stack', 'aria-label': 'Stack trace' }, ...stackLines(stack).map((l) => h('li', {}, l))));
    return box;
  }
  box.append(h('pre', {}, formatValue(event.payload)));
  return box;
}
