// The inspector's test page: the harness (window.jobtrail, window.openQueue, ...) plus the
// inspector. `?queue=` and `?prefix=` become the element's attributes; `?define=no` leaves the
// element undefined and the module on `window.inspectorModule`, to test what importing does.
import '../harness';
import * as inspectorModule from 'jobtrail/inspector';

declare global {
  interface Window {
    inspectorModule: typeof inspectorModule;
  }
}

window.inspectorModule = inspectorModule;
const params = new URLSearchParams(location.search);
if (params.get('define') !== 'no') {
  inspectorModule.defineInspector();
  const inspector = document.createElement('jobtrail-inspector');
  for (const name of ['queue', 'prefix']) {
    const value = params.get(name);
    if (value !== null) inspector.setAttribute(name, value);
  }
  document.body.append(inspector);
}
