// The pipeline against an in-memory store: rules, redirections with loop protection,
// auto reply once per sender.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../core/logger.ts';
import type { EventMetadata } from '../../../../core/events/types.ts';
import { headerValues } from '../raw-message.ts';
import { memoryAutoreplyLog } from './autoreply-log.ts';
import { createDeliveryPipeline, type RemoteSend } from './delivery-pipeline.ts';
import { memoryMailSettings, type MailSettings } from './mail-settings.ts';

const meta: EventMetadata = { actor: 'system', source: 'smtp', time: '2025-03-05T12:00:00.000Z' };
const users: Record<string, string> = { 'bob@example.test': 'bob', 'carol@example.test': 'carol' };

function setup(settings: Record<string, Partial<MailSettings>>) {
  const stored: { userId: string; mailbox: string; raw: Buffer; flags: string[]; key: string | undefined }[] = [];
  const keys = new Set<string>();
  const remote: RemoteSend[] = [];
  let now = Date.parse('2025-03-05T12:00:00Z');
  const pipeline = createDeliveryPipeline({
    store: {
      async deliver(userId, raw, opts) {
        if (opts.idempotencyKey && keys.has(opts.idempotencyKey)) return { mailboxId: 'dup', uid: 0 };
        if (opts.idempotencyKey) keys.add(opts.idempotencyKey);
        stored.push({ userId, mailbox: opts.mailbox ?? 'INBOX', raw, flags: opts.flags ?? [], key: opts.idempotencyKey });
        return { mailboxId: `${userId}:${opts.mailbox ?? 'INBOX'}`, uid: stored.length };
      },
      async mailboxByName() { return undefined; },
      async appendMessage() { throw new Error('not used'); },
    },
    settings: memoryMailSettings(settings),
    resolveRecipient: async (a) => (users[a] ? { userId: users[a] } : undefined),
    addressesOf: async (id) => Object.entries(users).filter(([, v]) => v === id).map(([k]) => k),
    isLocalDomain: async (d) => d === 'example.test',
    sendRemote: async (r) => { remote.push(r); },
    autoreplies: memoryAutoreplyLog(),
    hostname: 'mx.example.test',
    now: () => now,
    logger: silentLogger(),
  });
  return { pipeline, stored, remote, advance: (ms: number) => { now += ms; } };
}

const raw = (from = 'alice@remote.test', to = 'bob@example.test', extra = '') =>
  Buffer.from(`From: ${from}\r\nTo: ${to}\r\nSubject: hi\r\nMessage-ID: <m@remote.test>\r\n${extra}\r\nbody\r\n`);
const req = (over: Partial<Parameters<ReturnType<typeof setup>['pipeline']['deliver']>[0]> = {}) => ({
  userId: 'bob', recipient: 'bob@example.test', raw: raw(), sender: 'alice@remote.test', spam: false, idempotencyKey: 'k1', ...over,
});
const away = { autoreply: { enabled: true, subject: 'Away', body: 'Back Monday', start: null, end: null } };

