// A small typed event emitter. A listener that throws is reported, never allowed to break the queue.

// Any function: one that takes `never[]` accepts every parameter list. Called through `Call`.
type Listener = (...args: never[]) => unknown;
type Call = (...args: unknown[]) => unknown;

export class Emitter<Events extends { [K in keyof Events]: Listener }> {
  private listeners = new Map<keyof Events, Set<Listener>>();

  constructor(private readonly onListenerError: (err: unknown, event: keyof Events) => void) {}

  on<K extends keyof Events>(event: K, listener: Events[K]): this {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return this;
  }

  off<K extends keyof Events>(event: K, listener: Events[K]): this {
    const set = this.listeners.get(event);
    if (!set) return this;
    set.delete(listener);
    for (const l of set) if ((l as { original?: Listener }).original === listener) set.delete(l);
    return this;
  }

  once<K extends keyof Events>(event: K, listener: Events[K]): this {
    const wrapper = ((...args: unknown[]) => {
      this.off(event, wrapper as Events[K]);
      return (listener as unknown as Call)(...args);
    }) as Listener & { original?: Listener };
    wrapper.original = listener;
    return this.on(event, wrapper as Events[K]);
  }

  has(event: keyof Events): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0;
  }

  emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        const out = (listener as unknown as Call)(...args);
        if (out && typeof (out as Promise<unknown>).then === 'function') {
          (out as Promise<unknown>).then(undefined, (err) => this.onListenerError(err, event));
        }
      } catch (err) {
        this.onListenerError(err, event);
      }
    }
  }

  /** `emit`, building the arguments only if someone listens (Job objects on the hot path are not free). */
  emitWith<K extends keyof Events>(event: K, args: () => Parameters<Events[K]>): void {
    if (this.has(event)) this.emit(event, ...args());
  }

  clear(): void {
    this.listeners.clear();
  }
}
