// jobtrail/inspector: a framework-free custom element that shows a queue's jobs, their event
// histories (replayable), the job machine, and lets you act on them. The core never imports this.
import { JobtrailInspector } from './inspector-element.js';

export { JobtrailInspector };

/** The tag `defineInspector()` registers by default. */
export const INSPECTOR_TAG = 'jobtrail-inspector';

/**
 * Register the inspector element. Safe to call more than once: a name already defined is left as it
 * is. Returns the element class registered under `tagName`.
 *
 * @example
 * import { defineInspector } from 'jobtrail/inspector';
 * defineInspector();
 * // <jobtrail-inspector queue="uploads" prefix="jobtrail"></jobtrail-inspector>
 */
export function defineInspector(tagName: string = INSPECTOR_TAG): CustomElementConstructor {
  if (typeof customElements === 'undefined') {
    throw new Error('defineInspector() needs a browser window: customElements is not available here');
  }
  const existing = customElements.get(tagName);
  if (existing) return existing;
  // The registry accepts each class under one name only, so further names get a subclass.
  const ctor = registered ? class extends JobtrailInspector {} : JobtrailInspector;
  customElements.define(tagName, ctor);
  registered = true;
  return ctor;
}

let registered = false;

declare global {
  interface HTMLElementTagNameMap {
    'jobtrail-inspector': JobtrailInspector;
  }
}
