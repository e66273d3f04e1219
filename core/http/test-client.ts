// A tiny browser stand-in for specs that drive the HTTP app in process
// (`app.request`): it keeps cookies, remembers the CSRF token of the last page it
// loaded, and signs in through the real login form. Plugins' specs can use it too.
import type { Hono } from 'hono';

type AnyApp = Pick<Hono<any>, 'request'>;

export interface SendOptions {
  headers?: Record<string, string>;
  /** Send as htmx does (HX-Request + the token in X-CSRF-Token instead of `_csrf`). */
  htmx?: boolean;
  /** Leave the CSRF token out. */
  noCsrf?: boolean;
}

export class TestClient {
  readonly cookies = new Map<string, string>();
  /** The token of the last HTML page loaded (`<meta name="csrf-token">`). */
  csrfToken = '';

  constructor(readonly app: AnyApp, readonly origin = 'http://localhost') {}

  async get(path: string, opts: SendOptions = {}): Promise<Response> {
    const res = await this.app.request(new URL(path, this.origin).href, { headers: this.headers(opts) });
    return this.#absorb(res);
  }

  /** A form post (application/x-www-form-urlencoded) carrying the current CSRF token. */
  async post(path: string, form: Record<string, string> = {}, opts: SendOptions = {}): Promise<Response> {
    const body = new URLSearchParams(form);
    const headers = this.headers(opts);
    if (!opts.noCsrf) {
      if (opts.htmx) headers['X-CSRF-Token'] ??= this.csrfToken;
      else if (!body.has('_csrf')) body.set('_csrf', this.csrfToken);
    }
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const res = await this.app.request(new URL(path, this.origin).href, { method: 'POST', body: body.toString(), headers });
    return this.#absorb(res);
  }

  /** Loads the login page (for its token) and posts the form; returns the POST's response. */
  async login(email: string, password: string, next?: string): Promise<Response> {
    await (await this.get('/login')).text();
    return this.post('/login', { email, password, ...(next === undefined ? {} : { next }) });
  }

  /** Loads a page and keeps its CSRF token; returns the HTML. */
  async page(path: string): Promise<string> {
    const res = await this.get(path);
    return res.text();
  }

  headers(opts: SendOptions): Record<string, string> {
    const h: Record<string, string> = { ...opts.headers };
    if (this.cookies.size > 0) h.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (opts.htmx) h['HX-Request'] = 'true';
    return h;
  }

  async #absorb(res: Response): Promise<Response> {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    if ((res.headers.get('content-type') ?? '').startsWith('text/html')) {
      const text = await res.clone().text();
      const m = /<meta name="csrf-token" content="([^"]*)"/.exec(text);
      if (m) this.csrfToken = m[1]!;
    }
    return res;
  }
}
