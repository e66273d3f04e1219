// Per-user delivery settings (redirections, automatic reply, rules) as events, read by
// the SMTP delivery pipeline through MailSettingsLookup and changed by the settings UI.
import type { Kysely } from 'kysely';
import { ValidationError } from '../../../core/errors.ts';
import type { EventLog } from '../../../core/events/event-log.ts';
import type { EventMetadata } from '../../../core/events/types.ts';
import { defaultMailSettings, type AutoReplySettings, type MailRule, type MailSettings, type MailSettingsLookup, type Redirections } from '../smtp/pipeline/mail-settings.ts';
import { settingsSchemas, settingsStream } from './settings-events.ts';

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new ValidationError(`invalid ${what}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  return r.data;
}

export function createMailSettings(deps: { events: EventLog; db: Kysely<any> }): MailSettingsLookup & {
  setRedirections(userId: string, value: Redirections, meta: EventMetadata): Promise<void>;
  setAutoReply(userId: string, value: AutoReplySettings, meta: EventMetadata): Promise<void>;
  setRules(userId: string, rules: MailRule[], meta: EventMetadata): Promise<void>;
} {
  // Blocked/approved senders (web/settings/signature-events.ts, table mail_sender_lists).
  const senderLists = async (userId: string): Promise<MailSettings['senders']> => {
    const row = await deps.db.selectFrom('mail_sender_lists').selectAll().where('account_id', '=', userId).executeTakeFirst();
    return row ? { blocked: JSON.parse(row.blocked as string), approved: JSON.parse(row.approved as string) } : undefined;
  };
  const settingsOf = async (userId: string): Promise<MailSettings> => {
    const row = await deps.db.selectFrom('mail_settings').selectAll().where('account_id', '=', userId).executeTakeFirst();
    const d = defaultMailSettings();
    const senders = await senderLists(userId);
    if (!row) return senders ? { ...d, senders } : d;
    return {
      redirections: row.redirections ? JSON.parse(row.redirections as string) : d.redirections,
      autoreply: row.autoreply ? JSON.parse(row.autoreply as string) : d.autoreply,
      rules: row.rules ? JSON.parse(row.rules as string) : d.rules,
      ...(senders ? { senders } : {}),
    };
  };
  const put = async (userId: string, type: string, data: unknown, meta: EventMetadata) => {
    await deps.events.append(settingsStream(userId), 'any', [{ type, data }], { metadata: meta });
  };
  return {
    settingsOf,
    async setRedirections(userId, value, meta) {
      const v = parse(settingsSchemas.redirections, { ...value, addresses: value.addresses.map((a) => a.trim().toLowerCase()) }, 'redirections');
      await put(userId, 'mail.RedirectionsSet', v, meta);
    },
    async setAutoReply(userId, value, meta) {
      const v = parse(settingsSchemas.autoreply, value, 'automatic reply');
      if (v.start && v.end && Date.parse(v.end) <= Date.parse(v.start)) throw new ValidationError('the automatic reply must end after it starts');
      await put(userId, 'mail.AutoReplySet', v, meta);
    },
    async setRules(userId, rules, meta) {
      await put(userId, 'mail.RulesSet', { rules: parse(settingsSchemas.rules, rules, 'rules') }, meta);
    },
  };
}
