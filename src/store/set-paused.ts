// setPaused — reads: meta. Appends: a `paused` / `resumed` queue event, unless the queue is so already.
// The flag lives in meta, so it holds for every tab and after a reload; claims read it.
import type { WriteBatch } from './write-batch.js';

export function setPaused(batch: WriteBatch, paused: boolean, now: number): boolean {
  if (batch.meta.paused === paused) return false;
  batch.meta.paused = paused;
  batch.appendQueueEvent({ type: paused ? 'paused' : 'resumed', time: now, payload: {} });
  return true;
}
