// A flow as given to FlowProducer.add (BullMQ's shape: a tree of jobs, each in any queue), checked
// and planned: every job gets its id, its resolved options and its wave before anything is written,
// so a flow that reaches storage can be written whole, and written again without doubling (see
// add-flow.ts). Waves order the transactions: wave 0 is the first queue's jobs that hang from it
// alone (one transaction, with the intent), and each later wave holds the jobs whose parents are in
// an earlier wave or in the same transaction, so no child ever exists before its parent (a child
// that ran and finished before its parent existed would have no one to tell).
// Pure: ids and options come from the caller.
import { InvalidOptionError, JobtrailError } from './errors.js';
import { describe, resolveJobOptions, type ResolvedQueueOptions } from './options.js';
import type { JobOptions, JobOpts, JobRef } from './types.js';

/** A job of a flow, with its children, to any depth (BullMQ's FlowJob). */
export interface FlowJob<Data = unknown> {
  name: string;
  queueName: string;
  data?: Data;
  /**
   * The job's options. A child may also have one of `failParentOnFailure`,
   * `ignoreDependencyOnFailure`, `removeDependencyOnFailure`; `deduplication` is not for flows.
   */
  opts?: JobOptions;
  /** Jobs that must complete before this one runs; they may live in other queues. */
  children?: FlowJob[];
}

/** A job of a planned flow: what its `added` event holds, with its id fixed. */
export interface PlannedJob {
  queueName: string;
  id: string;
  name: string;
  data: unknown;
  opts: JobOpts;
  /** A parent's children. */
  children?: JobRef[];
  /** Where the job was in what the caller gave, for messages: `flow[0].children[2]`. */
  path: string;
  /** Its wave: the jobs of one wave and one queue are added in one transaction, waves in order. */
  wave: number;
}

/** The shape of a planned tree: `job` indexes `FlowPlan.jobs`. */
export interface PlanNode {
  job: number;
  children?: PlanNode[];
}

export interface FlowPlan {
  /**
   * The queue whose transaction adds the top of the flows and the intent: the first flow's with
   * children (its parent is what instances of that queue watch for), else the first flow's.
   */
  home: string;
  /** Every job of every flow, each parent before its children. */
  jobs: PlannedJob[];
  /** One tree per flow given. */
  trees: PlanNode[];
}

export interface PlanContext {
  /** The options of queue `name` (its defaults and backoff strategies) that the flow's jobs get. */
  queueOptions(name: string): ResolvedQueueOptions<unknown>;
  /** A fresh job id, for jobs without a `jobId`. */
  newId(): string;
}

const NODE_KEYS = ['name', 'queueName', 'data', 'opts', 'children'];

/**
 * Check `flows` and plan them. Throws an `InvalidOptionError` naming the job at fault (its place in
 * the tree, name and queue): a job without a name or queue, a cycle, two jobs with the same id in
 * one queue, a bad option.
 */
