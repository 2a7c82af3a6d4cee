// What the React examples need around them in Chromium: a root to render into, a way to wait until
// it shows a text (a MutationObserver: no polling, no sleeps), and a console that keeps `warn`s.
import { createElement, useEffect, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';

export interface Rendered {
  element: HTMLElement;
  /** Resolves once the first render committed and ran its effects (listeners added in effects are there). */
  committed: Promise<void>;
  /** Resolves once the element's text contains `expected`; rejects after 10 s, saying what it showed. */
  shows(expected: string): Promise<void>;
  unmount(): void;
}

/** Render `node` into a fresh element of the page. */
export function render(node: ReactNode): Rendered {
  const element = document.body.appendChild(document.createElement('div'));
  const root = createRoot(element);
  let done!: () => void;
  const committed = new Promise<void>((resolve) => (done = resolve));
  root.render(createElement(Committed, { onCommit: done }, node));
  return {
    element,
    committed,
    shows: (expected) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!element.textContent?.includes(expected)) return false;
          observer.disconnect();
          clearTimeout(timer);
          resolve();
          return true;
        };
        const observer = new MutationObserver(check);
        const timer = setTimeout(() => {
          observer.disconnect();
          reject(new Error(`expected the example to show "${expected}", it shows "${element.textContent}"`));
        }, 10_000);
        if (!check()) observer.observe(element, { subtree: true, childList: true, characterData: true });
      }),
    unmount: () => {
      root.unmount();
      element.remove();
    },
  };
}

/** Its children's effects run before its own: when `onCommit` is called, theirs have run. */
function Committed({ onCommit, children }: { onCommit: () => void; children?: ReactNode }) {
  useEffect(onCommit, [onCommit]);
  return children;
}

/** A console whose `warn` calls are kept, to check what an example printed. */
export function recordingConsole(): { warn: (...args: unknown[]) => void; warned: unknown[][] } {
  const warned: unknown[][] = [];
  return { warn: (...args) => void warned.push(args), warned };
}
