// Messages between the jobs of a flow (core/links.ts), applied where the job they are for lives.
// settleLinks runs at the end of every write: messages for jobs of the same queue are applied in
// that very transaction, the others wait in the outbox. deliverMessages is the other end of the
// outbox: a transaction in the receiving queue's database. A message applied twice changes nothing
// the second time (the parent's machine refuses a second outcome of the same child; a job removed
// is gone), so a delivery may be repeated after a crash, or by two tabs at once.
import { JobtrailError, storageError } from '../core/errors.js';
import { goesWithParent, type LinkMessage } from '../core/links.js';
import type { QueueDB } from './open-db.js';
import { applyKeep } from './remove-jobs.js';
import type { OutboxRecord } from './schema.js';
import type { WriteBatch } from './write-batch.js';

/** Route the batch's messages until none is left (an applied message may send more). */
export async function settleLinks(batch: WriteBatch): Promise<void> {
  for (let message = batch.messages.shift(); message; message = batch.messages.shift()) {
    if (message.to.queueName === batch.queueName) await deliver(batch, message);
    else batch.toOutbox(message);
  }
}

/**
 * deliverMessages — reads: the job each message is for. Appends: a child's outcome to its parent's
 * log, unless the parent's machine refuses it (delivered before, or not its child); a parent that
 * fails by it is removed as its removeOnFail says. Deletes: a child whose parent was removed,
 * unless it is running or completed. A message for a job that is gone is dropped.
 */
export async function deliverMessages(batch: WriteBatch, messages: readonly OutboxRecord[]): Promise<void> {
  for (const { key: _key, ...message } of messages) await deliver(batch, message as LinkMessage);
}

async function deliver(batch: WriteBatch, message: LinkMessage): Promise<void> {
  const record = await batch.read(message.to.id);
  if (!record) return;
  if (message.kind === 'parentRemoved') {
    if (goesWithParent(record, message.parent)) await batch.remove(record);
    return;
  }
  let next;
  try {
    next = batch.append(record, record.id, message.event);
  } catch (err) {
    if (err instanceof JobtrailError) return;
    throw err;
  }
  if (next.state === 'failed' && record.state !== 'failed') await applyKeep(batch, next, next.job.opts.removeOnFail, message.event.time);
}

/** readOutbox — one readonly transaction: the oldest `limit` messages waiting to be delivered. */
export async function readOutbox(db: QueueDB, limit: number): Promise<OutboxRecord[]> {
  try {
    return await db.getAll('outbox', undefined, limit);
  } catch (err) {
    throw storageError(err, 'reading the outbox');
  }
}

/** deleteOutbox — deletes: the messages delivered. */
export function deleteOutbox(batch: WriteBatch, keys: readonly number[]): void {
  for (const key of keys) void batch.tx.objectStore('outbox').delete(key).catch(() => {});
}
