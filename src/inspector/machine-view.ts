// The job machine drawn as SVG, with a text list of its rules beside it for screen readers and for
// the details the arrows leave out (guards). Built once per element; `show` marks a state.
import { h, svg } from './dom.js';
import type { MachineGraph } from './machine-graph.js';

/** Where the known states sit (viewBox units); other states, if the machine grows, go in a row below. */
const LAYOUT: Record<string, [number, number]> = {
  'waiting-children': [175, 250],
  delayed: [360, 40],
  waiting: [250, 140],
  active: [470, 140],
  completed: [640, 60],
  failed: [640, 220],
};
const START: [number, number] = [24, 140];
const WIDTH = 720;
/** Longer arrow labels show their first event and "…"; the whole list is the arrow's tooltip and in the rules below. */
const LABEL_CHARS = 26;
const BOX = { w: 100, h: 34 };
/** A box wide enough for its state's name. */
const boxWidth = (state: string) => Math.max(BOX.w, state.length * 8 + 18);
/** Arrows that would cross a box or a label when straight are bent this far (positive: to their left). */
const BENDS: Record<string, number> = { 'failed->waiting': 32, 'waiting-children->delayed': -40 };

export interface MachineView {
  element: HTMLElement;
  /** Mark `state`, and the arrow `from -> state` taken by `event` (from null: the job was added). */
  show(mark: { state: string; from: string | null; event: string } | null): void;
}

export function createMachineView(graph: MachineGraph): MachineView {
  const positions = new Map<string, [number, number]>();
  let extra = 0;
  for (const state of graph.states) positions.set(state, LAYOUT[state] ?? [90 + 130 * extra++, 320]);
  const height = extra > 0 ? 350 : 282;

  const drawing = svg('svg', { viewBox: `0 0 ${WIDTH} ${height}`, class: 'machine-svg', role: 'img', 'aria-labelledby': 'machine-title' });
  const title = svg('title', { id: 'machine-title' }, 'Job machine');
  drawing.append(title);
  const defs = svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' })));
  drawing.append(defs);

  const arrows = new Map<string, SVGGElement>();
  const nodes = new Map<string, SVGGElement>();
  const has = (from: string, to: string) => graph.edges.some((e) => e.from === from && e.to === to);

  for (const { to, guard } of graph.start) {
    const id = `->${to}`;
    const g = arrow(START, positions.get(to)!, 0, guard ? `new, ${guard}` : 'new', true, 0, boxWidth(to));
    arrows.set(id, g);
    drawing.append(g);
  }
  for (const edge of graph.edges) {
    const id = `${edge.from}->${edge.to}`;
    const bend = BENDS[id] ?? (has(edge.to, edge.from) ? 14 : 0);
    const g = arrow(positions.get(edge.from)!, positions.get(edge.to)!, bend, edge.events.join(', '), false, boxWidth(edge.from), boxWidth(edge.to));
    arrows.set(id, g);
    drawing.append(g);
  }
  drawing.append(svg('circle', { cx: START[0], cy: START[1], r: 7, class: 'start-dot' }));
  for (const state of graph.states) {
    const [x, y] = positions.get(state)!;
    const g = svg('g', { class: `node state-${state}` },
      svg('rect', { x: x - boxWidth(state) / 2, y: y - BOX.h / 2, width: boxWidth(state), height: BOX.h, rx: 8 }),
      svg('text', { x, y: y + 5, 'text-anchor': 'middle' }, state),
    );
    nodes.set(state, g);
    drawing.append(g);
  }

  const rules = h('ul', { class: 'rules' });
  for (const state of graph.states) {
    const items = graph.rules[state] ?? [];
    const text = items.length === 0
      ? 'final: accepts only the updates below'
      : items.map((r) => `${r.event} → ${r.to ?? 'stays'}${r.guard ? ` (if ${r.guard})` : ''}`).join('; ');
    rules.append(h('li', { 'data-state': state }, h('strong', {}, state), ': ', text));
  }
  if (graph.anywhere.length > 0) rules.append(h('li', {}, h('strong', {}, 'any state'), ': ', `${graph.anywhere.join(', ')} (the state stays)`));

  const element = h('div', { class: 'machine' },
    drawing,
    h('details', { class: 'machine-rules' }, h('summary', {}, 'Transitions, with their guards'), rules),
  );

  return {
    element,
    show(mark) {
      for (const [state, g] of nodes) {
        g.classList.toggle('current', state === mark?.state);
        if (state === mark?.state) g.setAttribute('aria-current', 'step');
        else g.removeAttribute('aria-current');
      }
      const taken = mark ? `${mark.from ?? ''}->${mark.state}` : null;
      for (const [id, g] of arrows) g.classList.toggle('taken', id === taken);
      for (const li of rules.querySelectorAll('li[data-state]')) li.classList.toggle('current', li.getAttribute('data-state') === mark?.state);
      title.textContent = mark
        ? `Job machine: the job is ${mark.state}${mark.from === null ? ' (just added)' : mark.from === mark.state ? ` (${mark.event} kept it there)` : ` (${mark.event} moved it from ${mark.from})`}`
        : 'Job machine';
    },
  };
}

