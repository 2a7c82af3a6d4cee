// The processing loop of one Queue instance. It claims jobs for its handlers' free slots, runs
// them, and writes their outcomes. Finishing jobs and claiming the next ones share one transaction
// ("group commit"): at concurrency 1 that is one transaction per job, and at higher concurrency the
// outcomes that pile up while a transaction runs all go into the next one.
import type { QueueChange } from '../core/change.js';
import { decideFailure, type AttemptOutcome } from '../core/decide.js';
import { JobtrailError } from '../core/errors.js';
import type { JobContext } from '../core/machine.js';
import type { QueueSettings, RateLimiter } from '../core/types.js';
import { claimJobs, type ClaimResult } from '../store/claim-jobs.js';
import { finishJobs, type Finish, type Finished } from '../store/finish-jobs.js';
import type { QueueDB } from '../store/open-db.js';
import { announceOwner, forgetOwner, pruneOwners } from '../store/owners.js';
import type { JobRecord } from '../store/record.js';
import { releaseJobs, type Claim } from '../store/release-jobs.js';
import { reviveSchedulers } from '../store/advance-schedulers.js';
import { readSchedulers } from '../store/scheduler-reads.js';
import { stallJobs } from '../store/stall-jobs.js';
import type { Prefetch, WriteBatch } from '../store/write-batch.js';
import { cronParser, loadCronParser } from './cron.js';
import { Liveness } from './liveness.js';
import { waitFor, waitUntil, type Deadline, type Timer } from './long-timer.js';
import { contextKind, contextUrl } from './presence.js';
import type { Processor, ProcessorSpec } from './processor.js';

/**
 * What the runner needs of the queue it works for. `J` is the job object handed to processors
 * (and to custom backoff strategies); the runner only makes it, through `makeJob`, and passes it on.
 */
export interface RunnerHost<J> {
  /** This instance: the owner of the claims the runner makes. */
  readonly instanceId: string;
  readonly dbName: string;
  readonly settings: Readonly<QueueSettings<J>>;
  readonly limiter: Readonly<RateLimiter> | null;
  /** One transaction; `prefetch`: what it will read, requested together (see store/write.ts). */
  write<T>(doing: string, body: (batch: WriteBatch) => Promise<T> | T, prefetch?: Prefetch): Promise<T>;
  /**
   * The same, with the transaction created before this returns: it is then ordered before anything
   * the page does later, and still commits if the connection closes right after (a transaction
   * begun before `close()` finishes).
   */
  writeNow<T>(doing: string, body: (batch: WriteBatch) => Promise<T> | T): Promise<T>;
  /** The job object for a record this runner claimed under `token`. */
  makeJob(record: JobRecord, token: string): J;
  emitError(err: unknown): void;
  drained(): void;
}

interface Handler<J, Result> {
  name: string;
  concurrency: number;
  processor: Processor<J, Result>;
  active: number;
}

interface Running {
  controller: AbortController;
  /** Settles once the attempt's outcome is committed (or abandoned by a forced close). */
  done: Promise<void>;
  token: string;
  /** The seq of the claim: only a removal after it concerns this attempt (ids restart after obliterate). */
  claimSeq: number;
  /** The job as last committed by this instance: `discard()` during the attempt shows here. */
  context: JobContext;
}

interface PendingFinish {
  finish: Finish;
  error: Error | undefined;
  settle: (finished: Finished) => void;
}

type TimerKind = 'due' | 'limit' | 'stall' | 'retry';

/**
 * How a runner stops. `wait`: claim nothing more, let active jobs finish and write their outcomes.
 * `release`: abort active jobs and give them back (`released`). `abandon`: abort them and write
 * nothing, as a crashed tab does (tests use it); whoever notices requeues them as stalled.
 */
export type CloseMode = 'wait' | 'release' | 'abandon';

/** After a storage failure, wait this long before trying again. */
const RETRY_AFTER_ERROR_MS = 1000;
/** While held offline, look at `navigator.onLine` again this often (see pumpLoop). */
const OFFLINE_RECHECK_MS = 1000;

