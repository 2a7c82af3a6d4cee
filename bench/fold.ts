// `npm run bench:fold`: the fold's cost per event in Node, through the transition table read off
// the job machine and through xstate's transition(), median of 5. (The browser figure is case F of
// `npm run bench`.) Reported, never asserted.
import { median } from './harness/stats.js';
import { foldSpeed } from './page/fold-speed.js';

const jobs = Number(process.argv[2] ?? 5000);
const runs = Array.from({ length: 5 }, () => foldSpeed(jobs));
const table = median(runs.map((r) => r.tableUs));
const machine = median(runs.map((r) => r.machineUs));
process.stdout.write(
  `fold, ${runs[0]!.events.toLocaleString('en-US')} events of ${jobs.toLocaleString('en-US')} jobs, median of 5 (Node ${process.version}):\n` +
    `  transition table (foldJob)   ${table.toFixed(2)} µs/event\n` +
    `  xstate transition()          ${machine.toFixed(2)} µs/event\n` +
    `  ${(machine / table).toFixed(0)}× faster\n`,
);
