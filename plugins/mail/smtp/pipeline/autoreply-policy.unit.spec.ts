import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { headerValues } from '../raw-message.ts';
import { autoreplyDecision, buildAutoreply } from './autoreply-policy.ts';
import type { AutoReplySettings } from './mail-settings.ts';

const settings: AutoReplySettings = { enabled: true, subject: '', body: 'I am away until Monday.', start: '2025-03-01T00:00:00Z', end: '2025-03-10T00:00:00Z' };
const now = Date.parse('2025-03-05T12:00:00Z');
const user = ['bob@example.test', 'robert@example.test'];
const msg = (headers: string) => Buffer.from(`${headers.replace(/\n/g, '\r\n')}\r\n\r\nhi\r\n`);
const plain = 'From: alice@remote.test\nTo: Bob <bob@example.test>\nSubject: Lunch?\nMessage-ID: <m1@remote.test>';

const decide = (raw: Buffer, over: Partial<{ sender: string; settings: AutoReplySettings; now: number }> = {}) =>
  autoreplyDecision({ raw, sender: over.sender ?? 'alice@remote.test', userAddresses: user, settings: over.settings ?? settings, now: over.now ?? now });

describe('auto reply policy (RFC 3834)', () => {
  it('answers a personal message inside the window', () => {
    expect(decide(msg(plain))).toEqual({ reply: true });
  });

  it.each([
    ['the null sender', { sender: '' }, plain, 'null-sender'],
    ['before the start', { now: Date.parse('2025-02-28T00:00:00Z') }, plain, 'not-started'],
    ['after the end', { now: Date.parse('2025-03-10T00:00:00Z') }, plain, 'ended'],
    ['disabled', { settings: { ...settings, enabled: false } }, plain, 'disabled'],
    ['the user\'s own address', { sender: 'Robert@Example.test' }, plain, 'own-address'],
    ['a machine address', { sender: 'MAILER-DAEMON@remote.test' }, plain, 'machine-sender'],
    ['a list -request address', { sender: 'cairn-request@lists.test' }, plain, 'machine-sender'],
  ] as const)('never answers %s', (_name, over, headers, reason) => {
    expect(decide(msg(headers), over)).toEqual({ reply: false, reason });
  });

  it.each([
    ['Auto-Submitted: auto-replied', 'auto-submitted'],
    ['Auto-Submitted: auto-generated; owner-email="x@y"', 'auto-submitted'],
    ['Precedence: bulk', 'precedence'],
    ['Precedence: list', 'precedence'],
    ['Precedence: junk', 'precedence'],
    ['List-Id: <cairn.lists.test>', 'mailing-list'],
    ['List-Unsubscribe: <mailto:u@lists.test>', 'mailing-list'],
  ])('never answers a message with %s', (header, reason) => {
    expect(decide(msg(`${plain}\n${header}`))).toEqual({ reply: false, reason });
  });

  it('answers Auto-Submitted: no (a person sent it)', () => {
    expect(decide(msg(`${plain}\nAuto-Submitted: no`))).toEqual({ reply: true });
  });

  it('does not answer mail the user got as Bcc', () => {
    expect(decide(msg('From: alice@remote.test\nTo: carol@remote.test\nSubject: x'))).toEqual({ reply: false, reason: 'not-addressed' });
  });

  it('builds a threaded, auto-replied reply', async () => {
    const raw = await buildAutoreply({ original: msg(plain), from: 'bob@example.test', to: 'alice@remote.test', settings, hostname: 'mx.example.test', now });
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('Auto: Lunch?');
    expect(parsed.inReplyTo).toBe('<m1@remote.test>');
    expect(parsed.text?.trim()).toBe('I am away until Monday.');
    expect(headerValues(raw, 'auto-submitted')).toEqual(['auto-replied']);
  });
});
