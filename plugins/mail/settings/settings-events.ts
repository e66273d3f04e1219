import { z } from 'zod';

/** Addresses one user may redirect to: enough for "me at home and my assistant", not a mailing list. */
export const MAX_REDIRECTIONS = 10;
/** Delivery rules per user; each is evaluated for every incoming message. */
export const MAX_RULES = 100;
/** Conditions per rule. */
export const MAX_CONDITIONS = 10;

const redirections = z.object({ addresses: z.array(z.string().email().max(320)).max(MAX_REDIRECTIONS), keepLocalCopy: z.boolean() });
const autoreply = z.object({
  enabled: z.boolean(),
  subject: z.string().max(200),
  body: z.string().max(10_000),
  start: z.string().datetime().nullable(),
  end: z.string().datetime().nullable(),
  intervalDays: z.number().int().min(1).max(365).optional(),
});
const rule = z.object({
  id: z.string().min(1).max(64),
  // op 'over' / 'under' compare the message size with value ("500K", "5M"); header is then 'size'.
  conditions: z.array(z.object({ header: z.string().min(1).max(100), op: z.enum(['contains', 'equals', 'exists', 'over', 'under']), value: z.string().max(500).optional() })).min(1).max(MAX_CONDITIONS),
  actions: z.object({
    fileInto: z.string().min(1).max(512).optional(),
    forwardTo: z.array(z.string().email().max(320)).min(1).max(MAX_REDIRECTIONS).optional(),
    addFlags: z.array(z.string().min(1).max(200)).max(20).optional(),
    discard: z.boolean().optional(),
    stop: z.boolean().optional(),
  }),
});

/** Stream `mail-settings:<userId>`; each event replaces one whole setting. */
export const mailSettingsEvents = {
  'mail.RedirectionsSet': redirections,
  'mail.AutoReplySet': autoreply,
  'mail.RulesSet': z.object({ rules: z.array(rule).max(MAX_RULES) }),
};

export const settingsSchemas = { redirections, autoreply, rules: z.array(rule).max(MAX_RULES) };
export const settingsStream = (userId: string) => `mail-settings:${userId}`;
