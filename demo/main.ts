// The demo page: adds files to the upload queue, uploads them in a Web Worker, hands the queue to
// the service worker for when the tab is gone, and shows it all (with the inspector below).
import { FlowProducer } from 'jobtrail';
import { requestBackgroundSync } from 'jobtrail/sw';
import { defineInspector } from 'jobtrail/inspector';
import { registerSW } from 'virtual:pwa-register';
import { startDraftSync } from './drafts';
import { installSimulatedNetwork } from './network';
import { ServerPanel } from './server-panel';
import { UploadList } from './upload-list';
import { addFiles as addFilesTo, sampleFile } from './add-files';
import { openUploadQueue } from './uploads';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** A short name for this tab, given to its upload workers: results say which tab uploaded. */
const tabName = `tab ${crypto.randomUUID().slice(0, 4)}`;
const network = installSimulatedNetwork();
const uploads = openUploadQueue();
/** Adds large files as flows: their parts, and the job that completes them. */
const flows = new FlowProducer();

declare global {
  interface Window {
    /** The upload queue, for trying the API from the console: `await uploads.getJobCounts()`. */
    uploads: typeof uploads;
  }
}
window.uploads = uploads;

const errors = $<HTMLParagraphElement>('errors');
function showError(err: unknown): void {
  console.error('jobtrail demo:', err);
  errors.textContent = `Something went wrong: ${err instanceof Error ? err.message : String(err)}`;
  errors.hidden = false;
}
uploads.on('error', showError);

const list = new UploadList(
  uploads,
  { list: $('upload-list'), empty: $('empty'), counts: $('counts'), announcer: $('announcer') },
  showError,
);
const server = new ServerPanel(
  { failForm: $('fail-form'), failCount: $('fail-count'), speed: $('speed'), state: $('server-state') },
  showError,
);
// What the server holds changes when an upload finishes or fails.
for (const event of ['global:completed', 'global:failed'] as const) uploads.on(event, () => void server.refresh());

defineInspector();

// ---- Adding files -------------------------------------------------------------------------

/** Small files as one job each; large ones as a flow of parts. */
function addFiles(files: readonly File[]): Promise<void> {
  return addFilesTo(uploads, flows, files);
}

const fileInput = $<HTMLInputElement>('file-input');
fileInput.addEventListener('change', () => {
  const files = [...(fileInput.files ?? [])];
  fileInput.value = ''; // picking the same files again adds them again
  addFiles(files).catch(showError);
});

// Dropping files on the "Add files" panel adds them too (the file picker is the keyboard's way).
const dropZone = $('drop-zone');
dropZone.addEventListener('dragover', (event) => {
  if (!event.dataTransfer?.types.includes('Files')) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = 'copy';
  dropZone.classList.add('dragging');
});
dropZone.addEventListener('dragleave', (event) => {
  if (!dropZone.contains(event.relatedTarget as Node | null)) dropZone.classList.remove('dragging');
});
dropZone.addEventListener('drop', (event) => {
  event.preventDefault();
  dropZone.classList.remove('dragging');
  addFiles([...(event.dataTransfer?.files ?? [])]).catch(showError);
});

$('add-samples').addEventListener('click', () => {
  addFiles([sampleFile(), sampleFile(), sampleFile()]).catch(showError);
});
$('add-large-sample').addEventListener('click', () => {
  addFiles([sampleFile(12 * 1024 * 1024)]).catch(showError);
});

$('clear-finished').addEventListener('click', () => {
  Promise.all([uploads.clean(0, 'completed'), uploads.clean(0, 'failed')]).catch(showError);
});

// ---- Connection ---------------------------------------------------------------------------

const connection = $('connection');
const simulateOffline = $<HTMLInputElement>('simulate-offline');

function showConnection(): void {
  const [text, state] = navigator.onLine
    ? ['Online', 'online']
    : network.simulatedOffline && network.browserOnline
      ? ['Offline (simulated): uploads wait', 'offline']
      : ['Offline: uploads wait for the network', 'offline'];
  connection.textContent = text;
  connection.dataset.state = state;
  simulateOffline.checked = network.simulatedOffline;
}
globalThis.addEventListener('online', showConnection);
globalThis.addEventListener('offline', showConnection);
network.onChange(showConnection);

simulateOffline.addEventListener('change', () => {
  network.setSimulatedOffline(simulateOffline.checked).catch(showError);
});

// ---- The service worker and storage -------------------------------------------------------

async function registerServiceWorker(): Promise<void> {
  const status = $('service-worker');
  if (!('serviceWorker' in navigator)) {
    status.textContent = 'not supported here: uploads run while a tab of the demo is open';
    return;
  }
  try {
    // vite-plugin-pwa builds sw.ts to /sw.js, and serves it as a module in development;
    // `registerSW` registers whichever of the two this is.
    const registration = await new Promise<ServiceWorkerRegistration>((resolve, reject) => {
      registerSW({ immediate: true, onRegisterError: reject });
      navigator.serviceWorker.ready.then(resolve, reject);
    });
    status.textContent =
      'sync' in registration
        ? 'active, with Background Sync: uploads finish after you close the tab'
        : 'active, without Background Sync (this browser has none): uploads resume when the service worker next starts or a tab opens';
    status.dataset.state = 'ok';
  } catch (err) {
    status.textContent = `could not register (${(err as Error).message}): uploads run while a tab of the demo is open`;
    status.dataset.state = 'error';
  }
}

async function persistStorage(): Promise<void> {
  const status = $('storage');
  if (!navigator.storage?.persist) {
    status.textContent = 'best effort (this browser cannot make it persistent)';
    return;
  }
  const persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
  status.textContent = persisted
    ? 'persistent: the browser will not evict the queued files'
    : 'best effort: the browser may evict the queued files under storage pressure';
  status.dataset.state = persisted ? 'ok' : 'warn';
}

// ---- Start --------------------------------------------------------------------------------

async function start(): Promise<void> {
  $('tab-name').textContent = `${tabName}: open the demo in another tab to share the work`;
  // `navigator.onLine` is right only once the simulated-offline switch has been read.
  await network.ready;
  showConnection();
  await Promise.all([
    list.refresh(),
    server.refresh(),
    persistStorage().catch(showError),
    registerServiceWorker(),
    // Every kind of upload job, two at a time, in this tab's Web Workers.
    uploads.process('*', 2, {
      worker: () => new Worker(new URL('./upload.worker.ts', import.meta.url), { type: 'module', name: tabName }),
    }),
    startDraftSync({ text: $('draft'), status: $('draft-status') }, showError),
  ]);
  // Ask the browser to wake the service worker whenever uploads are queued, from any tab.
  requestBackgroundSync(uploads);
  document.documentElement.dataset.ready = 'true';
}

start().catch(showError);
