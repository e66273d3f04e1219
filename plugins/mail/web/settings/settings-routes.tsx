// /mail/settings: aliases, redirection, automatic reply, signatures, rules (with
// "apply to Inbox now"), blocked/approved senders, and recent activity. Every change is
// an event (mail-account / mail-settings streams) through the mail services; each form
// posts to its own path and answers a redirect back to its card, or the page with the
// error.
import { parseSize } from '../../smtp/pipeline/evaluate-rules.ts';
import { Hono, type Context } from 'hono';
import { ForbiddenError, isCairnError, NotFoundError, ValidationError } from '../../../../core/errors.ts';
import type { StoredEvent } from '../../../../core/events/types.ts';
import type { CairnEnv } from '../../../../core/http/env.ts';
import { requireUser } from '../../../../core/http/require-user.ts';
import type { FlashMessage } from '../../../../ui/components/index.ts';
import { evaluateRules } from '../../smtp/pipeline/evaluate-rules.ts';
import type { MailRule, RuleActions, RuleCondition } from '../../smtp/pipeline/mail-settings.ts';
import { settingsStream } from '../../settings/settings-events.ts';
import type { MailboxInfo, SpecialUse } from '../../store/types.ts';
import { signaturesOf, uiMeta } from '../compose/compose-support.ts';
import type { MailWebDeps, MailWebDepsFn } from '../mail-web-deps.ts';
import { SettingsPage, type ActivityItem } from './settings-page.tsx';

/** Activity entries shown: the newest of the user's mail streams. */
export const ACTIVITY_ENTRIES = 50;
/** Inbox messages a rule is applied to at once (newest first). */
export const MAX_APPLY_MESSAGES = 5_000;

