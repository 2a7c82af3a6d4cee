// From committed changes to Bull's events. One table says which events a change means; local
// listeners get them with Job objects (for changes this instance made), global ones with ids (for
// every change, from any tab).
import { publicChange, type QueueChange } from '../core/change.js';
import { JobFailedError } from '../core/errors.js';
import type { JobContext } from '../core/machine.js';
import type { Emitter } from './emitter.js';
import type { Job } from './job.js';
import type { QueueEventMap } from './queue-events.js';

/** The events a change can mean, by their local names (`global:` + name for the global ones). */
type Announced = 'waiting' | 'delayed' | 'active' | 'progress' | 'completed' | 'failed' | 'stalled' | 'removed' | 'paused' | 'resumed' | 'waiting-children';

/** The events `change` means, in the order they are emitted. */
export function announced(change: QueueChange): Announced[] {
  const out: Announced[] = [];
  switch (change.type) {
    case 'active':
    case 'progress':
    case 'completed':
    case 'failed':
    case 'removed':
    case 'paused':
    case 'resumed':
      out.push(change.type);
      break;
    case 'stalled':
      out.push('stalled');
      if (change.state === 'failed') out.push('failed');
      break;
    case 'childFailed':
      // A child's failure failed its parent (failParentOnFailure).
      if (change.state === 'failed') out.push('failed');
      break;
  }
  // The job (re-)entered the waiting line or the delayed timeline (a parent: its children are done).
  const requeues = change.type === 'added' || change.type === 'promoted' || change.type === 'retried' ||
    change.type === 'postponed' || change.type === 'failed' || change.type === 'stalled' || change.type === 'released' ||
    change.type === 'delayChanged' || change.type === 'childCompleted' || change.type === 'childFailed' || change.type === 'childRemoved';
  if (requeues && (change.state === 'waiting' || change.state === 'delayed')) out.push(change.state);
  // A parent began to wait for its children.
  if ((change.type === 'added' || change.type === 'retried') && change.state === 'waiting-children') out.push('waiting-children');
  return out;
}

type Events<Data, Result> = Emitter<QueueEventMap<Data, Result>>;

/** Local events for a change this instance committed. Job objects are built only for listeners. */
export function relayLocal<Data, Result>(events: Events<Data, Result>, change: QueueChange, makeJob: (job: JobContext) => Job<Data, Result>): void {
  const context = change.job;
  for (const name of announced(change)) {
    if (name === 'paused' || name === 'resumed') {
      events.emit(name);
      continue;
    }
    if (!context) continue;
    const job = () => makeJob(context);
    switch (name) {
      case 'progress':
        events.emitWith(name, () => [job(), context.progress]);
        break;
      case 'completed':
        events.emitWith(name, () => [job(), context.returnvalue as Result]);
        break;
      case 'failed':
        events.emitWith(name, () => [job(), (change.type === 'failed' && change.error) || failure(context)]);
        break;
      default:
        events.emitWith(name, () => [job()]);
    }
  }
}

/** Global events for a change made anywhere, `global:changed` included. */
export function relayGlobal<Data, Result>(events: Events<Data, Result>, change: QueueChange): void {
  const id = change.jobId;
  if (events.has('global:changed')) events.emit('global:changed', publicChange(change));
  for (const name of announced(change)) {
    if (name === 'paused' || name === 'resumed') {
      events.emit(`global:${name}`);
      continue;
    }
    if (id === undefined) continue;
    switch (name) {
      case 'progress':
        if (change.progress !== undefined) events.emit('global:progress', id, change.progress);
        break;
      case 'completed':
        events.emit('global:completed', id, change.returnvalue as Result);
        break;
      case 'failed':
        events.emit('global:failed', id, change.failedReason ?? 'failed');
        break;
      default:
        events.emit(`global:${name}`, id);
    }
  }
}

/** The error a local `failed` listener gets when the handler's own is not at hand (stalls). */
function failure(job: JobContext): Error {
  const err = new JobFailedError(job.id, job.failedReason ?? 'failed', job.stacktrace ?? []);
  const stack = job.stacktrace?.at(-1);
  if (stack) err.stack = stack;
  return err;
}
