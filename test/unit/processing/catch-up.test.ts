// CatchUp, the frontier of what an instance has seen of the log, against a log of its own making:
// reads are coalesced (one at a time, one more if woken meanwhile), its own commits are never
// reported again, a gap before its own commit is read, and a notice it has read past is skipped.
import { describe, expect, it } from 'vitest';
import { CatchUp } from '../../../src/api/catch-up.js';
import type { QueueChange } from '../../../src/core/change.js';
import type { StoredEvent } from '../../../src/core/events.js';
import type { LogSince } from '../../../src/store/log-since.js';
import { deferred, type Deferred } from '../helpers.js';

/** A log of progress events of job 1, one per seq, that the test appends to. */
function fakeLog() {
  const events: StoredEvent[] = [];
  const reads: { afterSeq: number; gate: Deferred<void> }[] = [];
  const reacted: number[] = [];
  let open = true;
  const catchUp = new CatchUp({
    read: async (afterSeq): Promise<LogSince> => {
      const gate = deferred();
      reads.push({ afterSeq, gate });
      if (open) gate.resolve();
      await gate.promise;
      const entries = events.filter((e) => e.seq > afterSeq);
      return { entries, through: events.at(-1)?.seq ?? 0, more: false, waiting: 0 };
    },
    react: (change: QueueChange) => reacted.push(change.seq),
    drained: () => {},
    error: (err) => {
      throw err;
    },
  });
  const append = (count: number) => {
    for (let i = 0; i < count; i++) {
      const seq = events.length + 1;
      events.push({ seq, jobId: '1', type: 'progress', time: seq, payload: { progress: seq }, state: 'waiting' });
    }
  };
  const settle = () => catchUp.settled();
  return { catchUp, append, reads, reacted, settle, hold: () => (open = false), release: () => ((open = true), reads.forEach((r) => r.gate.resolve())) };
}

describe('CatchUp', () => {
  it('reads what came after the frontier it started from, and nothing twice', async () => {
    const log = fakeLog();
    log.append(3);
    log.catchUp.start(3); // history
    log.append(2);
    log.catchUp.wake();
    await log.settle();
    log.catchUp.wake();
    await log.settle();
    expect(log.reacted).toEqual([4, 5]);
    expect(log.reads.map((r) => r.afterSeq)).toEqual([3, 5]);
  });

  it('woken during a read, reads once more after it, however often it was woken', async () => {
    const log = fakeLog();
    log.catchUp.start(0);
    log.hold();
    log.append(1);
    log.catchUp.wake();
    log.append(1);
    log.catchUp.wake();
    log.catchUp.wake();
    log.catchUp.wake();
    log.release();
    await log.settle();
    expect(log.reads.map((r) => r.afterSeq)).toEqual([0, 2]);
    expect(log.reacted).toEqual([1, 2]);
  });

  it('skips the seqs it committed itself, and reads the gap in front of them', async () => {
    const log = fakeLog();
    log.catchUp.start(0);
    log.append(2); // seqs 1-2: another instance's
    log.append(2); // seqs 3-4: ours
    log.catchUp.committed(2, 4);
    await log.settle();
    expect(log.reacted).toEqual([1, 2]);
    // Contiguous with the frontier now: our next commit needs no read.
    log.append(1);
    log.catchUp.committed(4, 5);
    await log.settle();
    expect(log.reads).toHaveLength(1);
    expect(log.catchUp.frontier).toBe(5);
  });

  it('skips a notice whose seq it has read past, and reads for one it has not, or one it cannot parse', async () => {
    const log = fakeLog();
    log.append(2);
    log.catchUp.start(2);
    log.catchUp.wake({ v: 2, kind: 'changed', from: 'x', seq: 2 });
    await log.settle();
    expect(log.reads).toHaveLength(0);
    log.catchUp.wake({ v: 2, kind: 'changed', from: 'x', seq: 3 });
    await log.settle();
    log.catchUp.wake(null);
    await log.settle();
    expect(log.reads).toHaveLength(2);
  });

  it('reads the changes whose notices came while it opened, but never more than 1000 seqs back', async () => {
    const log = fakeLog();
    log.append(10);
    // Seqs 9-10 were committed while the database opened; their notice came first.
    log.catchUp.wake({ v: 2, kind: 'changed', from: 'x', seq: 10, after: 8 });
    log.catchUp.start(10);
    await log.settle();
    expect(log.reacted).toEqual([9, 10]);

    const forged = fakeLog();
    forged.append(1500);
    forged.catchUp.wake({ v: 2, kind: 'changed', from: 'x', seq: 1500, after: 0 });
    forged.catchUp.start(1500);
    await forged.settle();
    expect(forged.reads.map((r) => r.afterSeq)).toEqual([500]);
  });
});

