import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { renderDocument } from '../../ui/layout.tsx';
import { ErrorView } from '../../ui/views/error.tsx';
import { isCairnError, RateLimitedError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { NavItem } from '../plugins/define-plugin.ts';
import type { CairnEnv } from './env.ts';
import { wantsJson } from './wants-json.ts';

/** What a client is told: never internals. */
export interface PublicError {
  status: number;
  code: string;
  message: string;
}

const TITLES: Record<number, string> = {
  400: 'That did not work',
  401: 'Sign in required',
  403: 'Not allowed',
  404: 'Page not found',
  405: 'Not allowed',
  409: 'Something changed meanwhile',
  412: 'Something changed meanwhile',
  413: 'Too large',
  422: 'That did not work',
  429: 'Slow down',
};

const GENERIC_SERVER_ERROR = 'Something went wrong on our side. Try again in a moment.';

/** Maps any thrown value to what the client may see; logs server errors with the request id. */
export function toPublicError(err: unknown, c: Context<CairnEnv>, logger: Logger): PublicError {
  if (isCairnError(err) && err.kind !== 'server' && err.status < 500) {
    return { status: err.status, code: err.code, message: err.message };
  }
  if (err instanceof HTTPException && err.status < 500) {
    return { status: err.status, code: `http_${err.status}`, message: err.message || TITLES[err.status] || 'Bad request' };
  }
  logger.error({ err, requestId: c.var.requestId, method: c.req.method, path: c.req.path }, 'request failed');
  return { status: 500, code: 'internal_error', message: GENERIC_SERVER_ERROR };
}

/** Renders an error for the client: JSON for API calls, the error page in the layout for browsers. */
export async function errorResponse(c: Context<CairnEnv>, e: PublicError, nav: readonly NavItem[]): Promise<Response> {
  const requestId = c.var.requestId ?? '';
  if (wantsJson(c)) {
    return c.json({ error: { code: e.code, message: e.message, requestId } }, e.status as never);
  }
  const user = c.var.user;
  const html = await renderDocument({
    title: TITLES[e.status] ?? 'Error',
    user,
    nav,
    path: c.req.path,
    csrfToken: c.var.csrfToken ?? '',
    children: <ErrorView status={e.status} title={TITLES[e.status] ?? 'Something went wrong'} message={e.message} requestId={requestId} signedIn={!!user} />,
  });
  return c.html(html, e.status as never);
}

export function errorHandler(deps: { logger: Logger; nav: readonly NavItem[] }): ErrorHandler<CairnEnv> {
  return async (err, c) => {
    const e = toPublicError(err, c, deps.logger);
    if (err instanceof RateLimitedError) c.header('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
    return errorResponse(c, e, deps.nav);
  };
}

export function notFoundHandler(deps: { nav: readonly NavItem[] }): NotFoundHandler<CairnEnv> {
  return (c) => errorResponse(c, { status: 404, code: 'not_found', message: 'There is nothing at this address. It may have moved, or the link may be mistyped.' }, deps.nav);
}
