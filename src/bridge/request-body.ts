// The body of `POST /jobs`, read and checked before anything touches Redis: at most maxBodyBytes
// (by Content-Length, and by counting what actually arrives), JSON or multipart, a CreateJobBody
// with only known fields and job options, and `$blob` markers that match the file fields one to one.
import { BridgeHttpError } from './http-error.js';
import type { BlobMarker, CreateJobBody, ServerJobOptions } from './protocol.js';

/** A checked POST body, with the file fields its `$blob` markers refer to (by field name). */
export interface JobUpload {
  body: CreateJobBody;
  files: Map<string, File>;
}

const MAX_TEXT = 512;
const MAX_DEPTH = 200;
const DAY_MS = 86_400_000;
const MAX_PRIORITY = 2 ** 21 - 1;
const JSON_TYPE = /^application\/json\s*(;|$)/i;
const MULTIPART_TYPE = /^multipart\/form-data\s*;/i;

export async function readJobUpload(request: Request, maxBodyBytes: number, acceptsBlobs: boolean): Promise<JobUpload> {
  const length = request.headers.get('content-length');
  if (length !== null && Number(length) > maxBodyBytes) throw tooLarge(maxBodyBytes);
  const type = request.headers.get('content-type') ?? '';
  const multipart = MULTIPART_TYPE.test(type);
  if (!multipart && !JSON_TYPE.test(type)) throw new BridgeHttpError(415, 'Send the job as application/json, or as multipart/form-data when its data holds Blobs');
  if (multipart && !acceptsBlobs) throw new BridgeHttpError(415, 'This bridge takes no Blobs (it has neither saveBlob nor blobDir): send the job as application/json');
  if (!request.body) throw new BridgeHttpError(400, 'The request has no body');
  const body = counted(request.body, maxBodyBytes);

  if (!multipart) {
    const text = await readText(body);
    const job = parseJson(text, 'The body');
    checkMarkers(job, new Map());
    return { body: checkBody(job), files: new Map() };
  }

  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': type } }).formData();
  } catch (err) {
    if (err instanceof BridgeHttpError) throw err;
    throw new BridgeHttpError(400, 'The body is not valid multipart/form-data');
  }
  let json: string | undefined;
  const files = new Map<string, File>();
  for (const [name, value] of form) {
    if (name === 'job' && typeof value === 'string' && json === undefined) json = value;
    else if (typeof value !== 'string' && name !== 'job' && !files.has(name)) files.set(name, value);
    else throw new BridgeHttpError(400, `Unexpected multipart field ${JSON.stringify(name.slice(0, MAX_TEXT))}: send one text field "job" and one file field per $blob marker`);
  }
  if (json === undefined) throw new BridgeHttpError(400, 'The multipart body has no "job" field');
  const job = parseJson(json, 'The "job" field');
  checkMarkers(job, files);
  return { body: checkBody(job), files };
}

/** The stream, erroring with a 413 as soon as more than `max` bytes came through. */
function counted(stream: ReadableStream<Uint8Array>, max: number): ReadableStream<Uint8Array> {
  let seen = 0;
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > max) controller.error(tooLarge(max));
        else controller.enqueue(chunk);
      },
    }),
  );
}

async function readText(stream: ReadableStream<Uint8Array>): Promise<string> {
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new BridgeHttpError(400, 'The body is not UTF-8');
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BridgeHttpError(400, `${what} is not valid JSON`);
  }
}

function tooLarge(max: number): BridgeHttpError {
  return new BridgeHttpError(413, `The body is larger than maxBodyBytes (${max} bytes)`);
}

/**
 * Every object with a `$blob` key must be a BlobMarker naming a file field, and every file field
 * must be named once: a browser cannot smuggle in a reference of its own making (a JSON body has no
 * file fields, so no markers at all). Walks without recursion, and refuses data nested deeper than
 * MAX_DEPTH, which later steps (and BullMQ's JSON) walk recursively.
 */
