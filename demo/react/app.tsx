// The page: adding files, and the upload list. Everything it shows comes from the hooks; nothing
// here reads the queue by hand or listens to it outside them.
import { memo, useMemo, useState } from 'react';
import type { FlowProducer, JobSnapshot, JobState, Queue } from 'jobtrail';
import { useJobCounts, useJobs, useQueueEvent } from 'jobtrail/react';
import { addFiles, sampleFile } from '../add-files';
import { formatBytes, stateBadge } from '../format';
import type { CompleteData, UploadData, UploadJobData, UploadJobResult, UploadResult } from '../uploads';

type Uploads = Queue<UploadJobData, UploadJobResult>;
type Upload = JobSnapshot<UploadJobData, UploadJobResult>;

/** Rows shown at most (the newest), as on the main page. */
const SHOWN = 100;

export function App({ uploads, flows }: { uploads: Uploads; flows: FlowProducer }) {
  const [error, setError] = useState<string | null>(null);
  const add = (files: File[]) => addFiles(uploads, flows, files).catch((err: unknown) => setError(String(err)));
  useQueueEvent(uploads, 'error', (err) => setError(err.message));
  return (
    <>
      {error && <p className="errors" role="alert">Something went wrong: {error}</p>}
      <section className="panel">
        <h2>Add files</h2>
        <div className="row">
          <label className="file-picker">
            <span>Choose files…</span>
            <input
              id="file-input"
              type="file"
              multiple
              onChange={(event) => {
                const files = [...(event.target.files ?? [])];
                event.target.value = '';
                void add(files);
              }}
            />
          </label>
          <button type="button" onClick={() => void add([sampleFile(), sampleFile(), sampleFile()])}>Add 3 sample files</button>
          <button type="button" onClick={() => void add([sampleFile(12 * 1024 * 1024)])}>Add a 12 MB sample</button>
        </div>
      </section>
      <section className="panel uploads" aria-labelledby="uploads-heading">
        <UploadList uploads={uploads} />
      </section>
    </>
  );
}

function UploadList({ uploads }: { uploads: Uploads }) {
  const counts = useJobCounts(uploads);
  const jobs = useJobs(uploads, { limit: SHOWN });
  // A large file's parts are no rows: their progress is their file's.
  const parts = useJobs(uploads, { name: 'part', limit: SHOWN });
  const partProgress = useMemo(() => {
    const byFile = new Map<string, number[]>();
    for (const { job, state } of parts ?? []) {
      const file = job.parent?.id;
      if (file) byFile.set(file, [...(byFile.get(file) ?? []), state === 'completed' ? 100 : percent(job.progress)]);
    }
    return byFile;
  }, [parts]);
  const [announcement, setAnnouncement] = useState('');
  // The handler sees this render's `jobs`: the latest one is always the one called.
  useQueueEvent(uploads, 'global:completed', (jobId) => {
    const upload = jobs?.find(({ job }) => job.id === jobId);
    if (upload && upload.job.name !== 'part') setAnnouncement(`${upload.job.data.name} uploaded.`);
  });

  if (!counts || !jobs) return <p className="hint">Reading the queue…</p>;
  const files = jobs.filter(({ job }) => job.name !== 'part');
  return (
    <>
      <div className="panel-head">
        <h2 id="uploads-heading">Uploads</h2>
        <p id="counts" className="counts">
          {`${counts.active} uploading · ${counts['waiting-children']} in parts · ${counts.waiting} waiting · ${counts.delayed} retrying · ${counts.completed} done · ${counts.failed} failed`}
        </p>
        <button type="button" className="secondary" onClick={() => void Promise.all([uploads.clean(0, 'completed'), uploads.clean(0, 'failed')])}>
          Clear finished
        </button>
      </div>
      {files.length === 0 && <p className="hint">No uploads yet: add some files above.</p>}
      <ol id="upload-list" className="upload-list">
        {files.map((upload) => (
          <Row key={upload.job.id} upload={upload} uploads={uploads} parts={partProgress.get(upload.job.id)} />
        ))}
      </ol>
      <p className="visually-hidden" aria-live="polite">{announcement}</p>
    </>
  );
}

