// The demo's upload endpoint: a small, real HTTP handler inside the Vite dev server. Files arrive in
// chunks (PUT /api/uploads/:id?offset=&size=&name=), so an upload that was cut off resumes where
// the server stopped receiving. The server keeps no file contents, only what it received: byte
// counts and a running SHA-256 per upload. It can be told to fail requests with 503 and to receive
// slowly, so visitors see retries with backoff and progress bars that move.
//
// Large files go up as multipart uploads, as S3's, GCS's and tus's do: parts uploaded on their own
// (in parallel, each resumable), then one "complete" call that lists every part with its ETag. The
// server keeps the parts' bytes until the upload is completed, then assembles them, computes the
// file's SHA-256 and forgets the bytes.
//
//   GET    /api/server        { failNext, bytesPerSecond, files, bytes, uploads: [...], multipart: [...] }
//   POST   /api/server        { failNext?, bytesPerSecond? }: change the simulation; answers as GET
//   DELETE /api/uploads       forget every upload
//   GET    /api/uploads/:id   { received }: how much of an upload arrived (0 for an unknown id)
//   PUT    /api/uploads/:id   one chunk at `offset`; answers { received, sha256 } (sha256 once complete)
//   POST   /api/drafts        the draft's text (the periodic draft sync); answers { bytes, savedAt }
//
//   POST   /api/multipart/:id                   create { name, size, partBytes } (again: the same upload); answers its parts
//   GET    /api/multipart/:id/parts/:n          { received }: how much of part n arrived
//   PUT    /api/multipart/:id/parts/:n?offset=  one chunk of part n; answers { received, etag } (etag: the part's SHA-256, once complete)
//   POST   /api/multipart/:id/complete          { parts: [{ part, etag }] }: checks every part arrived whole, assembles; answers { bytes, sha256 }
import { createHash, type Hash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';

/** The largest chunk accepted in one request. */
export const MAX_CHUNK_BYTES = 1024 * 1024;
/** How fast the server receives by default: slow enough to watch the progress bars move. */
export const DEFAULT_BYTES_PER_SECOND = 1024 * 1024;

interface Upload {
  id: string;
  name: string;
  size: number;
  received: number;
  hash: Hash;
  sha256: string | null;
}

/** A multipart upload: its parts' bytes until it is completed, then the file's checksum. */
interface Multipart {
  id: string;
  name: string;
  size: number;
  partBytes: number;
  parts: { size: number; chunks: Buffer[]; received: number; etag: string | null }[];
  sha256: string | null;
  /** How many "complete" calls it answered (the first assembles; a repeat gets the same answer). */
  completions: number;
}

/** What GET /api/server says of a multipart upload. */
export interface MultipartState {
  id: string;
  name: string;
  size: number;
  /** Bytes received of each part. */
  parts: number[];
  sha256: string | null;
  completions: number;
}

/** What GET /api/server answers. */
export interface ServerState {
  failNext: number;
  /** 0 means as fast as the connection goes. */
  bytesPerSecond: number;
  /** Uploads received completely. */
  files: number;
  /** Bytes received, over every upload. */
  bytes: number;
  uploads: { id: string; name: string; size: number; received: number; sha256: string | null }[];
  multipart: MultipartState[];
}

class UploadServer {
  private readonly uploads = new Map<string, Upload>();
  private readonly multipart = new Map<string, Multipart>();
  private failNext = 0;
  private bytesPerSecond = DEFAULT_BYTES_PER_SECOND;

  async handle(req: IncomingMessage, res: ServerResponse, next: () => void): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://demo');
    const method = req.method ?? 'GET';
    if (url.pathname === '/api/server') {
      if (method === 'GET') return json(res, 200, this.state());
      if (method === 'POST') return this.configure(req, res);
      return json(res, 405, { error: `${method} is not allowed on /api/server` });
    }
    if (url.pathname === '/api/uploads' && method === 'DELETE') {
      this.uploads.clear();
      this.multipart.clear();
      return json(res, 200, this.state());
    }
    const multipart = /^\/api\/multipart\/([\w-]{1,100})(?:\/(complete|parts\/(\d{1,5})))?$/.exec(url.pathname);
    if (multipart) {
      const [, id, what, n] = multipart as unknown as [string, string, string | undefined, string | undefined];
      if (what === undefined && method === 'POST') return this.createMultipart(id, req, res);
      if (what === 'complete' && method === 'POST') return this.completeMultipart(id, req, res);
      if (n !== undefined && method === 'GET') return json(res, 200, { received: this.multipart.get(id)?.parts[Number(n) - 1]?.received ?? 0 });
      if (n !== undefined && method === 'PUT') return this.receivePart(id, Number(n), url.searchParams, req, res);
      return json(res, 405, { error: `${method} is not allowed on ${url.pathname}` });
    }
    const match = /^\/api\/uploads\/([\w-]{1,100})$/.exec(url.pathname);
    if (match) {
      const id = match[1]!;
      if (method === 'GET') return json(res, 200, { received: this.uploads.get(id)?.received ?? 0 });
      if (method === 'PUT') return this.receive(id, url.searchParams, req, res);
      return json(res, 405, { error: `${method} is not allowed on an upload` });
    }
    if (url.pathname === '/api/drafts' && method === 'POST') {
      let bytes = 0;
      for await (const chunk of req) bytes += (chunk as Buffer).length;
      return json(res, 200, { bytes, savedAt: Date.now() });
    }
    if (url.pathname.startsWith('/api/')) return json(res, 404, { error: `No endpoint ${method} ${url.pathname}` });
    next();
  }

  private state(): ServerState {
    const uploads = [...this.uploads.values()].map(({ id, name, size, received, sha256 }) => ({ id, name, size, received, sha256 }));
    const multipart = [...this.multipart.values()].map(({ id, name, size, parts, sha256, completions }) => ({ id, name, size, parts: parts.map((p) => p.received), sha256, completions }));
    return {
      failNext: this.failNext,
      bytesPerSecond: this.bytesPerSecond,
      files: uploads.filter((u) => u.sha256 !== null).length + multipart.filter((m) => m.sha256 !== null).length,
      bytes: uploads.reduce((sum, u) => sum + u.received, 0) + multipart.reduce((sum, m) => sum + m.parts.reduce((a, b) => a + b, 0), 0),
      uploads,
      multipart,
    };
  }

  private async configure(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: { failNext?: unknown; bytesPerSecond?: unknown };
    try {
      body = JSON.parse((await readBody(req, 10_000)).toString('utf8') || '{}');
    } catch (err) {
      return json(res, 400, { error: `Expected a JSON object: ${(err as Error).message}` });
    }
    const { failNext, bytesPerSecond } = body;
    if (failNext !== undefined && !isCount(failNext, 1000)) return json(res, 400, { error: `failNext must be an integer 0..1000, got ${JSON.stringify(failNext)}` });
    if (bytesPerSecond !== undefined && !isCount(bytesPerSecond, 2 ** 40)) {
      return json(res, 400, { error: `bytesPerSecond must be a non-negative integer, got ${JSON.stringify(bytesPerSecond)}` });
    }
    if (failNext !== undefined) this.failNext = failNext;
    if (bytesPerSecond !== undefined) this.bytesPerSecond = bytesPerSecond;
    json(res, 200, this.state());
  }

  /** Create a multipart upload, or answer the one of that id again (a part job of every attempt asks). */
  private async createMultipart(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: { name?: unknown; size?: unknown; partBytes?: unknown };
    try {
      body = JSON.parse((await readBody(req, 10_000)).toString('utf8'));
    } catch (err) {
      return json(res, 400, { error: `Expected a JSON object: ${(err as Error).message}` });
    }
    const { name, size, partBytes } = body;
    if (typeof name !== 'string' || !isCount(size, 2 ** 40) || !isCount(partBytes, 2 ** 32) || partBytes === 0) {
      return json(res, 400, { error: 'Expected { name: string, size: integer, partBytes: integer > 0 }' });
    }
    const known = this.multipart.get(id);
    if (known && (known.size !== size || known.partBytes !== partBytes)) {
      return json(res, 409, { error: `Multipart upload ${id} has size ${known.size} in parts of ${known.partBytes} bytes` });
    }
    if (!known) {
      const count = Math.max(1, Math.ceil(size / partBytes));
      const parts = Array.from({ length: count }, (_, k) => ({ size: Math.min(partBytes, size - k * partBytes), chunks: [] as Buffer[], received: 0, etag: null }));
      this.multipart.set(id, { id, name, size, partBytes, parts, sha256: null, completions: 0 });
    }
    const upload = this.multipart.get(id)!;
    json(res, 200, { id, parts: upload.parts.map((p, k) => ({ part: k + 1, size: p.size, received: p.received, etag: p.etag })) });
  }

  /** One chunk of a part, at `offset` within the part: as `receive`, with the part's bytes kept for assembly. */
  private async receivePart(id: string, n: number, params: URLSearchParams, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const upload = this.multipart.get(id);
    const part = upload?.parts[n - 1];
    const offset = Number(params.get('offset'));
    if (!upload || !part) {
      req.resume();
      return json(res, 404, { error: upload ? `Multipart upload ${id} has no part ${n}` : `No multipart upload ${id}: create it first` });
    }
    if (!isCount(offset, part.size)) {
      req.resume();
      return json(res, 400, { error: `offset must be an integer from 0 to ${part.size}, got ${params.get('offset')}` });
    }
    const chunk = await this.#body(req, res);
    if (chunk === null) return;
    if (offset > part.received) return json(res, 409, { error: `Part ${n} has ${part.received} bytes; a chunk at ${offset} would leave a gap`, received: part.received });
    if (offset + chunk.length > part.size) return json(res, 400, { error: `The chunk ends at ${offset + chunk.length}, past the part's size ${part.size}` });
    const fresh = chunk.subarray(part.received - offset);
    if (part.etag === null && fresh.length > 0) {
      part.chunks.push(Buffer.from(fresh));
      part.received += fresh.length;
      if (part.received === part.size) part.etag = createHash('sha256').update(Buffer.concat(part.chunks)).digest('hex');
    }
    json(res, 200, { received: part.received, etag: part.etag });
  }

  /** Check that every part arrived whole with the ETag the client lists, then assemble the file. */
  private async completeMultipart(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const upload = this.multipart.get(id);
    if (!upload) {
      req.resume();
      return json(res, 404, { error: `No multipart upload ${id}` });
    }
    let listed: { part?: unknown; etag?: unknown }[];
    try {
      listed = (JSON.parse((await readBody(req, 100_000)).toString('utf8')) as { parts: typeof listed }).parts;
      if (!Array.isArray(listed)) throw new Error('parts must be an array');
    } catch (err) {
      return json(res, 400, { error: `Expected { parts: [{ part, etag }] }: ${(err as Error).message}` });
    }
    if (this.failNext > 0) {
      this.failNext -= 1;
      return json(res, 503, { error: 'Simulated server failure (the demo was told to fail this request)' });
    }
    if (upload.sha256 === null) {
      const byPart = new Map(listed.map((p) => [p.part, p.etag]));
      for (const [k, part] of upload.parts.entries()) {
        if (part.etag === null) return json(res, 409, { error: `Part ${k + 1} of ${upload.parts.length} has ${part.received} of ${part.size} bytes` });
        if (byPart.get(k + 1) !== part.etag) return json(res, 409, { error: `Part ${k + 1}: the ETag listed is not the part's (${part.etag})` });
      }
      if (listed.length !== upload.parts.length) return json(res, 409, { error: `${listed.length} parts listed, the upload has ${upload.parts.length}` });
      const hash = createHash('sha256');
      for (const part of upload.parts) {
        for (const chunk of part.chunks) hash.update(chunk);
        part.chunks = [];
      }
      upload.sha256 = hash.digest('hex');
    }
    upload.completions += 1;
    json(res, 200, { bytes: upload.size, sha256: upload.sha256 });
  }

  /** A chunk's body, after the simulated failure and slowness; null when an answer was sent or the client went away. */
  async #body(req: IncomingMessage, res: ServerResponse): Promise<Buffer | null> {
    if (this.failNext > 0) {
      // Take the whole request before answering, as a real server behind a proxy would: an
      // answer sent mid-body would reach the browser as a connection reset, not as a 503.
      this.failNext -= 1;
      await readBody(req, Infinity).catch(() => null);
      json(res, 503, { error: 'Simulated server failure (the demo was told to fail this request)' });
      return null;
    }
    const started = Date.now();
    let chunk: Buffer;
    try {
      chunk = await readBody(req, MAX_CHUNK_BYTES);
    } catch (err) {
      if (err instanceof TooLarge) json(res, 413, { error: `A chunk may hold at most ${MAX_CHUNK_BYTES} bytes` });
      return null; // the client went away (offline, closed tab): nothing of this chunk counts
    }
    // A slow link: the chunk counts only once its bytes would have arrived.
    if (this.bytesPerSecond > 0) {
      const wait = (chunk.length / this.bytesPerSecond) * 1000 - (Date.now() - started);
      if (wait > 0 && !(await delayUnlessClosed(wait, res))) return null;
    }
    return chunk;
  }

  private async receive(id: string, params: URLSearchParams, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const offset = Number(params.get('offset'));
    const size = Number(params.get('size'));
    const name = params.get('name') ?? '';
    if (!isCount(offset, 2 ** 53) || !isCount(size, 2 ** 53) || offset > size) {
      req.resume();
      return json(res, 400, { error: `offset and size must be integers with 0 <= offset <= size, got offset=${params.get('offset')} size=${params.get('size')}` });
    }
    const chunk = await this.#body(req, res);
    if (chunk === null) return;
    const known = this.uploads.get(id);
    const have = known?.received ?? 0;
    if (known && known.size !== size) return json(res, 400, { error: `Upload ${id} has size ${known.size}, not ${size}` });
    if (offset > have) return json(res, 409, { error: `Upload ${id} has ${have} bytes; a chunk at ${offset} would leave a gap`, received: have });
    if (offset + chunk.length > size) return json(res, 400, { error: `The chunk ends at ${offset + chunk.length}, past the size ${size}` });
    let upload = known;
    if (!upload) {
      upload = { id, name, size, received: 0, hash: createHash('sha256'), sha256: null };
      this.uploads.set(id, upload);
    }
    // A chunk sent again after a lost answer overlaps what arrived already: keep only the new bytes.
    const fresh = chunk.subarray(upload.received - offset);
    if (upload.sha256 === null) {
      upload.hash.update(fresh);
      upload.received += fresh.length;
      if (upload.received === upload.size) upload.sha256 = upload.hash.digest('hex');
    }
    json(res, 200, { received: upload.received, sha256: upload.sha256 });
  }
}

class TooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let length = 0;
    req.on('data', (part: Buffer) => {
      length += part.length;
      if (length > limit) {
        req.resume();
        parts.length = 0;
        reject(new TooLarge());
      } else {
        parts.push(part);
      }
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('aborted', () => reject(new Error('aborted')));
    req.on('error', reject);
  });
}

/** Resolves true after `ms`, or false as soon as the client closes the connection. */
function delayUnlessClosed(ms: number, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    res.once('close', onClose);
  });
}

function isCount(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(body));
}

/** The Vite plugin: mounts the endpoint on the dev server (and on `vite preview`). */
export function uploadServer(): Plugin {
  const server = new UploadServer();
  const middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    server.handle(req, res, next).catch((err: unknown) => json(res, 500, { error: String(err) }));
  };
  return {
    name: 'jobtrail-demo-upload-server',
    configureServer: (dev) => void dev.middlewares.use(middleware),
    configurePreviewServer: (preview) => void preview.middlewares.use(middleware),
  };
}