export function planFlows(flows: readonly unknown[], context: PlanContext): FlowPlan {
  const jobs: PlannedJob[] = [];
  const ids = new Map<string, string>();
  const ancestors = new Set<unknown>();
  const seen = new Set<unknown>();

  if (!Array.isArray(flows)) throw new InvalidOptionError(`Expected an array of flows, got ${describe(flows)}`);
  const top = (flows as (FlowJob | null)[]).find((flow) => Array.isArray(flow?.children) && flow.children.length > 0) ?? flows[0];
  const home = (top as FlowJob | undefined)?.queueName;
  const plan = (node: unknown, path: string, parent: PlannedJob | undefined): PlanNode => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) {
      throw new InvalidOptionError(`Flow job ${path} must be an object { name, queueName, data?, opts?, children? }, got ${describe(node)}`);
    }
    if (ancestors.has(node)) throw new InvalidOptionError(`Flow job ${path} is one of its own ancestors: a flow is a tree, and this one has a cycle`);
    if (seen.has(node)) throw new InvalidOptionError(`Flow job ${path} appears twice in the flow: give each place in the tree a job of its own`);
    seen.add(node);
    const n = node as Record<string, unknown>;
    for (const key of Object.keys(n)) {
      if (key === 'prefix') throw new InvalidOptionError(`Flow job ${path}: a prefix per job is not supported; every queue of a flow uses the FlowProducer's prefix`);
      if (!NODE_KEYS.includes(key)) throw new InvalidOptionError(`Flow job ${path}: unknown field ${key} (expected name, queueName, data, opts, children)`);
    }
    if (typeof n.name !== 'string' || n.name.length === 0) {
      throw new InvalidOptionError(`Flow job ${path} needs a name: a non-empty string, got ${describe(n.name)}`);
    }
    if (typeof n.queueName !== 'string' || n.queueName.length === 0) {
      throw new InvalidOptionError(`Flow job ${path} (${n.name}) needs a queueName: a non-empty string, got ${describe(n.queueName)}`);
    }
    const where = `${path} (${n.name} in queue ${n.queueName})`;
    if (n.children !== undefined && !Array.isArray(n.children)) {
      throw new InvalidOptionError(`Flow job ${where}: children must be an array, got ${describe(n.children)}`);
    }
    let opts: JobOpts;
    try {
      if ((n.opts as JobOptions | undefined)?.deduplication !== undefined) {
        throw new InvalidOptionError('Invalid job option deduplication: a job of a flow is always added (a deduplicated child would leave its parent waiting for another job)');
      }
      opts = resolveJobOptions(n.opts, context.queueOptions(n.queueName), parent && { id: parent.id, queueName: parent.queueName });
    } catch (err) {
      if (err instanceof InvalidOptionError) throw new InvalidOptionError(`Flow job ${where}: ${err.message}`);
      throw err;
    }
    const id = opts.jobId ?? context.newId();
    const key = `${n.queueName}\u0000${id}`;
    const twin = ids.get(key);
    if (twin !== undefined) throw new InvalidOptionError(`Flow jobs ${twin} and ${where} have the same id ${describe(id)} in one queue`);
    ids.set(key, where);
    const wave = !parent ? (n.queueName === home ? 0 : 1) : parent.queueName === n.queueName ? parent.wave : parent.wave + 1;
    const job: PlannedJob = { queueName: n.queueName, id, name: n.name, data: n.data, opts, path, wave };
    const index = jobs.push(job) - 1;
    const children = (n.children as unknown[] | undefined) ?? [];
    if (children.length === 0) return { job: index };
    ancestors.add(node);
    const planned = children.map((child, k) => plan(child, `${path}.children[${k}]`, job));
    ancestors.delete(node);
    job.children = planned.map((c) => ({ id: jobs[c.job]!.id, queueName: jobs[c.job]!.queueName }));
    return { job: index, children: planned };
  };

  const trees = flows.map((flow, k) => plan(flow, flows.length === 1 ? 'flow' : `flow[${k}]`, undefined));
  // Every job was checked: `home` is a queue name.
  return { home: home!, jobs, trees };
}

/** A job the flow was planned to add, found taken by another job: nothing of the flow is written. */
export function idTaken(job: PlannedJob): JobtrailError {
  return new JobtrailError('ERR_REFUSED', `Flow job ${job.path} (${job.name} in queue ${job.queueName}) has the id ${describe(job.id)}, which a job of that queue already has; nothing of the flow was written`);
}

/** The transactions that add `jobs`, in order: one per wave and queue, each parent before its children. */
export function flowTransactions(jobs: readonly PlannedJob[]): { queueName: string; jobs: PlannedJob[] }[] {
  const steps = new Map<string, { wave: number; queueName: string; jobs: PlannedJob[] }>();
  for (const job of jobs) {
    const key = `${job.wave}\u0000${job.queueName}`;
    let step = steps.get(key);
    if (!step) steps.set(key, (step = { wave: job.wave, queueName: job.queueName, jobs: [] }));
    step.jobs.push(job);
  }
  return [...steps.values()].sort((a, b) => a.wave - b.wave).map(({ queueName, jobs }) => ({ queueName, jobs }));
}
