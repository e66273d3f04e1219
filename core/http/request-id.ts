import { randomBytes } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { CairnEnv } from './env.ts';

/** An incoming X-Request-Id is reused when it looks like an id (a proxy's), else one is made. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@=+/-]{6,128}$/;

export function newRequestId(): string {
  return randomBytes(12).toString('base64url');
}

/** Sets c.var.requestId and echoes it in the X-Request-Id response header. */
export function requestId(): MiddlewareHandler<CairnEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : newRequestId();
    c.set('requestId', id);
    c.header('X-Request-Id', id);
    await next();
    if (!c.res.headers.has('X-Request-Id')) c.header('X-Request-Id', id);
  };
}
