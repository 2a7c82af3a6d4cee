// What the jobs of a flow tell each other. A child's completion or final failure, and its removal,
// go to its parent; a parent's removal goes to the children it still waits for. A message to a
// job of the same queue is applied in the transaction that made it; one to another queue (another
// database) waits in the outbox until it is delivered (store/deliver.ts). Pure.
import { childKey, failureOption, unprocessedChildren } from './dependencies.js';
import type { ChildEvent } from './events.js';
import type { JobContext } from './machine.js';
import type { JobRef, JobState } from './types.js';

/** A message to job `to`: an event for its log (to a parent), or "your parent was removed" (to a child). */
export type LinkMessage =
  | { kind: 'child'; to: JobRef; event: ChildEvent }
  | { kind: 'parentRemoved'; to: JobRef; parent: JobRef };

/**
 * The message a child of queue `queueName` sends its parent when it enters `state` by its log's
 * `seq`-th event at `time`: its result when it completed, its failure (and the option that
 * applies) when it failed for good. Null for other states and for jobs without a parent.
 */
export function outcomeMessage(queueName: string, job: JobContext, state: JobState, seq: number, time: number): LinkMessage | null {
  const parent = job.opts.parent;
  if (!parent) return null;
  const child = childKey({ id: job.id, queueName });
  if (state === 'completed') {
    return { kind: 'child', to: parent, event: { type: 'childCompleted', time, payload: { child, returnvalue: job.returnvalue } } };
  }
  if (state === 'failed') {
    const payload = { child, failedReason: job.failedReason ?? 'failed', option: failureOption(job.opts), at: seq };
    return { kind: 'child', to: parent, event: { type: 'childFailed', time, payload } };
  }
  return null;
}

/**
 * What removing a job of queue `queueName` in `state` tells others: its parent, unless it had
 * completed (the parent has its value); and each child it still waited for, which goes with it.
 */
export function removalMessages(queueName: string, job: JobContext, state: JobState, time: number): LinkMessage[] {
  const messages: LinkMessage[] = [];
  const parent = job.opts.parent;
  if (parent && state !== 'completed') {
    messages.push({ kind: 'child', to: parent, event: { type: 'childRemoved', time, payload: { child: childKey({ id: job.id, queueName }) } } });
  }
  const me = { id: job.id, queueName };
  for (const child of unprocessedChildren(job.dependencies)) messages.push({ kind: 'parentRemoved', to: child, parent: me });
  return messages;
}

/** Whether a child in `state` goes with its removed parent: not while it runs, nor once it completed. */
export function goesWithParent(child: { state: JobState; job: JobContext }, parent: JobRef): boolean {
  const own = child.job.opts.parent;
  if (!own || own.id !== parent.id || own.queueName !== parent.queueName) return false;
  return child.state !== 'active' && child.state !== 'completed';
}
