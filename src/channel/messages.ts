// The messages queue instances send each other over BroadcastChannel. Type-only, plus the
// validator: a message from the channel is untrusted input until it passes `parseNotice`.
import { CHANGE_TYPES, type ChangeType, type QueueChange } from '../core/change.js';
import { JOB_STATES, type JobProgress, type JobState } from '../core/types.js';

export const NOTICE_VERSION = 1;

export type Notice =
  | { v: typeof NOTICE_VERSION; kind: 'changes'; from: string; changes: QueueChange[] }
  | { v: typeof NOTICE_VERSION; kind: 'drained'; from: string };

const isString = (v: unknown): v is string => typeof v === 'string';

function parseChange(value: unknown): QueueChange | null {
  if (typeof value !== 'object' || value === null) return null;
  const c = value as Record<string, unknown>;
  if (typeof c.seq !== 'number' || !Number.isFinite(c.seq)) return null;
  if (!CHANGE_TYPES.includes(c.type as ChangeType)) return null;
  if (c.jobId !== undefined && !isString(c.jobId)) return null;
  if (c.state !== undefined && !JOB_STATES.includes(c.state as JobState)) return null;
  if (c.owner !== undefined && !isString(c.owner)) return null;
  if (c.failedReason !== undefined && !isString(c.failedReason)) return null;
  if (c.progress !== undefined && typeof c.progress !== 'number' && (typeof c.progress !== 'object' || c.progress === null)) return null;
  const change: QueueChange = { seq: c.seq, type: c.type as ChangeType };
  if (c.jobId !== undefined) change.jobId = c.jobId as string;
  if (c.state !== undefined) change.state = c.state as JobState;
  if (c.owner !== undefined) change.owner = c.owner as string;
  if (c.failedReason !== undefined) change.failedReason = c.failedReason as string;
  if (c.progress !== undefined) change.progress = c.progress as JobProgress;
  if (c.type === 'completed' && 'returnvalue' in c) change.returnvalue = c.returnvalue;
  return change;
}

/** The notice, or null when the message is not one this version understands (it is then ignored). */
export function parseNotice(value: unknown): Notice | null {
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  if (m.v !== NOTICE_VERSION || !isString(m.from)) return null;
  if (m.kind === 'drained') return { v: NOTICE_VERSION, kind: 'drained', from: m.from };
  if (m.kind !== 'changes' || !Array.isArray(m.changes) || m.changes.length === 0) return null;
  const changes: QueueChange[] = [];
  for (const raw of m.changes) {
    const change = parseChange(raw);
    if (!change) return null;
    changes.push(change);
  }
  return { v: NOTICE_VERSION, kind: 'changes', from: m.from, changes };
}

/** The form of a change that travels: the fields that stay in the instance that made it dropped. */
export function wireChange({ job: _job, error: _error, ...wire }: QueueChange): QueueChange {
  return wire;
}
