// The cross-tab wake-up line: a BroadcastChannel per queue database. It carries notices that the
// log changed, never the changes themselves; the log in IndexedDB stays the truth.
import { parseNotice, type Notice } from './messages.js';

export class NoticeChannel {
  private channel: BroadcastChannel | null = null;

  constructor(
    name: string,
    /** Called for every message: the notice, or null for one this version does not understand. */
    private readonly onNotice: (notice: Notice | null) => void,
    private readonly onError: (err: Error) => void,
  ) {
    // Absent in some runtimes (old Safari, some test environments): then each instance is alone.
    if (typeof BroadcastChannel === 'undefined') return;
    this.channel = new BroadcastChannel(`jobtrail:${name}`);
    // Malformed, foreign or forged messages are not trusted, but they still mean "look at the log".
    this.channel.onmessage = (event: MessageEvent) => this.onNotice(parseNotice(event.data));
    this.channel.onmessageerror = () => this.onNotice(null);
  }

  /** Post `notice` (nothing for null: see changedNotice). */
  post(notice: Notice | null): void {
    if (!this.channel || !notice) return;
    try {
      this.channel.postMessage(notice);
    } catch (err) {
      this.onError(err as Error);
    }
  }

  close(): void {
    this.channel?.close();
    this.channel = null;
  }
}
