// Turning results into the stdout table, bench/results/latest.json and BENCHMARKS.md.
import type { Figure, ProfileRow, Row, Settings, Unit } from './cases.js';
import { MAX_LOAD, MAX_OTHERS_CORES, type CaseLoad } from './load.js';
import type { ProfileSummary } from './profile.js';
import type { Summary } from './stats.js';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
}

export interface Results {
  date: string;
  mode: 'full' | 'smoke';
  machine: Machine;
  browser: { version: string; crossOriginIsolated: boolean; timerResolutionMs: number };
  settings: Settings;
  durationS: number;
  rows: Row[];
  profiles: ProfileRow[];
  shapes: Record<string, Summary>;
  /** The machine's load around each case (absent in results from before it was recorded). */
  loads?: CaseLoad[];
  /** The 1-, 5- and 15-minute load averages when the run started, after waiting for quiet. */
  startLoad?: number[];
}

/** What `--profile` writes to bench/results/profile.json. */
export interface ProfileRun {
  date: string;
  mode: 'full' | 'smoke';
  cases: ProfileSummary[];
}

function num(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return String(value);
  switch (unit) {
    case 'ops/s':
    case 'jobs/s':
    case 'events/s':
      return Math.round(value).toLocaleString('en-US');
    case 'MiB':
      return value.toFixed(1);
    case 'ms':
    case 'µs':
      return value >= 100 ? Math.round(value).toLocaleString('en-US') : value >= 10 ? value.toFixed(1) : value.toFixed(2);
  }
}

function figure(f: Figure | undefined, runs: number): string {
  if (!f) return '';
  const { min, median, max } = f.summary;
  const spread = runs > 1 ? ` (${num(min, f.unit)}–${num(max, f.unit)})` : '';
  return `${num(median, f.unit)} ${f.unit}${spread}`;
}

const HEADERS = ['#', 'case', 'jobtrail: median (min–max)', 'raw baseline: median (min–max)', 'ratio', 'target', 'result'];

function cells(row: Row, runs: number): string[] {
  if (row.error) return [row.id, row.title, `not measured: ${row.error}`, '', '', '', 'ERROR'];
  const jobtrail = row.jobtrail ? `${figure(row.jobtrail, runs)} ${row.jobtrail.label}` : '';
  const baseline = row.baseline ? `${figure(row.baseline, runs)} ${row.baseline.label}` : '';
  const ratio = row.ratio ? `${row.ratio.median.toFixed(2)}×` : '';
  const target = row.target?.text ?? '';
  const result = row.target ? (row.target.pass ? 'met' : 'missed') : '';
  return [row.id, row.note ? `${row.title} [${row.note}]` : row.title, jobtrail, baseline, ratio, target, result];
}

/** A plain-text table for the terminal: aligned columns, one row per figure. */
export function renderText(results: Results): string {
  const runs = results.settings.runs;
  const body = results.rows.map((r) => cells(r, runs));
  const all = [HEADERS, ...body];
  const widths = HEADERS.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  return [line(HEADERS), rule, ...body.map(line)].join('\n');
}

/** The diagnostics for the terminal: transaction shapes and IndexedDB work per job. */
export function renderDiagnostics(results: Results): string {
  const lines = ['IndexedDB work per job (untimed profiling passes):'];
  for (const [id, title, rw, ro, txUs, busy, requests] of profileRows(results.profiles)) {
    lines.push(`  ${id} ${title}: ${rw} rw tx/job, ${ro} ro tx/job, ${txUs} µs per rw tx, busy ${busy}; ${requests}`);
  }
  lines.push('Transaction shapes in plain IndexedDB (µs per transaction, vs one raw put):');
  for (const [label, us, vs] of shapeRows(results.shapes)) lines.push(`  ${us.padStart(6)} µs  ${vs.padStart(6)}  ${label}`);
  return lines.join('\n');
}

