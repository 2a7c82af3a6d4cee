// The bridge's error answers: one class carrying the status, and the JSON every response uses.
import type { ErrorBody } from './protocol.js';

/** A request the bridge refuses; `fetch` turns it into a response with this status. */
export class BridgeHttpError extends Error {
  override name = 'BridgeHttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function jsonResponse(status: number, body: unknown, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

export function errorResponse(status: number, message: string): Response {
  const body: ErrorBody = { error: { status, message } };
  return jsonResponse(status, body);
}
