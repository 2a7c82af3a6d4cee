// The work that crosses queues: each queue is a database of its own, and IndexedDB transactions do
// not span databases. A FlowLinks instance writes to the queues of one prefix, by name; it delivers
// the messages a queue's outbox holds to the queues they are for (store/deliver.ts), and completes
// the flows whose adding tab went away before every queue had its jobs (store/add-flow.ts). A Queue
// keeps one for its own database and the ones it talks to; a FlowProducer keeps one for the queues
// of its flows. Everything here may run twice, in two tabs at once, or again after a crash: each
// step is one transaction that changes nothing the second time.
import { changedNotice } from '../channel/messages.js';
import { NoticeChannel } from '../channel/notice-channel.js';
import { JobtrailError } from '../core/errors.js';
import { flowTransactions, type PlannedJob } from '../core/flow.js';
import { addFlowJobs, deleteIntent, dropTaken, readIntent, readIntents } from '../store/add-flow.js';
import { dbName } from '../store/db-name.js';
import { deleteOutbox, deliverMessages, readOutbox } from '../store/deliver.js';
import { openQueueDb, type QueueDB } from '../store/open-db.js';
import { readJob } from '../store/reads.js';
import type { JobRecord } from '../store/record.js';
import type { FlowIntent } from '../store/schema.js';
import { write } from '../store/write.js';
import type { WriteBatch } from '../store/write-batch.js';

/** The queue a FlowLinks belongs to, if any: its own writes go through it, to its listeners. */
export interface OwnQueue {
  readonly name: string;
  /** Its connection (before any flow is completed: completing flows is part of opening). */
  readonly db: Promise<QueueDB>;
  /** One transaction on that connection, announced (and its outbox delivered) as the queue's own. */
  write<T>(doing: string, body: (batch: WriteBatch) => Promise<T> | T): Promise<T>;
}

/** What adding a flow's other queues gave: the jobs as stored, and those whose id was taken meanwhile. */
export interface CompletedFlow {
  records: { queueName: string; record: JobRecord }[];
  taken: PlannedJob[];
}

/** Messages delivered per round of an outbox. */
const OUTBOX_PAGE = 200;

/** The Web Lock held by the tab adding a flow, for as long as it adds it. */
export function flowLockName(intentId: string): string {
  return `jobtrail-flow:${intentId}`;
}

export class FlowLinks {
  readonly #id = globalThis.crypto.randomUUID();
  readonly #peers = new Map<string, { db: Promise<QueueDB>; channel: NoticeChannel }>();
  readonly #draining = new Map<string, { running: Promise<void>; again: boolean }>();
  readonly #watching = new Set<string>();
  readonly #stop = new AbortController();