function loadRows(loads: readonly CaseLoad[]): string[][] {
  const avg = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  const cores = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(2));
  return loads.map((l) => [l.id, l.title, Math.round(l.seconds).toString(), avg(l.loadBefore), avg(l.loadAfter), cores(l.benchCores), cores(l.othersCores)]);
}

const LOAD_HEADERS = ['#', 'case', 's', 'load average before (1, 5, 15 min)', 'after', 'cores used by the bench', 'by other processes'];

/** For the terminal: how long each case took and how busy the machine was around it. */
export function renderLoads(results: Results): string {
  const lines = ['Time and machine load per case:'];
  for (const [id, title, s, before, after, bench, others] of loadRows(results.loads ?? [])) {
    lines.push(`  ${id.padEnd(4)} ${s.padStart(4)} s  load ${before} -> ${after}  cores: bench ${bench}, others ${others}  (${title})`);
  }
  return lines.join('\n');
}

function profileSection(profile: ProfileRun | null): string {
  if (!profile || profile.cases.length === 0) return '';
  const tables = profile.cases.map((c) => {
    const rows = c.top.slice(0, 8).map((e) => [`${(e.share * 100).toFixed(1)}%`, Math.round(e.selfMs).toLocaleString('en-US'), e.name, e.where]);
    const areas = c.areas.slice(0, 6).map((a) => `${a.area} ${(a.share * 100).toFixed(0)}%`).join(', ');
    return `**${c.id}: ${c.title}** — main thread busy ${Math.round(c.busyMs).toLocaleString('en-US')} ms of ${Math.round(c.wallMs).toLocaleString('en-US')} ms (${c.tabs} tab(s)); by area: ${areas}.\n\n${markdownTable(['share of busy', 'self ms', 'function', 'where'], rows)}`;
  });
  return `## What the profile shows

Self time by function on the tabs' main threads, from \`npm run bench -- --profile\` (${profile.mode} sizes, ${profile.date.slice(0, 10)};
an unminified build, CPU sampled every 200 µs; workers and the service worker are not in these profiles; the raw
baselines run in the same tabs and are in them; \`native\` is the browser's own code, IndexedDB calls among it). The
profiles themselves are in bench/results/profiles/.

${tables.join('\n\n')}

`;
}

