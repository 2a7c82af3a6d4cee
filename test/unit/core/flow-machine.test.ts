// The job machine's parent side (flows, issue 14), driven through the pure fold: a parent added
// with children waits in `waiting-children`; each child's outcome is one event in its log; given
// events, then this state and these dependencies, or this refusal. No IndexedDB here.
import { describe, expect, it } from 'vitest';
import { dependencyLists, failureOption } from '../../../src/core/dependencies.js';
import { JobtrailError } from '../../../src/core/errors.js';
import type { ChildFailureOption, JobOpts } from '../../../src/core/types.js';
import type { JobAdded, JobEvent } from '../../../src/core/events.js';
import { applyEvent, foldJob, type FoldedJob } from '../../../src/core/fold.js';
import { project } from '../../../src/store/record.js';

const T0 = 1_700_000_000_000;

const parent = (children: string[], opts: Partial<JobOpts> = {}): JobAdded => ({
  type: 'added',
  time: T0,
  payload: {
    name: 'assemble',
    data: { file: 'a.bin' },
    opts: { attempts: 1, delay: 0, ...opts },
    children: children.map((id) => ({ id, queueName: 'parts' })),
  },
});
const completed = (id: string, returnvalue: unknown = `etag-${id}`, time = T0 + 10): JobEvent => ({
  type: 'childCompleted',
  time,
  payload: { child: `parts:${id}`, returnvalue },
});
const failed = (id: string, option: ChildFailureOption | null = null, at = 7, time = T0 + 10): JobEvent => ({
  type: 'childFailed',
  time,
  payload: { child: `parts:${id}`, failedReason: `part ${id} broke`, option, at },
});
const removed = (id: string, time = T0 + 10): JobEvent => ({ type: 'childRemoved', time, payload: { child: `parts:${id}` } });

const fold = (...events: JobEvent[]): FoldedJob => foldJob('p', events);

function refused(job: FoldedJob, event: JobEvent): JobtrailError {
  try {
    applyEvent(job, event);
  } catch (err) {
    expect(err).toBeInstanceOf(JobtrailError);
    return err as JobtrailError;
  }
  throw new Error(`expected ${event.type} to be refused in state ${job.state}`);
}

describe('flows: a parent waits for its children', () => {
  it('added with children: waiting-children, every child unprocessed, keyed queueName:id', () => {
    const job = fold(parent(['1', '2']));
    expect(job.state).toBe('waiting-children');
    expect(job.job.dependencies).toEqual({
      'parts:1': { id: '1', queueName: 'parts', status: 'unprocessed' },
      'parts:2': { id: '2', queueName: 'parts', status: 'unprocessed' },
    });
    expect(job.job.dueAt).toBeNull();
  });

  it('added with an empty children list: an ordinary job, with no dependencies', () => {
    const job = fold(parent([]));
    expect(job.state).toBe('waiting');
    expect(job.job).not.toHaveProperty('dependencies');
  });

  it('a job added without children has no dependencies field at all (stored contexts stay as they were)', () => {
    const plain: JobAdded = { type: 'added', time: T0, payload: { name: 'x', data: null, opts: { attempts: 1, delay: 0 } } };
    expect(Object.keys(foldJob('1', [plain]).job)).not.toContain('dependencies');
  });

  it('each completion is recorded with its value; the last one moves the parent to waiting', () => {
    let job = fold(parent(['1', '2']), completed('1'));
    expect(job.state).toBe('waiting-children');
    expect(job.job.dependencies!['parts:1']).toEqual({ id: '1', queueName: 'parts', status: 'processed', returnvalue: 'etag-1' });
    job = applyEvent(job, completed('2'));
    expect(job.state).toBe('waiting');
    expect(dependencyLists(job.job.dependencies)).toEqual({ processed: { 'parts:1': 'etag-1', 'parts:2': 'etag-2' }, unprocessed: [], ignored: {}, failed: [] });
  });

  it('a parent with a delay becomes delayed when its children are done, due delay ms after that', () => {
    const job = fold(parent(['1'], { delay: 5000 }), completed('1', 'x', T0 + 300));
    expect(job.state).toBe('delayed');
    expect(job.job.dueAt).toBe(T0 + 300 + 5000);
    expect(job.job.delay).toBe(5000);
  });

  it('the parent then runs as any job: claimed, completed', () => {
    const ready = fold(parent(['1']), completed('1'));
    const running = applyEvent(ready, { type: 'active', time: T0 + 20, payload: { token: 't', owner: 'o' } });
    const done = applyEvent(running, { type: 'completed', time: T0 + 30, payload: { token: 't', returnvalue: 'assembled' } });
    expect(done.state).toBe('completed');
    expect(done.job.returnvalue).toBe('assembled');
  });

  it('a second delivery of the same child, and an outcome of a job that is not its child, are refused', () => {
    const job = fold(parent(['1', '2']), completed('1'));
    expect(refused(job, completed('1')).code).toBe('ERR_REFUSED');
    expect(refused(job, failed('1')).code).toBe('ERR_REFUSED');
    expect(refused(job, failed('1', 'failParentOnFailure')).code).toBe('ERR_REFUSED');
    expect(refused(job, removed('1')).code).toBe('ERR_REFUSED');
    expect(refused(job, completed('9')).code).toBe('ERR_REFUSED');
  });

  it('a parent cannot be claimed, promoted or have its delay changed while it waits for children', () => {
    const job = fold(parent(['1']));
    expect(refused(job, { type: 'active', time: T0, payload: { token: 't', owner: 'o' } }).message).toBe('Cannot start job p: it is waiting-children, not waiting');
    expect(refused(job, { type: 'promoted', time: T0, payload: { due: false } }).code).toBe('ERR_REFUSED');
    expect(refused(job, { type: 'delayChanged', time: T0, payload: { delay: 1 } }).code).toBe('ERR_REFUSED');
  });

  it('an ordinary job refuses every child event', () => {
    const plain: JobAdded = { type: 'added', time: T0, payload: { name: 'x', data: null, opts: { attempts: 1, delay: 0 } } };
    const job = foldJob('1', [plain]);
    for (const event of [completed('1'), failed('1'), removed('1')]) expect(refused(job, event).code).toBe('ERR_REFUSED');
  });
});

