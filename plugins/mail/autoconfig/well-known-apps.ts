// The discovery endpoints mail clients call without a browser session (mounted by the
// mail plugin with r.mount, before sessions and CSRF): Thunderbird autoconfig and
// Microsoft Autodiscover (POX). They answer from the configuration only and reveal
// nothing about which accounts exist.
import { Hono, type Context } from 'hono';
import type { CairnEnv } from '../../../core/http/env.ts';
import { autoconfigXml, autodiscoverErrorXml, autodiscoverRequestEmail, autodiscoverXml, type ClientConfig } from './client-config.ts';

/** Largest Autodiscover request body read: real requests are well under 1 KiB. */
export const AUTODISCOVER_MAX_BODY_BYTES = 16 * 1024;
const XML_TYPES = /^(text|application)\/xml\s*(;|$)/i;

function xmlResponse(c: Context, body: string, status: 200 | 400 | 413 | 415 = 200): Response {
  return c.body(body, status, { 'Content-Type': 'text/xml; charset=utf-8', 'Cache-Control': 'no-store' });
}

function autoconfigHandler(cfg: () => ClientConfig) {
  return (c: Context<CairnEnv>) => xmlResponse(c, autoconfigXml(cfg(), c.req.query('emailaddress')));
}

/** Mount at '/.well-known/autoconfig': serves /.well-known/autoconfig/mail/config-v1.1.xml. */
export function autoconfigWellKnownApp(cfg: () => ClientConfig): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  app.get('/mail/config-v1.1.xml', autoconfigHandler(cfg));
  return app;
}

/** Mount inside the mail app at /mail: serves /mail/config-v1.1.xml (Thunderbird's autoconfig.<domain> lookup). */
export function mailConfigXmlApp(cfg: () => ClientConfig): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  app.get('/config-v1.1.xml', autoconfigHandler(cfg));
  return app;
}

/** Reads at most `limit` bytes of the body; undefined when it is larger. */
async function boundedText(req: Request, limit: number): Promise<string | undefined> {
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return undefined;
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Mount at '/autodiscover' and '/Autodiscover': POST /autodiscover.xml (Outlook POX schema). */
export function autodiscoverApp(cfg: () => ClientConfig): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  const handler = async (c: Context<CairnEnv>) => {
    if (!XML_TYPES.test(c.req.header('content-type') ?? '')) return xmlResponse(c, autodiscoverErrorXml(600, 'Send an XML Autodiscover request.'), 415);
    const body = await boundedText(c.req.raw, AUTODISCOVER_MAX_BODY_BYTES);
    if (body === undefined) return xmlResponse(c, autodiscoverErrorXml(600, 'Request too large.'), 413);
    const email = autodiscoverRequestEmail(body);
    if (!email) return xmlResponse(c, autodiscoverErrorXml(600, 'Invalid Request'), 400);
    return xmlResponse(c, autodiscoverXml(cfg(), email));
  };
  for (const p of ['/autodiscover.xml', '/Autodiscover.xml']) {
    app.post(p, handler);
    app.get(p, (c) => c.body('Autodiscover answers POST requests.', 405, { Allow: 'POST' }));
  }
  return app;
}
