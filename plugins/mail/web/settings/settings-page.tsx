// The mail settings page: one card per setting, each with its own form.
import { CsrfField, MaybeFlash, type FlashMessage } from '../../../../ui/components/index.ts';
import type { MailRule, MailSettings } from '../../smtp/pipeline/mail-settings.ts';
import type { SenderLists, Signature } from './signature-events.ts';

export interface ActivityItem {
  at: string;
  what: string;
}

export interface SettingsPageProps {
  csrfToken: string;
  primary: string;
  aliases: string[];
  domains: string[];
  settings: MailSettings;
  signatures: Signature[];
  senders: SenderLists;
  mailboxes: string[];
  activity: ActivityItem[];
  flash?: FlashMessage | undefined;
}

const localInput = (iso: string | null) => (iso ? iso.slice(0, 16) : '');

export function describeRule(r: MailRule): string {
  const cond = r.conditions.map((c) => (c.op === 'exists' ? `${c.header} exists`
    : c.op === 'over' ? `size is larger than ${c.value ?? ''}` : c.op === 'under' ? `size is smaller than ${c.value ?? ''}`
      : `${c.header} ${c.op} “${c.value ?? ''}”`)).join(' and ');
  const acts = [
    r.actions.fileInto ? `move to ${r.actions.fileInto}` : '',
    r.actions.addFlags?.includes('\\Seen') ? 'mark read' : '',
    r.actions.addFlags?.includes('\\Flagged') ? 'flag' : '',
    r.actions.forwardTo?.length ? `forward a copy to ${r.actions.forwardTo.join(', ')}` : '',
    r.actions.discard ? 'discard' : '',
    r.actions.stop ? 'stop' : '',
  ].filter(Boolean).join(', ');
  return `If ${cond} ⇒ ${acts || 'nothing'}`;
}

function Section({ id, title, children }: { id: string; title: string; children?: unknown }) {
  return (
    <section class="card stack" id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children as never}
    </section>
  );
}

