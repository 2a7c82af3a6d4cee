// FlowProducer: BullMQ's flows. A flow is a tree of jobs in any queues of one prefix; a parent
// waits in `waiting-children` until every child has completed, then runs with their results
// (`job.getChildrenValues()`). A flow is added whole or not at all, across databases: the
// transaction that adds the first queue's jobs also writes an intent holding the jobs of the other
// queues (ids fixed), which this producer then adds, queue by queue, and deletes. If the tab dies
// in between, the next instance of that first queue to open (or one already open, when this tab's
// Web Lock goes) completes the intent. See flow-links.ts and store/add-flow.ts.
import { dependencyLists } from '../core/dependencies.js';
import { InvalidOptionError, JobtrailError } from '../core/errors.js';
import { idTaken, planFlows, type FlowJob, type FlowPlan, type PlanNode, type PlannedJob } from '../core/flow.js';
import { describe, integerAtLeast, resolveQueueOptions, type ResolvedQueueOptions } from '../core/options.js';
import { addFlowJobs, putIntent } from '../store/add-flow.js';
import type { JobRecord } from '../store/record.js';
import type { FlowIntent } from '../store/schema.js';
import { Emitter } from './emitter.js';
import { FlowLinks, flowLockName } from './flow-links.js';
import { jobHostOf } from './job-host.js';
import { Job } from './job.js';
import { Queue } from './queue.js';
import type { QueueOptions } from './types.js';

export type { FlowJob };

/** `new FlowProducer(options)`. */
export interface FlowProducerOptions {
  /** The prefix of every queue of its flows (their databases are `${prefix}:${queueName}`). Default `'jobtrail'`. */
  prefix?: string;
}

/** `add(flow, opts)`: per queue name, the options its jobs are added with (its `defaultJobOptions`, its backoff strategies). */
export interface FlowOpts {
  queuesOptions?: Record<string, Pick<QueueOptions, 'defaultJobOptions' | 'settings'>>;
}

/** A job of a flow and its children, as `add` returns them and `getFlow` reads them (BullMQ's JobNode). */
export interface JobNode {
  job: Job;
  children?: JobNode[];
}

/** `getFlow({ id, queueName, depth, maxChildren })`: how far to read (depth 1: the job alone). */
export interface GetFlowOptions {
  id: string | number;
  queueName: string;
  /** Levels to read, the job's own included. Default 10. */
  depth?: number;
  /** Children to read per list (processed, unprocessed, failed, ignored) and level. Default 20. */
  maxChildren?: number;
}

interface FlowProducerEvents {
  /** An error of background work (delivering, completing flows), or of a listener. */
  error(err: Error): void;
}

/**
 * Adds flows: trees of jobs where each parent runs once all of its children have completed.
 *
 * @example
 * const flows = new FlowProducer();
 * const { job, children } = await flows.add({
 *   name: 'assemble',
 *   queueName: 'uploads',
 *   data: { name: 'video.mp4' },
 *   children: [0, 1, 2].map((part) => ({ name: 'part', queueName: 'parts', data: { part } })),
 * });
 */
export class FlowProducer {
  readonly prefix: string;
  readonly #links: FlowLinks;
  readonly #queues = new Map<string, Queue>();
  readonly #events: Emitter<FlowProducerEvents>;
  #closing: Promise<void> | null = null;

