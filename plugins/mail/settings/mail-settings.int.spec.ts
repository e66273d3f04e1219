import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailTestAppliance, type MailKit } from '../testing/mail-kit.ts';
import type { createMailSettings } from './mail-settings-service.ts';

let kit: MailKit;
let settings: ReturnType<typeof createMailSettings>;
beforeAll(async () => {
  kit = await createMailTestAppliance();
  settings = kit.appliance.services.services.require('mail.settings');
});
afterAll(() => kit.close());

describe('mail settings', () => {
  it('keeps redirections, automatic reply and rules as events, read back by delivery', async () => {
    const u = await kit.addUser('settings@example.test');
    expect((await settings.settingsOf(u.userId)).redirections).toEqual({ addresses: [], keepLocalCopy: true });
    await settings.setRedirections(u.userId, { addresses: [' Home@Elsewhere.test '], keepLocalCopy: false }, kit.meta(u.userId));
    await settings.setAutoReply(u.userId, { enabled: true, subject: 'Away', body: 'Back Monday', start: null, end: '2030-01-01T00:00:00.000Z' }, kit.meta(u.userId));
    await settings.setRules(u.userId, [{ id: 'r1', conditions: [{ header: 'list-id', op: 'exists' }], actions: { fileInto: 'Lists', stop: true } }], kit.meta(u.userId));
    const s = await settings.settingsOf(u.userId);
    expect(s.redirections).toEqual({ addresses: ['home@elsewhere.test'], keepLocalCopy: false });
    expect(s.autoreply.subject).toBe('Away');
    expect(s.rules.map((r) => r.id)).toEqual(['r1']);
    expect((await kit.appliance.log.readStream(`mail-settings:${u.userId}`)).map((e) => e.type)).toEqual(['mail.RedirectionsSet', 'mail.AutoReplySet', 'mail.RulesSet']);
  });

  it('refuses invalid settings with a clear message and keeps the old ones', async () => {
    const u = await kit.addUser('strict@example.test');
    await expect(settings.setRedirections(u.userId, { addresses: ['not an address'], keepLocalCopy: true }, kit.meta())).rejects.toThrow(/invalid redirections/);
    await expect(settings.setAutoReply(u.userId, { enabled: true, subject: '', body: '', start: '2030-01-02T00:00:00.000Z', end: '2030-01-01T00:00:00.000Z' }, kit.meta())).rejects.toThrow(/end after it starts/);
    await expect(settings.setRules(u.userId, [{ id: 'x', conditions: [], actions: {} }], kit.meta())).rejects.toThrow(/invalid rules/);
    expect((await settings.settingsOf(u.userId)).rules).toEqual([]);
  });
});