describe('delivery pipeline', () => {
  it('files spam in Junk and does nothing else', async () => {
    const t = setup({ bob: { ...away, redirections: { addresses: ['x@remote.test'], keepLocalCopy: false } } });
    const out = await t.pipeline.deliver(req({ spam: true }), meta);
    expect(t.stored.map((s) => s.mailbox)).toEqual(['\\Junk']);
    expect(t.remote).toEqual([]);
    expect(out.autoreplied).toBe(false);
  });

  it('files blocked senders in Junk and keeps approved ones out of it, spam verdict or not', async () => {
    const t = setup({ bob: { senders: { blocked: ['@remote.test'], approved: ['friend@remote.test'] } } });
    await t.pipeline.deliver(req({ idempotencyKey: 'b1' }), meta);
    await t.pipeline.deliver(req({ raw: raw('friend@remote.test'), sender: 'friend@remote.test', spam: true, idempotencyKey: 'b2' }), meta);
    await t.pipeline.deliver(req({ raw: raw('x@sub.remote.test'), sender: 'x@sub.remote.test', idempotencyKey: 'b3' }), meta);
    await t.pipeline.deliver(req({ raw: raw('y@other.test'), sender: 'y@other.test', idempotencyKey: 'b4' }), meta);
    expect(t.stored.map((s) => s.mailbox)).toEqual(['\\Junk', 'INBOX', '\\Junk', 'INBOX']);
  });

  it('redirects to a remote address without a local copy, as the redirecting user', async () => {
    const t = setup({ bob: { redirections: { addresses: ['Bob.Elsewhere@remote.test'], keepLocalCopy: false } } });
    const out = await t.pipeline.deliver(req(), meta);
    expect(out.stored).toBeNull();
    expect(t.stored).toEqual([]);
    expect(t.remote).toHaveLength(1);
    expect(t.remote[0]).toMatchObject({ sender: 'bob@example.test', recipients: ['bob.elsewhere@remote.test'], origin: 'redirect', userId: 'bob' });
    expect(headerValues(t.remote[0]!.raw, 'delivered-to')).toEqual(['bob@example.test']);
  });

  it('keeps the null sender on a redirected bounce', async () => {
    const t = setup({ bob: { redirections: { addresses: ['x@remote.test'], keepLocalCopy: true } } });
    await t.pipeline.deliver(req({ sender: '' }), meta);
    expect(t.remote[0]!.sender).toBe('');
    expect(t.stored).toHaveLength(1);
  });

  it('redirects to a local user and keeps a copy', async () => {
    const t = setup({ bob: { redirections: { addresses: ['carol@example.test'], keepLocalCopy: true } } });
    await t.pipeline.deliver(req(), meta);
    expect(t.stored.map((s) => s.userId).sort()).toEqual(['bob', 'carol']);
  });

  it('stops a redirection loop and keeps the message', async () => {
    const t = setup({
      bob: { redirections: { addresses: ['carol@example.test'], keepLocalCopy: false } },
      carol: { redirections: { addresses: ['bob@example.test'], keepLocalCopy: false } },
    });
    await t.pipeline.deliver(req(), meta);
    // bob → carol → bob: bob's second visit sees its own Delivered-To and keeps it.
    expect(t.stored.map((s) => s.userId)).toEqual(['bob']);
    expect(headerValues(t.stored[0]!.raw, 'delivered-to')).toEqual(['carol@example.test', 'bob@example.test']);
  });

  it('answers once per sender per period, with the null sender', async () => {
    const t = setup({ bob: away });
    expect((await t.pipeline.deliver(req({ idempotencyKey: 'a' }), meta)).autoreplied).toBe(true);
    expect((await t.pipeline.deliver(req({ idempotencyKey: 'b' }), meta)).autoreplied).toBe(false);
    t.advance(7 * 86_400_000);
    expect((await t.pipeline.deliver(req({ idempotencyKey: 'c' }), meta)).autoreplied).toBe(true);
    expect(t.remote.map((r) => [r.sender, r.recipients, r.origin])).toEqual([['', ['alice@remote.test'], 'autoreply'], ['', ['alice@remote.test'], 'autoreply']]);
  });

  it('delivers a reply to a local sender locally, and the two responders do not loop', async () => {
    const t = setup({ bob: away, carol: away });
    await t.pipeline.deliver(req({ sender: 'carol@example.test', raw: raw('carol@example.test') }), meta);
    // bob's reply reaches carol; it is Auto-Submitted, so carol's responder stays silent.
    expect(t.stored.map((s) => s.userId)).toEqual(['bob', 'carol']);
    expect(headerValues(t.stored[1]!.raw, 'auto-submitted')).toEqual(['auto-replied']);
    expect(t.remote).toEqual([]);
  });

  it('applies rules: discard drops the local copy, flags are set', async () => {
    const t = setup({ bob: { rules: [{ id: 'flag', conditions: [{ header: 'subject', op: 'equals', value: 'hi' }], actions: { addFlags: ['\\Flagged'], fileInto: '\\Archive' } }] } });
    await t.pipeline.deliver(req(), meta);
    expect(t.stored[0]).toMatchObject({ mailbox: '\\Archive', flags: ['\\Flagged'] });
    const d = setup({ bob: { rules: [{ id: 'drop', conditions: [], actions: { discard: true } }] } });
    expect((await d.pipeline.deliver(req(), meta)).stored).toBeNull();
  });

  it('forwards a copy on a rule and keeps the message, with its own idempotency key', async () => {
    const t = setup({
      bob: {
        redirections: { addresses: ['x@remote.test'], keepLocalCopy: true },
        rules: [{ id: 'fwd', conditions: [{ header: 'subject', op: 'equals', value: 'hi' }], actions: { forwardTo: ['assistant@remote.test'] } }],
      },
    });
    const out = await t.pipeline.deliver(req(), meta);
    expect(out.redirectedTo.sort()).toEqual(['assistant@remote.test', 'x@remote.test']);
    expect(t.stored).toHaveLength(1);
    expect(t.remote.map((r) => r.recipients[0]).sort()).toEqual(['assistant@remote.test', 'x@remote.test']);
    expect(new Set(t.remote.map((r) => r.idempotencyKey)).size).toBe(2);
  });
});
