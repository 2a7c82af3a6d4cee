// Type-level tests: `Queue<Data, Result>` flows into jobs and listeners. `tsc --noEmit` (npm test)
// checks the expectTypeOf lines; the runtime assertions check that the values match the types.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Queue, type Job, type JobCounts, type JobJson, type JobState } from '../../../src/index.js';
import { exposeProcessor, type WorkerJob, type WorkerProcessFunction } from '../../../src/worker.js';
import { makeQueue } from '../helpers.js';

interface Upload {
  file: string;
  size: number;
}
interface Uploaded {
  url: string;
}

describe('types', () => {
  it('add returns Job<Data, Result>, whose fields carry the types', async () => {
    const queue: Queue<Upload, Uploaded> = makeQueue<Upload, Uploaded>();
    const job = await queue.add('upload', { file: 'a.txt', size: 3 });
    expectTypeOf(queue.add('upload', { file: 'b.txt', size: 1 })).resolves.toEqualTypeOf<Job<Upload, Uploaded>>();
    // A repeatable job's next iteration, or none once its schedule ended.
    expectTypeOf(queue.add('upload', { file: 'c.txt', size: 1 }, { repeat: { every: 1000 } })).resolves.toEqualTypeOf<Job<Upload, Uploaded> | undefined>();
    expectTypeOf(job).toEqualTypeOf<Job<Upload, Uploaded>>();
    expectTypeOf(job.data).toEqualTypeOf<Upload>();
    expectTypeOf(job.returnvalue).toEqualTypeOf<Uploaded | null>();
    expectTypeOf(job.id).toEqualTypeOf<string>();
    expectTypeOf(job.toJSON()).toEqualTypeOf<JobJson<Upload, Uploaded>>();
    expectTypeOf(job.finished).returns.resolves.toEqualTypeOf<Uploaded>();
    expectTypeOf(job.getState).returns.resolves.toEqualTypeOf<JobState | 'unknown'>();
    expectTypeOf(queue.getJob).returns.resolves.toEqualTypeOf<Job<Upload, Uploaded> | null>();
    expectTypeOf(await queue.getJobCounts()).toEqualTypeOf<JobCounts>();
    expectTypeOf(await queue.getJobCounts('waiting', 'failed')).toEqualTypeOf<Record<'waiting' | 'failed', number>>();
    expectTypeOf(queue.addBulk).returns.resolves.toEqualTypeOf<Job<Upload, Uploaded>[]>();
    expect(job.data.size).toBe(3);
  });

  it("queue.on('completed', (job, result) => ...) infers Job<Data, Result> and Result", async () => {
    const queue = makeQueue<Upload, Uploaded>();
    const seen = new Promise<[Job<Upload, Uploaded>, Uploaded]>((resolve) => {
      queue.on('completed', (job, result) => {
        expectTypeOf(job).toEqualTypeOf<Job<Upload, Uploaded>>();
        expectTypeOf(result).toEqualTypeOf<Uploaded>();
        resolve([job, result]);
      });
    });
    queue.on('failed', (job, err) => {
      expectTypeOf(job).toEqualTypeOf<Job<Upload, Uploaded>>();
      expectTypeOf(err).toEqualTypeOf<Error>();
    });
    queue.on('global:completed', (jobId, result) => {
      expectTypeOf(jobId).toEqualTypeOf<string>();
      expectTypeOf(result).toEqualTypeOf<Uploaded>();
    });
    await queue.process(async (job) => {
      expectTypeOf(job.data).toEqualTypeOf<Upload>();
      return { url: `/files/${job.data.file}` };
    });
    await queue.add({ file: 'b.txt', size: 1 });
    const [job, result] = await seen;
    expect(job.data.file).toBe('b.txt');
    expect(result.url).toBe('/files/b.txt');
  });

  it('refuses wrong data, results, options and event names at compile time', () => {
    const queue = makeQueue<Upload, Uploaded>();
    // Never called: only the type checker runs these lines, and each must be an error.
    const compileOnly = () => {
      // @ts-expect-error: data must be an Upload
      void queue.add({ file: 1 });
      // @ts-expect-error: the processor must return an Uploaded
      void queue.process(async () => 42);
      // @ts-expect-error: no such event
      queue.on('finished', () => {});
      // @ts-expect-error: priority is a number
      void queue.add({ file: 'x', size: 1 }, { priority: 'high' });
      // @ts-expect-error: a completed listener gets an Uploaded, not a number
      queue.on('completed', (_job, result: number) => result);
    };
    expectTypeOf(compileOnly).returns.toBeVoid();
    expectTypeOf<Parameters<typeof queue.getJobs>[0]>().toEqualTypeOf<JobState | 'wait' | readonly (JobState | 'wait')[]>();
  });
});

