import { describe, expect, it } from 'vitest';
import { machineGraph } from '../../../src/inspector/machine-graph.js';

describe('machineGraph', () => {
  const graph = machineGraph();
  const edge = (from: string, to: string) => graph.edges.find((e) => e.from === from && e.to === to)?.events;

  it('lists the six states a job can be in, without the transient added state', () => {
    expect([...graph.states].sort()).toEqual(['active', 'completed', 'delayed', 'failed', 'waiting', 'waiting-children']);
  });

  it('starts a parent waiting for its children, a job waiting, or delayed when it has a delay', () => {
    expect(graph.start).toEqual([
      { to: 'waiting-children', guard: 'hasPendingChildren' },
      { to: 'delayed', guard: 'isDelayed' },
      { to: 'waiting', guard: null },
    ]);
  });

  it('draws a parent leaving waiting-children on its children outcomes (issue 14)', () => {
    expect(edge('waiting-children', 'waiting')).toEqual(['childCompleted', 'childFailed', 'childRemoved']);
    expect(edge('waiting-children', 'delayed')).toEqual(['childCompleted', 'childFailed', 'childRemoved']);
    expect(edge('waiting-children', 'failed')).toEqual(['childFailed']);
    expect(edge('failed', 'waiting-children')).toEqual(['retried']);
    expect(graph.rules['waiting-children']).toContainEqual({ event: 'childFailed', to: 'failed', guard: 'childFailsParent' });
  });

  it('draws the lifecycle Bull users know, merging the events of one arrow', () => {
    expect(edge('waiting', 'active')).toEqual(['active']);
    expect(edge('delayed', 'waiting')).toEqual(['promoted']);
    expect(edge('active', 'completed')).toEqual(['completed']);
    expect(edge('active', 'failed')).toEqual(expect.arrayContaining(['failed', 'stalled']));
    expect(edge('active', 'waiting')).toEqual(expect.arrayContaining(['failed', 'stalled']));
    expect(edge('active', 'delayed')).toContain('failed');
    expect(edge('failed', 'waiting')).toEqual(['retried']);
    expect(graph.edges.filter((e) => e.from === 'completed')).toEqual([]);
  });

  it('keeps each rule with its guard, in the order the machine tries them', () => {
    const failed = graph.rules.active!.filter((r) => r.event === 'failed');
    expect(failed).toEqual([
      { event: 'failed', to: 'failed', guard: 'failsFinally' },
      { event: 'failed', to: 'delayed', guard: 'retriesLater' },
      { event: 'failed', to: 'waiting', guard: 'ownsClaim' },
    ]);
    expect(graph.rules.waiting).toContainEqual({ event: 'discarded', to: null, guard: null });
  });

  it('names the updates accepted in every state', () => {
    expect([...graph.anywhere].sort()).toEqual(['childCompleted', 'childFailed', 'childRemoved', 'log', 'priorityChanged', 'progress', 'updated']);
  });

  it("shows changeDelay's event as an update of a delayed job, read from the machine", () => {
    expect(graph.rules.delayed).toContainEqual({ event: 'delayChanged', to: null, guard: null });
    expect(graph.rules.waiting!.map((r) => r.event)).not.toContain('delayChanged');
  });
});
