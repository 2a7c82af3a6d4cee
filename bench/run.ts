// `npm run bench`: jobtrail against the raw IndexedDB limit, side by side, in real Chromium.
//
//   npm run bench                 every case, 1 warm-up + 5 runs each; prints the table, writes
//                                 bench/results/latest.json and regenerates BENCHMARKS.md (~15 min)
//   npm run bench:smoke           the same cases with small sizes and 1 run, no warm-up; writes
//                                 bench/results/smoke.json only (for CI: keeps this code from rotting)
//   npm run bench -- --only=3,5   only the cases whose id starts with one of these (no BENCHMARKS.md)
//   npm run bench -- --render     rewrite BENCHMARKS.md from bench/results/latest.json (after editing
//                                 bench/findings.md), measuring nothing
//
// Exit status: 1 when a case could not be measured (an ERROR row), else 0. Missed targets are
// reported, never failed on: timings are not assertions.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, release, totalmem, type } from 'node:os';
import { fileURLToPath } from 'node:url';
import { launch } from './harness/browser.js';
import { CASES, FULL, runCase, SMOKE, type Context, type Row, type Settings } from './harness/cases.js';
import { renderDiagnostics, renderMarkdown, renderText, summaryLine, type Machine, type Results } from './harness/report.js';
import { buildAndServe } from './harness/serve.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

function parseArgs(argv: string[]): { smoke: boolean; only: string[] | null; render: boolean } {
  let smoke = false;
  let render = false;
  let only: string[] | null = null;
  for (const arg of argv) {
    if (arg === '--smoke') smoke = true;
    else if (arg === '--render') render = true;
    else if (arg.startsWith('--only=')) only = arg.slice('--only='.length).split(',').filter(Boolean);
    else throw new Error(`unknown argument ${arg} (expected --smoke, --only=ID,ID, --render)`);
  }
  return { smoke, only, render };
}

async function writeBenchmarksMd(results: Results): Promise<void> {
  const findings = await readFile(here('./findings.md'), 'utf8');
  await writeFile(here('../BENCHMARKS.md'), renderMarkdown(results, findings));
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
  const { smoke, only, render } = parseArgs(process.argv.slice(2));
  if (render) {
    await writeBenchmarksMd(JSON.parse(await readFile(here('./results/latest.json'), 'utf8')) as Results);
    process.stderr.write('wrote BENCHMARKS.md from bench/results/latest.json\n');
    return;
  }
  const settings: Settings = smoke ? { smoke, warmups: 0, runs: 1, sizes: SMOKE } : { smoke, warmups: 1, runs: 5, sizes: FULL };
  const started = performance.now();
  const log = (line: string) => process.stderr.write(`${line}\n`);

  log('building and serving the bench pages...');
  const site = await buildAndServe();
  const browser = await launch(site.url, smoke ? 60_000 : 15 * 60_000).catch(async (err) => {
    await site.close();
    throw err;
  });
  const rows: Row[] = [];
  const ctx: Context = { browser, settings, log, profiles: [], shapes: {} };
  let hello: { crossOriginIsolated: boolean; userAgent: string; timerResolutionMs: number };
  try {
    const tab = await browser.openTab();
    hello = await tab.run('hello');
    await tab.page.close();
    log(`${browser.version}, cross-origin isolated: ${hello.crossOriginIsolated}, timer resolution ${(hello.timerResolutionMs * 1000).toFixed(0)} µs`);
    for (const c of CASES) {
      if (only && !only.some((id) => c.id.startsWith(id))) continue;
      log(`case ${c.id}: ${c.title}`);
      rows.push(...(await runCase(ctx, c)));
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
  };

  process.stdout.write(`\n${renderText(results)}\n\n${renderDiagnostics(results)}\n\n${summaryLine(results)} (${results.mode}, ${Math.round(results.durationS)} s)\n`);
  await mkdir(here('./results'), { recursive: true });
  const json = here(`./results/${smoke ? 'smoke' : 'latest'}.json`);
  await writeFile(json, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${json}`);
  if (!smoke && !only) {
    await writeBenchmarksMd(results);
    log('wrote BENCHMARKS.md');
  }
  if (rows.some((r) => r.error)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
