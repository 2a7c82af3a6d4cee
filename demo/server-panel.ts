// The demo server's controls: make it fail requests, slow it down, and show what it received.
// These requests are the visitor's remote control, not the app's uploads: they ignore the
// "Simulate offline" switch.
import { formatBytes } from './format';
import type { ServerState } from './server/upload-server';

export interface ServerPanelElements {
  failForm: HTMLFormElement;
  failCount: HTMLInputElement;
  speed: HTMLSelectElement;
  state: HTMLElement;
}

export class ServerPanel {
  #refreshing = false;
  #again = false;

  constructor(
    private readonly el: ServerPanelElements,
    private readonly onError: (err: unknown) => void,
  ) {
    el.failForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#configure({ failNext: Number(el.failCount.value) });
    });
    el.speed.addEventListener('change', () => void this.#configure({ bytesPerSecond: Number(el.speed.value) }));
  }

  /** Ask the server what it has received. */
  async refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#again = true;
      return;
    }
    this.#refreshing = true;
    try {
      do {
        this.#again = false;
        this.#show(await call('GET'));
      } while (this.#again);
    } catch (err) {
      this.el.state.textContent = `The server cannot be reached (${(err as Error).message}).`;
    } finally {
      this.#refreshing = false;
    }
  }

  async #configure(change: { failNext?: number; bytesPerSecond?: number }): Promise<void> {
    try {
      this.#show(await call('POST', change));
    } catch (err) {
      this.onError(err);
    }
  }

  #show(state: ServerState): void {
    const failing =
      state.failNext > 0
        ? `It will answer the next ${state.failNext} upload request${state.failNext === 1 ? '' : 's'} with 503 Service Unavailable.`
        : 'It answers every upload request normally.';
    this.el.state.textContent =
      `The server has received ${state.files} complete file${state.files === 1 ? '' : 's'}, ` +
      `${formatBytes(state.bytes)} in all. ${failing}`;
    this.#showSpeed(state.bytesPerSecond);
  }

  /** Select the server's speed, adding it to the choices if it was set some other way. */
  #showSpeed(bytesPerSecond: number): void {
    const value = String(bytesPerSecond);
    if (![...this.el.speed.options].some((option) => option.value === value)) {
      this.el.speed.add(new Option(bytesPerSecond === 0 ? 'full speed' : `${formatBytes(bytesPerSecond)}/s`, value));
    }
    if (document.activeElement !== this.el.speed) this.el.speed.value = value;
  }
}

async function call(method: 'GET' | 'POST', body?: object): Promise<ServerState> {
  const response = await fetch('/api/server', {
    method,
    cache: 'no-store',
    ...(body ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}),
  });
  const answer = (await response.json()) as ServerState & { error?: string };
  if (!response.ok) throw new Error(answer.error ?? `HTTP ${response.status}`);
  return answer;
}
