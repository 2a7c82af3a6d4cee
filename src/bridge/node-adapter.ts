/// <reference types="node" />
// A Node `http` request handled by a WHATWG fetch handler: the request becomes a `Request` whose
// body streams from the socket, and the `Response` is written back as it streams. When the client
// goes away, the request's signal aborts and the response body is cancelled (ending an event
// stream). Express and Fastify hand their raw `req`/`res` here too; mount the bridge before any
// body parser, which would consume the body first.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';

export async function handleNodeRequest(req: IncomingMessage, res: ServerResponse, handle: (request: Request) => Promise<Response>): Promise<void> {
  const gone = new AbortController();
  res.once('close', () => gone.abort());
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (!name.startsWith(':')) headers.append(name, req.rawHeaders[i + 1]!);
  }
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const request = new Request(url, {
    method: req.method ?? 'GET',
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
    signal: gone.signal,
    // @ts-expect-error Node's fetch requires `duplex` for a streamed body; the DOM types lack it.
    duplex: 'half',
  });
  const response = await handle(request);
  res.statusCode = response.status;
  for (const [name, value] of response.headers) if (name !== 'set-cookie') res.setHeader(name, value);
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  // A refusal sent before the body was read: close the connection after it rather than read on.
  if (hasBody && !req.complete && response.status >= 400) res.setHeader('connection', 'close');
  if (!response.body) {
    res.end();
    return;
  }
  res.flushHeaders();
  await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), res).catch(() => {
    // The client went away mid-response; the body was cancelled, nothing more to do.
  });
}
