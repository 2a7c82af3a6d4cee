// `npm run bench`: jobtrail against the raw IndexedDB limit, side by side, in real Chromium.
//
//   npm run bench                 every case, 1 warm-up + 5 runs each (3 for the long ones); prints
//                                 the table, writes bench/results/latest.json and regenerates
//                                 BENCHMARKS.md (12 min on a quiet 2-core machine) -- unless the
//                                 machine was busy (harness/load.ts: the 1-minute load average
//                                 above 1.5 at the start, after waiting up to 3 min for it to fall,
//                                 or other processes using over 0.25 cores during a case): then it
//                                 says why and leaves BENCHMARKS.md alone
//   npm run bench:smoke           the same cases with small sizes and 1 run, no warm-up; writes
//                                 bench/results/smoke.json only (for CI: keeps this code from rotting)
//   npm run bench -- --only=3,5   only the cases whose id starts with one of these (no BENCHMARKS.md)
//   npm run bench -- --profile    also record a CPU profile of every tab (an unminified build, so
//                                 functions keep their names); writes bench/results/profiles/*.cpuprofile
//                                 (open them in Chrome DevTools) and bench/results/profile.json, prints
//                                 self time by function per case; never writes BENCHMARKS.md (the
//                                 profiler slows what it watches), whose next rendering shows the summary
//   npm run bench -- --render     rewrite BENCHMARKS.md from bench/results/latest.json (after editing
//                                 bench/findings.md), measuring nothing
//   --force-write                 write BENCHMARKS.md even from a busy machine (local experiments only:
//                                 never commit such a table)
//
// Exit status: 1 when a case could not be measured (an ERROR row); 2 when BENCHMARKS.md was not
// written because the machine was busy; else 0. Missed targets are reported, never failed on:
// timings are not assertions.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { fileURLToPath } from 'node:url';
import { launch } from './harness/browser.js';
import { CASES, FULL, runCase, SMOKE, type Context, type Row, type Settings } from './harness/cases.js';
import { awaitQuiet, tooBusy, watchLoad, type CaseLoad } from './harness/load.js';
import { renderProfileText, sourceMapResolver, summarizeProfiles, type ProfileSummary } from './harness/profile.js';
import { renderDiagnostics, renderLoads, renderMarkdown, renderText, summaryLine, type Machine, type ProfileRun, type Results } from './harness/report.js';
import { buildAndServe } from './harness/serve.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

