// Periodic draft sync: a job scheduler. Every tab calls upsertJobScheduler when it starts (the
// same definition changes nothing), every tab processes, and each 30-second slot is synced once,
// by whichever tab takes it; a slot missed while every tab was closed is synced once on return.
import { Queue } from 'jobtrail';

const DRAFT_KEY = 'jobtrail-demo-draft';
const SCHEDULER = 'sync-drafts';

interface Synced {
  bytes: number;
  savedAt: number;
}

export async function startDraftSync(ui: { text: HTMLTextAreaElement; status: HTMLElement }, showError: (err: unknown) => void): Promise<void> {
  const drafts = new Queue<Record<string, never>, Synced>('drafts', { settings: { holdWhileOffline: true } });
  drafts.on('error', showError);
  ui.text.value = localStorage.getItem(DRAFT_KEY) ?? '';
  ui.text.addEventListener('input', () => localStorage.setItem(DRAFT_KEY, ui.text.value));

  const show = async () => {
    const [scheduler, [last]] = await Promise.all([drafts.getJobScheduler(SCHEDULER), drafts.getCompleted(0, 0)]);
    const time = (ms: number) => new Date(ms).toLocaleTimeString();
    const synced = last?.returnvalue ? `Synced ${last.returnvalue.bytes} bytes at ${time(last.returnvalue.savedAt)}.` : 'Not synced yet.';
    ui.status.textContent = `${synced} Next sync at ${scheduler?.next ? time(scheduler.next) : '—'} (sync #${(scheduler?.iterationCount ?? 0) + (scheduler?.next ? 0 : 1)}).`;
  };
  drafts.on('global:completed', () => void show().catch(showError));

  await drafts.upsertJobScheduler(SCHEDULER, { every: 30_000 }, { name: 'sync', opts: { attempts: 3, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 10 } });
  await drafts.process('sync', async (_job, signal) => {
    const response = await fetch('/api/drafts', { method: 'POST', body: localStorage.getItem(DRAFT_KEY) ?? '', signal });
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    return (await response.json()) as Synced;
  });
  await show();
}
