// The server side of the tests: BullMQ workers with a processor that logs, reports progress and
// can be held at a gate, and counts of how often each BullMQ job ran.
import { Worker, type Job } from 'bullmq';

export interface EchoData {
  n: number;
  /** Hold the job at this gate until the test opens it. */
  gate?: string;
  /** Fail the job with this message. */
  fail?: string;
}

export class Gates {
  readonly #open = new Map<string, () => void>();
  readonly #gates = new Map<string, Promise<void>>();
  readonly #waiters: { gate: string; count: number; resolve: () => void }[] = [];
  readonly reached = new Map<string, number>();

  wait(gate: string): Promise<void> {
    let promise = this.#gates.get(gate);
    if (!promise) {
      promise = new Promise((resolve) => this.#open.set(gate, resolve));
      this.#gates.set(gate, promise);
    }
    this.reached.set(gate, (this.reached.get(gate) ?? 0) + 1);
    for (const waiter of [...this.#waiters]) {
      if (waiter.gate === gate && this.reached.get(gate)! >= waiter.count) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
    return promise;
  }

  /** Resolves once `count` jobs wait at the gate. */
  waiting(gate: string, count: number): Promise<void> {
    if ((this.reached.get(gate) ?? 0) >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ gate, count, resolve }));
  }

  /** Open every gate (after a test, so no worker waits forever). */
  openAll(): void {
    for (const open of this.#open.values()) open();
  }

  open(gate: string): void {
    if (!this.#gates.has(gate)) this.#gates.set(gate, Promise.resolve());
    this.#open.get(gate)?.();
  }
}

/** Runs per BullMQ job id, across all workers made with the same `runs` map. */
export function echoWorker(queueName: string, connection: { host: string; port: number }, gates: Gates, runs: Map<string, number>, concurrency = 50): Worker {
  const worker = new Worker<EchoData>(
    queueName,
    async (job: Job<EchoData>) => {
      runs.set(job.id!, (runs.get(job.id!) ?? 0) + 1);
      await job.log(`started ${job.data.n}`);
      await job.updateProgress(10);
      if (job.data.gate) await gates.wait(job.data.gate);
      if (job.data.fail) throw new Error(job.data.fail);
      await job.log(`finished ${job.data.n}`);
      await job.updateProgress(100);
      return { n: job.data.n, doubled: job.data.n * 2 };
    },
    { connection, concurrency },
  );
  worker.on('error', () => {}); // Redis restarts in some tests
  return worker;
}