interface Args {
  smoke: boolean;
  only: string[] | null;
  render: boolean;
  profile: boolean;
  forceWrite: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { smoke: false, only: null, render: false, profile: false, forceWrite: false };
  for (const arg of argv) {
    if (arg === '--smoke') args.smoke = true;
    else if (arg === '--render') args.render = true;
    else if (arg === '--profile') args.profile = true;
    else if (arg === '--force-write') args.forceWrite = true;
    else if (arg.startsWith('--only=')) args.only = arg.slice('--only='.length).split(',').filter(Boolean);
    else throw new Error(`unknown argument ${arg} (expected --smoke, --only=ID,ID, --profile, --render, --force-write)`);
  }
  return args;
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** BENCHMARKS.md from `results`, unless the machine was busy while they were measured. */
async function writeBenchmarksMd(results: Results, forceWrite: boolean, log: (line: string) => void): Promise<void> {
  const busy = tooBusy(results.loads ?? [], results.startLoad);
  if (busy && !forceWrite) {
    log(`not writing BENCHMARKS.md: ${busy}. The published table must come from a quiet machine; run again when nothing else runs (--force-write overrides, for local experiments only).`);
    process.exitCode ||= 2;
    return;
  }
  if (busy) log(`writing BENCHMARKS.md although ${busy} (--force-write): do not commit it`);
  const findings = await readFile(here('./findings.md'), 'utf8');
  const profile = await readJson<ProfileRun>(here('./results/profile.json'));
  await writeFile(here('../BENCHMARKS.md'), renderMarkdown(results, findings, profile, busy !== null));
  log('wrote BENCHMARKS.md');
}

async function osName(): Promise<string> {
  try {
    const text = await readFile('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text)?.[1];
    if (pretty) return `${pretty} (${type()} ${release()})`;
  } catch {
    // not Linux
  }
  return `${type()} ${release()}`;
}

async function main(): Promise<void> {
  const { smoke, only, render, profile, forceWrite } = parseArgs(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (render) {
    const latest = await readJson<Results>(here('./results/latest.json'));
    if (!latest) throw new Error('no bench/results/latest.json to render: run npm run bench first');
    await writeBenchmarksMd(latest, forceWrite, log);
    return;
  }
  const settings: Settings = smoke ? { smoke, warmups: 0, runs: 1, sizes: SMOKE } : { smoke, warmups: 1, runs: 5, sizes: FULL };
  // A full run waits for a quiet machine first; a smoke run (CI) measures nothing it publishes.
  const startLoad = smoke || only || profile ? loadavg() : await awaitQuiet(log);
  const started = performance.now();

  log(`building and serving the bench pages${profile ? ' (not minified, for profiling)' : ''}...`);
  const site = await buildAndServe({ minify: !profile });
  const browser = await launch(site.url, smoke ? 60_000 : 15 * 60_000, { profile }).catch(async (err) => {
    await site.close();
    throw err;
  });
  const rows: Row[] = [];
  const loads: CaseLoad[] = [];
  const cpu: ProfileSummary[] = [];
  const profileDir = here('./results/profiles');
  const resolve = sourceMapResolver((url) => site.fileFor(url));
  if (profile) {
    await rm(profileDir, { recursive: true, force: true });
    await mkdir(profileDir, { recursive: true });
  }
  const ctx: Context = { browser, settings, log, profiles: [], shapes: {} };
  let hello: { crossOriginIsolated: boolean; userAgent: string; timerResolutionMs: number };
  try {
    const tab = await browser.openTab();
    hello = await tab.run('hello');
    await tab.page.close();
    log(`${browser.version}, cross-origin isolated: ${hello.crossOriginIsolated}, timer resolution ${(hello.timerResolutionMs * 1000).toFixed(0)} µs`);
    for (const c of CASES) {
      if (only && !only.some((id) => c.id.startsWith(id))) continue;
      const done = watchLoad(c.id, c.title);
      log(`case ${c.id}: ${c.title} (load average ${loadText()})`);
      rows.push(...(await runCase(ctx, c)));
      const load = done();
      loads.push(load);
      log(`  ${Math.round(load.seconds)} s, load average ${load.loadBefore[0]!.toFixed(2)} -> ${load.loadAfter[0]!.toFixed(2)}` +
        (load.othersCores !== undefined ? `, other processes used ${load.othersCores.toFixed(2)} cores, the bench ${load.benchCores!.toFixed(2)}` : ''));
      if (profile) {
        const profiles = browser.takeProfiles();
        for (const [k, p] of profiles.entries()) await writeFile(`${profileDir}/${c.id}-${k + 1}.cpuprofile`, JSON.stringify(p));
        if (profiles.length > 0) cpu.push(summarizeProfiles(c.id, c.title, profiles, resolve));
      }
    }
  } finally {
    await browser.close();
    await site.close();
  }

  const cpuList = cpus();
  const machine: Machine = {
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown CPU',
    memoryGiB: totalmem() / 1024 ** 3,
    os: await osName(),
    node: process.version,
  };
  const results: Results = {
    date: new Date().toISOString(),
    mode: smoke ? 'smoke' : 'full',
    machine,
    browser: { version: browser.version, crossOriginIsolated: hello.crossOriginIsolated, timerResolutionMs: hello.timerResolutionMs },
    settings,
    durationS: (performance.now() - started) / 1000,
    rows,
    profiles: ctx.profiles,
    shapes: ctx.shapes,
    loads,
    startLoad,
  };

  process.stdout.write(`\n${renderText(results)}\n\n${renderDiagnostics(results)}\n\n${renderLoads(results)}\n`);
  await mkdir(here('./results'), { recursive: true });
  if (profile) {
    process.stdout.write(`\n${renderProfileText(cpu)}\n`);
    const run: ProfileRun = { date: results.date, mode: results.mode, cases: cpu };
    await writeFile(here('./results/profile.json'), `${JSON.stringify(run, null, 2)}\n`);
    log(`wrote bench/results/profile.json and ${cpu.reduce((n, s) => n + s.tabs, 0)} profiles in bench/results/profiles/`);
  }
  process.stdout.write(`\n${summaryLine(results)} (${results.mode}, ${Math.round(results.durationS)} s)\n`);
  const json = here(`./results/${profile ? 'profiled' : smoke ? 'smoke' : 'latest'}.json`);
  await writeFile(json, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${json}`);
  if (rows.some((r) => r.error)) process.exitCode = 1;
  if (!smoke && !only && !profile) await writeBenchmarksMd(results, forceWrite, log);
}

function loadText(): string {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
