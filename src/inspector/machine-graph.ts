// The job machine as a graph the inspector can draw, read from the machine definition itself so
// the picture cannot drift from the code that folds the events.
import type { AnyStateMachine } from 'xstate';
import { jobMachine } from '../index.js';

/** One arrow: every event that can move a job from `from` to `to`. */
export interface MachineEdge {
  from: string;
  to: string;
  events: string[];
}

/** One way an event is handled in a state, in the order the machine tries them. */
export interface MachineRule {
  event: string;
  /** The target state; null when the job stays where it is (an update, like `discarded`). */
  to: string | null;
  guard: string | null;
}

export interface MachineGraph {
  /** The states a job can be in (transient states, like `added`, are left out). */
  states: string[];
  /** Where a new job goes, with the guard that decides it. */
  start: { to: string; guard: string | null }[];
  edges: MachineEdge[];
  /** Per state, how each event is handled there. */
  rules: Record<string, MachineRule[]>;
  /** Events accepted in every state without changing it (`progress`, `log`, `updated`). */
  anywhere: string[];
}

type Node = AnyStateMachine['root'];
type Transition = { target?: readonly Node[] | undefined; guard?: unknown };

/**
 * @example
 * machineGraph().edges.find((e) => e.from === 'delayed'); // { from: 'delayed', to: 'waiting', events: ['promoted'] }
 */
export function machineGraph(machine: AnyStateMachine = jobMachine): MachineGraph {
  const root = machine.root;
  const nodes = Object.entries(root.states) as [string, Node][];
  // A state with only eventless (`always`) transitions is left at once: it is not a place to be.
  const transient = (node: Node) => (node.always?.length ?? 0) > 0 && node.transitions.size === 0;

  const start: MachineGraph['start'] = [];
  const rules: MachineGraph['rules'] = {};
  const edges = new Map<string, MachineEdge>();
  const states: string[] = [];

  const initial = root.states[root.initial?.target[0]?.key ?? ''];
  for (const [key, node] of nodes) {
    if (transient(node)) {
      if (node === initial) {
        for (const t of node.always ?? []) start.push({ to: targetOf(t)!, guard: guardName(t.guard) });
      }
      continue;
    }
    states.push(key);
    rules[key] = [];
    for (const [event, transitions] of node.transitions) {
      for (const t of transitions as Transition[]) {
        const to = targetOf(t);
        rules[key]!.push({ event, to, guard: guardName(t.guard) });
        if (to === null || to === key) continue;
        const id = `${key}->${to}`;
        const edge = edges.get(id) ?? { from: key, to, events: [] };
        if (!edge.events.includes(event)) edge.events.push(event);
        edges.set(id, edge);
      }
    }
  }
  if (start.length === 0 && initial) start.push({ to: initial.key, guard: null });
  return { states, start, edges: [...edges.values()], rules, anywhere: [...root.transitions.keys()] };
}

function targetOf(t: Transition): string | null {
  return t.target?.[0]?.key ?? null;
}

function guardName(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && 'type' in guard && typeof guard.type === 'string') return guard.type;
  if (typeof guard === 'function') return guard.name || 'guard';
  return 'guard';
}
