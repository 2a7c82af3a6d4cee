// A tab's upload worker: the queue in the tab claims each job (a small file, a part of a large one,
// or a large file's completion) and hands it here; the upload runs off the main thread, and its
// progress and log lines travel back to become events in the log. A `complete` job reads its parts'
// results from here too (`job.getChildrenValues()` asks the queue in the tab).
import { exposeProcessor } from 'jobtrail/worker';
import { installSimulatedNetwork } from './network';
import { runUploadJob } from './upload';
import type { UploadJobData, UploadJobResult } from './uploads';

// The worker follows the "Simulate offline" switch too, so an upload in flight stops when it flips.
installSimulatedNetwork();

// The tab names its workers (`new Worker(url, { name })`), so the result says which tab uploaded.
exposeProcessor<UploadJobData, UploadJobResult>((job, signal) => runUploadJob(job, signal, self.name || 'a Web Worker'));
