// Catching up with the log. Each queue instance keeps a frontier: the seq up to which it has seen
// every change — its own as it commits them, the others' by reading the log. Any message on the
// channel (a notice, another version's message, a forgery) and any gap found before one of its own
// commits make it read what was committed after the frontier, and react to what it read: the log
// is the only source of what listeners are told, what `finished()` settles with and what the
// runner does. One read at a time; woken during one, it reads once more after it.
import type { Notice } from '../channel/messages.js';
import type { QueueChange } from '../core/change.js';
import { changesOf, type LogSince } from '../store/log-since.js';

export interface CatchUpHost {
  /** The log after `afterSeq` (one page). */
  read(afterSeq: number): Promise<LogSince>;
  /** A change another instance committed, as read from the log. */
  react(change: QueueChange): void;
  /** A processor elsewhere said it drained, and the log agrees: no job is waiting. */
  drained(): void;
  error(err: unknown): void;
}

/** How far before the log's seq at open a notice that came while opening may make an instance read. */
const EARLY_LIMIT = 1000;

export class CatchUp {
  #frontier: number | null = null;
  /** Seqs this instance committed beyond the frontier: (after, to] ranges, one per transaction. */
  #own: { after: number; to: number }[] = [];
  #reading: Promise<void> | null = null;
  #again = false;
  #drainedHint = false;
  /** The `through` of the read that last announced global:drained: one announcement per log position. */
  #drainedAt = -1;
  #stopped = false;
  /** The lowest seq a notice said its change began after, among those that came before `start`. */
  #early: number | null = null;

  constructor(private readonly host: CatchUpHost) {}

  /** The seq up to which this instance has seen every change (null until `start`). */
  get frontier(): number | null {
    return this.#frontier;
  }

  /**
   * Begin at the log's last seq when the database opened: what came before is history, not news —
   * except changes whose notices arrived while it opened (at most EARLY_LIMIT seqs back, so a
   * forged notice cannot make it announce the whole history).
   */
  start(seq: number): void {
    this.#frontier = this.#early === null ? seq : Math.max(seq - EARLY_LIMIT, Math.min(seq, this.#early));
    this.#advance();
    if (this.#frontier < seq) this.wake();
  }

  /**
   * This instance committed the seqs (after, to]: it has reacted to them already, and no read may
   * report them again. Seqs before them that it has not read mean another instance wrote without
   * telling it (yet): it reads them.
   */
  committed(after: number, to: number): void {
    if (to <= after) return;
    this.#own.push({ after, to });
    this.#advance();
    if (this.#frontier !== null && this.#frontier < after) this.wake();
  }

  /** Read the log (coalesced). A notice whose seq this instance has read already is skipped. */
  wake(notice: Notice | null = null): void {
    if (this.#stopped) return;
    if (this.#frontier === null) {
      if (notice?.after !== undefined) this.#early = Math.min(this.#early ?? Infinity, notice.after);
      return;
    }
    if (notice?.kind === 'drained') this.#drainedHint = true;
    else if (notice && this.#frontier !== null && notice.seq <= this.#frontier) return;
    if (this.#reading) {
      this.#again = true;
      return;
    }
    this.#reading = this.#read().finally(() => (this.#reading = null));
  }

  stop(): void {
    this.#stopped = true;
  }

  /** Wait for the read in progress, if any (tests, and close()). */
  async settled(): Promise<void> {
    while (this.#reading) await this.#reading;
  }

  async #read(): Promise<void> {
    do {
      this.#again = false;
      if (this.#frontier === null) return;
      const drained = this.#drainedHint;
      this.#drainedHint = false;
      let log: LogSince;
      try {
        log = await this.host.read(this.#frontier);
      } catch (err) {
        if (!this.#stopped) this.host.error(err);
        return;
      }
      if (this.#stopped) return;
      const fresh = log.entries.filter((entry) => !this.#seen(entry.seq));
      for (const change of changesOf(fresh, (seq) => this.#seen(seq))) {
        if (this.#stopped) return;
        this.host.react(change);
      }
      this.#frontier = Math.max(this.#frontier, log.through);
      this.#advance();
      if (drained && log.waiting === 0 && this.#drainedAt !== log.through) {
        this.#drainedAt = log.through;
        this.host.drained();
      }
      if (log.more) this.#again = true;
    } while (this.#again && !this.#stopped);
  }

  #seen(seq: number): boolean {
    return (this.#frontier !== null && seq <= this.#frontier) || this.#own.some((r) => r.after < seq && seq <= r.to);
  }

  /** Move the frontier over our own ranges that continue it, and forget those it passed. */
  #advance(): void {
    if (this.#frontier === null) return;
    this.#own.sort((a, b) => a.after - b.after);
    for (const range of this.#own) if (range.after <= this.#frontier) this.#frontier = Math.max(this.#frontier, range.to);
    this.#own = this.#own.filter((r) => r.to > this.#frontier!);
  }
}
