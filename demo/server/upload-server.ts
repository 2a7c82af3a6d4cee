// The demo's upload endpoint: a small, real HTTP handler inside the Vite dev server. Files arrive in
// chunks (PUT /api/uploads/:id?offset=&size=&name=), so an upload that was cut off resumes where
// the server stopped receiving. The server keeps no file contents, only what it received: byte
// counts and a running SHA-256 per upload. It can be told to fail requests with 503 and to receive
// slowly, so visitors see retries with backoff and progress bars that move.
//
//   GET    /api/server        { failNext, bytesPerSecond, files, bytes, uploads: [...] }
//   POST   /api/server        { failNext?, bytesPerSecond? }: change the simulation; answers as GET
//   DELETE /api/uploads       forget every upload
//   GET    /api/uploads/:id   { received }: how much of an upload arrived (0 for an unknown id)
//   PUT    /api/uploads/:id   one chunk at `offset`; answers { received, sha256 } (sha256 once complete)
//   POST   /api/drafts        the draft's text (the periodic draft sync); answers { bytes, savedAt }
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
}

class UploadServer {
  private readonly uploads = new Map<string, Upload>();
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
      return json(res, 200, this.state());
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
    return {
      failNext: this.failNext,
      bytesPerSecond: this.bytesPerSecond,
      files: uploads.filter((u) => u.sha256 !== null).length,
      bytes: uploads.reduce((sum, u) => sum + u.received, 0),
      uploads,
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

  private async receive(id: string, params: URLSearchParams, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const offset = Number(params.get('offset'));
    const size = Number(params.get('size'));
    const name = params.get('name') ?? '';
    if (!isCount(offset, 2 ** 53) || !isCount(size, 2 ** 53) || offset > size) {
      req.resume();
      return json(res, 400, { error: `offset and size must be integers with 0 <= offset <= size, got offset=${params.get('offset')} size=${params.get('size')}` });
    }
    if (this.failNext > 0) {
      // Take the whole request before answering, as a real server behind a proxy would: an
      // answer sent mid-body would reach the browser as a connection reset, not as a 503.
      this.failNext -= 1;
      await readBody(req, Infinity).catch(() => null);
      return json(res, 503, { error: 'Simulated server failure (the demo was told to fail this request)' });
    }
    const started = Date.now();
    let chunk: Buffer;
    try {
      chunk = await readBody(req, MAX_CHUNK_BYTES);
    } catch (err) {
      if (err instanceof TooLarge) return json(res, 413, { error: `A chunk may hold at most ${MAX_CHUNK_BYTES} bytes` });
      return; // the client went away (offline, closed tab): nothing of this chunk counts
    }
    // A slow link: the chunk counts only once its bytes would have arrived.
    if (this.bytesPerSecond > 0) {
      const wait = (chunk.length / this.bytesPerSecond) * 1000 - (Date.now() - started);
      if (wait > 0 && !(await delayUnlessClosed(wait, res))) return;
    }
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
