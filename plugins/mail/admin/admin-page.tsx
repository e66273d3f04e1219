// The mail administration page: one card per local domain (DNS records to publish, the
// catch-all), then the outbound queue. Plain forms; each posts to its own path.
import { Button, Card, CsrfField, MaybeFlash, type FlashMessage } from '../../../ui/components/index.ts';
import type { OutboundRow } from '../smtp/queue/outbound-projection.ts';
import type { DomainRecords } from './dns-records.ts';

/** Users offered in the catch-all menu; beyond that a menu is unusable and an address field takes over. */
export const MAX_CATCH_ALL_CHOICES = 500;

export interface AdminDomain {
  records: DomainRecords;
  /** Email of the catch-all account, or null when off. */
  catchAll: string | null;
}

export interface AdminPageProps {
  csrfToken: string;
  domains: AdminDomain[];
  users: { email: string; displayName: string }[];
  /** Host of CAIRN_SMARTHOST when mail leaves through a relay (never its credentials). */
  relayHost: string | undefined;
  queue: OutboundRow[];
  queueLimit: number;
  finishedDays: number;
  flash?: FlashMessage | undefined;
}

const time = (ms: number) => {
  const d = new Date(ms);
  return <time datetime={d.toISOString()} data-local>{d.toISOString().slice(0, 16).replace('T', ' ')}</time>;
};
const slug = (domain: string) => domain.replace(/[^a-z0-9-]/g, '-');

function CatchAllForm(p: { domain: string; current: string | null; users: AdminPageProps['users']; csrfToken: string }) {
  const id = `catch-all-${slug(p.domain)}`;
  return (
    <form method="post" action="/mail/admin/catch-all" class="row">
      <CsrfField token={p.csrfToken} />
      <input type="hidden" name="domain" value={p.domain} />
      <div class="field">
        <label for={id}>Mail for unknown addresses goes to</label>
        {p.users.length <= MAX_CATCH_ALL_CHOICES ? (
          <select id={id} name="account">
            <option value="" selected={p.current === null}>Nobody (refused)</option>
            {p.users.map((u) => <option value={u.email} selected={p.current === u.email}>{u.displayName ? `${u.displayName} <${u.email}>` : u.email}</option>)}
          </select>
        ) : (
          <input id={id} name="account" type="email" value={p.current ?? ''} placeholder="Empty: nobody (refused)" maxlength={320} />
        )}
      </div>
      <Button variant="secondary">Save</Button>
    </form>
  );
}

function QueueTable(p: { rows: OutboundRow[]; csrfToken: string }) {
  return (
    <div class="table-wrap">
      <table class="table" id="queue-items">
        <thead><tr><th scope="col">Queued</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last error</th><th scope="col">Next attempt</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>
          {p.rows.map((r) => {
            const waiting = r.status === 'queued' || r.status === 'deferred';
            return (
              <tr data-queue-id={r.queue_id} data-status={r.status}>
                <td class="small">{time(r.queued_at)}</td>
                <td>{r.sender === '' ? <span class="muted">&lt;&gt; (no sender)</span> : r.sender}</td>
                <td>{r.recipient}</td>
                <td>{r.status}</td>
                <td>{r.attempts}</td>
                <td class="small">{r.last_error ? `${r.last_code ?? ''} ${r.last_error}`.trim() : ''}{r.last_host ? <span class="muted"> ({r.last_host})</span> : null}</td>
                <td class="small">{waiting ? time(r.next_attempt_at) : ''}</td>
                <td>
                  {waiting ? (
                    <div class="row">
                      <form method="post" action={`/mail/admin/queue/${r.queue_id}/retry`}><CsrfField token={p.csrfToken} /><Button small variant="secondary">Retry now</Button></form>
                      <form method="post" action={`/mail/admin/queue/${r.queue_id}/cancel`}><CsrfField token={p.csrfToken} /><Button small variant="danger">Cancel</Button></form>
                    </div>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function AdminPage(p: AdminPageProps) {
  return (
    <div class="stack mail-admin">
      <div class="page-head">
        <h1>Mail administration</h1>
        <p class="muted small"><a href="/mail">Back to mail</a> · <a href="/mail/setup">Set up a device</a></p>
      </div>
      <MaybeFlash message={p.flash} />
      <div class="stack" id="domains">
        {p.domains.length === 0 ? <Card><p class="muted">No mail domains yet (<code>cairn domain add</code>).</p></Card> : null}
        {p.domains.map(({ records: r, catchAll }) => (
          <Card id={`domain-${slug(r.domain)}`} title={r.domain} description="Publish these records at the domain's DNS provider: MX brings mail here, SPF, DKIM and DMARC let other servers trust mail from here, and the SRV records let mail apps find their settings.">
            <pre class="dns-records" data-domain={r.domain}>{r.zone}</pre>
            <p class="small muted">DKIM value in one piece, for DNS panels that split long TXT values themselves (name <code>{r.dkim.name}</code>):</p>
            <pre class="dkim-value" data-domain={r.domain}>{r.dkim.value}</pre>
            {p.relayHost ? <p class="small">Mail leaves through the relay <code>{p.relayHost}</code>: add what its provider documents (usually an <code>include:</code>) to the SPF record before <code>-all</code>.</p> : null}
            <CatchAllForm domain={r.domain} current={catchAll} users={p.users} csrfToken={p.csrfToken} />
          </Card>
        ))}
      </div>
      <Card id="queue" title="Outbound queue" description={`Messages waiting to leave, and those that bounced or were cancelled in the last ${p.finishedDays} days. Cancelling drops a message without telling its sender.`}>
        {p.queue.length === 0 ? <p class="muted">The queue is empty.</p> : <QueueTable rows={p.queue} csrfToken={p.csrfToken} />}
        {p.queue.length >= p.queueLimit ? <p class="small muted">Showing the {p.queueLimit} most recently changed messages.</p> : null}
      </Card>
    </div>
  );
}