describe('flows: a child that fails for good', () => {
  it('without an option: the parent keeps waiting; the failure is noted, a repeat of it refused, a later completion taken', () => {
    let job = fold(parent(['1', '2']), failed('1', null, 7));
    expect(job.state).toBe('waiting-children');
    expect(job.job.dependencies!['parts:1']).toEqual({ id: '1', queueName: 'parts', status: 'unprocessed', failedReason: 'part 1 broke', failedAt: 7 });
    expect(refused(job, failed('1', null, 7)).code).toBe('ERR_REFUSED');
    // Retried and failed again: a newer failure is taken.
    job = applyEvent(job, failed('1', null, 12));
    expect(job.job.dependencies!['parts:1']!.failedAt).toBe(12);
    // Retried and completed.
    job = applyEvent(job, completed('1'));
    job = applyEvent(job, completed('2'));
    expect(job.state).toBe('waiting');
  });

  it('failParentOnFailure: the parent fails at once, "child queueName:id failed"', () => {
    const job = fold(parent(['1', '2']), failed('2', 'failParentOnFailure', 7, T0 + 99));
    expect(job.state).toBe('failed');
    expect(job.job).toMatchObject({ failedReason: 'child parts:2 failed', finishedOn: T0 + 99, attemptsMade: 0 });
    expect(dependencyLists(job.job.dependencies)).toEqual({ processed: {}, unprocessed: ['parts:1'], ignored: {}, failed: ['parts:2'] });
  });

  it('failParentOnFailure: the other children still report to the failed parent; retried, it waits for them and for the one that failed it', () => {
    let job = fold(parent(['1', '2', '3']), failed('1', 'failParentOnFailure'), completed('2'));
    expect(job.state).toBe('failed');
    expect(dependencyLists(job.job.dependencies).processed).toEqual({ 'parts:2': 'etag-2' });
    job = applyEvent(job, { type: 'retried', time: T0 + 50, payload: {} });
    expect(job.state).toBe('waiting-children');
    expect(job.job.finishedOn).toBeNull();
    expect(dependencyLists(job.job.dependencies).unprocessed).toEqual(['parts:1', 'parts:3']);
    job = applyEvent(job, completed('3'));
    expect(job.state).toBe('waiting-children');
    job = applyEvent(job, completed('1', 'etag-1, second try'));
    expect(job.state).toBe('waiting');
  });

  it('a child that failed its parent, retried and completed first, gives the failed parent its value; the retried parent then runs', () => {
    let job = fold(parent(['1', '2']), completed('2'), failed('1', 'failParentOnFailure'), completed('1', 'etag-1, second try'));
    expect(job.state).toBe('failed');
    expect(dependencyLists(job.job.dependencies)).toEqual({ processed: { 'parts:2': 'etag-2', 'parts:1': 'etag-1, second try' }, unprocessed: [], ignored: {}, failed: [] });
    job = applyEvent(job, { type: 'retried', time: T0 + 50, payload: {} });
    expect(job.state).toBe('waiting');
  });

  it('a child that failed its parent and fails again is not noted twice; removed, it is dropped', () => {
    const job = fold(parent(['1', '2']), failed('1', 'failParentOnFailure'));
    expect(refused(job, failed('1', 'failParentOnFailure', 9)).code).toBe('ERR_REFUSED');
    expect(applyEvent(job, removed('1')).job.dependencies).toEqual({ 'parts:2': { id: '2', queueName: 'parts', status: 'unprocessed' } });
  });

  it('a parent that ran and failed, its children all done, is retried to waiting', () => {
    let job = fold(parent(['1']), completed('1'));
    job = applyEvent(job, { type: 'active', time: T0 + 20, payload: { token: 't', owner: 'o' } });
    job = applyEvent(job, { type: 'failed', time: T0 + 30, payload: { token: 't', failedReason: 'server said no', stack: null, retryDelay: null } });
    expect(job.state).toBe('failed');
    expect(applyEvent(job, { type: 'retried', time: T0 + 50, payload: {} }).state).toBe('waiting');
  });

  it('ignoreDependencyOnFailure: the failure is kept as ignored, and the parent goes on when nothing else is pending', () => {
    let job = fold(parent(['1', '2']), failed('1', 'ignoreDependencyOnFailure'));
    expect(job.state).toBe('waiting-children');
    job = applyEvent(job, completed('2'));
    expect(job.state).toBe('waiting');
    expect(dependencyLists(job.job.dependencies)).toEqual({ processed: { 'parts:2': 'etag-2' }, unprocessed: [], ignored: { 'parts:1': 'part 1 broke' }, failed: [] });
  });

  it('ignoreDependencyOnFailure on the last child releases the parent', () => {
    expect(fold(parent(['1']), failed('1', 'ignoreDependencyOnFailure')).state).toBe('waiting');
  });

  it('removeDependencyOnFailure: the child is dropped from the dependencies; the last one releases the parent', () => {
    let job = fold(parent(['1', '2']), failed('1', 'removeDependencyOnFailure'));
    expect(Object.keys(job.job.dependencies!)).toEqual(['parts:2']);
    job = applyEvent(job, failed('2', 'removeDependencyOnFailure'));
    expect(job.state).toBe('waiting');
    expect(job.job.dependencies).toEqual({});
  });
});

