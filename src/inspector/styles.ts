// The inspector's stylesheet, scoped by its shadow root. Colours are custom properties with a light
// and a dark set (following `prefers-color-scheme`); pages can override any `--jt-*` on the element.
export const STYLES = `
:host {
  --jt-bg: #ffffff;
  --jt-fg: #1b1f24;
  --jt-muted: #57606a;
  --jt-border: #d0d7de;
  --jt-surface: #f6f8fa;
  --jt-hover: #eaeef2;
  --jt-accent: #0969da;
  --jt-accent-fg: #ffffff;
  --jt-selected: #ddf4ff;
  --jt-focus: #0969da;
  --jt-danger: #cf222e;
  --jt-danger-bg: #ffebe9;
  --jt-waiting: #0550ae;   --jt-waiting-bg: #ddf4ff;
  --jt-delayed: #7d4e00;   --jt-delayed-bg: #fff8c5;
  --jt-active: #6639ba;    --jt-active-bg: #fbefff;
  --jt-completed: #116329; --jt-completed-bg: #dafbe1;
  --jt-failed: #a40e26;    --jt-failed-bg: #ffebe9;
  --jt-waiting-children: #0b6f6a; --jt-waiting-children-bg: #d8f5f1;
  --jt-mark: #fff8c5;
  --jt-ins: #dafbe1; --jt-del: #ffebe9;
  display: block;
  color-scheme: light dark;
  container-type: inline-size;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--jt-fg);
  background: var(--jt-bg);
  border: 1px solid var(--jt-border);
  border-radius: 8px;
}
@media (prefers-color-scheme: dark) {
  :host {
    --jt-bg: #0d1117;
    --jt-fg: #e6edf3;
    --jt-muted: #9198a1;
    --jt-border: #3d444d;
    --jt-surface: #151b23;
    --jt-hover: #212830;
    --jt-accent: #4493f8;
    --jt-accent-fg: #0d1117;
    --jt-selected: #12263f;
    --jt-focus: #58a6ff;
    --jt-danger: #ff7b72;
    --jt-danger-bg: #3c1618;
    --jt-waiting: #79c0ff;   --jt-waiting-bg: #102a4c;
    --jt-delayed: #e3b341;   --jt-delayed-bg: #3a2c05;
    --jt-active: #d2a8ff;    --jt-active-bg: #2d1b4e;
    --jt-completed: #56d364; --jt-completed-bg: #0f3320;
    --jt-failed: #ff7b72;    --jt-failed-bg: #4b1113;
    --jt-waiting-children: #5fd7c9; --jt-waiting-children-bg: #0b302d;
    --jt-mark: #3a2c05;
    --jt-ins: #0f3320; --jt-del: #4b1113;
  }
}
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.inspector { padding: 12px 14px 16px; }
h2, h3, h4 { margin: 0; line-height: 1.25; }
h2 { font-size: 16px; }
h3 { font-size: 15px; margin-bottom: 8px; }
h4 { font-size: 13px; margin: 14px 0 6px; color: var(--jt-muted); text-transform: uppercase; letter-spacing: .04em; }
button, select, input, textarea {
  font: inherit;
  color: inherit;
  background: var(--jt-surface);
  border: 1px solid var(--jt-border);
  border-radius: 6px;
}
button { padding: 3px 10px; cursor: pointer; }
button:hover:not(:disabled) { background: var(--jt-hover); }
button:disabled { opacity: .5; cursor: default; }
button.primary { background: var(--jt-accent); border-color: var(--jt-accent); color: var(--jt-accent-fg); }
button.danger { color: var(--jt-danger); }
select, input { padding: 3px 6px; }
textarea { padding: 6px; width: 100%; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
:focus-visible { outline: 2px solid var(--jt-focus); outline-offset: 2px; }
tr:focus-visible { outline-offset: -2px; }
[aria-invalid="true"] { border-color: var(--jt-danger); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }
.bar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; padding-bottom: 10px; border-bottom: 1px solid var(--jt-border); }
.bar h2 { margin-right: auto; }
.bar label { display: inline-flex; gap: 6px; align-items: center; }
.badge { display: inline-block; padding: 0 8px; border-radius: 999px; font-size: 12px; font-weight: 600; line-height: 20px; white-space: nowrap; }
.paused-badge { background: var(--jt-delayed-bg); color: var(--jt-delayed); }
.state-waiting { --c: var(--jt-waiting); --cb: var(--jt-waiting-bg); }
.state-delayed { --c: var(--jt-delayed); --cb: var(--jt-delayed-bg); }
.state-active { --c: var(--jt-active); --cb: var(--jt-active-bg); }
.state-completed { --c: var(--jt-completed); --cb: var(--jt-completed-bg); }
.state-failed { --c: var(--jt-failed); --cb: var(--jt-failed-bg); }
.state-waiting-children { --c: var(--jt-waiting-children); --cb: var(--jt-waiting-children-bg); }
.badge[class*="state-"] { color: var(--c); background: var(--cb); }
.status { min-height: 1.45em; margin: 6px 0; color: var(--jt-muted); }
.error { display: flex; gap: 10px; align-items: start; margin: 6px 0; padding: 8px 10px; border-radius: 6px; color: var(--jt-danger); background: var(--jt-danger-bg); border: 1px solid var(--jt-danger); }
.error[hidden] { display: none; }
.error-text { flex: 1; white-space: pre-wrap; overflow-wrap: anywhere; }
.layout { display: grid; gap: 18px; grid-template-columns: minmax(0, 1fr); margin-top: 10px; }
@container (min-width: 980px) {
  .layout { grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr); }
}
.counts { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 10px; }
.counts button { display: inline-flex; gap: 6px; align-items: baseline; border-radius: 999px; }
.counts button[aria-pressed="true"] { background: var(--jt-accent); border-color: var(--jt-accent); color: var(--jt-accent-fg); }
.counts .n { font-variant-numeric: tabular-nums; font-weight: 600; }
.workers { margin-bottom: 10px; }
.schedulers { margin-bottom: 10px; font-size: 13px; }
.schedulers .empty { color: var(--jt-muted); margin: 6px 0; }
.scheduler-table { width: 100%; border-collapse: collapse; margin-top: 6px; }
.scheduler-table th, .scheduler-table td { text-align: left; padding: 2px 6px; border-bottom: 1px solid var(--jt-border); }
.scheduler-table th, .scheduler-table td.num, .scheduler-table button { white-space: nowrap; }
.scheduler-table td.num { text-align: right; }
.scheduler-table td.id { overflow-wrap: anywhere; }
.scheduler-table .job-name { color: var(--jt-muted); }
.schedulers h4 { margin: 8px 0 2px; font-size: 12px; }
.scheduler-changes { list-style: none; margin: 0; padding: 0; max-height: 8em; overflow: auto; }
.scheduler-changes time { color: var(--jt-muted); font-variant-numeric: tabular-nums; }
.workers-list { list-style: none; margin: 6px 0 0; padding: 0; display: grid; gap: 4px; font-size: 13px; }
.workers-list li.empty { color: var(--jt-muted); }
.workers-list .kind { background: var(--jt-surface); border: 1px solid var(--jt-border); }
.search { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-bottom: 8px; }
.search input { flex: 1; min-width: 10em; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
caption { text-align: left; color: var(--jt-muted); padding-bottom: 4px; }
th { text-align: left; font-weight: 600; color: var(--jt-muted); border-bottom: 1px solid var(--jt-border); padding: 4px 6px; }
td { padding: 4px 6px; border-bottom: 1px solid var(--jt-border); vertical-align: top; overflow-wrap: anywhere; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.job-table tbody tr { cursor: pointer; }
.job-table tbody tr:hover { background: var(--jt-hover); }
.job-table tbody tr[aria-current="true"] { background: var(--jt-selected); box-shadow: inset 3px 0 var(--jt-accent); }
.empty-row td { color: var(--jt-muted); text-align: center; padding: 14px; cursor: default; }
.pager { display: flex; gap: 8px; align-items: center; justify-content: space-between; margin: 8px 0 14px; }
.pager .range { color: var(--jt-muted); font-variant-numeric: tabular-nums; }
details > summary { cursor: pointer; font-weight: 600; }
.add form { display: grid; gap: 8px; margin-top: 8px; }
.add label { display: grid; gap: 3px; font-weight: 500; }
.field-error, .form-error { color: var(--jt-danger); margin: 0; font-size: 12px; white-space: pre-wrap; }
.field-error:empty, .form-error:empty { display: none; }
.hint { color: var(--jt-muted); font-size: 12px; font-weight: 400; }
.detail { min-width: 0; }
.detail-head { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 8px; }
.detail-head h3 { margin: 0; }
.detail-name { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.placeholder { color: var(--jt-muted); }
.actions { display: flex; flex-wrap: wrap; gap: 6px; }
pre {
  margin: 0; padding: 8px 10px; max-height: 22em; overflow: auto;
  background: var(--jt-surface); border: 1px solid var(--jt-border); border-radius: 6px;
  font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  white-space: pre-wrap; overflow-wrap: anywhere;
}
.travel { display: grid; gap: 6px; }
.travel-row { display: flex; gap: 10px; align-items: center; }
.travel input[type="range"] { flex: 1; accent-color: var(--jt-accent); }
.travel output { color: var(--jt-muted); }
.timeline-wrap { max-height: 18em; overflow: auto; border: 1px solid var(--jt-border); border-radius: 6px; }
.timeline th { position: sticky; top: 0; background: var(--jt-bg); }
.timeline tbody tr { cursor: pointer; }
.timeline tbody tr:hover { background: var(--jt-hover); }
.timeline tbody tr[aria-current="step"] { background: var(--jt-selected); box-shadow: inset 3px 0 var(--jt-accent); }
.timeline tbody tr.future { opacity: .45; }
.timeline td.type, .timeline td.time, .timeline td.num { white-space: nowrap; }
.timeline .payload { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; width: 100%; max-width: 0; }
.timeline .payload .toggle { float: left; margin-right: 6px; padding: 0 5px; line-height: 1.3; font-size: 11px; }
.timeline .payload .line { display: block; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
.timeline .payload .full { overflow: auto; max-height: 16em; overflow-wrap: anywhere; }
.timeline .payload .full p { margin: 0 0 4px; font-family: system-ui, sans-serif; font-size: 13px; }
.timeline .payload .full .ids { color: var(--jt-muted); font-family: inherit; font-size: 12px; }
.timeline .payload .full pre { max-height: none; padding: 4px 6px; }
.timeline .payload .reason { font-weight: 600; color: var(--jt-failed); }
.stack { list-style: none; margin: 0; padding: 4px 6px; background: var(--jt-surface); border: 1px solid var(--jt-border); border-radius: 6px; }
.stack li { white-space: pre-wrap; padding-left: 2ch; text-indent: -2ch; }
.stack li:first-child { font-weight: 600; }
td.attempts { font-size: 12px; }
/* Where the table is narrow, the wordy columns wrap before a name is cut mid-word. */
.job-table td.name { min-width: 7em; }
.chart { margin-bottom: 10px; }
.metrics { margin: 0; font-size: 12px; }
.metrics figcaption { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: baseline; margin-bottom: 2px; }
.metrics .legend::before { content: ""; display: inline-block; width: 10px; height: 10px; margin-right: 4px; border-radius: 2px; background: var(--c); }
.metrics .legend.completed { --c: var(--jt-completed); }
.metrics .legend.failed { --c: var(--jt-failed); }
.metrics .plot { display: flex; gap: 4px; align-items: stretch; }
.metrics .y-top { color: var(--jt-muted); font-variant-numeric: tabular-nums; min-width: 2ch; text-align: right; line-height: 1; }
.metrics-svg { flex: 1; min-width: 0; height: 56px; display: block; }
.metrics-svg .bar-completed { fill: var(--jt-completed); }
.metrics-svg .bar-failed { fill: var(--jt-failed); }
.metrics-svg .grid { stroke: var(--jt-border); stroke-dasharray: 3 3; }
.metrics-svg .axis { stroke: var(--jt-muted); }
.metrics .x-labels { display: flex; justify-content: space-between; color: var(--jt-muted); padding-left: calc(2ch + 4px); }
.workers-list li:not(.empty) { display: grid; gap: 3px; padding: 6px 8px; border: 1px solid var(--jt-border); border-radius: 6px; }
.workers-list .who { display: flex; flex-wrap: wrap; gap: 4px 8px; align-items: baseline; }
.workers-list .name { font-weight: 600; white-space: nowrap; }
.workers-list .where, .workers-list .since, .workers-list .handlers { color: var(--jt-muted); overflow-wrap: anywhere; }
.slots { display: flex; flex-wrap: wrap; gap: 4px; }
.slot { display: inline-flex; align-items: center; min-height: 24px; padding: 1px 6px; border-radius: 4px; font-size: 12px; }
.slot.idle { color: var(--jt-muted); border: 1px dashed var(--jt-border); }
.slot.busy { background: var(--jt-active-bg); border: 1px solid var(--jt-active); }
.slot .running, .orphans .running { display: inline-flex; gap: 6px; align-items: center; color: var(--jt-active); font-weight: 600; padding: 0; border: none; background: none; text-decoration: underline; overflow-wrap: anywhere; text-align: left; }
.slot progress { width: 48px; height: 8px; accent-color: var(--jt-active); }
.orphans { margin: 6px 0 0; font-size: 12px; color: var(--jt-muted); }
.travel h5 { margin: 4px 0 0; font-size: 12px; color: var(--jt-muted); }
.travel-changes { list-style: none; margin: 0; padding: 0; display: grid; gap: 2px; font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.travel-changes li { overflow-wrap: anywhere; }
.travel-changes li.none { font-family: system-ui, sans-serif; color: var(--jt-muted); }
.travel-changes .path { font-weight: 700; }
.travel-changes del { background: var(--jt-del); color: inherit; }
.travel-changes ins { background: var(--jt-ins); color: inherit; text-decoration: none; }
.travel-changes .lines { white-space: pre-wrap; }
.travel-changes .lines .item { display: block; }
.travel-json { position: relative; }
.travel-json .field.changed { background: var(--jt-mark); box-shadow: -6px 0 var(--jt-mark), inset 3px 0 var(--jt-delayed); }
@container (max-width: 600px) {
  .job-table thead, .timeline thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  .job-table tbody tr[data-id] { display: grid; grid-template-columns: auto minmax(0, 1fr) auto; gap: 2px 8px; padding: 6px 4px; border-bottom: 1px solid var(--jt-border); }
  .job-table tbody tr[data-id] td { display: block; padding: 0; border: none; min-width: 0; }
  .job-table td.created { grid-row: 2; grid-column: 1 / 3; color: var(--jt-muted); }
  .job-table td.progress { grid-row: 2; grid-column: 3; }
  .job-table td.attempts { grid-row: 3; grid-column: 1 / -1; }
  .timeline tbody tr { display: grid; grid-template-columns: auto minmax(0, 1fr) auto auto; gap: 2px 8px; padding: 4px; border-bottom: 1px solid var(--jt-border); }
  .timeline tbody td { display: block; padding: 0; border: none; }
  .timeline td.seq { grid-row: 1; grid-column: 4; }
  .timeline td.payload { grid-row: 2; grid-column: 1 / -1; width: auto; max-width: none; min-width: 0; }
  .scheduler-table thead { display: none; }
  .scheduler-table tr { display: flex; flex-wrap: wrap; gap: 2px 8px; border-bottom: 1px solid var(--jt-border); padding: 4px 0; }
  .scheduler-table td { border: none; }
}
.machine-svg { width: 100%; max-width: 700px; height: auto; display: block; }
.machine-svg .node rect { fill: var(--jt-surface); stroke: var(--jt-border); stroke-width: 1.5; }
.machine-svg .node text { fill: var(--jt-fg); font-size: 13px; font-weight: 600; }
.machine-svg .node.current rect { fill: var(--cb); stroke: var(--c); stroke-width: 3; }
.machine-svg .node.current text { fill: var(--c); }
.machine-svg .edge path { fill: none; stroke: var(--jt-muted); stroke-width: 1.3; opacity: .75; }
.machine-svg .start-edge path { stroke-dasharray: 4 3; }
.machine-svg .edge text { fill: var(--jt-muted); font-size: 11px; paint-order: stroke; stroke: var(--jt-bg); stroke-width: 4px; stroke-linejoin: round; }
.machine-svg .edge.taken path { stroke: var(--jt-accent); stroke-width: 2.5; opacity: 1; }
.machine-svg .edge.taken text { fill: var(--jt-accent); font-weight: 700; }
.machine-svg .arrowhead { fill: var(--jt-muted); fill: context-stroke; }
.machine-svg .start-dot { fill: var(--jt-fg); }
.rules { margin: 6px 0 0; padding-left: 18px; font-size: 12px; color: var(--jt-muted); }
.rules li.current { color: var(--jt-fg); }
.flow-tree, .flow-tree ul { list-style: none; margin: 0; padding-left: 0; }
.flow-tree ul { padding-left: 18px; border-left: 1px solid var(--jt-border); margin-left: 6px; }
.flow-tree li { margin: 3px 0; }
.flow-tree .node-line { display: flex; flex-wrap: wrap; gap: 6px; align-items: baseline; font-size: 13px; }
.flow-tree .node-line[aria-current="true"] { font-weight: 700; }
.flow-tree .where { color: var(--jt-muted); overflow-wrap: anywhere; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.flow-tree button.link { padding: 0 4px; border: none; background: none; color: var(--jt-accent); text-decoration: underline; }
.flow-summary { color: var(--jt-muted); font-size: 13px; margin: 0 0 4px; }
`;
