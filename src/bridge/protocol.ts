// The wire between `forwardTo` (the browser, forward-to.ts) and `createBridge` (the server,
// server.ts): the shapes that cross it and nothing else. Both ends import these types; neither
// imports the other.
//
// Routes, relative to where the app mounts the bridge (the URL given to forwardTo):
//   POST /jobs                         create, idempotent by (client, queue, id): CreateJobBody as
//                                      JSON, or multipart/form-data with the body in the field
//                                      `job` and one file field per BlobMarker.
//                                      201 + JobStatus when created, 200 + JobStatus when it exists.
//   GET  /jobs/:id?queue=NAME          200 + JobStatus
//   GET  /jobs/:id/events?queue=NAME   text/event-stream of BridgeEvents (below)
// Every request may carry the header `jobtrail-bridge: PROTOCOL_VERSION`; a server refuses a
// version it does not speak with 400. Errors are ErrorBody with the HTTP status:
//   400 malformed request, 401 not authorized, 404 no such job (for this client), 409 the id
//   exists with another job name, 413 body over maxBodyBytes, 415 not JSON nor multipart (or
//   multipart and the bridge takes no Blobs), 422 no route for the job name, 503 Redis failed.
//
// Event stream: the first event is always `state` (the job as it is now), then the log lines the
// client lacks, then live events until `completed` or `failed`, after which the server ends the
// stream. Every event's id is the number of the job's log lines sent so far (counting those the
// client said it had): a reconnect that sends it back as `Last-Event-ID` gets only newer lines.
// A comment line (`: ping`) comes at least every 15 s; a client that hears nothing for 60 s may
// assume the connection is dead and reconnect.

/** The protocol's version: the `jobtrail-bridge` request header. */
export const PROTOCOL_VERSION = 1;

/** The body of `POST /jobs`. */
export interface CreateJobBody {
  /** The browser queue's name: with `id`, what makes the job unique for its client. */
  queue: string;
  /** The browser job's id. */
  id: string;
  /** The job name; the bridge's `routes` say which BullMQ queue takes it. */
  name: string;
  /** JSON data; Blobs and Files travel as file fields of a multipart body, in place of a BlobMarker. */
  data?: unknown;
  opts?: ServerJobOptions;
}

/** The job options a browser may choose for the server job; anything else is refused (400). */
export interface ServerJobOptions {
  /** Attempts on the server, 1 to 100. */
  attempts?: number;
  /** Backoff between server attempts, in ms (up to a day). */
  backoff?: number | { type: 'fixed' | 'exponential'; delay: number; jitter?: number };
  /** ms before the server job may start (up to a day). */
  delay?: number;
  /** BullMQ priority: 1 (highest) to 2,097,151. */
  priority?: number;
}

/**
 * In the `data` of a multipart POST, stands where a Blob was: `$blob` is the name of the file
 * field that carries it. Each file field is referred to exactly once; a JSON body has none.
 */
export interface BlobMarker {
  $blob: string;
}

/**
 * What a Blob of the browser's data becomes in the server job's data: `$blob` is the reference
 * `saveBlob` returned (with the default store, an opaque id: `blobFile(blobDir, $blob)` is its path).
 */
export interface BlobReference {
  $blob: string;
  /** The File's name, or `'blob'` for a plain Blob. */
  name: string;
  type: string;
  size: number;
}

/** A server job's progress, as BullMQ allows it (a browser job's is a number or an object). */
export type ServerProgress = number | string | boolean | object;

/** BullMQ's job states, and `'unknown'` for a job that is gone. */
export type ServerJobState = 'waiting' | 'prioritized' | 'delayed' | 'waiting-children' | 'active' | 'completed' | 'failed' | 'unknown';

/** A server job as the browser sees it: the answer of POST and GET, and the `state` event. */
export interface JobStatus {
  queue: string;
  id: string;
  name: string;
  state: ServerJobState;
  progress: ServerProgress;
  /** Attempts made on the server (BullMQ counts the running one too). */
  attemptsMade: number;
  returnvalue: unknown;
  failedReason: string | null;
  /** How many log lines the server job has. */
  logCount: number;
  timestamp: number;
  processedOn: number | null;
  finishedOn: number | null;
}

/** The event stream's events, by name, with their `data` (JSON). */
export interface BridgeEvents {
  /** The job as it is now: first on every stream, and again when a server attempt fails and is retried. */
  state: JobStatus;
  active: Record<string, never>;
  progress: { progress: ServerProgress };
  /** One log line of the server job; `index` counts from 0. */
  log: { index: number; line: string };
  /** The last event of a stream whose job completed. */
  completed: { returnvalue: unknown };
  /** The last event of a stream whose job failed for good on the server (or was removed there). */
  failed: { failedReason: string };
}

export type BridgeEventName = keyof BridgeEvents;

/** The body of every error response. */
export interface ErrorBody {
  error: { status: number; message: string };
}
