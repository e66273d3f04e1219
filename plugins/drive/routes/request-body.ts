// The body of an upload as a source for the blob store. Under @hono/node-server the
// Request is a thin wrapper over Node's IncomingMessage; reading the IncomingMessage
// directly skips the web-stream adapter (Readable.toWeb + a promise per chunk), which
// roughly halves the CPU an upload costs and is what lets PUT reach disk speed. Core
// hands it over (c.env.incoming for routes, `incoming` for DAV tree backends); when it is
// absent (app.request in tests) or its body was already touched, the standard
// `Request.body` stream is used.
import type { IncomingMessage } from 'node:http';
import type { BlobSource } from '../../../core/blobs/index.ts';

/** The Node request if its body is still unread. */
function unread(incoming: IncomingMessage | undefined): IncomingMessage | undefined {
  if (!incoming || typeof incoming.pipe !== 'function' || incoming.readableEnded || incoming.readableDidRead) return undefined;
  return incoming;
}

export function bodySource(raw: Request, incoming?: IncomingMessage): BlobSource {
  return unread(incoming) ?? (raw.body ? (raw.body as unknown as AsyncIterable<Uint8Array>) : Buffer.alloc(0));
}
