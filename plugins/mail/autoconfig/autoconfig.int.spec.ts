import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../core/http/test-client.ts';
import { createMailTestAppliance, type MailKit, type MailKitUser } from '../testing/mail-kit.ts';
import { srvRecords } from './client-config.ts';
import { autoconfigWellKnownApp, autodiscoverApp, mailConfigXmlApp } from './well-known-apps.ts';

const ports = { imapPort: 1143, imapsPort: 1993, submissionPort: 1587, submissionsPort: 1465 };

/** Elements named `tag` with their text children, from our own (flat, escaped) XML. */
function elements(xmlText: string, tag: string): string[] {
  return [...xmlText.matchAll(new RegExp(`<${tag}(?: [^>]*)?>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[0]);
}
function text(block: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(block)?.[1];
}

describe('client configuration', () => {
  let kit: MailKit;
  let alice: MailKitUser;
  beforeAll(async () => {
    kit = await createMailTestAppliance({ config: { ...ports, hostname: 'mail.example.test', publicUrl: 'https://mail.example.test' } });
    alice = await kit.addUser('alice@example.test');
  });
  afterAll(() => kit.close());
  const cfg = () => kit.appliance.config;

  it('serves Thunderbird autoconfig with the configured servers, ports and socket types', async () => {
    for (const [app, path] of [[autoconfigWellKnownApp(cfg), '/mail/config-v1.1.xml'], [mailConfigXmlApp(cfg), '/config-v1.1.xml']] as const) {
      const res = await app.request(`${path}?emailaddress=${encodeURIComponent('alice@example.test')}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/xml/);
      const body = await res.text();
      expect(body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<clientConfig version="1.1">/);
      expect(text(body, 'domain')).toBe('example.test');
      const incoming = elements(body, 'incomingServer');
      const outgoing = elements(body, 'outgoingServer');
      const summary = (blocks: string[]) => blocks.map((b) => [/type="(\w+)"/.exec(b)![1], text(b, 'hostname'), Number(text(b, 'port')), text(b, 'socketType'), text(b, 'authentication'), text(b, 'username')]);
      expect(summary(incoming)).toEqual([
        ['imap', 'mail.example.test', 1993, 'SSL', 'password-cleartext', '%EMAILADDRESS%'],
        ['imap', 'mail.example.test', 1143, 'STARTTLS', 'password-cleartext', '%EMAILADDRESS%'],
      ]);
      expect(summary(outgoing)).toEqual([
        ['smtp', 'mail.example.test', 1465, 'SSL', 'password-cleartext', '%EMAILADDRESS%'],
        ['smtp', 'mail.example.test', 1587, 'STARTTLS', 'password-cleartext', '%EMAILADDRESS%'],
      ]);
    }
    // A hostile address is not echoed.
    const res = await autoconfigWellKnownApp(cfg).request('/mail/config-v1.1.xml?emailaddress=%3Cx%3E@evil');
    expect(await res.text()).not.toContain('<x>');
  });

  it('answers an Outlook POX Autodiscover request', async () => {
    const app = autodiscoverApp(cfg);
    const req = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>alice@example.test</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>`;
    const res = await app.request('/autodiscover.xml', { method: 'POST', body: req, headers: { 'Content-Type': 'text/xml' } });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">');
    expect(body).toContain('<Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">');
    const protocols = elements(body, 'Protocol').map((b) => [text(b, 'Type'), text(b, 'Server'), Number(text(b, 'Port')), text(b, 'SSL'), text(b, 'LoginName')]);
    expect(protocols).toEqual([
      ['IMAP', 'mail.example.test', 1993, 'on', 'alice@example.test'],
      ['SMTP', 'mail.example.test', 1465, 'on', 'alice@example.test'],
    ]);
    // Capitalized path too; non-XML and oversized bodies refused.
    expect((await app.request('/Autodiscover.xml', { method: 'POST', body: req, headers: { 'Content-Type': 'application/xml; charset=utf-8' } })).status).toBe(200);
    expect((await app.request('/autodiscover.xml', { method: 'POST', body: 'a=b', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
    expect((await app.request('/autodiscover.xml', { method: 'POST', body: 'x'.repeat(20_000) + req, headers: { 'Content-Type': 'text/xml' } })).status).toBe(413);
    expect((await app.request('/autodiscover.xml', { method: 'POST', body: '<Autodiscover/>', headers: { 'Content-Type': 'text/xml' } })).status).toBe(400);
  });

  it('lists SRV records for the admin', () => {
    const names = srvRecords(cfg(), 'example.test').map((r) => `${r.name} ${r.port}`);
    expect(names).toEqual(expect.arrayContaining(['_imaps._tcp.example.test. 1993', '_imap._tcp.example.test. 1143', '_submissions._tcp.example.test. 1465', '_submission._tcp.example.test. 1587', '_caldavs._tcp.example.test. 443', '_carddavs._tcp.example.test. 443']));
  });

  it('requires login for the setup page, and shows settings, URLs and SRV records', async () => {
    const anon = new TestClient(kit.appliance.app);
    const res = await anon.get('/mail/setup');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login?next=%2Fmail%2Fsetup');
    expect((await anon.post('/mail/setup/mobileconfig', { label: 'x' })).status).not.toBe(200);

    const browser = new TestClient(kit.appliance.app);
    await browser.login(alice.email, alice.password);
    const html = await browser.page('/mail/setup');
    expect(html).toContain('_imaps._tcp.example.test. 3600 IN SRV 0 1 1993 mail.example.test.');
    expect(html).toContain('https://mail.example.test/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=alice%40example.test');
    expect(html).toContain('<td>1587</td><td>STARTTLS</td>');
  });

  it('makes a .mobileconfig whose device password authenticates over IMAP', async () => {
    const browser = new TestClient(kit.appliance.app);
    await browser.login(alice.email, alice.password);
    await browser.page('/mail/setup');
    const res = await browser.post('/mail/setup/mobileconfig', { label: 'Alice’s iPhone' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-apple-aspen-config');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="cairn-alice_example\.test\.mobileconfig"$/);
    const body = await res.text();
    for (const t of ['com.apple.mail.managed', 'com.apple.caldav.account', 'com.apple.carddav.account']) expect(body).toContain(`<string>${t}</string>`);
    expect(body).toContain('<string>https://mail.example.test/dav/</string>');
    const password = /<key>IncomingPassword<\/key>\s*<string>([^<]+)<\/string>/.exec(body)![1]!;
    expect(body).toMatch(new RegExp(`<key>CalDAVPassword</key>\\s*<string>${password}</string>`));
    expect(/<key>IncomingMailServerPortNumber<\/key>\s*<integer>(\d+)<\/integer>/.exec(body)![1]).toBe('1993');
    const who = await kit.appliance.auth.authenticate(alice.email, password, { protocol: 'imap', ip: '127.0.0.1' });
    expect(who.id).toBe(alice.userId);
    const apps = await kit.appliance.identity.listAppPasswords(alice.userId);
    expect(apps.map((a: { label: string }) => a.label)).toContain('Alice’s iPhone');
    // An empty label is refused with the page.
    expect((await browser.post('/mail/setup/mobileconfig', { label: ' ' })).status).toBe(400);
  });
});

describe('discovery endpoints mounted at their root paths', () => {
  it('answer without a session or CSRF token', async () => {
    const { createTestAppliance } = await import('../../../core/testing/test-appliance.ts');
    const mail = (await import('../index.ts')).default;
    // The mail plugin mounts them itself (plugins/mail/index.ts).
    const a = await createTestAppliance({ pluginDefs: [mail], config: ports });
    try {
      const tb = await a.app.request('http://localhost/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=a%40example.test');
      expect(tb.status).toBe(200);
      expect(await tb.text()).toContain('<port>1993</port>');
      const body = '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>a@example.test</EMailAddress></Request></Autodiscover>';
      for (const p of ['/autodiscover/autodiscover.xml', '/autodiscover/Autodiscover.xml', '/Autodiscover/Autodiscover.xml']) {
        const res = await a.app.request(`http://localhost${p}`, { method: 'POST', body, headers: { 'Content-Type': 'text/xml' } });
        expect(res.status).toBe(200);
        expect(await res.text()).toContain('<Type>IMAP</Type>');
      }
      const second = await a.app.request('http://localhost/mail/config-v1.1.xml?emailaddress=a%40example.test');
      expect(second.status).toBe(200);
      expect(await second.text()).toContain('<port>1993</port>');
    } finally {
      await a.close();
    }
  });
});
