/// <reference types="node" />
// The BullMQ job id of a browser job: one per (client, browser queue, browser job id), so a
// retried POST finds the job it created, and no client can name, or guess, another client's job.
import { createHash } from 'node:crypto';

/**
 * `jt-` and the base64url SHA-256 of the three parts: never all digits and never a `:` (BullMQ
 * refuses both in custom ids), the same length whatever the parts are, and no part can be read back.
 */
export function serverJobId(clientId: string, queue: string, id: string): string {
  return `jt-${createHash('sha256').update(JSON.stringify([clientId, queue, id])).digest('base64url')}`;
}
