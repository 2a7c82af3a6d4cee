// <jobtrail-inspector>: a live view into one queue of the origin, built on the public API only.
// Reads go through the queue's readers for tools (a page of records at a time, through the store's
// indexes); changes go through the Queue/Job API, so they land in the log like any other. It re-reads when the queue reports a change
// (`global:changed`, from every tab and worker), coalescing bursts into one render.
import {
  FlowProducer,
  JOB_STATES,
  Queue,
  jobJson,
  listQueues,
  type JobCounts,
  type JobNode,
  type JobOptions,
  type JobPage,
  type JobRecord,
  type JobSchedulerJson,
  type JobState,
  type Metrics,
  type PageStart,
  type QueueChange,
  type StoredJobEvent,
  type WorkerInfo,
} from '../index.js';
import { describeAttempts } from './attempts.js';
import { renderChanges, renderSnapshot } from './diff-view.js';
import { h, replaceChildren } from './dom.js';
import { formatCount, formatProgress, formatTime, formatValue, parseJsonInput } from './format.js';
import { InstanceNames } from './instances.js';
import { createInstancesView, type InstancesView } from './instances-view.js';
import { machineGraph } from './machine-graph.js';
import { createMachineView, type MachineView } from './machine-view.js';
import { renderMetricsChart } from './metrics-chart.js';
import { createSchedulersView, type SchedulersView } from './schedulers-view.js';
import { diffSnapshots } from './snapshot-diff.js';
import { STYLES } from './styles.js';
import { travelSteps, type TravelStep } from './time-travel.js';
import { timelineRow } from './timeline-view.js';

/** Jobs per page of the job table. */
export const PAGE_SIZE = 50;
/** Milliseconds to gather a burst of change events into one re-read. */
const REFRESH_DELAY = 50;
/**
 * Milliseconds between looks at the processing instances: one starting or stopping writes nothing
 * to the log, so no change event says so (a dead one's lock is gone at once; this finds it).
 */
export const WORKERS_REFRESH = 2000;
/** Active jobs read to show which instance runs what (more than any origin runs at once). */
const ACTIVE_READ = 200;

// The class must be importable where there is no DOM (server rendering, Node tests): there it
// extends a stand-in and is simply never defined as an element.
const ElementBase: typeof HTMLElement = typeof HTMLElement === 'undefined' ? (class {} as unknown as typeof HTMLElement) : HTMLElement;

/** The flow of the selected job: its parent, and the tree from it down, with each job's state. */
interface FlowView {
  id: string;
  parent: FlowNodeView | null;
  tree: FlowNodeView;
}

interface FlowNodeView {
  id: string;
  name: string;
  queueName: string;
  state: JobState | 'unknown';
  children: FlowNodeView[];
}

/** Levels of a flow shown below the selected job, and children per list and level. */
const FLOW_DEPTH = 4;
const FLOW_CHILDREN = 50;

interface History {
  id: string;
  /** The seq of the newest event read. */
  seq: number;
  events: StoredJobEvent[];
  steps: TravelStep[];
}

/**
 * The inspector element. Attributes: `queue` (the queue's name; default: the first queue found) and
 * `prefix` (the queues' database prefix, default `jobtrail`). Register it with `defineInspector()`.
 *
 * @example
 * defineInspector();
 * document.body.append(Object.assign(document.createElement('jobtrail-inspector'), { queue: 'uploads' }));
 */
export class JobtrailInspector extends ElementBase {
  static get observedAttributes(): string[] {
    return ['queue', 'prefix'];
  }

  readonly #ui: Ui;
  readonly #machine: MachineView;
  readonly #schedulersView: SchedulersView;
  readonly #instancesView: InstancesView;
  /** Names for the instances seen ("tab 2"), which the timeline uses for the owners of attempts. */
  readonly #names = new InstanceNames();

  #connected = false;
  /** Bumped whenever the queue is opened or closed: reads of an older session are dropped. */
  #session = 0;
  #queue: Queue | null = null;
  /** Reads the flows of the selected job, in this and the other queues of the prefix. */
  #flows: FlowProducer | null = null;
  /** A job to select once the queue being opened is shown (a job of a flow in another queue). */
  #pendingSelect: string | null = null;

  #state: JobState | null = null;
  #search: { by: 'name' | 'id'; text: string } | null = null;
  #pageStarts: PageStart[] = [null];
  #pageIndex = 0;
  #page: JobPage | null = null;
  #counts: JobCounts | null = null;
  #paused = false;
  #workers: WorkerInfo[] | null = null;
  /** The active jobs, with the claim that says which instance runs each. */
  #active: JobRecord[] = [];
  #metrics: { completed: Metrics; failed: Metrics } | null = null;
  #schedulers: JobSchedulerJson[] | null = null;
  #workersTimer: ReturnType<typeof setInterval> | null = null;

  #selectedId: string | null = null;
  #record: JobRecord | null = null;
  #history: History | null = null;
  #flow: FlowView | null = null;
  /** The time-travel step shown, or null to follow the newest event. */
  #travel: number | null = null;
  /** The row that takes focus from the Tab key (roving tabindex). */
  #focusId: string | null = null;
  /** The seqs of the timeline's events shown whole (the others are one line). */
  #expanded = new Set<number>();