const DONE: Record<string, string> = {
  alias: 'Alias added.', 'alias-removed': 'Alias removed.', redirections: 'Redirection saved.', autoreply: 'Automatic reply saved.',
  signature: 'Signature saved.', 'signature-deleted': 'Signature deleted.', rule: 'Rule added.', 'rule-deleted': 'Rule deleted.',
  senders: 'Senders lists saved.', applied: 'Rule applied to the Inbox.',
};
const SECTION: Record<string, string> = {
  alias: 'aliases', 'alias-removed': 'aliases', redirections: 'redirections', autoreply: 'autoreply', signature: 'signatures',
  'signature-deleted': 'signatures', rule: 'rules', 'rule-deleted': 'rules', senders: 'senders', applied: 'rules',
};

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;
const lines = (v: string) => v.split(/[\n,;]+/).map((x) => x.trim()).filter(Boolean);
/** A datetime-local value (taken as UTC) or an ISO time → ISO, '' → null. */
function isoOrNull(v: string): string | null {
  if (!v.trim()) return null;
  const t = Date.parse(/Z|[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`);
  if (Number.isNaN(t)) throw new ValidationError(`“${v}” is not a valid time`);
  return new Date(t).toISOString();
}

export function settingsRoutes(depsFn: MailWebDepsFn): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  app.use('*', requireUser);

  async function page(c: Context<CairnEnv>, flash?: FlashMessage, status: 200 | 400 | 403 | 404 | 409 = 200) {
    const deps = depsFn();
    const user = c.var.user!;
    await deps.store.ensureAccount(user.id, uiMeta(c));
    const [aliases, domains, settings, signatures, senders, boxes] = await Promise.all([
      deps.store.aliases(user.id), deps.auth.domains(), deps.settings.settingsOf(user.id),
      signaturesOf(deps).signatures(user.id), signaturesOf(deps).senderLists(user.id), deps.store.mailboxes(user.id),
    ]);
    const activity = await recentActivity(deps, user.id, boxes);
    c.status(status);
    return c.render(
      <SettingsPage csrfToken={c.var.csrfToken} primary={user.email} aliases={aliases} domains={domains} settings={settings}
        signatures={signatures} senders={senders} mailboxes={boxes.map((b) => b.name)} activity={activity} flash={flash} />,
      { title: 'Mail settings' },
    );
  }

  const act = (name: string, fn: (c: Context<CairnEnv>, f: Record<string, string>, deps: MailWebDeps) => Promise<unknown>) =>
    async (c: Context<CairnEnv>) => {
      const raw = await c.req.parseBody();
      const f: Record<string, string> = {};
      for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') f[k] = v;
      try {
        await fn(c, f, depsFn());
        return c.redirect(`/mail/settings?done=${name}#${SECTION[name] ?? ''}`, 303);
      } catch (e) {
        if (!isCairnError(e) || e.kind === 'server') throw e;
        return page(c, { kind: 'error', text: e.message }, e.status === 403 ? 403 : e.status === 404 ? 404 : e.status === 409 ? 409 : 400);
      }
    };

  app.get('/', (c) => {
    const done = DONE[c.req.query('done') ?? ''];
    return page(c, done ? { kind: 'success', text: done } : undefined);
  });

  app.post('/aliases', act('alias', async (c, f, deps) => {
    const user = c.var.user!;
    const address = (f.address ?? '').trim().toLowerCase();
    if (!EMAIL.test(address) || address.length > 320) throw new ValidationError('Enter an address like name@example.org.');
    const domain = address.slice(address.lastIndexOf('@') + 1);
    if (!(await deps.auth.domains()).map((d) => d.toLowerCase()).includes(domain)) throw new ValidationError(`${domain} is not one of this server’s domains.`);
    if (address === user.email.toLowerCase()) throw new ValidationError('That is already your address.');
    const owner = await deps.auth.userByEmail(address);
    if (owner && owner.id !== user.id) throw new ForbiddenError(`${address} belongs to another account.`, 'alias_taken');
    // Another account's alias (a catch-all does not own the address: an alias may be carved out of it).
    const other = await deps.store.accountForAddress(address, async () => undefined, { catchAll: false });
    if (other && other !== user.id) throw new ForbiddenError(`${address} belongs to another account.`, 'alias_taken');
    await deps.store.addAlias(user.id, address, uiMeta(c));
  }));
  app.post('/aliases/remove', act('alias-removed', async (c, f, deps) => {
    const address = (f.address ?? '').trim().toLowerCase();
    if (!(await deps.store.aliases(c.var.user!.id)).includes(address)) throw new NotFoundError('You have no such alias.');
    await deps.store.removeAlias(c.var.user!.id, address, uiMeta(c));
  }));

  app.post('/redirections', act('redirections', async (c, f, deps) => {
    const addresses = lines(f.addresses ?? '');
    const bad = addresses.find((a) => !EMAIL.test(a));
    if (bad) throw new ValidationError(`“${bad}” is not an email address.`);
    await deps.settings.setRedirections(c.var.user!.id, { addresses, keepLocalCopy: f.keepLocalCopy === '1' }, uiMeta(c));
  }));

  app.post('/autoreply', act('autoreply', async (c, f, deps) => {
    await deps.settings.setAutoReply(c.var.user!.id, {
      enabled: f.enabled === '1', subject: (f.subject ?? '').trim(), body: (f.body ?? '').replace(/\r\n/g, '\n'),
      start: isoOrNull(f.start ?? ''), end: isoOrNull(f.end ?? ''),
    }, uiMeta(c));
  }));

  app.post('/signatures', act('signature', async (c, f, deps) => {
    const user = c.var.user!;
    const name = (f.name ?? '').trim();
    if (!name) throw new ValidationError('A signature needs a name.');
    const defaultFor = (f.defaultFor ?? '').trim().toLowerCase();
    const mine = [user.email.toLowerCase(), ...(await deps.store.aliases(user.id))];
    if (defaultFor && !mine.includes(defaultFor)) throw new ValidationError('Choose one of your addresses.');
    const sigs = await signaturesOf(deps).signatures(user.id);
    const id = `sig-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const next = sigs.map((s) => ({ ...s, defaultFor: s.defaultFor.filter((a) => a !== defaultFor) }));
    next.push({ id, name, body: (f.body ?? '').replace(/\r\n/g, '\n').trimEnd(), defaultFor: defaultFor ? [defaultFor] : [] });
    await signaturesOf(deps).setSignatures(user.id, next, uiMeta(c));
  }));
  app.post('/signatures/delete', act('signature-deleted', async (c, f, deps) => {
    const sigs = await signaturesOf(deps).signatures(c.var.user!.id);
    if (!sigs.some((s) => s.id === f.id)) throw new NotFoundError('No such signature.');
    await signaturesOf(deps).setSignatures(c.var.user!.id, sigs.filter((s) => s.id !== f.id), uiMeta(c));
  }));

  app.post('/rules', act('rule', async (c, f, deps) => {
    const user = c.var.user!;
    const field = f.field ?? 'from';
    const header = field === 'header' ? (f.header ?? '').trim().toLowerCase() : field;
    if (!/^[a-z0-9-]{1,100}$/.test(header) || !['from', 'to', 'subject', 'header', 'size'].includes(field)) throw new ValidationError('Name the header the rule looks at.');
    const sizeOp = f.op === 'over' || f.op === 'under';
    if ((field === 'size') !== sizeOp) throw new ValidationError('Size is compared with “is larger than” or “is smaller than”, and only size is.');
    const op = f.op === 'equals' || f.op === 'exists' || sizeOp ? f.op as RuleCondition['op'] : 'contains';
    const value = (f.value ?? '').trim();
    if (op !== 'exists' && !value) throw new ValidationError('Give the text the rule looks for.');
    if (sizeOp && parseSize(value) === undefined) throw new ValidationError('Give a size like 500K or 5M.');
    const condition: RuleCondition = op === 'exists' ? { header, op } : { header, op, value };
    const actions: RuleActions = {};
    if (f.action === 'move') {
      const folder = (f.folder ?? '').trim();
      if (!folder || !(await deps.store.mailboxByName(user.id, folder))) throw new ValidationError('Choose a folder.');
      actions.fileInto = folder;
    } else if (f.action === 'read') actions.addFlags = ['\\Seen'];
    else if (f.action === 'flag') actions.addFlags = ['\\Flagged'];
    else if (f.action === 'discard') actions.discard = true;
    else if (f.action === 'forward') {
      const to = (f.forwardTo ?? '').trim().toLowerCase();
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(to) || to.length > 320) throw new ValidationError('Give the address to forward to.');
      actions.forwardTo = [to];
    }
    else throw new ValidationError('Choose what the rule does.');
    if (f.stop === '1') actions.stop = true;
    const current = (await deps.settings.settingsOf(user.id)).rules;
    const rule: MailRule = { id: `r-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`, conditions: [condition], actions };
    await deps.settings.setRules(user.id, [...current, rule], uiMeta(c));
  }));
  app.post('/rules/delete', act('rule-deleted', async (c, f, deps) => {
    const current = (await deps.settings.settingsOf(c.var.user!.id)).rules;
    if (!current.some((r) => r.id === f.id)) throw new NotFoundError('No such rule.');
    await deps.settings.setRules(c.var.user!.id, current.filter((r) => r.id !== f.id), uiMeta(c));
  }));
  app.post('/rules/apply', act('applied', async (c, f, deps) => {
    const rule = (await deps.settings.settingsOf(c.var.user!.id)).rules.find((r) => r.id === f.id);
    if (!rule) throw new NotFoundError('No such rule.');
    await applyRuleToInbox(deps, c, rule);
  }));

  app.post('/senders', act('senders', async (c, f, deps) => {
    await signaturesOf(deps).setSenderLists(c.var.user!.id, { blocked: lines(f.blocked ?? ''), approved: lines(f.approved ?? '') }, uiMeta(c));
  }));

  return app;
}

/**
 * Runs one rule over the Inbox as delivery would (evaluate-rules.ts): matching messages
 * get its flags and are moved to its folder; "discard" moves them to Trash rather than
 * destroying mail the user already has.
 */
export async function applyRuleToInbox(deps: MailWebDeps, c: Context<CairnEnv>, rule: MailRule): Promise<number> {
  const userId = c.var.user!.id;
  const meta = uiMeta(c);
  const inbox = await deps.store.mailboxBySpecialUse(userId, 'INBOX');
  if (!inbox) return 0;
  const metas = (await deps.store.messages(inbox.id)).slice(-MAX_APPLY_MESSAGES);
  const flags = new Map<string, number[]>();
  const moves = new Map<string, number[]>();
  for (const m of metas) {
    const out = evaluateRules(await deps.store.readMessage(m.sha256), [rule]);
    if (out.matched.length === 0) continue;
    for (const fl of out.flags) flags.set(fl, [...(flags.get(fl) ?? []), m.uid]);
    const target = out.discard ? '\\Trash' : out.fileInto;
    if (target && target.toUpperCase() !== 'INBOX') moves.set(target, [...(moves.get(target) ?? []), m.uid]);
  }
  for (const [flag, uids] of flags) await deps.store.setFlags(inbox.id, uids, 'add', [flag], {}, meta);
  let moved = 0;
  for (const [target, uids] of moves) {
    const mb = target.startsWith('\\') ? await deps.store.mailboxBySpecialUse(userId, target as SpecialUse) : await deps.store.mailboxByName(userId, target);
    if (!mb || mb.id === inbox.id) continue;
    await deps.store.move(inbox.id, uids, mb.id, meta);
    moved += uids.length;
  }
  return moved;
}

const SETTINGS_TEXT: Record<string, string> = {
  'mail.RedirectionsSet': 'Redirection changed', 'mail.AutoReplySet': 'Automatic reply changed', 'mail.RulesSet': 'Rules changed',
  'mail.SignaturesSet': 'Signatures changed', 'mail.SenderListsSet': 'Blocked/approved senders changed',
  'mail.AliasAdded': 'Alias added', 'mail.AliasRemoved': 'Alias removed', 'mail.MailboxCreated': 'Folder created',
  'mail.MailboxRenamed': 'Folder renamed', 'mail.MailboxDeleted': 'Folder deleted', 'mail.QuotaSet': 'Quota changed',
};

function describe(e: StoredEvent, boxes: Map<string, MailboxInfo>, userId: string): string | undefined {
  const d = e.data as Record<string, unknown>;
  const via = e.metadata.source === 'ui' ? 'the web' : e.metadata.source === 'smtp' ? 'SMTP' : e.metadata.source === 'imap' ? 'IMAP' : e.metadata.source;
  if (e.type === 'mail.MessageAppended') {
    const mb = boxes.get(String(d.mailboxId));
    const subject = (d.index as { subject?: string } | undefined)?.subject ?? '';
    const name = mb?.name ?? 'a folder';
    if (mb?.specialUse === '\\Sent') return `Sent “${subject}” (via ${via})`;
    if (mb?.specialUse === '\\Drafts') return `Draft saved: “${subject}”`;
    if (e.metadata.source === 'smtp' || e.metadata.actor !== userId) return `Delivered to ${name}: “${subject}”`;
    return `Added to ${name}: “${subject}” (via ${via})`;
  }
  if (e.type === 'mail.MessagesExpunged') return `${(d.uids as unknown[]).length} message(s) removed from ${boxes.get(String(d.mailboxId))?.name ?? 'a folder'} (via ${via})`;
  if (e.type === 'mail.FlagsChanged') return undefined;
  if (SETTINGS_TEXT[e.type]) return `${SETTINGS_TEXT[e.type]}${typeof d.address === 'string' ? `: ${d.address}` : ''} (via ${via})`;
  if (e.type.startsWith('identity.')) return `Account: ${e.type.slice('identity.'.length).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} (via ${via})`;
  return undefined;
}

/** The newest entries of the user's mail streams (account, settings, each mailbox) and account stream. */
async function recentActivity(deps: MailWebDeps, userId: string, boxes: MailboxInfo[]): Promise<ActivityItem[]> {
  const byId = new Map(boxes.map((b) => [b.id, b]));
  const reads = [
    ...[deps.store.accountStream(userId), settingsStream(userId), `identity-user:${userId}`].map((s) => deps.events.readStream(s)),
    // A mailbox stream's version is UIDNEXT - 1: read only its tail.
    ...boxes.map((b) => deps.events.readStream(deps.store.mailboxStream(b.id), { fromStreamPosition: Math.max(1, b.uidNext - 3 * ACTIVITY_ENTRIES) })),
  ];
  const events = (await Promise.all(reads)).flat().sort((a, b) => b.position - a.position);
  const out: ActivityItem[] = [];
  for (const e of events) {
    const what = describe(e, byId, userId);
    if (!what) continue;
    out.push({ at: new Date(e.recordedAt).toISOString().replace('T', ' ').slice(0, 19), what });
    if (out.length >= ACTIVITY_ENTRIES) break;
  }
  return out;
}