function markdownTable(header: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

export function summaryLine(results: Results): string {
  const targeted = results.rows.filter((r) => r.target);
  const passed = targeted.filter((r) => r.target!.pass).length;
  const errors = results.rows.filter((r) => r.error).length;
  return `${passed} of ${targeted.length} targets met${errors > 0 ? `, ${errors} case(s) could not be measured` : ''}`;
}

function profileRows(profiles: ProfileRow[]): string[][] {
  return profiles.map(({ id, title, jobs, wallMs, profile }) => {
    const per = (n: number) => (n / jobs).toFixed(n / jobs >= 10 ? 0 : 2);
    const requests = Object.entries(profile.requests)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${per(v)}`)
      .join(', ');
    const txMs = profile.readwriteTx > 0 ? ((profile.readwriteMs / profile.readwriteTx) * 1000).toFixed(0) : '–';
    return [id, title, per(profile.readwriteTx), per(profile.readonlyTx), txMs, `${Math.round((profile.readwriteMs / wallMs) * 100)}%`, requests];
  });
}

function shapeRows(shapes: Record<string, Summary>): string[][] {
  const base = Object.values(shapes)[0]?.median ?? NaN;
  return Object.entries(shapes).map(([label, s]) => [label, Math.round(s.median * 1000).toLocaleString('en-US'), `${(s.median / base).toFixed(2)}×`]);
}

/** BENCHMARKS.md: how and where it was measured, the table, where the time goes, and the notes. */
export function renderMarkdown(results: Results, findings: string, profile: ProfileRun | null = null, forced = false): string {
  const { machine, browser, settings } = results;
  const runs = settings.runs;
  const heavy = settings.sizes.heavyRuns;
  const loads = results.loads ?? [];
  const maxLoad = loads.length > 0 ? Math.max(...loads.flatMap((l) => [l.loadBefore[0]!, l.loadAfter[0]!])) : NaN;
  const split = loads.flatMap((l) => (l.othersCores === undefined ? [] : [l.othersCores]));
  const maxOthers = split.length > 0 ? Math.max(...split).toFixed(2) : '?';
  return `# Benchmarks

${forced ? `**Written with --force-write although the machine was busy (1-minute load average up to ${maxLoad.toFixed(2)}): not a table to publish.**\n\n` : ''}Generated by \`npm run bench\` (bench/run.ts) on ${results.date.slice(0, 10)}; do not edit by hand. Every jobtrail figure
sits next to a raw IndexedDB baseline measured in the same run, in the same tab, alternating with it; the ratio is
jobtrail / baseline per run, median of ${runs} runs (${heavy} for the long cases: 3, 4, S, 7, 8, D, W) after ${settings.warmups} warm-up(s) (a quarter
of a run in 3, 4, S and W),
each run on a fresh database (the read and memory runs of case 8 share one stored queue, as reads change nothing, and
the rebuilds of case 7 one stored log, as a rebuild rewrites only the projections).
Targets are the issues' (7 and 11); a missed target is reported, never failed on.

- Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB.toFixed(0)} GiB memory, ${machine.os}, Node ${machine.node}
- Browser: ${browser.version}, headless, persistent profile on disk (IndexedDB on disk, not the incognito in-memory store);
  pages served from 127.0.0.1, cross-origin isolated: ${browser.crossOriginIsolated ? 'yes' : 'no'} (timer resolution ${(browser.timerResolutionMs * 1000).toFixed(0)} µs)
- Records: jobs carry ~200 bytes of data; raw baselines put records of the same shape and size as jobtrail's \`added\` event,
  and commit with \`tx.commit()\` as jobtrail does. Rates are per second; latencies in ms; reads in µs per call.
- The whole run took ${Math.round(results.durationS)} s. The 1-minute load average was ${results.startLoad ? results.startLoad[0]!.toFixed(2) : '?'} when it started and at most
  ${Number.isFinite(maxLoad) ? maxLoad.toFixed(2) : '?'} around a case, the bench included (its Chromium threads waiting on disk count as running);
  other processes used at most ${maxOthers} cores during a case. The runner refuses to write this file when the load
  average is above ${MAX_LOAD} at the start or other processes use more than ${MAX_OTHERS_CORES} cores during a case (the table
  of time and load per case below has the figures). Numbers drift ±10-25% between runs: read the ratios.

## Results (${summaryLine(results)})

${markdownTable(HEADERS, results.rows.map((r) => cells(r, runs)))}

## Where the time goes

IndexedDB work per job, counted by wrapping the IndexedDB prototypes in separate, untimed passes: readwrite and readonly
transactions per job, how long a readwrite transaction stays open on average (creation to \`complete\`), how much of the
wall time a readwrite transaction was open ("busy"), and the requests per job.

${markdownTable(['#', 'pass', 'rw tx / job', 'ro tx / job', 'µs / rw tx', 'busy', 'requests / job'], profileRows(results.profiles))}

The same transactions in plain IndexedDB, on a database with jobtrail's schema and records made by jobtrail's own
projection code (bench/page/tx-shapes.ts), one transaction per job (the bulk rows: 10,000 in one, per job; the last
four: 16 jobs per transaction, what concurrency 16 puts in one, or 64 reported per 16), median over the runs:

${markdownTable(['transaction shape', 'µs per transaction', 'vs one raw put'], shapeRows(results.shapes))}

Time and load per case (cores: CPU time over wall time; "the bench" is the runner and Chromium):

${markdownTable(LOAD_HEADERS, loadRows(loads))}

${profileSection(profile)}${findings.trim()}
`;
}