  constructor(options?: FlowProducerOptions) {
    if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
      throw new InvalidOptionError(`FlowProducer options must be an object, got ${describe(options)}`);
    }
    for (const key of Object.keys(options ?? {})) {
      if (key !== 'prefix') throw new InvalidOptionError(`Unknown FlowProducer option ${key}`);
    }
    this.prefix = resolveQueueOptions('flow', { prefix: options?.prefix }).prefix;
    this.#events = new Emitter<FlowProducerEvents>((err) => console.error('jobtrail: a FlowProducer error listener threw', err));
    this.#links = new FlowLinks(this.prefix, null, (err) => this.#emitError(err));
  }

  /**
   * Add a flow: its jobs in every queue, all of them or none. Resolves with the tree of jobs
   * added, `{ job, children }`. Refused, with nothing written anywhere, for a job without a name or
   * a queue, a cycle, two jobs with one id in a queue, an id a queue has already, a bad option, or
   * data IndexedDB cannot store; the error names the job.
   */
  async add(flow: FlowJob, opts?: FlowOpts): Promise<JobNode> {
    const [node] = await this.#add([flow], opts);
    return node!;
  }

  /** Add several flows, all of them or none. */
  async addBulk(flows: FlowJob[]): Promise<JobNode[]> {
    if (!Array.isArray(flows)) throw new InvalidOptionError(`addBulk expects an array of flows, got ${describe(flows)}`);
    return this.#add(flows);
  }

  /**
   * A flow as stored now, from job `id` of queue `queueName` down (`depth` levels, the job's own
   * included; at most `maxChildren` children per list and level), or null when there is no such job.
   */
  async getFlow(opts: GetFlowOptions): Promise<JobNode | null> {
    this.#assertOpen();
    const { id, queueName, depth = 10, maxChildren = 20 } = opts ?? ({} as GetFlowOptions);
    if ((typeof id !== 'string' && typeof id !== 'number') || String(id).length === 0) {
      throw new InvalidOptionError(`getFlow: id must be a job id, got ${describe(id)}`);
    }
    if (typeof queueName !== 'string' || queueName.length === 0) throw new InvalidOptionError(`getFlow: queueName must be a non-empty string, got ${describe(queueName)}`);
    integerAtLeast(depth, 1, 'getFlow option depth');
    integerAtLeast(maxChildren, 1, 'getFlow option maxChildren');
    const record = await this.#queue(queueName).getJobRecord(id);
    return record ? this.#read(queueName, record, depth, maxChildren) : null;
  }

  on(event: 'error', listener: (err: Error) => void): this {
    this.#events.on(event, listener);
    return this;
  }
  off(event: 'error', listener: (err: Error) => void): this {
    this.#events.off(event, listener);
    return this;
  }

  /** Release the databases. The jobs it returned can no longer change or read their queue then. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#links.close();
      await Promise.all([...this.#queues.values()].map((q) => q.close()));
    })();
    return this.#closing;
  }

  async #add(flows: readonly FlowJob[], opts?: FlowOpts): Promise<JobNode[]> {
    this.#assertOpen();
    const queuesOptions = checkFlowOpts(opts);
    const resolved = new Map<string, ResolvedQueueOptions<unknown>>();
    const plan = planFlows(flows, {
      queueOptions: (name) => {
        let options = resolved.get(name);
        if (!options) resolved.set(name, (options = resolveQueueOptions(name, { ...queuesOptions[name], prefix: this.prefix })));
        return options;
      },
      newId: () => globalThis.crypto.randomUUID(),
    });
    if (plan.jobs.length === 0) return [];
    for (const job of plan.jobs) checkCloneable(job);
    const time = Date.now();
    const home = plan.home;
    const first = plan.jobs.filter((job) => job.wave === 0);
    const rest = plan.jobs.filter((job) => job.wave > 0);
    await this.#checkIdsFree(rest);
    const flow = { id: globalThis.crypto.randomUUID(), time };
    const intent: FlowIntent | null = rest.length > 0 ? { ...flow, jobs: rest } : null;

    const stored = new Map<string, JobRecord>();
    const taken: PlannedJob[] = [];
    const keep = (queueName: string, records: JobRecord[]) => {
      for (const record of records) stored.set(`${queueName}\u0000${record.id}`, record);
    };
    const addAll = async () => {
      const added = await this.#links.write(home, 'adding a flow', async (batch) => {
        const out = await addFlowJobs(batch, first, flow);
        if (out.taken.length > 0) throw idTaken(out.taken[0]!);
        if (intent) putIntent(batch, intent);
        return out;
      });
      keep(home, added.records);
      if (!intent) return;
      const done = await this.#links.completeIntent(home, intent);
      for (const { queueName, record } of done.records) keep(queueName, [record]);
      taken.push(...done.taken);
    };
    // While this tab adds a flow across queues it holds the flow's lock: instances of the first
    // queue that see the flow wait for it, and complete the flow if this tab goes first.
    const locks = globalThis.navigator?.locks;
    if (intent && locks) await locks.request(flowLockName(intent.id), addAll);
    else await addAll();

    if (taken.length > 0) {
      const names = taken.map((job) => `${job.path} (${job.name} in queue ${job.queueName}, id ${describe(job.id)})`).join(', ');
      throw new JobtrailError('ERR_REFUSED', `The flow was added without ${names}: another job took that id while the flow was being added; the parent does not wait for it`);
    }
    return plan.trees.map((tree) => this.#built(plan, tree, stored));
  }

  /** Explicit ids of the jobs of other queues must be free: checked before anything is written. */
  async #checkIdsFree(jobs: readonly PlannedJob[]): Promise<void> {
    const chosen = jobs.filter((job) => job.opts.jobId !== undefined);
    const byQueue = new Map<string, PlannedJob[]>();
    for (const job of chosen) byQueue.set(job.queueName, [...(byQueue.get(job.queueName) ?? []), job]);
    for (const [queueName, list] of byQueue) {
      const found = await this.#links.readJobs(queueName, list.map((job) => job.id));
      const i = found.findIndex((record) => record !== undefined);
      if (i >= 0) throw idTaken(list[i]!);
    }
  }

  #built(plan: FlowPlan, tree: PlanNode, stored: Map<string, JobRecord>): JobNode {
    const planned = plan.jobs[tree.job]!;
    const record = stored.get(`${planned.queueName}\u0000${planned.id}`)!;
    const node: JobNode = { job: this.#job(planned.queueName, record) };
    if (tree.children) node.children = tree.children.map((child) => this.#built(plan, child, stored));
    return node;
  }

  async #read(queueName: string, record: JobRecord, depth: number, maxChildren: number): Promise<JobNode> {
    const node: JobNode = { job: this.#job(queueName, record) };
    const deps = record.job.dependencies;
    if (!deps || depth <= 1) return node;
    const lists = dependencyLists(deps);
    const keys = [
      ...Object.keys(lists.processed).slice(0, maxChildren),
      ...lists.unprocessed.slice(0, maxChildren),
      ...lists.failed.slice(0, maxChildren),
      ...Object.keys(lists.ignored).slice(0, maxChildren),
    ];
    const children = await Promise.all(keys.map(async (key) => {
      const { id, queueName: childQueue } = deps[key]!;
      const child = await this.#queue(childQueue).getJobRecord(id);
      return child ? this.#read(childQueue, child, depth - 1, maxChildren) : null;
    }));
    node.children = children.filter((child): child is JobNode => child !== null);
    return node;
  }

  /** The Job of a record, bound to a queue this producer keeps open for its jobs. */
  #job(queueName: string, record: JobRecord): Job {
    return Job.fromContext(jobHostOf(this.#queue(queueName))!, record.job);
  }

  #queue(name: string): Queue {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = new Queue(name, { prefix: this.prefix });
      queue.on('error', (err) => this.#emitError(err));
      this.#queues.set(name, queue);
    }
    return queue;
  }

  #assertOpen(): void {
    if (this.#closing) throw new JobtrailError('ERR_QUEUE_CLOSED', 'The FlowProducer is closed');
  }

  #emitError(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    if (this.#events.has('error')) this.#events.emit('error', error);
    else console.error('jobtrail: FlowProducer:', error);
  }
}