export class Runner<J, Result> {
  private readonly handlers = new Map<string, Handler<J, Result>>();
  private readonly running = new Map<string, Running>();
  private pending: PendingFinish[] = [];
  /** The pump loop in progress, if any: one transaction at a time. */
  private pumping: Promise<void> | null = null;
  /** pump() was called while the loop ran: look again before stopping. */
  private pumpAgain = false;
  /** A pump() asked for once the current task is done (see pumpSoon). */
  private soon: MessageChannel | null = null;
  /** False once a claim came back short: nothing to do until something changes. */
  private mayHaveWork = true;
  /** A job became delayed, or one fell due: promote due jobs even when no slot is free to claim them. */
  private checkDue = false;
  /** The log's seq as the last claim saw it: changes up to it need no wake-up (that claim saw them). */
  private seenThrough = 0;
  /** The seq the claim in flight saw, once it has read: its own transaction's changes need no wake-up. */
  private claimSaw = 0;
  /**
   * Counts what may let a claim take more: wake-ups (a job committed after the claim read the
   * waiting line) and freed slots (a handler that was full while the claim chose). A claim that
   * comes back short concludes "no work" only if none arrived while it ran.
   */
  private nudges = 0;
  private drained = false;
  private closing = false;
  private closed: Promise<void> | null = null;
  /** Set once active jobs are given back or abandoned: a claim that lands later is not run. */
  private departure: { mode: 'release' | 'abandon'; reason: string; writes: Promise<void>[] } | null = null;
  private readonly departed = settled();
  /** Bull's local pause (`queue.pause(true)`): claim nothing until resumed. Stored nowhere. */
  private pausedHere = false;
  private readonly liveness: Liveness;
  private started: Promise<void> | null = null;
  private readonly timers = new Map<TimerKind, { at: number; timer: Timer | Deadline }>();

  /** When this instance began processing (its Web Lock or heartbeat in place), Unix ms. */
  private startedAt = 0;

  constructor(
    private readonly db: QueueDB,
    private readonly host: RunnerHost<J>,
  ) {
    // An owner died: requeue its jobs, then look for work (it may have given them back itself, on
    // its way out, without a notice reaching us).
    const ownerGone = () => void this.sweep().then(() => this.wake());
    this.liveness = new Liveness(db, host.dbName, host.instanceId, host.settings, ownerGone, (err) => host.emitError(err));
  }

  async register(spec: ProcessorSpec<J, Result>): Promise<void> {
    if (this.handlers.has(spec.name)) {
      throw new JobtrailError('ERR_REFUSED', `A handler for ${spec.name === '*' ? "'*'" : `job name ${spec.name}`} is already registered on this queue instance`);
    }
    this.handlers.set(spec.name, { ...spec, active: 0 });
    this.started ??= this.start();
    await this.started;
    await this.announce();
    this.wake();
  }

  /** A change was committed here, or read in the log after another instance committed it. */
  notice(change: QueueChange): void {
    if (this.closing) return;
    const running = change.jobId === undefined ? undefined : this.running.get(change.jobId);
    if (running && change.job?.claim?.token === running.token) running.context = change.job;
    if (change.seq > Math.max(this.seenThrough, this.claimSaw)) {
      if (change.state === 'delayed') this.checkDue = true;
      if (change.state === 'waiting' || change.state === 'delayed' || change.type === 'resumed') this.wake();
    }
    if (change.type === 'active' && change.owner && change.owner !== this.host.instanceId) this.liveness.watch(change.owner);
    if (change.type === 'removed' && running && change.seq > running.claimSeq) {
      running.controller.abort(new JobtrailError('ERR_NOT_FOUND', `Job ${change.jobId} was removed`));
    }
    if (change.type === 'schedulerUpserted' && cronParser() === null && this.startedAt > 0) void this.preloadCronParser();
  }

  /**
   * Another tab says a job may have become waiting or delayed: look now, before reading the log
   * (which `notice` then brings; the claim will have seen it). A false hint costs one claim that
   * finds nothing.
   */
  hint(): void {
    if (this.closing) return;
    this.checkDue = true;
    this.wake();
  }

  /** Stop (or start again) claiming jobs in this instance only; running jobs go on. */
  pauseHere(paused: boolean): void {
    this.pausedHere = paused;
    if (this.startedAt > 0) void this.announce();
    if (!paused) this.wake();
  }

