// How busy the machine was around each case: the load average before and after it, and, on Linux,
// how much CPU the rest of the machine used while the case ran (the own CPU time of every process
// outside the bench, which is this process and its descendants, Chromium among them), in cores.
//
// What decides whether BENCHMARKS.md may be written: the 1-minute load average when the run starts
// (the runner waits up to QUIET_WAIT_MS for it to fall to MAX_LOAD), and, during every case, the
// cores the rest of the machine used (at most MAX_OTHERS_CORES). Not the load average during the
// run: it counts the bench itself, and Chromium's threads waiting on IndexedDB's disk writes count
// as running on Linux — alone on this 2-core machine, with other processes at 0.03 cores, the bench
// reads 3 to 3.5, so a rule on it would refuse every run. Where the CPU split cannot be read (not
// Linux), the load average around each case decides, as the stricter fallback.
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** Above this 1-minute load average when the run starts, BENCHMARKS.md is not written. */
export const MAX_LOAD = 1.5;
/** Above this many cores used by other processes during any case, BENCHMARKS.md is not written. */
export const MAX_OTHERS_CORES = 0.25;
/** How long the runner waits at the start for the load average to fall to MAX_LOAD. */
export const QUIET_WAIT_MS = 180_000;

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
  /** All CPUs' busy time, in clock ticks. */
  busy: number;
  /** Each process's own CPU time (utime + stime, without its reaped children's), in clock ticks. */
  own: Map<number, number>;
  /** The processes of the bench: this one and its descendants. */
  bench: Set<number>;
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
        times.set(Number(entry), Number(rest[11]) + Number(rest[12]));
      } catch {
        // the process ended meanwhile
      }
    }
    const mine = (pid: number): boolean => {
      for (let p = pid, hops = 0; p > 1 && hops < 64; p = parents.get(p) ?? 0, hops++) if (p === process.pid) return true;
      return false;
    };
    const bench = new Set<number>();
    for (const pid of times.keys()) if (mine(pid)) bench.add(pid);
    return { at: performance.now(), busy, own: times, bench };
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
      // The others, counted process by process (their own time, not their reaped children's): the
      // bench's time cannot be summed over its tree, as Chromium's processes that outlive their
      // parent are reparented to init, whose children's time then leaves the tree. A process of the
      // bench at either end stays the bench's; one of the others that ended meanwhile is missed.
      let others = 0;
      for (const [pid, ticks] of end.own) {
        if (end.bench.has(pid) || cpu.bench.has(pid)) continue;
        others += ticks - (cpu.own.get(pid) ?? 0);
      }
      const busy = end.busy - cpu.busy;
      load.othersCores = Math.max(0, others) / TICKS_PER_S / seconds;
      load.benchCores = Math.max(0, busy - others) / TICKS_PER_S / seconds;
    }
    return load;
  };
}

/**
 * Wait (up to QUIET_WAIT_MS) for the 1-minute load average to fall to MAX_LOAD, as it does within a
 * minute or two after a build or an earlier run; returns the load averages when the run starts.
 */
export async function awaitQuiet(log: (line: string) => void): Promise<number[]> {
  const deadline = performance.now() + QUIET_WAIT_MS;
  if (loadavg()[0]! > MAX_LOAD) log(`waiting up to ${QUIET_WAIT_MS / 1000} s for the 1-minute load average (${loadavg()[0]!.toFixed(2)}) to fall to ${MAX_LOAD}...`);
  while (loadavg()[0]! > MAX_LOAD && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5000));
  return loadavg();
}

/** Why the machine was too busy for a published table, or null if it was quiet. */
export function tooBusy(loads: readonly CaseLoad[], startLoad: readonly number[] | undefined): string | null {
  const reasons: string[] = [];
  if (startLoad && startLoad[0]! > MAX_LOAD) reasons.push(`the 1-minute load average was ${startLoad[0]!.toFixed(2)} when the run started (above ${MAX_LOAD})`);
  const others = loads.filter((l) => l.othersCores !== undefined && l.othersCores > MAX_OTHERS_CORES);
  if (others.length > 0) {
    reasons.push(`other processes used more than ${MAX_OTHERS_CORES} cores during ${others.length} of ${loads.length} case(s): ` +
      others.map((l) => `${l.id} (${l.othersCores!.toFixed(2)})`).join(', '));
  }
  const unsplit = loads.filter((l) => l.othersCores === undefined && (l.loadBefore[0]! > MAX_LOAD || l.loadAfter[0]! > MAX_LOAD));
  if (unsplit.length > 0) {
    reasons.push(`with no CPU split to read, the 1-minute load average was above ${MAX_LOAD} around ${unsplit.length} case(s): ` +
      unsplit.map((l) => `${l.id} (${l.loadBefore[0]!.toFixed(2)} -> ${l.loadAfter[0]!.toFixed(2)})`).join(', '));
  }
  return reasons.length > 0 ? reasons.join('; ') : null;
}