function checkFlowOpts(opts: unknown): NonNullable<FlowOpts['queuesOptions']> {
  if (opts === undefined) return {};
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw new InvalidOptionError(`FlowProducer.add options must be an object, got ${describe(opts)}`);
  for (const key of Object.keys(opts)) {
    if (key !== 'queuesOptions') throw new InvalidOptionError(`Unknown FlowProducer.add option ${key}`);
  }
  const queuesOptions = (opts as FlowOpts).queuesOptions ?? {};
  if (typeof queuesOptions !== 'object' || queuesOptions === null || Array.isArray(queuesOptions)) {
    throw new InvalidOptionError(`FlowProducer.add option queuesOptions must be an object by queue name, got ${describe(queuesOptions)}`);
  }
  for (const [name, options] of Object.entries(queuesOptions)) {
    for (const key of Object.keys(options ?? {})) {
      if (key !== 'defaultJobOptions' && key !== 'settings') {
        throw new InvalidOptionError(`Unknown FlowProducer.add option queuesOptions.${name}.${key} (a flow's jobs take defaultJobOptions and settings.backoffStrategies)`);
      }
    }
  }
  return queuesOptions;
}

/** IndexedDB stores data by structured clone: data it cannot clone is refused before anything is written. */
function checkCloneable(job: PlannedJob): void {
  try {
    structuredClone(job.data);
  } catch (err) {
    throw new JobtrailError(
      'ERR_NOT_CLONEABLE',
      `Flow job ${job.path} (${job.name} in queue ${job.queueName}): its data is not cloneable, so IndexedDB cannot store it (${(err as Error).message}); nothing of the flow was written`,
      { cause: err },
    );
  }
}
