/// <reference types="node" />
// Blob and File fields of a POST: each is handed to `saveBlob`, and its `$blob` marker in the job's
// data becomes a BlobReference holding what saveBlob returned. The default store writes each file
// to a directory under a random name; the reference is that name, never a path.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { BlobMarker, BlobReference } from './protocol.js';

/** Stores one file field of a POST and returns a reference the server's workers understand. */
export type SaveBlob = (part: File, clientId: string) => string | Promise<string>;

const REFERENCE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The default `saveBlob`: each file in `dir` under a random UUID, which is the reference. */
export function fileBlobStore(dir: string): SaveBlob {
  return async (part) => {
    await mkdir(dir, { recursive: true });
    const reference = randomUUID();
    const path = join(dir, reference);
    try {
      await pipeline(Readable.fromWeb(part.stream() as NodeReadableStream<Uint8Array>), createWriteStream(path, { flags: 'wx' }));
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
    return reference;
  };
}

/**
 * Where the default store keeps the file of a BlobReference: for the server's workers.
 * Throws a TypeError for anything that is not a reference the default store made.
 * @example const path = blobFile('/var/uploads', job.data.file.$blob);
 */
export function blobFile(dir: string, reference: string): string {
  if (typeof reference !== 'string' || !REFERENCE.test(reference)) throw new TypeError(`Not a blob reference of the default store: ${JSON.stringify(reference)}`);
  return join(dir, reference);
}

/** The job data with each BlobMarker replaced by the BlobReference of its saved file (a copy). */
export async function saveBlobs(data: unknown, files: Map<string, File>, saveBlob: SaveBlob, clientId: string): Promise<unknown> {
  const references = new Map<string, BlobReference>();
  for (const [field, part] of files) {
    const reference = await saveBlob(part, clientId);
    if (typeof reference !== 'string' || reference === '') throw new TypeError('saveBlob must return a non-empty string reference');
    references.set(field, { $blob: reference, name: part.name, type: part.type, size: part.size });
  }
  return replaceMarkers(data, references);
}

function replaceMarkers(value: unknown, references: Map<string, BlobReference>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => replaceMarkers(item, references));
  if (Object.hasOwn(value, '$blob')) return references.get((value as BlobMarker).$blob);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceMarkers(item, references)]));
}
