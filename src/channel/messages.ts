// The messages queue instances send each other over BroadcastChannel. Type-only, plus the
// validator. A notice is a hint that the log changed, never the change itself: every message on
// the channel — this shape, another version's, garbage, a forgery — only makes the receiver read
// the log (see api/catch-up.ts). So tabs of different versions of the app coexist: whatever one
// posts, the others look at the log.
import type { QueueChange } from '../core/change.js';

/** Bump when the shape changes; a receiver treats any other version as a bare "look at the log". */
export const NOTICE_VERSION = 2;

export interface Notice {
  v: typeof NOTICE_VERSION;
  /** `changed`: a transaction committed. `drained`: a processor found no job waiting. */
  kind: 'changed' | 'drained';
  /** The queue instance that posted it. */
  from: string;
  /** The log's last seq when it was posted: a receiver that has read that far need not look. */
  seq: number;
  /**
   * For `changed`: the seq the transaction began after. An instance still opening its database
   * reads from there, so a change committed while it opened is not lost to it.
   */
  after?: number;
  /** A job became waiting or delayed, or the queue resumed: a processor may look for work at once. */
  work?: true;
  /**
   * The transaction also left messages for jobs of other queues in the outbox (a child of a flow
   * finished, say): any instance of this queue may deliver them, should the one that wrote them go
   * first. (A hint older versions ignore.)
   */
  outbox?: true;
}

/** The notice for a transaction of instance `from` that took the seqs (after, to]; null if it changed nothing. */
export function changedNotice(from: string, changes: readonly QueueChange[], seqs: { after: number; to: number }, wroteOutbox: boolean): Notice | null {
  if (changes.length === 0 && !wroteOutbox) return null;
  const notice: Notice = { v: NOTICE_VERSION, kind: 'changed', from, seq: seqs.to, after: seqs.after };
  if (changes.some((c) => c.state === 'waiting' || c.state === 'delayed' || c.type === 'resumed')) notice.work = true;
  if (wroteOutbox) notice.outbox = true;
  return notice;
}

/** The notice, or null when the message is not one this version understands (still a wake-up). */
export function parseNotice(value: unknown): Notice | null {
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  if (m.v !== NOTICE_VERSION || typeof m.from !== 'string') return null;
  if (m.kind !== 'changed' && m.kind !== 'drained') return null;
  if (typeof m.seq !== 'number' || !Number.isSafeInteger(m.seq) || m.seq < 0) return null;
  const notice: Notice = { v: NOTICE_VERSION, kind: m.kind, from: m.from, seq: m.seq };
  if (typeof m.after === 'number' && Number.isSafeInteger(m.after) && m.after >= 0 && m.after < m.seq) notice.after = m.after;
  if (m.work === true) notice.work = true;
  if (m.outbox === true) notice.outbox = true;
  return notice;
}