  /** Settles once every attempt running now has its outcome committed (or was given back or abandoned). */
  async whenCurrentJobsFinished(): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /**
   * Stop (see CloseMode); `reason` says why, in `released` events and in the handlers' abort
   * signals. Everything `release` writes is begun before the first await, so a `pagehide` or
   * `versionchange` handler can call it. Asked to release while a graceful close waits, it gives
   * back the jobs still running.
   */
  close(mode: CloseMode, reason: Error = new JobtrailError('ERR_QUEUE_CLOSED', 'The queue was closed')): Promise<void> {
    if (this.closed) {
      if (mode !== 'wait' && !this.departure) this.depart(mode, reason);
      return this.closed;
    }
    this.closing = true;
    globalThis.removeEventListener?.('online', this.onOnline);
    globalThis.document?.removeEventListener('visibilitychange', this.onVisibilityChange);
    for (const { timer } of this.timers.values()) timer.cancel();
    this.timers.clear();
    if (mode !== 'wait') this.depart(mode, reason);
    this.closed = this.finishClosing();
    return this.closed;
  }

  private async finishClosing(): Promise<void> {
    // A claim may be in flight: let it land first, so the jobs it took are waited for (or given back) too.
    if (this.pumping) await this.pumping;
    // Wait for the active jobs — unless they are given back or abandoned (now, or while waiting).
    await Promise.race([Promise.all([...this.running.values()].map((r) => r.done)), this.departed.promise]);
    // Write the outcomes still waiting, once more. If storage keeps failing, give up on them: once
    // our liveness is released below, whoever notices requeues those jobs as stalled.
    if (this.pumping) await this.pumping;
    if (this.pending.length > 0) await this.pump();
    if (this.departure) await Promise.all(this.departure.writes);
    await this.started?.catch(() => {});
    await this.liveness.stop();
    // Its record goes (or the next sweep prunes it) — unless it holds the note of jobs given back,
    // which whoever requeues them reads (a release that committed deleted it already).
    if (this.departure?.mode !== 'release') await forgetOwner(this.db, this.host.instanceId).catch(() => {});
    await Promise.all([...this.handlers.values()].map((h) => h.processor.close()));
  }

  /** Abort the active jobs and, to release them, give them back; claims that land later too. */
  private depart(mode: 'release' | 'abandon', reason: Error): void {
    this.departure = { mode, reason: reason.message, writes: [] };
    this.departed.resolve();
    const claims = [...this.running].map(([jobId, running]) => ({ jobId, token: running.token }));
    if (mode === 'release') this.giveBack(claims);
    for (const running of this.running.values()) running.controller.abort(reason);
  }

  /** Leave a note (it needs no read, so it commits even as the page goes), then write `released`. */
  private giveBack(claims: Claim[]): void {
    if (!this.departure || claims.length === 0) return;
    const { reason, writes } = this.departure;
    const now = Date.now();
    const owner = this.host.instanceId;
    const note = this.liveness.leave(claims.map((c) => c.token), reason, now);
    const release = this.host.writeNow('giving jobs back', (batch) => releaseJobs(batch, owner, claims, reason, now));
    writes.push(Promise.all([note, release]).then(() => {}, (err) => this.host.emitError(err)));
  }

  private async start(): Promise<void> {
    globalThis.addEventListener?.('online', this.onOnline);
    globalThis.document?.addEventListener('visibilitychange', this.onVisibilityChange);
    await this.liveness.start();
    await this.preloadCronParser();
    this.startedAt = Date.now();
    const interval = this.host.settings.stalledInterval;
    const sweepAgain = () => {
      this.setTimer('stall', Date.now() + interval, () => void this.sweep().finally(sweepAgain));
    };
    // Jobs left active by a closed tab or an earlier session are found right away.
    await this.sweep();
    sweepAgain();
  }

  private wake(): void {
    this.nudges++;
    this.mayHaveWork = true;
    void this.pump();
  }

  /** `settings.holdWhileOffline`: claim nothing while this context is offline; `online` wakes us. */
  private heldOffline(): boolean {
    return this.host.settings.holdWhileOffline && typeof navigator !== 'undefined' && navigator.onLine === false;
  }

  private readonly onOnline = (): void => {
    this.recheckClock();
    this.wake();
  };

