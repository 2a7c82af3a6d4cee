// A parent's dependencies: its children, as the parent keeps them in its machine context. Each
// child's outcome reaches the parent as one event in the parent's log (childCompleted, childFailed,
// childRemoved); these functions say whether the parent takes it and what it becomes. Pure.
import type { ChildEvent, ChildFailed } from './events.js';
import { CHILD_FAILURE_OPTIONS, type ChildFailureOption, type JobOpts, type JobRef } from './types.js';

/**
 * One child, as its parent keeps it:
 * - `unprocessed`: the parent waits for it (after a failure without option too: a retry may still
 *   complete it; `failedReason` and `failedAt` then say what happened last);
 * - `processed`: it completed, with `returnvalue`;
 * - `ignored`: it failed with `ignoreDependencyOnFailure` (`failedReason`);
 * - `failed`: it failed with `failParentOnFailure`, which failed the parent. Retried, the parent
 *   waits for it again; and should it complete (retried itself), the parent takes its value.
 * A child removed before it completed, or failed with `removeDependencyOnFailure`, is dropped.
 */
export interface Dependency extends JobRef {
  status: 'unprocessed' | 'processed' | 'ignored' | 'failed';
  returnvalue?: unknown;
  failedReason?: string;
  /** The child's log seq of its last failure delivered here. */
  failedAt?: number;
}

/** A parent's children by child key, in the order they were added. */
export type Dependencies = Record<string, Dependency>;

/** The key a parent knows a child by: `${queueName}:${id}` (BullMQ adds its prefix in front). */
export function childKey(ref: JobRef): string {
  return `${ref.queueName}:${ref.id}`;
}

/** A parent's dependencies when it is added: every child unprocessed. */
export function dependenciesOf(children: readonly JobRef[]): Dependencies {
  const deps: Dependencies = {};
  for (const { id, queueName } of children) deps[childKey({ id, queueName })] = { id, queueName, status: 'unprocessed' };
  return deps;
}

/** How many children the parent still waits for. */
export function unprocessedCount(deps: Dependencies | undefined): number {
  let n = 0;
  for (const key in deps) if (deps[key]!.status === 'unprocessed') n++;
  return n;
}

/** Whether the parent waits for this child. Outcomes of any other child are refused. */
export function isPending(deps: Dependencies | undefined, key: string): boolean {
  return deps?.[key]?.status === 'unprocessed';
}

/**
 * Whether `event` is taken: its child is pending (or, for a completion or a removal, it is the
 * child that failed the parent), and a failure without option is newer than the last one delivered.
 */
export function takesChildEvent(deps: Dependencies | undefined, event: ChildEvent): boolean {
  const child = deps?.[event.payload.child];
  if (child?.status === 'failed') return event.type !== 'childFailed';
  if (child?.status !== 'unprocessed') return false;
  if (event.type !== 'childFailed' || event.payload.option !== null) return true;
  return (child.failedAt ?? -Infinity) < event.payload.at;
}

/** Whether `event` settles the parent's last pending child, so the parent can run. */
export function releasesParent(deps: Dependencies | undefined, event: ChildEvent): boolean {
  if (!takesChildEvent(deps, event)) return false;
  if (event.type === 'childFailed' && event.payload.option !== 'ignoreDependencyOnFailure' && event.payload.option !== 'removeDependencyOnFailure') return false;
  return unprocessedCount(deps) === 1;
}

/** Whether `event` fails the parent: a pending child failed with `failParentOnFailure`. */
export function failsParent(deps: Dependencies | undefined, event: ChildEvent): boolean {
  return event.type === 'childFailed' && event.payload.option === 'failParentOnFailure' && takesChildEvent(deps, event);
}

/** The dependencies after `event` (which `takesChildEvent`). */
export function afterChildEvent(deps: Dependencies, event: ChildEvent): Dependencies {
  const key = event.payload.child;
  const child = deps[key]!;
  const next = { ...deps };
  if (event.type === 'childCompleted') {
    next[key] = { id: child.id, queueName: child.queueName, status: 'processed', returnvalue: event.payload.returnvalue };
  } else if (event.type === 'childRemoved' || event.payload.option === 'removeDependencyOnFailure') {
    delete next[key];
  } else {
    next[key] = afterFailure(child, event);
  }
  return next;
}