describe('types without type arguments (issue 12)', () => {
  it('a Queue without type arguments has unknown data and results, not any', async () => {
    const queue = makeQueue<unknown, unknown>();
    const open = () => new Queue('uploads');
    expectTypeOf(open).returns.toEqualTypeOf<Queue<unknown, unknown>>();
    const job = await queue.add('upload', { file: 'a.txt' });
    expectTypeOf(job).toEqualTypeOf<Job<unknown, unknown>>();
    expectTypeOf(job.data).toBeUnknown();
    expectTypeOf(job.returnvalue).toBeUnknown();
    expectTypeOf<Job>().toEqualTypeOf<Job<unknown, unknown>>();
    expectTypeOf<WorkerJob>().toEqualTypeOf<WorkerJob<unknown, unknown>>();
    expectTypeOf<WorkerJob['data']>().toBeUnknown();
    expectTypeOf<Parameters<typeof exposeProcessor>[0]>().toEqualTypeOf<WorkerProcessFunction<unknown, unknown>>();
    const compileOnly = () => {
      // @ts-expect-error: data is unknown until the queue says what it is
      void job.data.nope.nope;
      // @ts-expect-error: so is a worker job's
      exposeProcessor(async (workerJob) => workerJob.data.file.name);
      queue.on('completed', (_job, result) => {
        // @ts-expect-error: and the result
        void result.url;
      });
    };
    expectTypeOf(compileOnly).returns.toBeVoid();
    await queue.close();
  });

  it('process() with a forgotten handler, Bull\'s done callback or job.progress(n) does not compile', () => {
    const queue = makeQueue<Upload, Uploaded>();
    const compileOnly = () => {
      // @ts-expect-error: a lone string is a job name without its handler
      void queue.process('upload');
      // @ts-expect-error: a name and a concurrency still need a handler
      void queue.process('upload', 2);
      // @ts-expect-error: the second argument is an AbortSignal, not Bull's done callback
      void queue.process((job, done) => done(null, { url: job.data.file }));
      void queue.process(async (job) => {
        // @ts-expect-error: progress is a value; updateProgress() reports it
        await job.progress(50);
        return { url: '' };
      });
      // A worker script: as a URL object alone, or as a string after a name or a concurrency.
      void queue.process(new URL('https://example.com/upload.worker.js'));
      void queue.process('upload', '/upload.worker.js');
      void queue.process(2, '/upload.worker.js');
      void queue.process('upload', 2, { worker: () => new Worker('/upload.worker.js') });
    };
    expectTypeOf(compileOnly).returns.toBeVoid();
  });

  it('a typed Queue is still a Queue, and a typed Job a Job', async () => {
    const typed = makeQueue<Upload, Uploaded>();
    const anyQueue: Queue = typed;
    const job: Job = await typed.add('upload', { file: 'a', size: 1 });
    expectTypeOf(anyQueue.add('upload', {})).resolves.toEqualTypeOf<Job<unknown, unknown>>();
    expect(job.queueName).toBe(anyQueue.name);
  });
});
