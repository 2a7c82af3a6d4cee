// The React page of the demo: the same upload queue as the main page, its list written with
// jobtrail/react's hooks (upload-list.tsx). This tab uploads too, in its own Web Worker.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { FlowProducer } from 'jobtrail';
import { installSimulatedNetwork } from '../network';
import { openUploadQueue } from '../uploads';
import { App } from './app';

const network = installSimulatedNetwork();
const uploads = openUploadQueue();
const flows = new FlowProducer();
const tabName = `tab ${crypto.randomUUID().slice(0, 4)} (React)`;

declare global {
  interface Window {
    uploads: typeof uploads;
  }
}
window.uploads = uploads;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App uploads={uploads} flows={flows} />
  </StrictMode>,
);

async function start(): Promise<void> {
  // Whether the simulated-offline switch is on, before anything is claimed.
  await network.ready;
  await uploads.process('*', 2, {
    worker: () => new Worker(new URL('../upload.worker.ts', import.meta.url), { type: 'module', name: tabName }),
  });
  document.documentElement.dataset.ready = 'true';
}

start().catch((err: unknown) => console.error('jobtrail demo:', err));
