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
import { stallJobs } from '../store/stall-jobs.js';
import type { WriteBatch } from '../store/write-batch.js';
import { Liveness } from './liveness.js';
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
  /** One transaction; `prefetch`: jobs it will read, fetched together with the meta record. */
  write<T>(doing: string, body: (batch: WriteBatch) => Promise<T> | T, prefetch?: readonly string[]): Promise<T>;
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
  /** The job as last committed by this instance: `discard()` during the attempt shows here. */
  context: JobContext;
}

interface PendingFinish {
  finish: Finish;
  error: Error | undefined;
  settle: (finished: Finished) => void;
}

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
  /** False once a claim came back short: nothing to do until something changes. */
  private mayHaveWork = true;
  /** A job became delayed, or one fell due: promote due jobs even when no slot is free to claim them. */
  private checkDue = false;
  private drained = false;
  private closing = false;
  /** Bull's local pause (`queue.pause(true)`): claim nothing until resumed. Stored nowhere. */
  private pausedHere = false;
  private readonly liveness: Liveness;
  private started: Promise<void> | null = null;
  private readonly timers = new Map<'due' | 'limit' | 'stall' | 'retry', { at: number; id: ReturnType<typeof setTimeout> }>();

  /** When this instance began processing (its Web Lock or heartbeat in place), Unix ms. */
  private startedAt = 0;

  constructor(
    private readonly db: QueueDB,
    private readonly host: RunnerHost<J>,
  ) {
    this.liveness = new Liveness(db, host.dbName, host.instanceId, host.settings, () => void this.sweep(), (err) => host.emitError(err));
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

  /** A change was committed, here or in another tab. */
  notice(change: QueueChange): void {
    if (this.closing) return;
    const running = change.jobId === undefined ? undefined : this.running.get(change.jobId);
    if (running && change.job?.claim?.token === running.token) running.context = change.job;
    if (change.state === 'delayed') this.checkDue = true;
    if (change.state === 'waiting' || change.state === 'delayed' || change.type === 'resumed') this.wake();
    if (change.type === 'active' && change.owner && change.owner !== this.host.instanceId) this.liveness.watch(change.owner);
    if (change.type === 'removed' && change.jobId) {
      this.running.get(change.jobId)?.controller.abort(new JobtrailError('ERR_NOT_FOUND', `Job ${change.jobId} was removed`));
    }
  }

  /** Stop (or start again) claiming jobs in this instance only; running jobs go on. */
  pauseHere(paused: boolean): void {
    this.pausedHere = paused;
    if (this.startedAt > 0) void this.announce();
    if (!paused) this.wake();
  }

  /** Settles once every attempt running now has its outcome committed (or was abandoned by a forced close). */
  async whenCurrentJobsFinished(): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  async close(force: boolean): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    globalThis.removeEventListener?.('online', this.onOnline);
    for (const timer of this.timers.values()) clearTimeout(timer.id);
    this.timers.clear();
    // A claim may be in flight: let it land first, so the jobs it took are waited for (or aborted) too.
    if (this.pumping) await this.pumping;
    if (force) {
      // Abandon active jobs: nothing is written for them; releasing our liveness below lets
      // whichever instance notices requeue them as stalled.
      for (const running of this.running.values()) running.controller.abort(new JobtrailError('ERR_QUEUE_CLOSED', 'The queue was closed'));
    } else {
      await Promise.all([...this.running.values()].map((r) => r.done));
    }
    // Write the outcomes still waiting, once more. If storage keeps failing, give up on them: once
    // our liveness is released below, whoever notices requeues those jobs as stalled.
    if (this.pumping) await this.pumping;
    if (this.pending.length > 0) await this.pump();
    await this.started?.catch(() => {});
    await this.liveness.stop();
    await forgetOwner(this.db, this.host.instanceId).catch(() => {}); // or the next sweep prunes it
    await Promise.all([...this.handlers.values()].map((h) => h.processor.close()));
  }

  private async start(): Promise<void> {
    globalThis.addEventListener?.('online', this.onOnline);
    await this.liveness.start();
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
    this.mayHaveWork = true;
    void this.pump();
  }

  /** `settings.holdWhileOffline`: claim nothing while this context is offline; `online` wakes us. */
  private heldOffline(): boolean {
    return this.host.settings.holdWhileOffline && typeof navigator !== 'undefined' && navigator.onLine === false;
  }

  private readonly onOnline = (): void => this.wake();

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
      const now = Date.now();
      let out: { finished: Finished[]; claim: ClaimResult | null };
      try {
        out = await this.host.write('processing jobs', async (batch) => ({
          finished: finishing.length > 0 ? await finishJobs(batch, finishing.map((p) => withError(p)), now) : [],
          claim: claiming || promoting ? await claimJobs(batch, this.claimRequest(claiming ? free : 0, now)) : null,
        }), finishing.map((p) => p.finish.jobId));
      } catch (err) {
        // Nothing was written. Keep the outcomes and try again shortly.
        this.pending.unshift(...finishing);
        this.host.emitError(err);
        this.setTimer('retry', Date.now() + RETRY_AFTER_ERROR_MS, () => void this.pump());
        return false;
      }
      finishing.forEach((p, i) => p.settle(out.finished[i]!));
      if (out.claim) {
        // That claim saw every delayed job, including those this very transaction delayed.
        this.checkDue = false;
        this.afterClaim(out.claim, claiming ? free : 0);
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

  private afterClaim(claim: ClaimResult, asked: number): void {
    if (claim.nextDueAt !== null) {
      this.setTimer('due', claim.nextDueAt, () => {
        this.checkDue = true;
        this.wake();
      });
    }
    if (claim.limitedUntil !== null) this.setTimer('limit', claim.limitedUntil, () => this.wake());
    if (claim.claimed.length < asked) this.mayHaveWork = false;
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
    const job = this.host.makeJob(record, token);
    const handler = this.handlerFor(record.job.name);
    const controller = new AbortController();
    if (handler) handler.active++;
    let abandoned = false;
    controller.signal.addEventListener('abort', () => {
      abandoned = this.closing;
    });
    const running: Running = { controller, done: Promise.resolve(), token, context: record.job };
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
      this.mayHaveWork = true; // a slot is free again
      void this.pump();
    });
  }

  /** Requeue (or fail) the active jobs of instances that died. */
  private async sweep(): Promise<void> {
    if (this.closing) return;
    try {
      const check = await this.liveness.check();
      const { stalled, liveOwners } = await this.host.write('checking for stalled jobs', async (batch) => {
        const result = await stallJobs(batch, { ...check, maxStalledCount: this.host.settings.maxStalledCount, now: Date.now() });
        await pruneOwners(batch, check.isAlive, check.claimedBefore);
        return result;
      });
      for (const owner of liveOwners) this.liveness.watch(owner);
      if (stalled.length > 0) this.wake();
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

  /** One timer per purpose; an earlier deadline replaces a later one. */
  private setTimer(kind: 'due' | 'limit' | 'stall' | 'retry', at: number, fire: () => void): void {
    if (this.closing) return;
    const existing = this.timers.get(kind);
    if (existing && existing.at <= at && kind !== 'stall') return;
    if (existing) clearTimeout(existing.id);
    const id = setTimeout(() => {
      this.timers.delete(kind);
      fire();
    }, Math.max(0, at - Date.now()));
    this.timers.set(kind, { at, id });
  }
}

function withError(p: PendingFinish): Finish {
  return p.error ? { ...p.finish, error: p.error } : p.finish;
}

function withTimeout<T>(work: Promise<T>, ms: number | undefined, controller: AbortController, jobId: string): Promise<T> {
  if (!ms) return work;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const err = new JobtrailError('ERR_TIMEOUT', `Job ${jobId} timed out after ${ms} ms`);
      controller.abort(err);
      reject(err);
    }, ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err) => {
        clearTimeout(timer);
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
