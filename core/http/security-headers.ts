import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/**
 * Security headers for every response. The CSP allows scripts, styles, fonts and
 * connections from the appliance only — htmx and app.js are served locally and no
 * page has inline script or style. Referrer-Policy is `same-origin` rather than
 * `no-referrer` because with `no-referrer` browsers send `Origin: null` on same-origin
 * form posts, which the CSRF check would have to trust blindly.
 */
export function securityHeaders(opts: { hsts: boolean }): MiddlewareHandler {
  return secureHeaders({
    // A route that sets one of these headers itself keeps it: a mail message shown with
    // its remote images allowed, or an attachment preview sandboxed more tightly than
    // the app, needs its own Content-Security-Policy. Every other response gets these.
    overwrite: false,
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      mediaSrc: ["'self'", 'blob:'],
      manifestSrc: ["'self'"],
      workerSrc: ["'self'"],
      frameSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    referrerPolicy: 'same-origin',
    xFrameOptions: 'DENY',
    strictTransportSecurity: opts.hsts ? 'max-age=31536000; includeSubDomains' : false,
    crossOriginResourcePolicy: 'same-origin',
    crossOriginOpenerPolicy: 'same-origin',
    permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [], usb: [] },
  });
}