  #timer: ReturnType<typeof setTimeout> | null = null;
  #loading = false;
  #dirty = false;
  #onChange = (change: QueueChange) => {
    this.#schedulersView.noteChange(change);
    this.#invalidate();
  };

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    this.#machine = createMachineView(machineGraph());
    this.#schedulersView = createSchedulersView((id) => void this.#removeScheduler(id));
    this.#instancesView = createInstancesView((id) => this.#select(id));
    this.#ui = buildUi(this.#machine, this.#schedulersView.element, this.#instancesView.element);
    root.append(h('style', {}, STYLES), this.#ui.root);
    this.#wire();
  }

  /** The queue shown (the `queue` attribute). */
  get queue(): string {
    return this.getAttribute('queue') ?? '';
  }
  set queue(name: string) {
    this.setAttribute('queue', name);
  }

  /**
   * The database prefix of the queues (the `prefix` attribute), `jobtrail` by default. Not named
   * `prefix`: that is Element's namespace prefix.
   */
  get queuePrefix(): string {
    return this.getAttribute('prefix') || 'jobtrail';
  }
  set queuePrefix(prefix: string) {
    this.setAttribute('prefix', prefix);
  }

  connectedCallback(): void {
    this.#connected = true;
    void this.#start();
  }

  disconnectedCallback(): void {
    this.#connected = false;
    this.#session++;
    void this.#stop();
  }

  attributeChangedCallback(_name: string, old: string | null, value: string | null): void {
    if (old === value || !this.#connected) return;
    this.#resetView();
    void this.#start();
  }

  // ---- Opening and closing the queue -----------------------------------------------------

  async #start(): Promise<void> {
    const session = ++this.#session;
    void this.#stop();
    const prefix = this.queuePrefix;
    const names = await this.#listQueues();
    if (session !== this.#session) return;
    const name = this.getAttribute('queue') || names[0] || null;
    this.#renderQueueSelect(names, name);
    if (!name) {
      this.#renderEmpty(`No queues stored under the prefix "${prefix}" yet. Set the queue attribute to open one.`);
      return;
    }
    const queue = new Queue(name, { prefix });
    queue.on('error', (err) => this.#showError(`Queue ${name}`, err));
    // Every committed change, from every tab and worker (log lines and data updates included).
    queue.on('global:changed', this.#onChange);
    if (session !== this.#session) {
      await queue.close();
      return;
    }
    this.#queue = queue;
    this.#flows = new FlowProducer({ prefix });
    this.#flows.on('error', (err) => this.#showError('Reading a flow', err));
    if (this.#pendingSelect !== null) {
      this.#selectedId = this.#pendingSelect;
      this.#pendingSelect = null;
    }
    this.#invalidate(0);
    this.#workersTimer = setInterval(() => void this.#loadWorkers(), WORKERS_REFRESH);
  }

  async #stop(): Promise<void> {
    const queue = this.#queue;
    this.#queue = null;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#workersTimer !== null) clearInterval(this.#workersTimer);
    this.#workersTimer = null;
    const flows = this.#flows;
    this.#flows = null;
    await Promise.all([queue?.close(), flows?.close()]);
  }

  async #listQueues(): Promise<string[]> {
    try {
      return await listQueues(this.queuePrefix);
    } catch (err) {
      this.#showError('Listing the queues', err);
      return [];
    }
  }

  #resetView(): void {
    this.#state = null;
    this.#search = null;
    this.#pageStarts = [null];
    this.#pageIndex = 0;
    this.#page = null;
    this.#counts = null;
    this.#workers = null;
    this.#active = [];
    this.#metrics = null;
    this.#names.reset();
    this.#schedulers = null;
    this.#schedulersView.reset();
    this.#selectedId = null;
    this.#record = null;
    this.#history = null;
    this.#flow = null;
    this.#travel = null;
    this.#focusId = null;
    this.#expanded.clear();
    this.#ui.searchText.value = '';
  }

  // ---- Reading -------------------------------------------------------------------------

  /** Re-read soon: many changes in a burst give one read and one render. */
  #invalidate(delay = REFRESH_DELAY): void {
    if (this.#loading) {
      this.#dirty = true;
      return;
    }
    if (this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#load();
    }, delay);
  }

  async #load(): Promise<void> {
    const queue = this.#queue;
    if (!queue) return;
    const session = this.#session;
    this.#loading = true;
    this.#dirty = false;
    try {
      const selected = this.#selectedId;
      const [counts, paused, page, record, workers, schedulers, active, metrics] = await Promise.all([
        queue.getJobCounts(),
        queue.isPaused(),
        this.#readPage(queue),
        selected === null ? null : queue.getJobRecord(selected),
        queue.getWorkers(),
        queue.getJobSchedulers(0, -1, true),
        queue.getJobRecordPage({ state: 'active' }, null, ACTIVE_READ),
        readMetrics(queue),
      ]);
      let history = this.#history;
      if (selected !== null && record && (history?.id !== selected || history.seq < record.seq)) {
        const events = await queue.getJobHistory(selected);
        history = { id: selected, seq: events.at(-1)?.seq ?? 0, events, steps: this.#replay(selected, events) };
      }
      const flow = selected !== null && record && (record.job.opts.parent || record.job.dependencies) ? await this.#readFlow(queue.name, record) : null;
      if (session !== this.#session) return;
      this.#counts = counts;
      this.#paused = paused;
      this.#page = page;
      this.#workers = workers;
      this.#names.see(workers);
      this.#active = active.records;
      this.#metrics = metrics;
      this.#schedulers = schedulers;
      if (selected !== null && selected === this.#selectedId) {
        if (!record) {
          this.#ui.placeholder.textContent = `Job ${selected} no longer exists: it was removed or cleaned.`;
          this.#selectedId = null;
          this.#history = null;
          this.#record = null;
        } else {
          if (history !== this.#history) this.#history = history;
          this.#record = record;
          this.#flow = flow;
        }
      }
      this.#render();
    } catch (err) {
      if (session === this.#session) this.#showError('Reading the queue', err);
    } finally {
      this.#loading = false;
      // Also after a session change: the new queue's first read may have been asked for meanwhile.
      if (this.#dirty) this.#invalidate();
    }
  }

  /** The flow around the selected job: its parent, and its children down a few levels, in every queue. */
  async #readFlow(queueName: string, record: JobRecord): Promise<FlowView | null> {
    const flows = this.#flows;
    if (!flows) return null;
    const up = record.job.opts.parent;
    try {
      const [tree, parent] = await Promise.all([
        flows.getFlow({ id: record.id, queueName, depth: FLOW_DEPTH, maxChildren: FLOW_CHILDREN }),
        up ? flows.getFlow({ id: up.id, queueName: up.queueName, depth: 1 }) : null,
      ]);
      if (!tree) return null;
      return { id: record.id, tree: await nodeView(tree), parent: parent ? await nodeView(parent) : null };
    } catch (err) {
      this.#showError(`Reading the flow of job ${record.id}`, err);
      return null;
    }
  }

  /** Look at the processing instances again (they come and go without a change event). */
  async #loadWorkers(): Promise<void> {
    const queue = this.#queue;
    if (!queue || this.#loading) return;
    const session = this.#session;
    try {
      // The chart moves on as minutes pass, with or without changes.
      const [workers, metrics] = await Promise.all([queue.getWorkers(), readMetrics(queue)]);
      if (session !== this.#session) return;
      const names = this.#names.version;
      this.#workers = workers;
      this.#names.see(workers);
      this.#metrics = metrics;
      this.#renderWorkers();
      this.#renderChart();
      // An owner's name in the timeline may read differently now (a tab closed, a worker started).
      if (this.#record && names !== this.#names.version) this.#renderDetail();
    } catch (err) {
      if (session === this.#session) this.#showError('Listing the processing instances', err);
    }
  }

  /** The time-travel steps; none (and an error shown) if the history does not fold. */
  #replay(id: string, events: StoredJobEvent[]): TravelStep[] {
    try {
      return travelSteps(id, events);
    } catch (err) {
      this.#showError(`Replaying job ${id}`, err);
      return [];
    }
  }

  async #readPage(queue: Queue): Promise<JobPage> {
    const search = this.#search;
    if (search?.by === 'id') {
      const record = await queue.getJobRecord(search.text);
      return { records: record && (!this.#state || record.state === this.#state) ? [record] : [], next: null };
    }
    const query = { state: this.#state, namePrefix: search?.by === 'name' ? search.text : null };
    return queue.getJobRecordPage(query, this.#pageStarts[this.#pageIndex] ?? null, PAGE_SIZE);
  }

  // ---- Rendering -----------------------------------------------------------------------

  #render(): void {
    const ui = this.#ui;
    ui.pause.textContent = this.#paused ? 'Resume queue' : 'Pause queue';
    ui.pausedBadge.hidden = !this.#paused;
    ui.queueControls.forEach((el) => (el.disabled = this.#queue === null));
    this.#renderCounts();
    this.#renderChart();
    this.#renderWorkers();
    this.#schedulersView.render(this.#schedulers);
    this.#renderRows();
    this.#renderDetail();
  }

  #renderEmpty(message: string): void {
    this.#counts = null;
    this.#page = null;
    this.#record = null;
    this.#workers = null;
    this.#active = [];
    this.#metrics = null;
    this.#schedulers = null;
    this.#renderWorkers();
    this.#renderChart();
    this.#schedulersView.render(null);
    this.#say(message);
    this.#ui.queueControls.forEach((el) => (el.disabled = true));
    this.#renderCounts();
    this.#renderRows();
    this.#renderDetail();
  }

  #renderQueueSelect(names: string[], current: string | null): void {
    const all = current && !names.includes(current) ? [...names, current].sort() : names;
    replaceChildren(this.#ui.queueSelect, ...all.map((n) => h('option', { value: n, selected: n === current }, n)));
    this.#ui.queueSelect.disabled = all.length === 0;
  }

  /** Updates the count buttons in place, so one that has focus keeps it through live updates. */
  #renderCounts(): void {
    const counts = this.#counts;
    const total = counts ? JOB_STATES.reduce((sum, s) => sum + counts[s], 0) : 0;
    for (const [key, button] of this.#ui.countButtons) {
      const n = key === 'all' ? total : (counts?.[key] ?? 0);
      button.querySelector('.n')!.textContent = counts ? formatCount(n) : '–';
      button.setAttribute('aria-pressed', String((this.#state ?? 'all') === key));
    }
  }

  /** The processing instances alive now, and the jobs each runs. */
  #renderWorkers(): void {
    this.#instancesView.render(this.#workers, this.#active, this.#names);
  }

  /** Jobs finished per minute, from the counters the queue keeps. */
  #renderChart(): void {
    const m = this.#metrics;
    replaceChildren(this.#ui.chart, renderMetricsChart(m?.completed ?? null, m?.failed ?? null));
  }

  #renderRows(): void {
    const ui = this.#ui;
    const records = this.#page?.records ?? [];
    const focusedRow = (this.shadowRoot!.activeElement as HTMLElement | null)?.closest?.('tr[data-id]');
    const hadFocus = focusedRow !== null && focusedRow !== undefined && ui.tbody.contains(focusedRow);
    if (!records.some((r) => r.id === this.#focusId)) {
      this.#focusId = records.find((r) => r.id === this.#selectedId)?.id ?? records[0]?.id ?? null;
    }
    const rows = records.map((r) =>
      h('tr', { 'data-id': r.id, tabindex: r.id === this.#focusId ? 0 : -1, 'aria-current': r.id === this.#selectedId ? 'true' : null },
        h('td', { class: 'num id' }, r.id),
        h('td', { class: 'name' }, r.job.name),
        h('td', { class: 'state' }, h('span', { class: `badge state-${r.state}` }, r.state)),
        h('td', { class: 'created' }, formatTime(r.job.timestamp)),
        h('td', { class: 'attempts' }, describeAttempts(r.job.attemptsMade, r.job.opts.attempts, r.state)),
        h('td', { class: 'num progress' }, formatProgress(r.job.progress)),
      ));
    if (rows.length === 0) rows.push(h('tr', { class: 'empty-row' }, h('td', { colspan: 6 }, this.#emptyText())));
    replaceChildren(ui.tbody, ...rows);
    if (hadFocus) (ui.tbody.querySelector<HTMLElement>('tr[tabindex="0"]') ?? ui.table).focus();

    const search = this.#search;
    const where = this.#state ? `${this.#state} jobs` : 'All jobs';
    ui.caption.textContent = search?.by === 'id'
      ? `Job with id ${search.text}`
      : search
        ? `${where} named ${search.text}…, by name, newest first`
        : this.#state
          ? `${where}, ${STATE_ORDER[this.#state]}`
          : 'All jobs, newest first';
    ui.newer.disabled = this.#pageIndex === 0;
    ui.older.disabled = !this.#page?.next;
    ui.range.textContent = this.#rangeText(records.length);
  }

  #emptyText(): string {
    if (!this.#queue) return 'No queue open.';
    if (this.#search?.by === 'id') return `No job with id ${this.#search.text}${this.#state ? ` is ${this.#state}` : ''}.`;
    if (this.#search) return this.#page?.next ? 'No matches among the jobs read so far: try the next page.' : 'No matching jobs.';
    if (this.#pageIndex > 0) return 'No more jobs.';
    return this.#state ? `No ${this.#state} jobs.` : 'No jobs yet. Add one below.';
  }

  #rangeText(shown: number): string {
    if (!this.#counts || this.#search) return shown === 0 ? '' : `Page ${this.#pageIndex + 1} · ${shown} shown`;
    const total = this.#state ? this.#counts[this.#state] : JOB_STATES.reduce((sum, s) => sum + this.#counts![s], 0);
    if (total === 0) return this.#state ? `No ${this.#state} jobs` : 'No jobs';
    if (shown === 0) return `Page ${this.#pageIndex + 1}: no more jobs (${formatCount(total)} in all)`;
    const first = this.#pageIndex * PAGE_SIZE + 1;
    return `Page ${this.#pageIndex + 1} · ${formatCount(first)}–${formatCount(first + shown - 1)} of ${formatCount(total)}`;
  }

  #renderDetail(): void {
    const ui = this.#ui;
    const record = this.#record;
    const history = this.#history;
    if (!record || this.#selectedId === null || history?.id !== record.id) {
      ui.detailBody.hidden = true;
      ui.placeholder.hidden = false;
      ui.detailHeading.textContent = 'Job';
      this.#machine.show(null);
      return;
    }
    ui.placeholder.hidden = true;
    ui.detailBody.hidden = false;
    replaceChildren(ui.detailHeading, `Job ${record.id} `, h('span', { class: 'detail-name' }, record.job.name), ' ', h('span', { class: `badge state-${record.state}` }, record.state));
    ui.retry.disabled = record.state !== 'failed';
    ui.promote.disabled = record.state !== 'delayed';
    ui.json.textContent = formatValue(jobJson(record.job));
    this.#renderFlow(record);

    // Drawn again only when something it shows changed: the history, an owner's name, a toggle.
    const drawn = `${history.id}:${history.seq}:${this.#names.version}:${[...this.#expanded].join(',')}`;
    if (ui.timeline.dataset.for !== drawn) {
      const focused = (this.shadowRoot!.activeElement as HTMLElement | null)?.dataset?.toggle;
      ui.timeline.dataset.for = drawn;
      replaceChildren(ui.timeline, ...history.events.map((e, k) => timelineRow(e, k, this.#names, this.#expanded.has(e.seq))));
      if (focused !== undefined) ui.timeline.querySelector<HTMLElement>(`button[data-toggle="${focused}"]`)?.focus();
    }
    ui.travel.max = String(history.steps.length);
    this.#renderTravel();
  }

  /** The selected job's place in its flow: its parent, its children and theirs, each with its state. */
  #renderFlow(record: JobRecord): void {
    const ui = this.#ui;
    const flow = this.#flow?.id === record.id ? this.#flow : null;
    ui.flowSection.hidden = flow === null;
    if (!flow) return;
    const line = (node: FlowNodeView, current: boolean) =>
      h('div', { class: 'node-line', 'aria-current': current ? 'true' : null },
        h('span', { class: `badge state-${node.state}` }, node.state),
        h('strong', {}, node.name),
        h('span', { class: 'where' }, `${node.queueName}:${node.id}`),
        current ? null : h('button', { type: 'button', class: 'link', 'data-job': node.id, 'data-queue': node.queueName, 'aria-label': `Show job ${node.id} of queue ${node.queueName}` }, 'show'));
    const branch = (node: FlowNodeView, current: boolean): HTMLLIElement =>
      h('li', { 'data-flow-job': `${node.queueName}:${node.id}` },
        line(node, current),
        node.children.length > 0 ? h('ul', {}, ...node.children.map((child) => branch(child, false))) : null);
    const children = flow.tree.children;
    const done = children.filter((c) => c.state === 'completed').length;
    const deps = record.job.dependencies;
    const summary = [
      flow.parent ? `A child of job ${flow.parent.id} (${flow.parent.name}, queue ${flow.parent.queueName}), which is ${flow.parent.state}.` : '',
      deps ? `${done} of ${children.length} children completed${children.length < Object.keys(deps).length ? ` (first ${children.length} shown)` : ''}.` : '',
    ].filter(Boolean).join(' ');
    ui.flowSummary.textContent = summary;
    const tree = branch(flow.tree, true);
    replaceChildren(ui.flowTree, ...(flow.parent ? [h('li', { 'data-flow-job': `${flow.parent.queueName}:${flow.parent.id}` }, line(flow.parent, false), h('ul', {}, tree))] : [tree]));
  }

  /** The time-travel slider's step: the job as it was after that event. */
  #renderTravel(): void {
    const ui = this.#ui;
    const steps = this.#history?.steps ?? [];
    if (steps.length === 0) {
      ui.travelOut.textContent = 'This history cannot be replayed.';
      ui.travelJson.textContent = '';
      this.#machine.show(null);
      return;
    }
    const k = Math.min(this.#travel ?? steps.length - 1, steps.length - 1);
    const step = steps[k]!;
    ui.travel.value = String(k + 1);
    const text = `Event ${k + 1} of ${steps.length}: ${step.event.type} at ${formatTime(step.event.time)}, the job was ${step.state}`;
    ui.travel.setAttribute('aria-valuetext', text);
    ui.travelOut.textContent = text + (this.#travel === null ? ' (newest, following live)' : '');
    const changes = k === 0 ? [] : diffSnapshots(steps[k - 1]!.json, step.json);
    replaceChildren(ui.travelChanges, ...renderChanges(changes, k === 0));
    replaceChildren(ui.travelJson, ...renderSnapshot({ ...step.json }, changes));
    // Bring the first field the event changed into the snapshot's view (a job's data can be long).
    const changed = ui.travelJson.querySelector<HTMLElement>('.field.changed');
    if (changed) ui.travelJson.scrollTop = Math.max(0, changed.offsetTop - 24);
    ui.travelState.className = `badge state-${step.state}`;
    ui.travelState.textContent = step.state;
    for (const row of ui.timeline.rows) {
      const n = Number(row.dataset.step);
      if (n === k) row.setAttribute('aria-current', 'step');
      else row.removeAttribute('aria-current');
      row.classList.toggle('future', n > k);
    }
    this.#machine.show({ state: step.state, from: step.from, event: step.event.type });
  }

  // ---- Messages ------------------------------------------------------------------------

  #say(message: string): void {
    this.#ui.status.textContent = message;
  }

  #showError(doing: string, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: unknown } | null)?.code;
    this.#ui.errorText.textContent = `${doing} failed: ${message}${typeof code === 'string' ? ` (${code})` : ''}`;
    this.#ui.error.hidden = false;
  }

  #clearError(): void {
    this.#ui.error.hidden = true;
    this.#ui.errorText.textContent = '';
  }

  // ---- Actions -------------------------------------------------------------------------

  /** Run an action through the public API; report its outcome in the page, then re-read. */
  async #act(doing: string, body: (queue: Queue) => Promise<string>): Promise<boolean> {
    const queue = this.#queue;
    if (!queue) return false;
    this.#clearError();
    try {
      this.#say(await body(queue));
      return true;
    } catch (err) {
      this.#showError(doing, err);
      return false;
    } finally {
      this.#invalidate(0);
    }
  }

  async #jobAction(verb: 'retry' | 'promote' | 'remove'): Promise<void> {
    const id = this.#selectedId;
    if (id === null) return;
    const [doing, done] = ACTION_WORDS[verb];
    await this.#act(`${doing} job ${id}`, async (queue) => {
      const job = await queue.getJob(id);
      if (!job) throw new Error(`job ${id} no longer exists`);
      await job[verb]();
      if (verb === 'remove' && this.#selectedId === id) {
        this.#selectedId = null;
        this.#record = null;
        this.#history = null;
      }
      return `${done} job ${id}.`;
    });
  }

  async #removeScheduler(id: string): Promise<void> {
    await this.#act(`Removing job scheduler ${id}`, async (queue) => {
      if (!(await queue.removeJobScheduler(id))) throw new Error(`job scheduler ${id} no longer exists`);
      return `Removed job scheduler ${id}.`;
    });
  }

  #select(id: string): void {
    this.#ui.placeholder.textContent = PLACEHOLDER;
    if (this.#selectedId !== id) {
      this.#selectedId = id;
      this.#travel = null;
      this.#expanded.clear();
    }
    this.#focusId = id;
    for (const row of this.#ui.tbody.rows) {
      if (row.dataset.id === id) row.setAttribute('aria-current', 'true');
      else row.removeAttribute('aria-current');
    }
    this.#invalidate(0);
  }

  #goToPage(index: number): void {
    if (index > this.#pageIndex) {
      const next = this.#page?.next;
      if (!next) return;
      this.#pageStarts[index] = next;
    }
    this.#pageIndex = Math.max(0, index);
    this.#pageStarts.length = this.#pageIndex + 1;
    this.#invalidate(0);
  }

  #restartPaging(): void {
    this.#pageStarts = [null];
    this.#pageIndex = 0;
    this.#invalidate(0);
  }

  async #addJob(): Promise<void> {
    const ui = this.#ui;
    ui.formError.textContent = '';
    const data = parseJsonInput(ui.addData.value, 'Data');
    const opts = parseJsonInput(ui.addOpts.value, 'Options');
    fieldError(ui.addData, ui.addDataError, data.ok ? '' : data.message);
    let optsMessage = opts.ok ? '' : opts.message;
    if (opts.ok && opts.value !== undefined && (typeof opts.value !== 'object' || opts.value === null || Array.isArray(opts.value))) {
      optsMessage = 'Options must be a JSON object, like {"delay": 5000, "attempts": 3}';
    }
    fieldError(ui.addOpts, ui.addOptsError, optsMessage);
    if (!data.ok) return ui.addData.focus();
    if (optsMessage || !opts.ok) return ui.addOpts.focus();
    const name = ui.addName.value.trim();
    let addedId: string | null = null;
    const ok = await this.#act('Adding a job', async (queue) => {
      const value = data.value === undefined ? null : data.value;
      const options = opts.value as JobOptions | undefined;
      const job = name ? await queue.add(name, value, options) : await queue.add(value, options);
      addedId = job.id;
      return `Added job ${job.id}.`;
    });
    if (!ok) {
      ui.formError.textContent = ui.errorText.textContent;
      return;
    }
    if (addedId !== null) this.#select(addedId);
  }

  // ---- Wiring the controls -------------------------------------------------------------

  #wire(): void {
    const ui = this.#ui;
    ui.queueSelect.addEventListener('change', () => {
      if (ui.queueSelect.value) this.setAttribute('queue', ui.queueSelect.value);
    });
    ui.reloadQueues.addEventListener('click', async () => {
      const names = await this.#listQueues();
      this.#renderQueueSelect(names, this.#queue?.name ?? (this.getAttribute('queue') || null));
      if (!this.#queue && names.length > 0 && this.#connected) void this.#start();
    });
    ui.pause.addEventListener('click', () =>
      this.#act(this.#paused ? 'Resuming the queue' : 'Pausing the queue', async (queue) => {
        if (await queue.isPaused()) {
          await queue.resume();
          return `Resumed queue ${queue.name}.`;
        }
        await queue.pause();
        return `Paused queue ${queue.name}: no tab starts new jobs until it is resumed.`;
      }));
    ui.clean.addEventListener('click', () =>
      this.#act('Cleaning finished jobs', async (queue) => {
        const completed = await queue.clean(0, 'completed');
        const failed = await queue.clean(0, 'failed');
        return `Cleaned ${formatCount(completed.length)} completed and ${formatCount(failed.length)} failed jobs.`;
      }));
    ui.counts.addEventListener('click', (event) => {
      const button = (event.target as Element).closest('button[data-state]');
      if (!button) return;
      const state = button.getAttribute('data-state');
      this.#state = state === 'all' ? null : (state as JobState);
      this.#renderCounts();
      this.#restartPaging();
    });
    ui.searchForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = ui.searchText.value.trim();
      this.#search = text ? { by: ui.searchBy.value === 'id' ? 'id' : 'name', text } : null;
      this.#restartPaging();
    });
    ui.searchClear.addEventListener('click', () => {
      ui.searchText.value = '';
      this.#search = null;
      this.#restartPaging();
    });
    ui.newer.addEventListener('click', () => this.#goToPage(this.#pageIndex - 1));
    ui.older.addEventListener('click', () => this.#goToPage(this.#pageIndex + 1));
    ui.tbody.addEventListener('click', (event) => {
      const row = (event.target as Element).closest<HTMLElement>('tr[data-id]');
      if (row) this.#select(row.dataset.id!);
    });
    ui.tbody.addEventListener('keydown', (event) => this.#onRowKey(event));
    ui.flowTree.addEventListener('click', (event) => {
      const button = (event.target as Element).closest<HTMLElement>('button[data-job]');
      if (!button) return;
      const id = button.dataset.job!;
      const queue = button.dataset.queue!;
      if (queue === this.#queue?.name) return this.#select(id);
      // A job of another queue: open that queue, then show the job.
      this.#pendingSelect = id;
      this.setAttribute('queue', queue);
    });
    ui.retry.addEventListener('click', () => this.#jobAction('retry'));
    ui.promote.addEventListener('click', () => this.#jobAction('promote'));
    ui.remove.addEventListener('click', () => this.#jobAction('remove'));
    ui.travel.addEventListener('input', () => {
      const steps = this.#history?.steps.length ?? 0;
      const k = Number(ui.travel.value) - 1;
      this.#travel = k >= steps - 1 ? null : k;
      this.#renderTravel();
      ui.timeline.rows[k]?.scrollIntoView({ block: 'nearest' });
    });
    ui.timeline.addEventListener('click', (event) => {
      const toggle = (event.target as Element).closest<HTMLElement>('button[data-toggle]');
      if (toggle) {
        const seq = Number(toggle.dataset.toggle);
        if (!this.#expanded.delete(seq)) this.#expanded.add(seq);
        this.#renderDetail();
        return;
      }
      const row = (event.target as Element).closest<HTMLElement>('tr[data-step]');
      if (!row) return;
      const steps = this.#history?.steps.length ?? 0;
      const k = Number(row.dataset.step);
      this.#travel = k >= steps - 1 ? null : k;
      this.#renderTravel();
    });
    ui.addForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#addJob();
    });
    ui.errorDismiss.addEventListener('click', () => this.#clearError());
  }

  #onRowKey(event: KeyboardEvent): void {
    const row = (event.target as Element).closest<HTMLTableRowElement>('tr[data-id]');
    if (!row) return;
    const rows = [...this.#ui.tbody.querySelectorAll<HTMLTableRowElement>('tr[data-id]')];
    const at = rows.indexOf(row);
    let target: HTMLTableRowElement | undefined;
    switch (event.key) {
      case 'Enter':
      case ' ':
        event.preventDefault();
        this.#select(row.dataset.id!);
        return;
      case 'ArrowDown':
        target = rows[at + 1];
        break;
      case 'ArrowUp':
        target = rows[at - 1];
        break;
      case 'Home':
        target = rows[0];
        break;
      case 'End':
        target = rows.at(-1);
        break;
      default:
        return;
    }
    event.preventDefault();
    if (!target) return;
    row.tabIndex = -1;
    target.tabIndex = 0;
    this.#focusId = target.dataset.id!;
    target.focus();
  }
}

const PLACEHOLDER = 'Select a job to see its history, replay it, and act on it.';

const ACTION_WORDS = {
  retry: ['Retrying', 'Retried'],
  promote: ['Promoting', 'Promoted'],
  remove: ['Removing', 'Removed'],
} as const;

/** How the job table orders one state (newest first, in that state's own terms). */
const STATE_ORDER: Record<JobState, string> = {
  waiting: 'last in line first',
  delayed: 'due last first',
  active: 'started last first',
  completed: 'finished last first',
  failed: 'failed last first',
  'waiting-children': 'added last first',
};

function fieldError(field: HTMLTextAreaElement, error: HTMLElement, message: string): void {
  error.textContent = message;
  field.setAttribute('aria-invalid', String(message !== ''));
}

// ---- The element's DOM, built once --------------------------------------------------------

interface Ui {
  root: HTMLElement;
  queueSelect: HTMLSelectElement;
  reloadQueues: HTMLButtonElement;
  pause: HTMLButtonElement;
  clean: HTMLButtonElement;
  pausedBadge: HTMLElement;
  queueControls: HTMLButtonElement[];
  status: HTMLElement;
  error: HTMLElement;
  errorText: HTMLElement;
  errorDismiss: HTMLButtonElement;
  counts: HTMLElement;
  countButtons: Map<JobState | 'all', HTMLButtonElement>;
  chart: HTMLElement;
  searchForm: HTMLFormElement;
  searchBy: HTMLSelectElement;
  searchText: HTMLInputElement;
  searchClear: HTMLButtonElement;
  table: HTMLTableElement;
  caption: HTMLTableCaptionElement;
  tbody: HTMLTableSectionElement;
  newer: HTMLButtonElement;
  older: HTMLButtonElement;
  range: HTMLElement;
  addForm: HTMLFormElement;
  addName: HTMLInputElement;
  addData: HTMLTextAreaElement;
  addDataError: HTMLElement;
  addOpts: HTMLTextAreaElement;
  addOptsError: HTMLElement;
  formError: HTMLElement;
  detailHeading: HTMLElement;
  placeholder: HTMLElement;
  detailBody: HTMLElement;
  retry: HTMLButtonElement;
  promote: HTMLButtonElement;
  remove: HTMLButtonElement;
  json: HTMLElement;
  travel: HTMLInputElement;
  travelOut: HTMLOutputElement;
  travelState: HTMLElement;
  travelJson: HTMLElement;
  travelChanges: HTMLUListElement;
  timeline: HTMLTableSectionElement;
  flowSection: HTMLElement;
  flowSummary: HTMLElement;
  flowTree: HTMLUListElement;
}

function buildUi(machine: MachineView, schedulers: HTMLElement, workers: HTMLElement): Ui {
  const button = (label: string, props: Record<string, string> = {}) => h('button', { type: 'button', ...props }, label);
  const queueSelect = h('select', { class: 'queue-select' });
  const reloadQueues = button('↻', { 'aria-label': 'Reload the list of queues', title: 'Reload the list of queues' });
  const pause = button('Pause queue', { class: 'pause' });
  const clean = button('Clean finished jobs', { class: 'clean', title: 'Remove every completed and failed job' });
  const pausedBadge = h('span', { class: 'badge paused-badge', hidden: true }, 'paused');
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const errorText = h('span', { class: 'error-text' });
  const errorDismiss = button('Dismiss');
  const error = h('div', { class: 'error', role: 'alert', hidden: true }, errorText, errorDismiss);

  const countButtons = new Map<JobState | 'all', HTMLButtonElement>();
  for (const key of ['all', ...JOB_STATES] as const) {
    countButtons.set(key, h('button', { type: 'button', 'data-state': key, 'aria-pressed': String(key === 'all'), class: key === 'all' ? null : `state-${key}` },
      key, ' ', h('span', { class: 'n' }, '–')));
  }
  const counts = h('div', { class: 'counts', role: 'group', 'aria-label': 'Show jobs in state' }, ...countButtons.values());
  const chart = h('div', { class: 'chart' });
  const searchBy = h('select', { name: 'by', 'aria-label': 'Search by' },
    h('option', { value: 'name' }, 'Name starts with'),
    h('option', { value: 'id' }, 'Id is'));
  const searchText = h('input', { type: 'search', name: 'text', 'aria-label': 'Search text', placeholder: 'name or id', autocomplete: 'off' });
  const searchClear = button('Clear');
  const searchForm = h('form', { class: 'search', role: 'search' }, searchBy, searchText, h('button', { type: 'submit' }, 'Search'), searchClear);
  const caption = h('caption');
  const tbody = h('tbody');
  const table = h('table', { class: 'job-table', tabindex: -1 }, caption,
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', class: 'num' }, 'Id'), h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'State'),
      h('th', { scope: 'col' }, 'Created'), h('th', { scope: 'col' }, 'Attempts'), h('th', { scope: 'col', class: 'num' }, 'Progress'))),
    tbody);
  const newer = button('← Newer', { class: 'newer' });
  const older = button('Older →', { class: 'older' });
  const range = h('span', { class: 'range', 'aria-live': 'polite' });

  const addName = h('input', { name: 'name', placeholder: '__default__', autocomplete: 'off' });
  const addDataError = h('p', { class: 'field-error', id: 'add-data-error' });
  const addData = h('textarea', { name: 'data', rows: 4, spellcheck: 'false', 'aria-describedby': 'add-data-error' });
  addData.value = '{}';
  const addOptsError = h('p', { class: 'field-error', id: 'add-opts-error' });
  const addOpts = h('textarea', { name: 'opts', rows: 2, spellcheck: 'false', placeholder: '{"delay": 5000, "attempts": 3}', 'aria-describedby': 'add-opts-error' });
  const formError = h('p', { class: 'form-error', role: 'alert' });
  const addForm = h('form', {},
    h('label', {}, 'Name', addName),
    h('label', {}, h('span', {}, 'Data ', h('span', { class: 'hint' }, '(JSON)')), addData), addDataError,
    h('label', {}, h('span', {}, 'Options ', h('span', { class: 'hint' }, '(JSON object, optional)')), addOpts), addOptsError,
    formError,
    h('div', {}, h('button', { type: 'submit', class: 'primary' }, 'Add job')));

  const detailHeading = h('h3', { id: 'detail-heading' }, 'Job');
  const placeholder = h('p', { class: 'placeholder' }, PLACEHOLDER);
  const retry = button('Retry', { class: 'retry' });
  const promote = button('Promote', { class: 'promote' });
  const remove = button('Remove', { class: 'remove danger' });
  const json = h('pre', { class: 'json', tabindex: 0, 'aria-label': 'toJSON() of the job' });
  const travel = h('input', { type: 'range', id: 'travel', class: 'travel-slider', min: 1, max: 1, step: 1, value: 1 });
  const travelOut = h('output', { for: 'travel', class: 'travel-out' });
  const travelState = h('span', { class: 'badge' });
  const travelJson = h('pre', { class: 'travel-json', tabindex: 0, 'aria-label': 'The job after the chosen event, the fields the event changed marked' });
  const travelChanges = h('ul', { class: 'travel-changes', 'aria-labelledby': 'changes-heading' });
  const timeline = h('tbody');
  const flowSummary = h('p', { class: 'flow-summary' });
  const flowTree = h('ul', { class: 'flow-tree', 'aria-labelledby': 'flow-heading' });
  const flowSection = h('section', { class: 'flow', hidden: true }, h('h4', { id: 'flow-heading' }, 'Flow'), flowSummary, flowTree);
  const detailBody = h('div', { class: 'detail-body', hidden: true },
    h('div', { class: 'actions', role: 'group', 'aria-label': 'Job actions' }, retry, promote, remove),
    flowSection,
    h('h4', { id: 'timeline-heading' }, 'Timeline'),
    h('div', { class: 'timeline-wrap' },
      h('table', { class: 'timeline', 'aria-labelledby': 'timeline-heading' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', class: 'num' }, '#'), h('th', { scope: 'col' }, 'Event'), h('th', { scope: 'col' }, 'Time'),
          h('th', { scope: 'col' }, 'Payload'), h('th', { scope: 'col', class: 'num' }, 'Seq'))),
        timeline)),
    h('h4', {}, 'Time travel'),
    h('div', { class: 'travel' },
      h('div', { class: 'travel-row' }, h('label', { for: 'travel' }, 'After event'), travel, travelState),
      travelOut,
      h('h5', { id: 'changes-heading' }, 'What this event changed'),
      travelChanges,
      machine.element,
      travelJson),
    h('h4', {}, 'toJSON() now'),
    json);

  const root = h('div', { class: 'inspector' },
    h('header', { class: 'bar' },
      h('h2', {}, 'jobtrail inspector'),
      h('label', {}, 'Queue', queueSelect),
      reloadQueues, pausedBadge, pause, clean),
    status,
    error,
    h('div', { class: 'layout' },
      h('section', { class: 'jobs', 'aria-labelledby': 'jobs-heading' },
        h('h3', { id: 'jobs-heading' }, 'Jobs'),
        counts,
        chart,
        workers,
        schedulers,
        searchForm,
        table,
        h('div', { class: 'pager' }, newer, range, older),
        h('details', { class: 'add' }, h('summary', {}, 'Add a job'), addForm)),
      h('section', { class: 'detail', 'aria-labelledby': 'detail-heading' },
        detailHeading,
        placeholder,
        detailBody)));

  return {
    root, queueSelect, reloadQueues, pause, clean, pausedBadge, queueControls: [pause, clean], status, error, errorText, errorDismiss,
    counts, countButtons, chart, searchForm, searchBy, searchText, searchClear, table, caption, tbody, newer, older, range,
    addForm, addName, addData, addDataError, addOpts, addOptsError, formError,
    detailHeading, placeholder, detailBody, retry, promote, remove, json, travel, travelOut, travelState, travelJson, travelChanges, timeline,
    flowSection, flowSummary, flowTree,
  };
}

/** A node of a flow as the inspector shows it: the job's identity and its state now. */
async function nodeView(node: JobNode): Promise<FlowNodeView> {
  const [state, children] = await Promise.all([node.job.getState(), Promise.all((node.children ?? []).map(nodeView))]);
  return { id: node.job.id, name: node.job.name, queueName: node.job.queueName, state, children };
}

/** The per-minute counters of both finished states. */
async function readMetrics(queue: Queue): Promise<{ completed: Metrics; failed: Metrics }> {
  const [completed, failed] = await Promise.all([queue.getMetrics('completed'), queue.getMetrics('failed')]);
  return { completed, failed };
}
