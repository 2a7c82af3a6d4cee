// The cross-tab wake-up line: a BroadcastChannel per queue database. It carries notices about
// committed changes, never the changes themselves; the log in IndexedDB stays the truth.
import { parseNotice, type Notice } from './messages.js';

export class NoticeChannel {
  private channel: BroadcastChannel | null = null;

  constructor(
    name: string,
    private readonly onNotice: (notice: Notice) => void,
    private readonly onError: (err: Error) => void,
  ) {
    // Absent in some runtimes (old Safari, some test environments): then each instance is alone.
    if (typeof BroadcastChannel === 'undefined') return;
    this.channel = new BroadcastChannel(`jobtrail:${name}`);
    this.channel.onmessage = (event: MessageEvent) => {
      const notice = parseNotice(event.data);
      // Malformed or foreign messages are ignored, not trusted.
      if (notice) this.onNotice(notice);
    };
  }

  post(notice: Notice): void {
    if (!this.channel) return;
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
