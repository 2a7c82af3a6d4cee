// The harness (window.jobtrail, window.openQueue, ...) plus forwardTo, the browser end of the
// bridge. The app's server (the spec's bridge) is same-origin: Vite proxies /api/jobtrail to it.
import '../harness';
import { forwardTo } from 'jobtrail';

declare global {
  interface Window {
    forwardTo: typeof forwardTo;
  }
}

window.forwardTo = forwardTo;