/** One file. `memo`: a snapshot that did not change is the same object, so the row skips rendering. */
const Row = memo(function Row({ upload, uploads, parts = [] }: { upload: Upload; uploads: Uploads; parts?: number[] }) {
  const { job, state } = upload;
  const data = job.data as UploadData | CompleteData;
  const partCount = job.name === 'complete' ? (data as CompleteData).parts : 0;
  const progress =
    state === 'completed' ? 100 : partCount === 0 ? percent(job.progress) : state === 'waiting-children' ? parts.reduce((a, b) => a + b, 0) / partCount : 100;
  return (
    <li className="upload" data-state={state} data-job-id={job.id}>
      <div className="upload-head">
        <span className="upload-name">{data.name}</span>
        <span className="upload-meta">{`${formatBytes(data.size)} · ${partCount > 0 ? `${partCount} parts · ` : ''}job ${job.id.slice(0, 8)}`}</span>
        <span className={`badge badge-${state}`}>{stateBadge(state)}</span>
      </div>
      <div className="upload-bar">
        <progress max={100} value={progress} aria-label={data.name} />
        <span className="percent">{`${Math.round(progress)}%`}</span>
      </div>
      <div className="upload-foot">
        <p className="upload-detail">{describe(upload, partCount, parts)}</p>
        <span className="upload-actions">
          {state === 'failed' && (
            <button type="button" className="secondary" aria-label={`Retry ${data.name}`} onClick={() => void retry(uploads, upload)}>
              Retry
            </button>
          )}
          {state !== 'active' && (
            <button type="button" className="secondary" aria-label={`Remove ${data.name}`} onClick={() => void job.remove()}>
              Remove
            </button>
          )}
        </span>
      </div>
    </li>
  );
});

/** What the row says is going on. */
function describe({ job, state }: Upload, partCount: number, parts: number[]): string {
  const next = `attempt ${job.attemptsMade + 1} of ${job.opts.attempts}`;
  const result = job.returnvalue as UploadResult | null;
  switch (state) {
    case 'waiting-children':
      return `Uploading ${partCount} parts side by side · ${parts.filter((p) => p >= 100).length} of ${partCount} done`;
    case 'waiting':
      return navigator.onLine ? `Waiting for a free uploader · ${next} next` : 'Waiting for the network (no attempt is used while offline)';
    case 'active':
      return partCount > 0 ? 'Completing: the server checks the parts and assembles the file' : `Uploading · ${next}`;
    case 'delayed':
      return `Failed: ${job.failedReason ?? 'unknown reason'} · retrying, ${next}`;
    case 'completed':
      return `Uploaded${partCount > 0 ? ` in ${partCount} parts` : ''} by ${result?.by ?? 'an uploader'} · SHA-256 ${result?.sha256.slice(0, 12) ?? '?'}…`;
    case 'failed':
      return `Failed after ${job.attemptsMade} attempt${job.attemptsMade === 1 ? '' : 's'}: ${job.failedReason ?? 'unknown reason'}`;
  }
}

/** Retry a failed file; for one in parts, the parts that failed it too (the file then waits for them again). */
async function retry(uploads: Uploads, { job }: Upload): Promise<void> {
  const failed = job.name === 'complete' ? ((await job.getDependencies()).failed ?? []) : [];
  await job.retry();
  for (const key of failed) await (await uploads.getJob(key.slice(key.indexOf(':') + 1)))?.retry();
}

/** A job's progress as a percentage, 0-100 (an object progress counts as 0). */
function percent(progress: unknown): number {
  return typeof progress === 'number' ? Math.max(0, Math.min(100, progress)) : 0;
}
