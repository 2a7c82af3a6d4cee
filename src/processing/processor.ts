// What runs a job's attempt. The runner only sees this interface, so in-thread functions and pools
// of Web Workers are interchangeable. `J` is the job object the processor receives; the runner never
// looks inside it.
export interface Processor<J, Result> {
  /**
   * Run one attempt: resolve with the job's result or reject with why it failed. When `signal`
   * aborts (timeout, forced close, removal), stop the work as far as the processor can.
   */
  run(job: J, signal: AbortSignal): Promise<Result>;
  /** Release what the processor holds (workers). Running attempts may be cut short. */
  close(): Promise<void>;
}

/** A handler the runner was given: the job names it takes (`'*'` for all), at most `concurrency` at once. */
export interface ProcessorSpec<J, Result> {
  name: string;
  concurrency: number;
  processor: Processor<J, Result>;
}