  /** A tab shown again may have slept: its clock may have jumped meanwhile. */
  private readonly onVisibilityChange = (): void => this.recheckClock();

  /** Compare the wall-clock deadlines (due jobs, the limiter window) with the clock now. */
  private recheckClock(): void {
    for (const { timer } of [...this.timers.values()]) if ('recheck' in timer) timer.recheck();
  }

  private freeSlots(): number {
    let free = 0;
    for (const h of this.handlers.values()) free += Math.max(0, h.concurrency - h.active);
    return free;
  }

  private handlerFor(name: string): Handler<J, Result> | undefined {
    return this.handlers.get(name) ?? this.handlers.get('*');
  }

  /** One transaction at a time: write the outcomes waiting to be written, claim for free slots. */
  private pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      try {
        let ok: boolean;
        do {
          this.pumpAgain = false;
          ok = await this.pumpLoop();
        } while (ok && this.pumpAgain);
      } finally {
        this.pumping = null;
      }
    })();
    return this.pumping;
  }

  /** Transactions until there is nothing to write or claim. False after a storage failure. */
  private async pumpLoop(): Promise<boolean> {
    for (;;) {
      const finishing = this.pending;
      this.pending = [];
      const free = this.closing || this.pausedHere ? 0 : this.freeSlots();
      const held = free > 0 && this.mayHaveWork && this.heldOffline();
      const claiming = free > 0 && this.mayHaveWork && !this.timers.has('limit') && !held;
      // Due jobs join the waiting line on time (and in due order) even while every slot is busy.
      const promoting = !claiming && this.checkDue && !this.closing;
      // Chromium fires no `online` event in a service worker (only navigator.onLine changes), so
      // a held runner also looks again on its own.
      if (held) this.setTimer('retry', Date.now() + OFFLINE_RECHECK_MS, () => void this.pump());
      if (finishing.length === 0 && !claiming && !promoting) break;
      let out: { finished: Finished[]; claim: ClaimResult | null; seen: number };
      const nudgesBefore = this.nudges;
      try {
        out = await this.host.write('processing jobs', async (batch) => {
          // Read once the transaction runs: transactions run one at a time across tabs, so their
          // times follow their order (a limiter window that starts later than now was opened
          // before the clock was set back, not by a tab that got in first).
          const now = Date.now();
          const finished = finishing.length > 0 ? await finishJobs(batch, finishing.map((p) => withError(p)), now) : [];
          const claim = claiming || promoting ? await claimJobs(batch, this.claimRequest(claiming ? free : 0, now)) : null;
          if (claim) this.claimSaw = batch.meta.seq;
          return { finished, claim, seen: batch.meta.seq };
        }, { jobs: finishing.map((p) => p.finish.jobId), waiting: claiming ? free : 0 });
      } catch (err) {
        this.claimSaw = 0;
        // Nothing was written. Keep the outcomes and try again shortly.
        this.pending.unshift(...finishing);
        this.host.emitError(err);
        this.setTimer('retry', Date.now() + RETRY_AFTER_ERROR_MS, () => void this.pump());
        return false;
      }
      finishing.forEach((p, i) => p.settle(out.finished[i]!));
      if (out.claim) {
        // That claim saw every delayed job, including those this very transaction delayed, and
        // every job made waiting up to its seq.
        this.checkDue = false;
        this.seenThrough = Math.max(this.seenThrough, out.seen);
        this.claimSaw = 0;
        this.afterClaim(out.claim, claiming ? free : 0, this.nudges !== nudgesBefore);
      }
    }
    return true;
  }

  private claimRequest(free: number, now: number) {
    const taking = new Map<string, number>();
    let taken = 0;
    return {
      owner: this.host.instanceId,
      max: free,
      now,
      limiter: this.host.limiter,
      newToken: () => globalThis.crypto.randomUUID(),
      cron: cronParser(),
      take: (name: string) => {
        if (taken >= free) return false;
        const handler = this.handlerFor(name);
        // A job nobody here handles is taken too, and fails naming its name (as in Bull).
        const key = handler?.name ?? '';
        const already = taking.get(key) ?? 0;
        if (handler && handler.active + already >= handler.concurrency) return false;
        taking.set(key, already + 1);
        taken++;
        return true;
      },
    };
  }

  /** `nudgedMeanwhile`: a wake-up or a freed slot arrived while the claim ran (see `nudges`). */
  private afterClaim(claim: ClaimResult, asked: number, nudgedMeanwhile: boolean): void {
    if (claim.nextDueAt !== null) {
      this.setTimer('due', claim.nextDueAt, () => {
        this.checkDue = true;
        this.wake();
      });
    }
    if (claim.limitedUntil !== null) this.setTimer('limit', claim.limitedUntil, () => this.wake());
    if (claim.unadvanced.length > 0) void this.scheduleWithCronParser();
    if (claim.claimed.length < asked && !nudgedMeanwhile) this.mayHaveWork = false;
    if (claim.claimed.length > 0) this.drained = false;
    else if (asked > 0 && claim.waiting === 0 && !claim.paused && !this.drained) {
      this.drained = true;
      this.host.drained();
    }
    for (const record of claim.claimed) this.execute(record);
  }

  private execute(record: JobRecord): void {
    const token = record.job.claim!.token;
    const jobId = record.id;
    // Claimed while this instance was already on its way out: given back (or, crashing, dropped).
    if (this.departure) {
      if (this.departure.mode === 'release') this.giveBack([{ jobId, token }]);
      return;
    }
    const job = this.host.makeJob(record, token);
    const handler = this.handlerFor(record.job.name);
    const controller = new AbortController();
    if (handler) handler.active++;
    let abandoned = false;
    controller.signal.addEventListener('abort', () => {
      // Aborted because this instance gave the job back (or dropped it): nothing more to write.
      abandoned = this.departure !== null;
    });
    const running: Running = { controller, done: Promise.resolve(), token, claimSeq: record.seq, context: record.job };
    running.done = (async () => {
      let outcome: AttemptOutcome;
      let error: Error | undefined;
      try {
        if (!handler) throw new Error(`Missing process handler for job type ${record.job.name}`);
        const result = await withTimeout(handler.processor.run(job, controller.signal), record.job.opts.timeout, controller, jobId);
        outcome = { type: 'completed', returnvalue: result };
      } catch (err) {
        error = asError(err);
        outcome = await decideFailure(running.context, error, {
          strategies: this.host.settings.backoffStrategies,
          subject: job,
          onStrategyError: (strategyError) => this.host.emitError(strategyError),
        });
      }
      if (handler) handler.active--;
      // Only our own entry: after obliterate() ids start again, and a new job may have this id.
      if (this.running.get(jobId) === running) this.running.delete(jobId);
      if (abandoned) return;
      const finished = await this.finish({ jobId, token, outcome }, error);
      // A job removed while it ran has nowhere to go; any other refusal is worth knowing about.
      if (finished.error && (finished.error as JobtrailError).code !== 'ERR_NOT_FOUND') this.host.emitError(finished.error);
    })();
    this.running.set(jobId, running);
  }

  private finish(finish: Finish, error: Error | undefined): Promise<Finished> {
    return new Promise((settle) => {
      this.pending.push({ finish, error, settle });
      // A slot is free again: a claim running now may have passed over jobs of this handler while
      // it was full, so its coming back short proves nothing (it once left jobs waiting forever).
      this.mayHaveWork = true;
      this.nudges++;
      // Other attempts still running may end within this task (jobs claimed together often do):
      // let their outcomes join this one's transaction, a larger group, instead of starting a
      // transaction for the first alone. With nothing else running, no reason to wait.
      if (this.running.size > 0 && !this.pumping) this.pumpSoon();
      else void this.pump();
    });
  }

  /** pump() once the current task (and its microtasks) is done: a message to ourselves, not a timer. */
  private pumpSoon(): void {
    if (this.soon) return;
    if (typeof MessageChannel === 'undefined') {
      void this.pump();
      return;
    }
    this.soon = new MessageChannel();
    this.soon.port1.onmessage = () => {
      this.soon?.port1.close();
      this.soon = null;
      void this.pump();
    };
    this.soon.port2.postMessage(null);
  }

  /** Requeue (or fail) the active jobs of instances that died. */
  private async sweep(): Promise<void> {
    if (this.closing) return;
    try {
      const check = await this.liveness.check();
      const { stalled, liveOwners, unadvanced } = await this.host.write('checking for stalled jobs', async (batch) => {
        const now = Date.now();
        const result = await stallJobs(batch, { ...check, maxStalledCount: this.host.settings.maxStalledCount, now });
        await pruneOwners(batch, check.isAlive, check.claimedBefore);
        // A scheduler whose next iteration went missing (removed, or taken without the cron parser) gets one.
        const { unadvanced } = await reviveSchedulers(batch, now, cronParser());
        return { ...result, unadvanced };
      });
      for (const owner of liveOwners) this.liveness.watch(owner);
      if (stalled.length > 0) this.wake();
      if (unadvanced.length > 0) void this.scheduleWithCronParser();
    } catch (err) {
      if (!this.closing) this.host.emitError(err);
    }
  }

  /**
   * Load the cron parser ahead of the claims that need it (nothing but IndexedDB may be awaited in
   * a transaction) when a scheduler with a pattern exists.
   */
  private async preloadCronParser(): Promise<void> {
    try {
      if (cronParser() === null && (await readSchedulers(this.db)).some((s) => s.repeat.pattern !== undefined)) await loadCronParser();
    } catch (err) {
      if (!this.closing) this.host.emitError(err);
    }
  }

  /** A claim took iterations of pattern schedulers without the parser: load it, then add their next iterations. */
  private async scheduleWithCronParser(): Promise<void> {
    try {
      const cron = await loadCronParser();
      if (this.closing) return;
      await this.host.write('adding the next iterations of job schedulers', (batch) => reviveSchedulers(batch, Date.now(), cron));
    } catch (err) {
      if (!this.closing) this.host.emitError(err);
    }
  }

  /** Write what `getWorkers()` shows of this instance: its kind, handlers and local pause. */
  private async announce(): Promise<void> {
    try {
      await announceOwner(this.db, this.host.instanceId, {
        kind: contextKind(),
        url: contextUrl(),
        startedAt: this.startedAt,
        paused: this.pausedHere,
        handlers: [...this.handlers.values()].map(({ name, concurrency }) => ({ name, concurrency })),
      });
    } catch (err) {
      if (!this.closing) this.host.emitError(err);
    }
  }

  /**
   * One timer per purpose; an earlier deadline replaces a later one. `due` and `limit` are instants
   * on the wall clock (stored due times, the stored limiter window), compared with the clock again
   * every second, on `online`, on `visibilitychange` and whenever another timer fires; `stall` and
   * `retry` are durations from now.
   */
  private setTimer(kind: TimerKind, at: number, fire: () => void): void {
    if (this.closing) return;
    const existing = this.timers.get(kind);
    if (existing && existing.at <= at && kind !== 'stall') return;
    existing?.timer.cancel();
    const done = () => {
      this.timers.delete(kind);
      this.recheckClock();
      fire();
    };
    // A due time is an instant: a job never starts before it by the wall clock. The limiter's
    // window also ends after its length in real time, so a clock set back cannot stretch it.
    const timer = kind === 'due' ? waitUntil(at, done) : kind === 'limit' ? waitUntil(at, done, at - Date.now()) : waitFor(at - Date.now(), done);
    this.timers.set(kind, { at, timer });
  }
}

/** A promise and the function that resolves it. */
function settled(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function withError(p: PendingFinish): Finish {
  return p.error ? { ...p.finish, error: p.error } : p.finish;
}

function withTimeout<T>(work: Promise<T>, ms: number | undefined, controller: AbortController, jobId: string): Promise<T> {
  if (!ms) return work;
  return new Promise<T>((resolve, reject) => {
    const timer = waitFor(ms, () => {
      const err = new JobtrailError('ERR_TIMEOUT', `Job ${jobId} timed out after ${ms} ms`);
      controller.abort(err);
      reject(err);
    });
    work.then(
      (value) => {
        timer.cancel();
        resolve(value);
      },
      (err) => {
        timer.cancel();
        reject(err);
      },
    );
  });
}

function asError(err: unknown): Error {
  if (err instanceof Error) return err;
  const e = new Error(typeof err === 'string' ? err : `Non-error thrown: ${JSON.stringify(err) ?? String(err)}`);
  delete e.stack;
  return e;
}