export function SettingsPage(p: SettingsPageProps) {
  const s = p.settings;
  const addresses = [p.primary, ...p.aliases];
  return (
    <div class="stack mail-settings">
      <link rel="stylesheet" href="/mail/compose/compose.css" />
      <div class="page-head">
        <h1>Mail settings</h1>
        <p class="muted small"><a href="/mail">Back to mail</a> · <a href="/mail/compose">New message</a> · Devices and app passwords: <a href="/account">your account</a></p>
      </div>
      <MaybeFlash message={p.flash} />

      <Section id="aliases" title="Addresses">
        <p class="muted small">Mail to these addresses arrives in your mailbox, and you can send as them. Aliases must be in {p.domains.join(', ') || 'a local domain'}.</p>
        <ul>
          <li><strong>{p.primary}</strong> <span class="muted small">(primary)</span></li>
          {p.aliases.map((a) => (
            <li data-alias={a}>
              {a}{' '}
              <form method="post" action="/mail/settings/aliases/remove" class="inline-form">
                <CsrfField token={p.csrfToken} />
                <input type="hidden" name="address" value={a} />
                <button type="submit" class="btn btn-danger btn-small">Remove</button>
              </form>
            </li>
          ))}
        </ul>
        <form method="post" action="/mail/settings/aliases" class="row">
          <CsrfField token={p.csrfToken} />
          <div class="field"><label for="alias-address">New alias</label><input id="alias-address" name="address" type="email" required placeholder={`name@${p.domains[0] ?? 'example.org'}`} /></div>
          <button type="submit" class="btn">Add alias</button>
        </form>
      </Section>

      <Section id="redirections" title="Redirection">
        <form method="post" action="/mail/settings/redirections" class="stack">
          <CsrfField token={p.csrfToken} />
          <div class="field">
            <label for="redirect-addresses">Send a copy of every message to</label>
            <textarea id="redirect-addresses" name="addresses" rows={3} placeholder="one address per line">{s.redirections.addresses.join('\n')}</textarea>
          </div>
          <label><input type="checkbox" name="keepLocalCopy" value="1" checked={s.redirections.keepLocalCopy} /> Keep a copy in my mailbox</label>
          <div class="form-actions"><button type="submit" class="btn">Save redirection</button></div>
        </form>
      </Section>

      <Section id="autoreply" title="Automatic reply">
        <form method="post" action="/mail/settings/autoreply" class="stack">
          <CsrfField token={p.csrfToken} />
          <label><input type="checkbox" name="enabled" value="1" checked={s.autoreply.enabled} /> Reply automatically to incoming mail</label>
          <div class="field"><label for="ar-subject">Subject</label><input id="ar-subject" name="subject" type="text" value={s.autoreply.subject} maxlength={200} placeholder="Auto: (the original subject)" /></div>
          <div class="field"><label for="ar-body">Message</label><textarea id="ar-body" name="body" rows={4}>{s.autoreply.body}</textarea></div>
          <div class="row">
            <div class="field"><label for="ar-start">From (UTC)</label><input id="ar-start" name="start" type="datetime-local" value={localInput(s.autoreply.start)} /></div>
            <div class="field"><label for="ar-end">Until (UTC)</label><input id="ar-end" name="end" type="datetime-local" value={localInput(s.autoreply.end)} /></div>
          </div>
          <div class="form-actions"><button type="submit" class="btn">Save automatic reply</button></div>
        </form>
      </Section>

      <Section id="signatures" title="Signatures">
        {p.signatures.length === 0 ? <p class="empty">No signatures yet.</p> : (
          <ul>
            {p.signatures.map((sig) => (
              <li data-signature={sig.id}>
                <strong>{sig.name}</strong>{sig.defaultFor.length > 0 ? <span class="muted small"> — default for {sig.defaultFor.join(', ')}</span> : null}
                <pre class="signature-preview">{sig.body}</pre>
                <form method="post" action="/mail/settings/signatures/delete" class="inline-form">
                  <CsrfField token={p.csrfToken} />
                  <input type="hidden" name="id" value={sig.id} />
                  <button type="submit" class="btn btn-danger btn-small">Delete</button>
                </form>
              </li>
            ))}
          </ul>
        )}
        <form method="post" action="/mail/settings/signatures" class="stack">
          <CsrfField token={p.csrfToken} />
          <div class="field"><label for="sig-name">Name</label><input id="sig-name" name="name" type="text" required maxlength={100} /></div>
          <div class="field"><label for="sig-body">Signature</label><textarea id="sig-body" name="body" rows={3}></textarea></div>
          <div class="field">
            <label for="sig-default">Default for</label>
            <select id="sig-default" name="defaultFor">
              <option value="">no address</option>
              {addresses.map((a) => <option value={a}>{a}</option>)}
            </select>
          </div>
          <div class="form-actions"><button type="submit" class="btn">Add signature</button></div>
        </form>
      </Section>

      <Section id="rules" title="Rules">
        {s.rules.length === 0 ? <p class="empty">No rules. Rules run on every incoming message, in order.</p> : (
          <ol>
            {s.rules.map((r) => (
              <li data-rule={r.id}>
                {describeRule(r)}{' '}
                <form method="post" action="/mail/settings/rules/apply" class="inline-form">
                  <CsrfField token={p.csrfToken} />
                  <input type="hidden" name="id" value={r.id} />
                  <button type="submit" class="btn btn-secondary btn-small">Apply to Inbox now</button>
                </form>{' '}
                <form method="post" action="/mail/settings/rules/delete" class="inline-form">
                  <CsrfField token={p.csrfToken} />
                  <input type="hidden" name="id" value={r.id} />
                  <button type="submit" class="btn btn-danger btn-small">Delete</button>
                </form>
              </li>
            ))}
          </ol>
        )}
        <form method="post" action="/mail/settings/rules" class="stack">
          <CsrfField token={p.csrfToken} />
          <div class="row">
            <div class="field">
              <label for="rule-field">When</label>
              <select id="rule-field" name="field">
                <option value="from">From</option><option value="to">To or Cc</option><option value="subject">Subject</option><option value="header">Header…</option><option value="size">Size</option>
              </select>
            </div>
            <div class="field"><label for="rule-header">Header name (for “Header…”)</label><input id="rule-header" name="header" type="text" placeholder="List-Id" /></div>
            <div class="field">
              <label for="rule-op">Test</label>
              <select id="rule-op" name="op"><option value="contains">contains</option><option value="equals">equals</option><option value="exists">exists</option><option value="over">is larger than (size)</option><option value="under">is smaller than (size)</option></select>
            </div>
            <div class="field"><label for="rule-value">Value</label><input id="rule-value" name="value" type="text" placeholder="text, or a size like 5M" /></div>
          </div>
          <div class="row">
            <div class="field">
              <label for="rule-action">Then</label>
              <select id="rule-action" name="action">
                <option value="move">Move to folder</option><option value="read">Mark read</option><option value="flag">Flag</option><option value="forward">Forward a copy to</option><option value="discard">Discard</option>
              </select>
            </div>
            <div class="field">
              <label for="rule-folder">Folder</label>
              <select id="rule-folder" name="folder">{p.mailboxes.map((m) => <option value={m}>{m}</option>)}</select>
            </div>
            <div class="field"><label for="rule-forward">Forward to (for “Forward a copy”)</label><input id="rule-forward" name="forwardTo" type="email" placeholder="assistant@example.org" /></div>
          </div>
          <label><input type="checkbox" name="stop" value="1" /> Stop: no later rule applies</label>
          <div class="form-actions"><button type="submit" class="btn">Add rule</button></div>
        </form>
      </Section>

      <Section id="senders" title="Blocked and approved senders">
        <form method="post" action="/mail/settings/senders" class="stack">
          <CsrfField token={p.csrfToken} />
          <p class="muted small">One address or domain per line (<code>someone@example.org</code>, <code>example.org</code>). Blocked senders go to Junk; approved senders never do.</p>
          <div class="row row-top">
            <div class="field"><label for="blocked">Blocked</label><textarea id="blocked" name="blocked" rows={4}>{p.senders.blocked.join('\n')}</textarea></div>
            <div class="field"><label for="approved">Approved</label><textarea id="approved" name="approved" rows={4}>{p.senders.approved.join('\n')}</textarea></div>
          </div>
          <div class="form-actions"><button type="submit" class="btn">Save senders</button></div>
        </form>
      </Section>

      <Section id="activity" title="Recent activity">
        {p.activity.length === 0 ? <p class="empty">Nothing yet.</p> : (
          <div class="table-wrap">
            <table>
              <thead><tr><th scope="col">When (UTC)</th><th scope="col">What</th></tr></thead>
              <tbody>{p.activity.map((a) => <tr><td class="small">{a.at}</td><td>{a.what}</td></tr>)}</tbody>
            </table>
          </div>
        )}
        <p class="muted small">Devices and app passwords for mail clients are managed on <a href="/account">your account page</a>.</p>
      </Section>
    </div>
  );
}