function afterFailure({ id, queueName }: Dependency, { payload }: ChildFailed): Dependency {
  const { failedReason } = payload;
  if (payload.option === 'failParentOnFailure') return { id, queueName, status: 'failed', failedReason };
  if (payload.option === 'ignoreDependencyOnFailure') return { id, queueName, status: 'ignored', failedReason };
  return { id, queueName, status: 'unprocessed', failedReason, failedAt: payload.at };
}

/** The failure option a child was added with, if any (options.ts allows at most one). */
export function failureOption(opts: JobOpts): ChildFailureOption | null {
  return CHILD_FAILURE_OPTIONS.find((option) => opts[option] === true) ?? null;
}

/** The parent's children by status, as BullMQ's `getDependencies()` lists them. */
export interface DependencyLists {
  /** Completed children's return values, by child key. */
  processed: Record<string, unknown>;
  /** The keys of the children the parent still waits for. */
  unprocessed: string[];
  /** Children failed with `ignoreDependencyOnFailure`: their failedReason, by child key. */
  ignored: Record<string, string>;
  /** The keys of the children whose failure failed the parent (`failParentOnFailure`). */
  failed: string[];
}

export function dependencyLists(deps: Dependencies | undefined): DependencyLists {
  const lists: DependencyLists = { processed: {}, unprocessed: [], ignored: {}, failed: [] };
  for (const [key, child] of Object.entries(deps ?? {})) {
    if (child.status === 'processed') lists.processed[key] = child.returnvalue;
    else if (child.status === 'unprocessed') lists.unprocessed.push(key);
    else if (child.status === 'ignored') lists.ignored[key] = child.failedReason ?? '';
    else lists.failed.push(key);
  }
  return lists;
}

/** Whether a parent retried now waits for children: those pending, and those that failed it. */
export function hasChildrenToWaitFor(deps: Dependencies | undefined): boolean {
  for (const key in deps) if (deps[key]!.status === 'unprocessed' || deps[key]!.status === 'failed') return true;
  return false;
}

/** A retried parent's dependencies: the children that failed it are awaited again. */
export function reopenFailed(deps: Dependencies): Dependencies {
  const next: Dependencies = {};
  for (const [key, child] of Object.entries(deps)) next[key] = child.status === 'failed' ? { id: child.id, queueName: child.queueName, status: 'unprocessed' } : child;
  return next;
}

/** The children a parent still waits for, as references (removing the parent removes them). */
export function unprocessedChildren(deps: Dependencies | undefined): JobRef[] {
  return Object.values(deps ?? {})
    .filter((child) => child.status === 'unprocessed')
    .map(({ id, queueName }) => ({ id, queueName }));
}

/** Which lists `getDependencies(opts)` returns, and a page of each: from `cursor`, `count` entries (default 20). */
export type DependenciesOptions = Partial<Record<keyof DependencyLists, { cursor?: number; count?: number }>>;

/** BullMQ's `getDependencies()` answer: the lists asked for, each with the cursor of its next page (0: none). */
export interface DependenciesPage {
  processed?: Record<string, unknown>;
  nextProcessedCursor?: number;
  unprocessed?: string[];
  nextUnprocessedCursor?: number;
  ignored?: Record<string, string>;
  nextIgnoredCursor?: number;
  failed?: string[];
  nextFailedCursor?: number;
}

const DEFAULT_PAGE = 20;
const CURSORS = { processed: 'nextProcessedCursor', unprocessed: 'nextUnprocessedCursor', ignored: 'nextIgnoredCursor', failed: 'nextFailedCursor' } as const;

/** Every list whole when `opts` names none; otherwise a page of each list it names. */
export function dependenciesPage(lists: DependencyLists, opts: DependenciesOptions = {}): DependenciesPage {
  const asked = (Object.keys(CURSORS) as (keyof DependencyLists)[]).filter((type) => opts[type] !== undefined);
  if (asked.length === 0) return { ...lists };
  const page: Record<string, unknown> = {};
  for (const type of asked) {
    const { cursor = 0, count = DEFAULT_PAGE } = opts[type]!;
    const list = lists[type];
    const entries = Array.isArray(list) ? list : Object.entries(list);
    const end = cursor + count;
    const slice = entries.slice(cursor, end);
    page[type] = Array.isArray(list) ? slice : Object.fromEntries(slice as [string, unknown][]);
    page[CURSORS[type]] = end < entries.length ? end : 0;
  }
  return page as DependenciesPage;
}
