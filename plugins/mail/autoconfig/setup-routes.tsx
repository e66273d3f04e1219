// "Set up a device" (GET /mail/setup): manual settings, the autoconfig URLs, SRV records
// for the administrator, and an Apple configuration profile made with a new device
// password (POST /mail/setup/mobileconfig).
import { Hono } from 'hono';
import type { CairnEnv } from '../../../core/http/env.ts';
import { uiActor } from '../../../core/http/actor.ts';
import { requireUser } from '../../../core/http/require-user.ts';
import { isMailAdmin } from '../admin/require-mail-admin.ts';
import { Button, Card, CsrfField } from '../../../ui/components/index.ts';
import type { MailWebDepsFn } from '../web/mail-web-deps.ts';
import { mobileconfig, srvRecords, srvZoneText, type ClientConfig } from './client-config.ts';

/** Longest device label kept (it names the app password in lists). */
export const MAX_DEVICE_LABEL = 64;

function SetupPage(p: { cfg: ClientConfig; email: string; csrfToken: string; error?: string; admin?: boolean }) {
  const { cfg, email } = p;
  const base = cfg.publicUrl.replace(/\/+$/, '');
  const q = `?emailaddress=${encodeURIComponent(email)}`;
  const rows: [string, string, string, string][] = [
    ['Incoming (IMAP)', cfg.hostname, String(cfg.imapsPort), 'SSL/TLS'],
    ['Incoming (IMAP)', cfg.hostname, String(cfg.imapPort), 'STARTTLS'],
    ['Outgoing (SMTP)', cfg.hostname, String(cfg.submissionsPort), 'SSL/TLS'],
    ['Outgoing (SMTP)', cfg.hostname, String(cfg.submissionPort), 'STARTTLS'],
  ];
  return (
    <div class="stack">
      <h1>Set up a device</h1>
      <Card title="Apple devices (iPhone, iPad, Mac)" description="Creates a device password and a configuration profile with mail, calendars and contacts. The profile is not signed, so the device calls it “Unsigned” when you install it.">
        <form method="post" action="/mail/setup/mobileconfig" class="stack">
          <CsrfField token={p.csrfToken} />
          <div class="field">
            <label for="device-label">Device name</label>
            <input id="device-label" name="label" type="text" required maxlength={MAX_DEVICE_LABEL} placeholder="My iPhone" aria-invalid={p.error ? 'true' : undefined} aria-describedby={p.error ? 'device-label-error' : undefined} />
            {p.error ? <span class="error" id="device-label-error">{p.error}</span> : null}
          </div>
          <div class="row"><Button>Download profile</Button></div>
        </form>
      </Card>
      <Card title="Other mail apps" description="Thunderbird, Outlook and most apps find these by themselves from your address. Otherwise enter them by hand; use a device password (Account → Device passwords) rather than your account password.">
        <table class="table" id="manual-settings">
          <thead><tr><th scope="col">Server</th><th scope="col">Host name</th><th scope="col">Port</th><th scope="col">Security</th></tr></thead>
          <tbody>{rows.map(([what, host, port, tls]) => <tr><td>{what}</td><td><code>{host}</code></td><td>{port}</td><td>{tls}</td></tr>)}</tbody>
        </table>
        <p>User name: <code>{email}</code> · Authentication: normal password</p>
      </Card>
      <Card title="Automatic configuration" description="The addresses clients ask for your settings.">
        <ul class="list">
          <li><code>{`${base}/.well-known/autoconfig/mail/config-v1.1.xml${q}`}</code> (Thunderbird)</li>
          <li><code>{`${base}/mail/config-v1.1.xml${q}`}</code> (Thunderbird, on autoconfig.&lt;domain&gt;)</li>
          <li><code>{`${base}/autodiscover/autodiscover.xml`}</code> (Outlook, POST)</li>
        </ul>
      </Card>
      <Card title="DNS records for the administrator" description="SRV records (RFC 6186, RFC 6764) let clients find the servers from the mail domain.">
        <pre id="srv-records">{srvZoneText(srvRecords(cfg, email.split('@')[1] ?? cfg.hostname))}</pre>
        {p.admin ? <p class="small">Every record of every domain (MX, SPF, DKIM, DMARC), catch-all addresses and the outbound queue: <a href="/mail/admin" id="mail-admin-link">Mail administration</a>.</p> : null}
      </Card>
    </div>
  );
}

export function setupRoutes(deps: MailWebDepsFn): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  app.use('*', requireUser);
  app.get('/', (c) => c.render(<SetupPage cfg={deps().config} email={c.var.user!.email} csrfToken={c.var.csrfToken} admin={isMailAdmin(c.var.user)} />, { title: 'Set up a device' }));
  app.post('/mobileconfig', async (c) => {
    const user = c.var.user!;
    const f = await c.req.parseBody();
    const label = String(f.label ?? '').trim();
    if (!label || label.length > MAX_DEVICE_LABEL || /[\p{Cc}]/u.test(label)) {
      c.status(400);
      return c.render(<SetupPage cfg={deps().config} email={user.email} csrfToken={c.var.csrfToken} error={`Name the device (at most ${MAX_DEVICE_LABEL} characters).`} />, { title: 'Set up a device' });
    }
    const { password } = await deps().identity.createAppPassword(user.id, label, uiActor(c));
    const body = mobileconfig(deps().config, { email: user.email, name: user.displayName || user.email, password, label });
    const file = `cairn-${user.email.replace(/[^A-Za-z0-9.-]/g, '_')}.mobileconfig`;
    return c.body(body, 200, {
      'Content-Type': 'application/x-apple-aspen-config',
      'Content-Disposition': `attachment; filename="${file}"`,
      'Cache-Control': 'no-store',
    });
  });
  return app;
}