describe('flows: removal of a child', () => {
  it('a pending child removed is dropped; the last one releases the parent (or delays it)', () => {
    expect(fold(parent(['1', '2']), removed('1')).state).toBe('waiting-children');
    expect(fold(parent(['1', '2']), removed('1'), completed('2')).state).toBe('waiting');
    expect(fold(parent(['1'], { delay: 100 }), removed('1', T0 + 1)).job.dueAt).toBe(T0 + 101);
  });

  it('a completed child removed afterwards (removeOnComplete) keeps its value with the parent', () => {
    const job = fold(parent(['1', '2']), completed('1'));
    expect(refused(job, removed('1')).code).toBe('ERR_REFUSED');
    expect(dependencyLists(job.job.dependencies).processed).toEqual({ 'parts:1': 'etag-1' });
  });
});

describe('flows: the projection', () => {
  it('ranks a parent waiting for children by its entry into the state, and moves it into the waiting line', () => {
    const born = project(undefined, 'p', parent(['1']), 4);
    expect(born).toMatchObject({ state: 'waiting-children', rank: [4] });
    const ready = project(born, 'p', completed('1'), 9);
    expect(ready).toMatchObject({ state: 'waiting', rank: [2 ** 31, 9] });
  });

  it('failureOption reads the one option a child was added with', () => {
    expect(failureOption({ attempts: 1, delay: 0 })).toBeNull();
    expect(failureOption({ attempts: 1, delay: 0, ignoreDependencyOnFailure: true })).toBe('ignoreDependencyOnFailure');
  });
});
