// How busy the machine was around each case: the load average before and after it (what decides
// whether BENCHMARKS.md may be written), and, on Linux, how much CPU the rest of the machine used
// while the case ran (all CPU time less the bench's own: this process and its children, Chromium
// among them), in cores. The load average counts the bench itself too; the second figure does not.
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** Above this 1-minute load average, before or after any case, BENCHMARKS.md is not written. */
export const MAX_LOAD = 1.5;

export interface CaseLoad {
  id: string;
  title: string;
  seconds: number;
  /** 1-, 5- and 15-minute load averages when the case started and ended. */
  loadBefore: number[];
  loadAfter: number[];
  /** Cores used by processes other than the bench while the case ran (Linux only). */
  othersCores?: number;
  /** Cores used by the bench (this process, Chromium) while the case ran (Linux only). */
  benchCores?: number;
}

interface CpuSample {
  at: number;
  /** All CPUs' busy time, and the bench process tree's, in clock ticks. */
  busy: number;
  bench: number;
}

const TICKS_PER_S = 100;

function sampleCpu(): CpuSample | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
    const busy = fields.reduce((a, b) => a + b, 0) - fields[3]! - (fields[4] ?? 0);
    const parents = new Map<number, number>();
    const times = new Map<number, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        // The command name is in parentheses and may hold spaces: the fields start after it.
        const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        parents.set(Number(entry), Number(rest[1]));
        times.set(Number(entry), Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]));
      } catch {
        // the process ended meanwhile
      }
    }
    const mine = (pid: number): boolean => {
      for (let p = pid, hops = 0; p > 1 && hops < 64; p = parents.get(p) ?? 0, hops++) if (p === process.pid) return true;
      return false;
    };
    let bench = 0;
    for (const [pid, t] of times) if (mine(pid)) bench += t;
    return { at: performance.now(), busy, bench };
  } catch {
    return null;
  }
}

/** Call when a case starts; the returned function, when it ends. */
export function watchLoad(id: string, title: string): () => CaseLoad {
  const loadBefore = loadavg();
  const cpu = sampleCpu();
  return () => {
    const end = sampleCpu();
    const seconds = ((end?.at ?? performance.now()) - (cpu?.at ?? 0)) / 1000;
    const load: CaseLoad = { id, title, seconds, loadBefore, loadAfter: loadavg() };
    if (cpu && end && seconds > 0) {
      // A child that ended (a closed tab's renderer) left its ticks in its parent's cutime/cstime.
      load.benchCores = (end.bench - cpu.bench) / TICKS_PER_S / seconds;
      load.othersCores = Math.max(0, (end.busy - cpu.busy - (end.bench - cpu.bench)) / TICKS_PER_S / seconds);
    }
    return load;
  };
}

/** Why the machine was too busy for a published table, or null if it was quiet. */
export function tooBusy(loads: readonly CaseLoad[]): string | null {
  const over = loads.filter((l) => l.loadBefore[0]! > MAX_LOAD || l.loadAfter[0]! > MAX_LOAD);
  if (over.length === 0) return null;
  const others = (l: CaseLoad) => (l.othersCores === undefined ? '' : `, other processes ${l.othersCores.toFixed(2)} cores`);
  const worst = over.map((l) => `${l.id} (${l.loadBefore[0]!.toFixed(2)} -> ${l.loadAfter[0]!.toFixed(2)}${others(l)})`).join(', ');
  return `the 1-minute load average was above ${MAX_LOAD} around ${over.length} of ${loads.length} case(s): ${worst}`;
}