function checkMarkers(value: unknown, files: Map<string, File>): void {
  const used = new Set<string>();
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (depth > MAX_DEPTH) throw new BridgeHttpError(400, `The job is nested more than ${MAX_DEPTH} levels deep`);
    if (!Array.isArray(item) && Object.hasOwn(item, '$blob')) {
      const field = (item as BlobMarker).$blob;
      if (Object.keys(item).length !== 1 || typeof field !== 'string') throw new BridgeHttpError(400, 'A $blob marker must be { "$blob": "<file field name>" } and nothing else');
      if (!files.has(field)) throw new BridgeHttpError(400, `The $blob marker ${JSON.stringify(field.slice(0, MAX_TEXT))} names no file field of the body`);
      if (used.has(field)) throw new BridgeHttpError(400, `The file field ${JSON.stringify(field)} is referred to twice`);
      used.add(field);
      continue;
    }
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  for (const name of files.keys()) {
    if (!used.has(name)) throw new BridgeHttpError(400, `The file field ${JSON.stringify(name.slice(0, MAX_TEXT))} is not referred to by any $blob marker`);
  }
}

function checkBody(value: unknown): CreateJobBody {
  if (!isPlainObject(value)) throw new BridgeHttpError(400, 'The job must be a JSON object { queue, id, name, data, opts }');
  for (const key of Object.keys(value)) {
    if (!['queue', 'id', 'name', 'data', 'opts'].includes(key)) throw new BridgeHttpError(400, `Unknown field ${JSON.stringify(key.slice(0, MAX_TEXT))} in the job`);
  }
  const body: CreateJobBody = {
    queue: text(value.queue, 'queue'),
    id: text(value.id, 'id'),
    name: text(value.name, 'name'),
    data: value.data ?? null,
  };
  if (value.opts !== undefined) body.opts = checkJobOptions(value.opts);
  return body;
}

/** A queue name, job id or job name: a non-empty string of at most 512 characters. */
export function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TEXT) {
    throw new BridgeHttpError(400, `${field} must be a non-empty string of at most ${MAX_TEXT} characters`);
  }
  return value;
}

function checkJobOptions(value: unknown): ServerJobOptions {
  if (!isPlainObject(value)) throw new BridgeHttpError(400, 'opts must be an object');
  const opts: ServerJobOptions = {};
  for (const [key, option] of Object.entries(value)) {
    if (key === 'attempts') opts.attempts = integer(option, 'opts.attempts', 1, 100);
    else if (key === 'delay') opts.delay = integer(option, 'opts.delay', 0, DAY_MS);
    else if (key === 'priority') opts.priority = integer(option, 'opts.priority', 1, MAX_PRIORITY);
    else if (key === 'backoff') opts.backoff = checkBackoff(option);
    else throw new BridgeHttpError(400, `opts.${key.slice(0, MAX_TEXT)} is not an option a browser may set (only attempts, backoff, delay, priority)`);
  }
  return opts;
}

function checkBackoff(value: unknown): ServerJobOptions['backoff'] {
  if (typeof value === 'number') return integer(value, 'opts.backoff', 0, DAY_MS);
  if (!isPlainObject(value)) throw new BridgeHttpError(400, 'opts.backoff must be ms or { type, delay, jitter? }');
  const { type, delay, jitter, ...rest } = value;
  if (Object.keys(rest).length > 0) throw new BridgeHttpError(400, 'opts.backoff takes only type, delay and jitter');
  if (type !== 'fixed' && type !== 'exponential') throw new BridgeHttpError(400, "opts.backoff.type must be 'fixed' or 'exponential'");
  const backoff: ServerJobOptions['backoff'] = { type, delay: integer(delay, 'opts.backoff.delay', 0, DAY_MS) };
  if (jitter !== undefined) {
    if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) throw new BridgeHttpError(400, 'opts.backoff.jitter must be a number from 0 to 1');
    backoff.jitter = jitter;
  }
  return backoff;
}

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new BridgeHttpError(400, `${field} must be an integer from ${min} to ${max}`);
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