/** A quadratic arrow from box to box (or from the start dot), bent `bend` units to its left, labelled. */
function arrow(from: [number, number], to: [number, number], bend: number, label: string, fromDot: boolean, fromWidth: number, toWidth: number): SVGGElement {
  const [x1, y1] = from;
  const [x2, y2] = to;
  const mx = (x1 + x2) / 2;
  const my = (y1 + y2) / 2;
  const len = Math.hypot(x2 - x1, y2 - y1) || 1;
  // The left normal of the direction from -> to.
  const nx = (y2 - y1) / len;
  const ny = -(x2 - x1) / len;
  const cx = mx + nx * bend * 2;
  const cy = my + ny * bend * 2;
  const start = fromDot ? towards(from, [cx, cy], 8) : leaveBox(from, [cx, cy], 0, fromWidth);
  const end = leaveBox(to, [cx, cy], 3, toWidth);
  // The curve's midpoint, then the label a little further out on the same side.
  const px = 0.25 * start[0] + 0.5 * cx + 0.25 * end[0];
  const py = 0.25 * start[1] + 0.5 * cy + 0.25 * end[1];
  const side = bend === 0 ? 1 : Math.sign(bend);
  const lx = px + nx * 9 * side;
  const ly = py + ny * 9 * side + 4;
  const short = label.length > LABEL_CHARS ? `${label.split(', ')[0]}, …` : label;
  return svg('g', { class: fromDot ? 'edge start-edge' : 'edge' },
    svg('title', {}, label),
    svg('path', { d: `M${r(start[0])},${r(start[1])} Q${r(cx)},${r(cy)} ${r(end[0])},${r(end[1])}`, 'marker-end': 'url(#arrow)' }),
    svg('text', { x: r(lx), y: r(ly), 'text-anchor': 'middle' }, short),
  );
}

/** The point where the line from a box's centre towards `target` leaves the box, plus `gap`. */
function leaveBox(center: [number, number], target: [number, number], gap: number, width: number): [number, number] {
  const dx = target[0] - center[0];
  const dy = target[1] - center[1];
  const t = Math.min(dx === 0 ? Infinity : (width / 2) / Math.abs(dx), dy === 0 ? Infinity : (BOX.h / 2) / Math.abs(dy));
  const len = Math.hypot(dx, dy) || 1;
  return [center[0] + dx * t + (dx / len) * gap, center[1] + dy * t + (dy / len) * gap];
}

function towards(from: [number, number], target: [number, number], distance: number): [number, number] {
  const dx = target[0] - from[0];
  const dy = target[1] - from[1];
  const len = Math.hypot(dx, dy) || 1;
  return [from[0] + (dx / len) * distance, from[1] + (dy / len) * distance];
}

const r = (n: number) => Math.round(n * 10) / 10;
