// A browser upload is the file's bytes as the request body (XMLHttpRequest.send(file)),
// with the name in the query: it streams into the blob store like a WebDAV PUT, and the
// browser reports upload progress. The CSRF token travels in X-CSRF-Token.
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import type { CairnEnv } from '../../../core/http/env.ts';
import { ocMtime } from '../webdav/oc-mtime.ts';
import type { WriteInput } from '../service/drive-service.ts';
import { bodySource } from './request-body.ts';

export function uploadInput(c: Context<CairnEnv>): WriteInput {
  const raw = c.req.raw;
  const length = raw.headers.get('Content-Length');
  const mtime = ocMtime(raw.headers);
  return {
    source: bodySource(raw, (c.env as { incoming?: IncomingMessage } | undefined)?.incoming),
    ...(raw.headers.get('Content-Type') ? { contentType: raw.headers.get('Content-Type')! } : {}),
    ...(length !== null && /^\d+$/.test(length) ? { declaredLength: Number(length) } : {}),
    ...(mtime !== undefined ? { mtime } : {}),
  };
}
