import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { httpFixture } from './spec-fixture.ts';

interface ErrorBody { error: { code: string; message: string; requestId: string } }

describe('errors, request ids and security headers', () => {
  let fx: Awaited<ReturnType<typeof httpFixture>>;
  beforeAll(async () => { fx = await httpFixture(); });
  afterAll(async () => { await fx?.close(); });

  test('an unknown page is a friendly 404 page for browsers', async () => {
    const res = await fx.app.request('/no/such/page', { headers: { Accept: 'text/html' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('Page not found');
    expect(html).toContain(res.headers.get('x-request-id')!);
  });

  test('API calls get { error: { code, message, requestId } } with the error status', async () => {
    const notFound = await fx.app.request('/api/nothing');
    expect(notFound.status).toBe(404);
    const a = await notFound.json() as ErrorBody;
    expect(a.error.code).toBe('not_found');
    expect(a.error.requestId).toBe(notFound.headers.get('x-request-id'));

    const byAccept = await fx.app.request('/nothing', { headers: { Accept: 'application/json' } });
    expect(byAccept.status).toBe(404);
    expect((await byAccept.json() as ErrorBody).error.code).toBe('not_found');

    const conflict = await fx.app.request('/probe/api/conflict');
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toEqual({ error: { code: 'conflict', message: 'the thing changed meanwhile', requestId: conflict.headers.get('x-request-id') } });
  });

  test('unexpected errors are a generic 500, logged with the request id, never leaking internals', async () => {
    const logged: { obj: Record<string, unknown>; msg?: string }[] = [];
    const original = fx.logger.error;
    fx.logger.error = (obj: object, msg?: string) => { logged.push({ obj: obj as Record<string, unknown>, msg }); };
    try {
      const page = await fx.app.request('/probe/boom', { headers: { 'X-Request-Id': 'req-from-proxy-1234' } });
      expect(page.status).toBe(500);
      expect(page.headers.get('x-request-id')).toBe('req-from-proxy-1234');
      const html = await page.text();
      expect(html).toContain('Something went wrong on our side.');
      expect(html).toContain('req-from-proxy-1234');
      expect(html).not.toContain('hunter2');
      expect(html).not.toContain('/var/lib');

      const api = await fx.app.request('/probe/api/server');
      expect(api.status).toBe(500);
      const body = await api.json() as ErrorBody;
      expect(body.error.code).toBe('internal_error');
      expect(JSON.stringify(body)).not.toContain('ENOSPC');

      expect(logged.map((l) => l.obj.requestId)).toEqual(['req-from-proxy-1234', api.headers.get('x-request-id')]);
      expect(String((logged[0]!.obj.err as Error).message)).toContain('secret internals');
    } finally {
      fx.logger.error = original;
    }
  });

  test('request ids: a sane incoming one is kept, anything else replaced', async () => {
    const kept = await fx.app.request('/healthz', { headers: { 'X-Request-Id': 'abc-123_XYZ.9' } });
    expect(kept.headers.get('x-request-id')).toBe('abc-123_XYZ.9');
    const replaced = await fx.app.request('/healthz', { headers: { 'X-Request-Id': '<script>alert(1)</script>' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const made = await fx.app.request('/healthz');
    expect(made.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  test('security headers are on pages, errors and assets', async () => {
    for (const path of ['/login', '/no/such/page', '/static/app.css', '/healthz']) {
      const res = await fx.app.request(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("style-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('referrer-policy'), path).toBe('same-origin');
      expect(res.headers.get('strict-transport-security'), path).toBeNull(); // plain HTTP here
    }
  });

  test('pages carry no inline script or style (the CSP would block them)', async () => {
    const c = await fx.ownerClient();
    for (const path of ['/login', '/account', '/probe', '/nope']) {
      const html = await c.page(path);
      expect(html, path).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html, path).not.toMatch(/\sstyle="/);
      expect(html, path).not.toMatch(/<style/);
      expect(html, path).not.toMatch(/\son[a-z]+="/);
    }
  });
});
