// One BullMQ QueueEvents per BullMQ queue per bridge, shared by every event stream open on that
// queue: the only blocking Redis connection a queue costs, however many browsers follow its jobs.
// Events are handed to the watchers of their job id.
import { QueueEvents, type QueueEventsOptions } from 'bullmq';
import type { ServerProgress } from './protocol.js';

/** The QueueEvents a job stream reacts to, with their arguments as BullMQ gives them. */
export type WatchedEvent =
  | { type: 'active' }
  | { type: 'progress'; progress: ServerProgress }
  | { type: 'completed'; returnvalue: unknown }
  | { type: 'failed'; failedReason: string }
  | { type: 'waiting' | 'delayed' | 'removed' };

type Watcher = (event: WatchedEvent) => void;

export class QueueWatch {
  readonly #watchers = new Map<string, Set<Watcher>>();
  #events: QueueEvents | undefined;
  #closed = false;

  constructor(
    readonly queueName: string,
    private readonly options: QueueEventsOptions,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Call `watcher` with each event of the job from now on, until the returned function is called. */
  watch(jobId: string, watcher: Watcher): () => void {
    if (this.#closed) return () => {};
    this.#start();
    let set = this.#watchers.get(jobId);
    if (!set) this.#watchers.set(jobId, (set = new Set()));
    set.add(watcher);
    return () => {
      set.delete(watcher);
      if (set.size === 0 && this.#watchers.get(jobId) === set) this.#watchers.delete(jobId);
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#watchers.clear();
    await this.#events?.close();
  }

  #start(): void {
    if (this.#events) return;
    const events = new QueueEvents(this.queueName, this.options);
    this.#events = events;
    events.on('error', (err) => this.onError(err));
    const tell = (jobId: string, event: WatchedEvent) => {
      for (const watcher of this.#watchers.get(jobId) ?? []) watcher(event);
    };
    events.on('active', ({ jobId }) => tell(jobId, { type: 'active' }));
    events.on('progress', ({ jobId, data }) => tell(jobId, { type: 'progress', progress: data }));
    events.on('completed', ({ jobId, returnvalue }) => tell(jobId, { type: 'completed', returnvalue }));
    events.on('failed', ({ jobId, failedReason }) => tell(jobId, { type: 'failed', failedReason }));
    events.on('waiting', ({ jobId }) => tell(jobId, { type: 'waiting' }));
    events.on('delayed', ({ jobId }) => tell(jobId, { type: 'delayed' }));
    events.on('removed', ({ jobId }) => tell(jobId, { type: 'removed' }));
  }
}
