// The demo's "Simulate offline" switch, shared by every tab, Web Worker and the service worker.
//
// Real offline (DevTools' Network > Offline, a dropped Wi-Fi) needs nothing from the demo: the
// browser makes `navigator.onLine` false and fires `offline`, then `online`, in every page and
// worker, and the queue (`holdWhileOffline`) and the upload function react. The switch does the same
// thing by hand in each context that installs it: while it is on, `navigator.onLine` reads false
// and `offline` / `online` fire when it flips. It is kept in a small IndexedDB store (a service
// worker that starts later reads it) and announced on a BroadcastChannel (contexts running now
// follow at once).
import { openDB } from 'idb';

const CHANNEL = 'jobtrail-demo:network';
const DB_NAME = 'jobtrail-demo-settings';
const STORE = 'settings';
const KEY = 'simulatedOffline';

interface SwitchMessage {
  simulatedOffline: boolean;
}

export interface SimulatedNetwork {
  /** Settles once the stored state is read: only then is `navigator.onLine` right. */
  readonly ready: Promise<void>;
  readonly simulatedOffline: boolean;
  /** What the browser itself says, whatever the switch. */
  readonly browserOnline: boolean;
  setSimulatedOffline(offline: boolean): Promise<void>;
  /** Call `listener` whenever the switch flips, here or in another context. */
  onChange(listener: () => void): void;
}

let installed: SimulatedNetwork | null = null;

/** Install the switch in this context (once; later calls return the same one). */
export function installSimulatedNetwork(): SimulatedNetwork {
  installed ??= create();
  return installed;
}

function create(): SimulatedNetwork {
  const scope = globalThis as unknown as EventTarget;
  const realOnLine = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(navigator), 'onLine')?.get;
  const browserOnline = () => (realOnLine ? Boolean(realOnLine.call(navigator)) : true);
  let simulatedOffline = false;
  const listeners = new Set<() => void>();
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => browserOnline() && !simulatedOffline });

  const apply = (offline: boolean) => {
    if (offline === simulatedOffline) return;
    const wasOnline = navigator.onLine;
    simulatedOffline = offline;
    if (navigator.onLine !== wasOnline) scope.dispatchEvent(new Event(navigator.onLine ? 'online' : 'offline'));
    for (const listener of listeners) listener();
  };

  const db = openDB(DB_NAME, 1, { upgrade: (d) => void d.createObjectStore(STORE) });
  const channel = new BroadcastChannel(CHANNEL);
  let heard = false;
  channel.onmessage = (event: MessageEvent<SwitchMessage>) => {
    if (typeof event.data?.simulatedOffline !== 'boolean') return;
    heard = true;
    apply(event.data.simulatedOffline);
  };
  const ready = db
    .then((d) => d.get(STORE, KEY))
    // A message that arrived while we read is newer than what we read.
    .then((stored) => void (heard || apply(stored === true)))
    .catch((err) => console.error('jobtrail demo: could not read the simulated network state', err));

  return {
    ready,
    get simulatedOffline() {
      return simulatedOffline;
    },
    get browserOnline() {
      return browserOnline();
    },
    async setSimulatedOffline(offline: boolean) {
      await (await db).put(STORE, offline, KEY);
      apply(offline);
      channel.postMessage({ simulatedOffline: offline } satisfies SwitchMessage);
    },
    onChange(listener: () => void) {
      listeners.add(listener);
    },
  };
}
