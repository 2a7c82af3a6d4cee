// A tab's upload worker: the queue in the tab claims each job and hands it here; the upload runs off
// the main thread, and its progress and log lines travel back to become events in the log.
import { exposeProcessor } from 'jobtrail/worker';
import { installSimulatedNetwork } from './network';
import { upload } from './upload';
import type { UploadData, UploadResult } from './uploads';

// The worker follows the "Simulate offline" switch too, so an upload in flight stops when it flips.
installSimulatedNetwork();

// The tab names its workers (`new Worker(url, { name })`), so the result says which tab uploaded.
exposeProcessor<UploadData, UploadResult>((job, signal) => upload(job, signal, self.name || 'a Web Worker'));
