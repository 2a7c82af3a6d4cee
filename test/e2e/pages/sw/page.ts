// The page of the service-worker tests, inside the service worker's scope (/sw/). On top of the
// harness (window.jobtrail, openQueue, queueErrors), `window.sw` registers the worker, collects its
// reports and opens the queue it serves.
import '../harness';
import { requestBackgroundSync } from 'jobtrail/sw';
import { openDB } from 'idb';
import { foldJob, type Queue, type StoredEvent, type StoredJobEvent } from 'jobtrail';
import type { SwReport, UploadData, UploadResult } from './sw';

const reports: SwReport[] = [];
const listeners = new Set<() => void>();
new BroadcastChannel('sw-test').onmessage = (event: MessageEvent<SwReport>) => {
  reports.push(event.data);
  for (const listener of [...listeners]) listener();
};

const sw = {
  /** Everything the service worker reported to this page, oldest first. */
  reports,

  /** Register the module service worker served by Vite and wait until it is active. */
  async register(): Promise<string> {
    await navigator.serviceWorker.register('/sw/sw.ts', { type: 'module', scope: '/sw/' });
    const registration = await navigator.serviceWorker.ready;
    return registration.active!.state;
  },

  /** The first report (already received or still to come) of this type that `match` accepts. */
  next<T extends SwReport['type']>(type: T, match: (report: Extract<SwReport, { type: T }>) => boolean = () => true, from = 0): Promise<Extract<SwReport, { type: T }>> {
    return new Promise((resolve) => {
      const check = () => {
        const found = reports.slice(from).find((r): r is Extract<SwReport, { type: T }> => r.type === type && match(r as Extract<SwReport, { type: T }>));
        if (!found) return false;
        listeners.delete(check);
        resolve(found);
        return true;
      };
      if (!check()) listeners.add(check);
    });
  },

  /** The queue the service worker processes, opened in this page (which does not process it). */
  queue(): Queue<UploadData, UploadResult> {
    return (window.state.uploads ??= window.openQueue<UploadData, UploadResult>('sw-uploads'));
  },

  /** requestBackgroundSync for the page's queue: every added job asks the browser for a sync. */
  requestSync(): void {
    window.state.stopSync ??= requestBackgroundSync(sw.queue());
  },

  /**
   * Read a queue's database as stored and check it: every projection equals the fold of its job's
   * events, the counts match the projections, and no event belongs to a job that does not exist.
   */
  async checkLog(name: string): Promise<{ ids: string[]; events: number; lastId: number; problems: string[] }> {
    const db = await openDB(`jobtrail:${name}`);
    try {
      const events = (await db.getAll('events')) as StoredEvent[];
      const records = (await db.getAll('jobs')) as { id: string; state: string; job: unknown }[];
      const meta = await db.get('meta', 'queue');
      const problems: string[] = [];
      const byJob = new Map<string, StoredJobEvent[]>();
      for (const e of events) if (e.jobId !== undefined) byJob.set(e.jobId, [...(byJob.get(e.jobId) ?? []), e as StoredJobEvent]);
      for (const id of byJob.keys()) if (!records.some((r) => r.id === id)) problems.push(`events of job ${id}, which has no projection`);
      for (const record of records) {
        const folded = foldJob(record.id, byJob.get(record.id) ?? []);
        if (folded.state !== record.state || JSON.stringify(folded.job) !== JSON.stringify(record.job)) {
          problems.push(`job ${record.id}: projection differs from the fold of its events`);
        }
      }
      for (const [state, count] of Object.entries(meta.counts as Record<string, number>)) {
        const actual = records.filter((r) => r.state === state).length;
        if (actual !== count) problems.push(`count of ${state} is ${count}, but ${actual} jobs are ${state}`);
      }
      return { ids: records.map((r) => r.id), events: events.length, lastId: meta.lastId, problems };
    } finally {
      db.close();
    }
  },
};

declare global {
  interface Window {
    sw: typeof sw;
    swPageReady: true;
  }
}

window.sw = sw;
window.swPageReady = true;
