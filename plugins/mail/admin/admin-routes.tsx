// /mail/admin (owners and administrators only; 403 for everyone else on every route):
// the DNS records of each local domain, the catch-all per domain, and the outbound queue
// with "retry now" and "cancel". Every change is an event (mail-domain and mail-outbound
// streams) through the mail store and the queue; each form answers a redirect back to
// its card, or the page with the error (user errors mapped here, once).
import { Hono, type Context } from 'hono';
import { CairnError, isCairnError, NotFoundError } from '../../../core/errors.ts';
import type { CairnEnv } from '../../../core/http/env.ts';
import { requireUser } from '../../../core/http/require-user.ts';
import type { FlashMessage } from '../../../ui/components/index.ts';
import { uiMeta } from '../web/shared/mail-access.ts';
import type { MailWebDeps, MailWebDepsFn } from '../web/mail-web-deps.ts';
import { AdminPage, type AdminDomain } from './admin-page.tsx';
import { domainRecords } from './dns-records.ts';
import { mailAdmin, requireMailAdmin } from './require-mail-admin.ts';

/** Queue items listed: enough to see what is stuck; a longer backlog is a systemic problem the logs explain better. */
export const QUEUE_VIEW_LIMIT = 200;
/** Bounced and cancelled items stay in the view this long, so a bounce can be looked into after a weekend. */
export const QUEUE_FINISHED_DAYS = 7;
/** Queue ids are 26 base32 characters (outbound-queue.ts queueIdFor); anything else is not one. */
const QUEUE_ID = /^[0-9a-z]{26}$/;

const DONE: Record<string, [text: string, card: string]> = {
  'catch-all': ['Catch-all saved.', 'domains'],
  retried: ['The message will be tried again now.', 'queue'],
  cancelled: ['The message was cancelled.', 'queue'],
};

function smtpOf(deps: MailWebDeps): NonNullable<MailWebDeps['smtp']> {
  if (!deps.smtp) throw new CairnError('smtp_unavailable', 'the SMTP side of mail is not wired', { status: 503, kind: 'server' });
  return deps.smtp;
}

/** CAIRN_SMARTHOST's host, never its credentials. */
function relayHost(smarthost: string | undefined): string | undefined {
  if (!smarthost) return undefined;
  try {
    return new URL(smarthost).hostname || undefined;
  } catch {
    return undefined;
  }
}

export function adminRoutes(depsFn: MailWebDepsFn): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  app.use('*', requireUser, requireMailAdmin);

  async function page(c: Context<CairnEnv>, flash?: FlashMessage, status: 200 | 400 | 404 | 409 = 200) {
    mailAdmin(c);
    const deps = depsFn();
    const smtp = smtpOf(deps);
    const now = Date.now();
    const [domains, users, catchAlls, queue] = await Promise.all([
      deps.auth.domains(), deps.auth.listUsers(), deps.store.catchAlls(),
      smtp.queue.recent({ finishedSince: now - QUEUE_FINISHED_DAYS * 86_400_000, limit: QUEUE_VIEW_LIMIT }),
    ]);
    const emailOf = new Map(users.map((u) => [u.id, u.email]));
    const rows: AdminDomain[] = await Promise.all([...new Set(domains.map((d) => d.toLowerCase()))].sort().map(async (domain) => {
      const account = catchAlls.get(domain);
      return {
        // dkimDnsRecord creates the domain's key on first use, so the record shown is the one mail is signed with.
        records: domainRecords(deps.config, domain, await smtp.dkimDnsRecord(domain)),
        catchAll: account ? emailOf.get(account) ?? null : null,
      };
    }));
    c.status(status);
    return c.render(
      <AdminPage csrfToken={c.var.csrfToken} domains={rows} relayHost={relayHost(deps.config.smarthost)}
        users={users.map((u) => ({ email: u.email, displayName: u.displayName })).sort((a, b) => a.email.localeCompare(b.email))}
        queue={queue} queueLimit={QUEUE_VIEW_LIMIT} finishedDays={QUEUE_FINISHED_DAYS} flash={flash} />,
      { title: 'Mail administration' },
    );
  }

  const act = (name: keyof typeof DONE, fn: (c: Context<CairnEnv>, f: Record<string, string>, deps: MailWebDeps) => Promise<unknown>) =>
    async (c: Context<CairnEnv>) => {
      mailAdmin(c);
      const raw = await c.req.parseBody();
      const f: Record<string, string> = {};
      for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') f[k] = v;
      try {
        await fn(c, f, depsFn());
        return c.redirect(`/mail/admin?done=${name}#${DONE[name]![1]}`, 303);
      } catch (e) {
        // User errors become the page with a message; 403 and server errors go to core's handler.
        if (!isCairnError(e) || e.kind === 'server' || e.status === 403) throw e;
        return page(c, { kind: 'error', text: e.message }, e.status === 404 ? 404 : e.status === 409 ? 409 : 400);
      }
    };

  const queueId = (c: Context<CairnEnv>) => {
    const id = c.req.param('id') ?? '';
    if (!QUEUE_ID.test(id)) throw new NotFoundError('No such message in the queue.', 'queue_item_not_found');
    return id;
  };

  app.get('/', (c) => {
    const done = DONE[c.req.query('done') ?? ''];
    return page(c, done ? { kind: 'success', text: done[0] } : undefined);
  });

  app.post('/catch-all', act('catch-all', async (c, f, deps) => {
    const domain = (f.domain ?? '').trim().toLowerCase();
    const email = (f.account ?? '').trim().toLowerCase();
    let accountId: string | null = null;
    if (email) {
      const user = await deps.auth.userByEmail(email);
      if (!user) throw new NotFoundError(`No user has the address ${email}.`, 'user_not_found');
      accountId = user.id;
    }
    await deps.store.setCatchAll(domain, accountId, uiMeta(c));
  }));

  app.post('/queue/:id/retry', act('retried', async (c, _f, deps) => {
    await smtpOf(deps).queue.retryNow(queueId(c), uiMeta(c));
  }));

  app.post('/queue/:id/cancel', act('cancelled', async (c, _f, deps) => {
    await smtpOf(deps).queue.cancel(queueId(c), uiMeta(c));
  }));

  return app;
}
