// The body of an upload as a source for the blob store. Under @hono/node-server the
// Request is a thin wrapper over Node's IncomingMessage; reading the IncomingMessage
// directly skips the web-stream adapter (Readable.toWeb + a promise per chunk), which
// roughly halves the CPU an upload costs and is what lets PUT reach disk speed. When the
// wrapper is not there (app.request in tests, another runtime) or the body was already
// touched, the standard `Request.body` stream is used.
//
// Workaround: core should hand tree backends and routes the IncomingMessage (see the
// drive's report); until then this looks it up by the adapter's symbol description.
import type { IncomingMessage } from 'node:http';
import type { BlobSource } from '../../../core/blobs/index.ts';

function symbolValue(obj: object, description: string): unknown {
  const sym = Object.getOwnPropertySymbols(obj).find((s) => s.description === description);
  return sym === undefined ? undefined : (obj as Record<symbol, unknown>)[sym];
}

/** The Node request behind a Request from @hono/node-server, if its body is still unread. */
export function incomingOf(raw: Request): IncomingMessage | undefined {
  const incoming = symbolValue(raw, 'incomingKey') as IncomingMessage | undefined;
  if (!incoming || typeof incoming.pipe !== 'function' || incoming.readableEnded || incoming.readableDidRead) return undefined;
  // Once the web Request exists its body stream may already own the socket data.
  if (symbolValue(raw, 'requestCache') !== undefined) return undefined;
  return incoming;
}

export function bodySource(raw: Request): BlobSource {
  return incomingOf(raw) ?? (raw.body ? (raw.body as unknown as AsyncIterable<Uint8Array>) : Buffer.alloc(0));
}
