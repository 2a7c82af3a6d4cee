// A dedicated worker that opens a queue itself and processes it (as an app may do to keep the
// main thread free), unlike the processor workers a tab's pool starts. `?queue=` names the queue,
// `?concurrency=` how many jobs at once. Posts 'ready' once it is processing.
import { Queue } from 'jobtrail';

const params = new URL(self.location.href).searchParams;
const queue = new Queue<unknown, unknown>(params.get('queue') ?? 'q');
await queue.process('*', Number(params.get('concurrency') ?? '1'), async (job) => ({ ranIn: 'worker', data: job.data }));
postMessage('ready');
