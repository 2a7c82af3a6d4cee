// The React hooks' test page: the harness (window.openQueue, window.state, ...) plus components
// built on jobtrail/react, which test/e2e/react.spec.ts mounts and unmounts through `window.react`.
import '../harness';
import { StrictMode, startTransition, useLayoutEffect, useState } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { watchJobCounts, type Queue, type WatchJobsOptions } from 'jobtrail';
import { useJob, useJobCounts, useJobs, useQueueEvent } from 'jobtrail/react';

function JobView({ queue, id }: { queue: Queue; id: string }) {
  const snapshot = useJob(queue, id);
  const text = snapshot === undefined ? 'loading' : snapshot === null ? 'none' : `${snapshot.state} ${JSON.stringify(snapshot.job.progress)} ${JSON.stringify(snapshot.job.returnvalue)}`;
  return <p data-testid={`job-${id}`}>{text}</p>;
}

function JobList({ queue, options }: { queue: Queue; options?: WatchJobsOptions }) {
  const jobs = useJobs(queue, options);
  if (jobs === undefined) return <p data-testid="jobs">loading</p>;
  return (
    <ol data-testid="jobs">
      {jobs.map(({ job, state }) => (
        <li key={job.id}>{`${job.name} ${job.id} ${state}`}</li>
      ))}
    </ol>
  );
}

function Counts({ queue }: { queue: Queue }) {
  const counts = useJobCounts(queue);
  return <p data-testid="counts">{counts ? `waiting ${counts.waiting} active ${counts.active} completed ${counts.completed}` : 'loading'}</p>;
}

/** Every `global:completed` it hears, shown and recorded in `window.state.heard`. */
function Heard({ queue }: { queue: Queue }) {
  const [heard, setHeard] = useState<string[]>([]);
  useQueueEvent(queue, 'global:completed', (jobId) => {
    (window.state.heard ??= []).push(jobId);
    setHeard((before) => [...before, jobId]);
  });
  return <p data-testid="heard">{heard.join(' ')}</p>;
}

// ---- Tearing ------------------------------------------------------------------------------------

/**
 * One of many cells showing the waiting count. Slow on purpose, so that a transition's render
 * yields to the browser many times, and changes of the store land in the middle of it. `naive`
 * (the control, which does tear) reads the watcher during render without useSyncExternalStore;
 * it never changes while a grid is mounted, so the hooks are called in the same order each time.
 */
function Cell({ queue, naive }: { queue: Queue; naive: boolean; version: number }) {
  const counts = naive ? watchJobCounts(queue).getSnapshot() : useJobCounts(queue);
  const until = performance.now() + 0.4;
  while (performance.now() < until);
  useLayoutEffect(checkAfterCommit);
  return <span className="cell">{counts?.waiting ?? '-'}</span>;
}

interface Tearing {
  /** The distinct values the cells showed, after each commit that rendered any of them. */
  commits: string[][];
  /** Store changes while a render of the grid was in progress. */
  midRender: number;
  rendering: boolean;
  committed: (() => void) | null;
}

let checking = false;

/** Once per commit (a commit runs its layout effects in one go): which values the cells show. */
function checkAfterCommit(): void {
  if (checking) return;
  checking = true;
  queueMicrotask(() => {
    checking = false;
    const values = new Set([...document.querySelectorAll('.cell')].map((cell) => cell.textContent ?? ''));
    (window.state.tearing as Tearing).commits.push([...values]);
  });
}

function Grid({ queue, cells, naive, version }: { queue: Queue; cells: number; naive: boolean; version: number }) {
  const tearing = window.state.tearing as Tearing;
  tearing.rendering = true;
  useLayoutEffect(() => {
    tearing.rendering = false;
    tearing.committed?.();
  });
  return <div>{Array.from({ length: cells }, (_, i) => <Cell key={i} queue={queue} naive={naive} version={version} />)}</div>;
}

// ---- Driving it from the tests ------------------------------------------------------------------

let root: Root | null = null;
let rerenderGrid: ((version: number) => void) | null = null;

function GridHost({ queue, cells, naive }: { queue: Queue; cells: number; naive: boolean }) {
  const [version, setVersion] = useState(0);
  rerenderGrid = setVersion;
  return <Grid queue={queue} cells={cells} naive={naive} version={version} />;
}

const react = {
  /** Mount the hooks' components for `queue` (in StrictMode: effects subscribe, unsubscribe and subscribe again). */
  mount(queue: Queue, { jobId, list }: { jobId: string; list?: WatchJobsOptions }) {
    root?.unmount();
    root = createRoot(document.getElementById('root')!);
    root.render(
      <StrictMode>
        <Counts queue={queue} />
        <Counts queue={queue} />
        <JobList queue={queue} options={list} />
        <JobView queue={queue} id={jobId} />
        <JobView queue={queue} id={jobId} />
        <Heard queue={queue} />
      </StrictMode>,
    );
  },
  /** Mount `cells` cells showing the waiting count, and a subscriber that counts changes landing mid-render. */
  mountGrid(queue: Queue, cells: number, naive: boolean) {
    root?.unmount();
    const tearing: Tearing = { commits: [], midRender: 0, rendering: false, committed: null };
    window.state.tearing = tearing;
    window.state.stopCounting = watchJobCounts(queue).subscribe(() => {
      if (tearing.rendering) tearing.midRender++;
    });
    root = createRoot(document.getElementById('root')!);
    root.render(<GridHost queue={queue} cells={cells} naive={naive} />);
  },
  /** Render the grid again in a transition; resolves once it committed. */
  transition(version: number): Promise<void> {
    const tearing = window.state.tearing as Tearing;
    return new Promise((resolve) => {
      tearing.committed = () => {
        tearing.committed = null;
        // After the microtask that looks at what this commit shows.
        queueMicrotask(() => queueMicrotask(resolve));
      };
      startTransition(() => rerenderGrid!(version));
    });
  },
  unmount() {
    root?.unmount();
    root = null;
  },
};

declare global {
  interface Window {
    react: typeof react;
  }
}

window.react = react;
