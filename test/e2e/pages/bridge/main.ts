// The harness (window.jobtrail, window.openQueue, ...) plus forwardTo, the browser end of the
// bridge. The app's server (the spec's bridge) is same-origin: Vite proxies /api/jobtrail to it.
import '../harness';
// TODO(merge): import { forwardTo } from 'jobtrail' once src/index.ts exports it.
import { forwardTo } from '../../../../src/bridge/forward-to';

declare global {
  interface Window {
    forwardTo: typeof forwardTo;
  }
}

window.forwardTo = forwardTo;
