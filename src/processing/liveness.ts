// Who is alive: how one queue instance learns that another, holding active jobs, has died.
// In browsers each processing instance holds a Web Lock for its whole life: the browser releases it
// the moment the tab or worker dies, and whoever waits on it learns so at once. Where Web Locks are
// missing (Node tests, very old browsers), each instance renews a heartbeat record instead.
import type { QueueSettings } from '../core/types.js';
import type { QueueDB } from '../store/open-db.js';
import { beat, forgetOwner, leaveNote } from '../store/owners.js';
import { waitFor, type Timer } from './long-timer.js';

export interface LivenessCheck {
  isAlive: (owner: string, heartbeatExpiresAt: number | undefined) => boolean;
  /** Claims made after this instant are left alone: their owner may postdate the check. */
  claimedBefore: number;
}

const locks = (): LockManager | undefined =>
  typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;

export class Liveness {
  private release: (() => void) | null = null;
  private heartbeat: Timer | null = null;
  private readonly watching = new Map<string, AbortController>();
  /**
   * Owners whose lock we were granted: dead for good (ids are never reused). `query()` cannot tell
   * them apart, since right after the grant it lists the lock, held by us.
   */
  private readonly gone = new Set<string>();
  /** A note was left (see leave): no more heartbeats, and the note stays. */
  private left = false;

  constructor(
    private readonly db: QueueDB,
    private readonly dbName: string,
    readonly owner: string,
    private readonly settings: Pick<QueueSettings, 'lockDuration' | 'lockRenewTime'>,
    private readonly onOwnerGone: (owner: string) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  get usesLocks(): boolean {
    return locks() !== undefined;
  }

  /** Become visibly alive before the first claim, so no claim of ours is ever unguarded. */
  async start(): Promise<void> {
    const lockManager = locks();
    if (lockManager) {
      await new Promise<void>((acquired, failed) => {
        lockManager
          .request(this.lockName(this.owner), () => {
            acquired();
            return new Promise<void>((release) => (this.release = release));
          })
          .catch(failed);
      });
      return;
    }
    await this.beat();
    const again = () => {
      this.heartbeat = waitFor(this.settings.lockRenewTime, () => {
        again();
        void this.beat();
      });
    };
    again();
  }

  async check(): Promise<LivenessCheck> {
    const claimedBefore = Date.now();
    const lockManager = locks();
    if (lockManager) {
      const { held = [] } = await lockManager.query();
      const names = new Set(held.map((lock) => lock.name));
      return { claimedBefore, isAlive: (owner) => owner === this.owner || (!this.gone.has(owner) && names.has(this.lockName(owner))) };
    }
    return {
      claimedBefore,
      isAlive: (owner, expiresAt) => owner === this.owner || (expiresAt !== undefined && expiresAt > Date.now()),
    };
  }

  /** Call `onOwnerGone` as soon as `owner` dies (with Web Locks; heartbeats are found by sweeps). */
  watch(owner: string): void {
    const lockManager = locks();
    if (!lockManager || owner === this.owner || this.watching.has(owner) || this.gone.has(owner)) return;
    const controller = new AbortController();
    this.watching.set(owner, controller);
    lockManager
      .request(this.lockName(owner), { signal: controller.signal }, () => {
        this.watching.delete(owner);
        this.gone.add(owner);
        this.onOwnerGone(owner);
      })
      .catch((err: Error) => {
        this.watching.delete(owner);
        if (err.name !== 'AbortError') this.onError(err);
      });
  }

  /**
   * Say, in one write that needs no read, that this instance is leaving and gives back the claims
   * `tokens` (see leaveNote). The request is issued before this returns.
   */
  leave(tokens: string[], reason: string, now: number): Promise<void> {
    this.left = true;
    this.heartbeat?.cancel();
    return leaveNote(this.db, this.owner, tokens, reason, now);
  }

  async stop(): Promise<void> {
    for (const controller of this.watching.values()) controller.abort();
    this.watching.clear();
    this.release?.();
    this.release = null;
    if (this.heartbeat) {
      this.heartbeat.cancel();
      this.heartbeat = null;
      if (this.left) return;
      try {
        await forgetOwner(this.db, this.owner);
      } catch {
        // the database may be closing; the heartbeat then simply expires
      }
    }
  }

  private async beat(): Promise<void> {
    if (this.left) return;
    try {
      await beat(this.db, this.owner, Date.now() + this.settings.lockDuration);
    } catch (err) {
      this.onError(err);
    }
  }

  private lockName(owner: string): string {
    return ownerLockName(this.dbName, owner);
  }
}

/** The Web Lock a processing instance holds for its whole life. */
export function ownerLockName(dbName: string, owner: string): string {
  return `jobtrail:${dbName}:owner:${owner}`;
}