  constructor(
    readonly prefix: string,
    private readonly own: OwnQueue | null,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** One transaction in queue `queueName`; its changes are announced, its outbox delivered. */
  async write<T>(queueName: string, doing: string, body: (batch: WriteBatch) => Promise<T> | T): Promise<T> {
    if (this.own?.name === queueName) return this.own.write(doing, body);
    // The queue's instances read what changed from its log (see catch-up.ts); the notice says
    // "look", as soon as the commit is requested (see WriteOptions.committing).
    const channel = this.#peer(queueName).channel;
    const { result, wroteOutbox } = await write(await this.#db(queueName), doing, body, {}, {
      committing: ({ changes, seqs, wroteOutbox: outbox }) => channel.post(changedNotice(this.#id, changes, seqs, outbox)),
    });
    if (wroteOutbox) void this.drain(queueName);
    return result;
  }

  /** The stored jobs of queue `queueName` with these ids (undefined where none is). */
  async readJobs(queueName: string, ids: readonly string[]): Promise<(JobRecord | undefined)[]> {
    const db = await this.#db(queueName);
    return Promise.all(ids.map((id) => readJob(db, id)));
  }

  /**
   * Deliver the messages waiting in queue `queueName`'s outbox, oldest first: one transaction in
   * each queue they are for, then one that deletes them here. Calls while a delivery runs make it
   * look once more when it is done. Failures are reported; the messages stay for the next try.
   */
  drain(queueName: string): Promise<void> {
    const running = this.#draining.get(queueName);
    if (running) {
      running.again = true;
      return running.running;
    }
    const state = { running: Promise.resolve(), again: false };
    state.running = (async () => {
      try {
        do {
          state.again = false;
          await this.#drainOnce(queueName);
        } while (state.again && !this.#stop.signal.aborted);
      } catch (err) {
        if (!this.#stop.signal.aborted) this.onError(err);
      } finally {
        this.#draining.delete(queueName);
      }
    })();
    this.#draining.set(queueName, state);
    return state.running;
  }

  async #drainOnce(queueName: string): Promise<void> {
    const db = await this.#db(queueName);
    for (;;) {
      const messages = await readOutbox(db, OUTBOX_PAGE);
      if (messages.length === 0 || this.#stop.signal.aborted) return;
      const byQueue = new Map<string, typeof messages>();
      for (const message of messages) {
        const list = byQueue.get(message.to.queueName) ?? [];
        list.push(message);
        byQueue.set(message.to.queueName, list);
      }
      const delivered: number[] = [];
      try {
        for (const [target, list] of byQueue) {
          await this.write(target, `delivering messages of flows from queue ${queueName}`, (batch) => deliverMessages(batch, list));
          delivered.push(...list.map((m) => m.key!));
        }
      } finally {
        if (delivered.length > 0) await this.write(queueName, 'emptying the outbox', (batch) => deleteOutbox(batch, delivered));
      }
      if (messages.length < OUTBOX_PAGE) return;
    }
  }

  /**
   * Add the jobs a flow's intent (in queue `home`) still holds, wave after wave, one transaction
   * per queue and wave, then delete the intent. Jobs added by an earlier try are kept as they are.
   */
  async completeIntent(home: string, intent: FlowIntent): Promise<CompletedFlow> {
    const out: CompletedFlow = { records: [], taken: [] };
    for (const step of flowTransactions(intent.jobs)) {
      const added = await this.write(step.queueName, 'adding the jobs of a flow', async (batch) => {
        const result = await addFlowJobs(batch, step.jobs, intent);
        dropTaken(batch, result.taken, intent.time);
        return result;
      });
      out.records.push(...added.records.map((record) => ({ queueName: step.queueName, record })));
      out.taken.push(...added.taken);
    }
    await this.write(home, 'adding a flow', (batch) => deleteIntent(batch, intent.id));
    return out;
  }

  /**
   * The flows of queue `home` not yet added whole: those whose adding tab is gone (its Web Lock is
   * free) are completed now; the others are watched, and completed if that tab goes before it is
   * done. Where Web Locks are missing, every one is completed now (completing twice is harmless).
   */
  async settleIntents(home: string): Promise<void> {
    if (this.#stop.signal.aborted) return;
    const intents = await readIntents(await this.#db(home));
    for (const { id } of intents) {
      const locks = globalThis.navigator?.locks;
      if (!locks) {
        await this.#completeIfThere(home, id);
        continue;
      }
      const free = await locks.request(flowLockName(id), { ifAvailable: true }, async (lock) => {
        if (lock) await this.#completeIfThere(home, id);
        return lock !== null;
      });
      if (!free) this.#watch(home, id);
    }
  }

  /** Wait for the tab adding flow `id` to release its lock; complete the flow if it is still there. */
  #watch(home: string, id: string): void {
    const locks = globalThis.navigator?.locks;
    if (!locks || this.#watching.has(id)) return;
    this.#watching.add(id);
    locks
      .request(flowLockName(id), { signal: this.#stop.signal }, () => this.#completeIfThere(home, id))
      .catch((err: unknown) => {
        if (!this.#stop.signal.aborted) this.onError(err);
      })
      .finally(() => this.#watching.delete(id));
  }

  /** Read intent `id` again (under its lock: the adding tab is gone or done) and complete it if it is still there. */
  async #completeIfThere(home: string, id: string): Promise<void> {
    const intent = await readIntent(await this.#db(home), id);
    if (intent && !this.#stop.signal.aborted) await this.completeIntent(home, intent);
  }

  /** Stop delivering and watching; close the connections to the other queues. */
  close(): void {
    this.#stop.abort(new JobtrailError('ERR_QUEUE_CLOSED', 'closed'));
    for (const peer of this.#peers.values()) {
      peer.channel.close();
      peer.db.then((db) => db.close(), () => {});
    }
    this.#peers.clear();
  }

  #db(queueName: string): Promise<QueueDB> {
    if (this.own?.name === queueName) return this.own.db;
    return this.#peer(queueName).db;
  }

  #peer(queueName: string): { db: Promise<QueueDB>; channel: NoticeChannel } {
    if (this.#stop.signal.aborted) throw new JobtrailError('ERR_QUEUE_CLOSED', `Cannot reach queue ${queueName}: closed`);
    let peer = this.#peers.get(queueName);
    if (!peer) {
      const name = dbName(this.prefix, queueName);
      const db = openQueueDb(name, { onLost: (reason) => this.onError(new JobtrailError('ERR_STORAGE', `Queue ${queueName}: ${reason}`)) }, queueName);
      db.catch(() => {}); // reported by the write that needs it
      // Posts only: what this instance writes there, the queue's own instances announce.
      peer = { db, channel: new NoticeChannel(name, () => {}, (err) => this.onError(err)) };
      this.#peers.set(queueName, peer);
    }
    return peer;
  }
}
