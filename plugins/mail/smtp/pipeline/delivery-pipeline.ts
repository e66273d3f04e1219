// What happens to a message once SMTP has accepted it for a local user: rules,
// redirections, the local copy, the out-of-office reply. Used by the MX server and by
// submission for local recipients alike, so internal mail behaves like external mail.
//
// Implementation notes
//
// Order: spam verdict → rules → redirections → local copy → auto reply.
// - A message flagged as spam (X-Spam-Flag/X-Spam-Status, see spam-verdict.ts) goes to
//   \Junk and nothing else happens: no rule, no forward (forwarding spam ruins the
//   forwarder's reputation), no auto reply (it would answer forged senders).
// - Redirections copy the message to each address (RFC 5228 §4.2 "redirect"). A remote
//   copy is queued with the redirecting address as envelope sender, so bounces come back
//   to the user who set the redirection up and SPF checks our domain, not the original
//   sender's (Cairn does not implement SRS); a message with the null sender keeps it, so
//   a bounce is never bounced (RFC 5321 §4.5.5). Local targets go through this pipeline
//   again, one level deeper.
// - Loop protection for redirections: each redirected copy carries
//   `Delivered-To: <address that redirected it>`; a message arriving for an address it
//   already names, or deeper than MAX_REDIRECT_DEPTH, is not redirected again and is
//   kept locally whatever keepLocalCopy says (when in doubt, keep the mail).
// - Durability: everything that makes up the delivery (local copy, redirected copies) is
//   awaited, so the 250 that follows means all of it is on disk. Errors propagate; the
//   caller answers 4xx and the client's retry is deduplicated by the idempotency keys,
//   which are derived from the transaction's key per target.
// - The auto reply is best effort: it runs after the local copy is durable, its failure
//   is logged and never fails the delivery, and the AutoreplyLog claim makes it
//   once-per-sender-per-period even when the original is retried.
import type { EventMetadata } from '../../../../core/events/types.ts';
import type { Logger } from '../../../../core/logger.ts';
import type { MailStore, SpecialUse } from '../../store/types.ts';
import { domainOf, headerAddresses, isValidAddress, normalizeAddress } from '../address.ts';
import { derivedKey } from '../delivery-key.ts';
import { headerValues, prependHeaders } from '../raw-message.ts';
import type { AutoreplyLog } from './autoreply-log.ts';
import { autoreplyDecision, autoreplyIntervalMs, buildAutoreply } from './autoreply-policy.ts';
import { evaluateRules } from './evaluate-rules.ts';
import type { MailSettings, MailSettingsLookup } from './mail-settings.ts';

/** Redirections followed through local users before we stop: a chain longer than this is a loop in all but name. */
export const MAX_REDIRECT_DEPTH = 5;
/** Redirect targets per user: a forward list, not a mailing list. */
export const MAX_REDIRECT_TARGETS = 20;

export type RemoteOrigin = 'redirect' | 'autoreply';

export interface RemoteSend {
  /** Envelope sender, '' for the null sender. */
  sender: string;
  recipients: string[];
  raw: Buffer;
  /** The user on whose behalf it is sent. */
  userId: string;
  origin: RemoteOrigin;
  idempotencyKey: string;
}

export interface DeliveryPipelineDeps {
  store: Pick<MailStore, 'deliver' | 'mailboxByName' | 'appendMessage'>;
  settings: MailSettingsLookup;
  resolveRecipient(address: string): Promise<{ userId: string } | undefined>;
  addressesOf(userId: string): Promise<string[]>;
  isLocalDomain(domain: string): Promise<boolean>;
  /** Hands a message to the outbound queue (durable when it resolves). */
  sendRemote(input: RemoteSend, meta: EventMetadata): Promise<void>;
  autoreplies: AutoreplyLog;
  hostname: string;
  now(): number;
  logger: Logger;
  /**
   * A delivered message that carries a text/calendar part (an iMIP invitation, reply or
   * cancellation, RFC 6047): handed on for the recipient's calendar when one is there.
   */
  onCalendarMessage?(userId: string, raw: Buffer): Promise<void>;
}

export interface DeliveryRequest {
  userId: string;
  /** The address the message came to (RCPT TO or a redirection target), normalized. */
  recipient: string;
  /** The message as it is stored, trace headers included. */
  raw: Buffer;
  /** Envelope sender, '' for the null sender. */
  sender: string;
  spam: boolean;
  idempotencyKey: string;
  /** How many redirections brought the message here; 0 from SMTP. */
  depth?: number;
}

export interface DeliveryOutcome {
  stored: { mailboxId: string; uid: number } | null;
  redirectedTo: string[];
  autoreplied: boolean;
  rules: string[];
}

export interface DeliveryPipeline {
  deliver(req: DeliveryRequest, meta: EventMetadata): Promise<DeliveryOutcome>;
}

export function createDeliveryPipeline(deps: DeliveryPipelineDeps): DeliveryPipeline {
  const { store, logger } = deps;

  async function storeLocal(req: DeliveryRequest, target: string | SpecialUse | null, flags: string[], meta: EventMetadata) {
    if (target && !target.startsWith('\\') && target.toUpperCase() !== 'INBOX') {
      const mailbox = await store.mailboxByName(req.userId, target);
      if (mailbox) {
        const r = await store.appendMessage(mailbox.id, { raw: req.raw, flags }, meta, { idempotencyKey: req.idempotencyKey });
        return { mailboxId: mailbox.id, uid: r.uid };
      }
      logger.warn({ userId: req.userId, mailbox: target }, 'rule names a missing mailbox; delivering to INBOX');
    }
    const mailbox = target && target.startsWith('\\') ? (target as SpecialUse) : 'INBOX';
    return store.deliver(req.userId, req.raw, { mailbox, ...(flags.length > 0 ? { flags } : {}), idempotencyKey: req.idempotencyKey }, meta);
  }

  /** Copies to `addresses` (a redirection, or a rule's "forward"); `tag` keeps their idempotency keys apart. */
  async function redirect(req: DeliveryRequest, addresses: readonly string[], tag: 'redirect' | 'forward', meta: EventMetadata): Promise<{ targets: string[]; loop: boolean }> {
    const targets = [...new Set(addresses.map(normalizeAddress))]
      .filter((a) => isValidAddress(a) && a !== req.recipient)
      .slice(0, MAX_REDIRECT_TARGETS);
    if (targets.length === 0) return { targets, loop: false };
    const depth = req.depth ?? 0;
    const seen = headerValues(req.raw, 'delivered-to').map(normalizeAddress);
    if (seen.includes(req.recipient) || depth >= MAX_REDIRECT_DEPTH) {
      logger.warn({ userId: req.userId, recipient: req.recipient, depth }, 'redirection loop; keeping the message locally');
      return { targets: [], loop: true };
    }
    const copy = prependHeaders(req.raw, [`Delivered-To: ${req.recipient}`]);
    const remote: string[] = [];
    const done: string[] = [];
    for (const target of targets) {
      const local = await deps.resolveRecipient(target);
      if (local) {
        await pipeline.deliver({
          userId: local.userId, recipient: target, raw: copy, sender: req.sender, spam: false,
          idempotencyKey: derivedKey(req.idempotencyKey, tag, target), depth: depth + 1,
        }, meta);
        done.push(target);
      } else if (await deps.isLocalDomain(domainOf(target))) {
        logger.warn({ userId: req.userId, target }, 'redirection to an unknown local address skipped');
      } else {
        remote.push(target);
      }
    }
    if (remote.length > 0) {
      await deps.sendRemote({
        sender: req.sender === '' ? '' : req.recipient, recipients: remote, raw: copy, userId: req.userId,
        origin: 'redirect', idempotencyKey: derivedKey(req.idempotencyKey, `${tag}-remote`),
      }, meta);
      done.push(...remote);
    }
    return { targets: done, loop: false };
  }

  async function autoreply(req: DeliveryRequest, settings: MailSettings, meta: EventMetadata): Promise<boolean> {
    const ar = settings.autoreply;
    if (!ar.enabled) return false;
    const now = deps.now();
    const addresses = [req.recipient, ...(await deps.addressesOf(req.userId))];
    const decision = autoreplyDecision({ raw: req.raw, sender: req.sender, userAddresses: addresses, settings: ar, now });
    if (!decision.reply) {
      logger.debug({ userId: req.userId, reason: decision.reason }, 'no auto reply');
      return false;
    }
    const to = normalizeAddress(req.sender);
    if (!(await deps.autoreplies.claim(req.userId, to, now, autoreplyIntervalMs(ar)))) return false;
    const reply = await buildAutoreply({ original: req.raw, from: req.recipient, to, settings: ar, hostname: deps.hostname, now });
    const key = derivedKey(req.idempotencyKey, 'autoreply');
    const local = await deps.resolveRecipient(to);
    if (local) {
      await pipeline.deliver({ userId: local.userId, recipient: to, raw: reply, sender: '', spam: false, idempotencyKey: key, depth: (req.depth ?? 0) + 1 }, meta);
    } else if (await deps.isLocalDomain(domainOf(to))) {
      return false;
    } else {
      // RFC 3834 §3.3: the reply goes out with the null sender.
      await deps.sendRemote({ sender: '', recipients: [to], raw: reply, userId: req.userId, origin: 'autoreply', idempotencyKey: key }, meta);
    }
    return true;
  }

  const pipeline: DeliveryPipeline = {
    async deliver(req, meta) {
      const settings = await deps.settings.settingsOf(req.userId);
      if (junkVerdict(req, settings)) {
        const stored = await store.deliver(req.userId, req.raw, { mailbox: '\\Junk', idempotencyKey: req.idempotencyKey }, meta);
        return { stored, redirectedTo: [], autoreplied: false, rules: [] };
      }
      const rules = evaluateRules(req.raw, settings.rules);
      const { targets, loop } = await redirect(req, settings.redirections.addresses, 'redirect', meta);
      // A rule's forward sends a copy and keeps the message (unless the rule also discards it).
      const forwarded = rules.forwardTo.length > 0 ? (await redirect(req, rules.forwardTo, 'forward', meta)).targets : [];
      const keep = !rules.discard && (targets.length === 0 || settings.redirections.keepLocalCopy || loop);
      const stored = keep ? await storeLocal(req, rules.fileInto, rules.flags, meta) : null;
      if (stored && deps.onCalendarMessage && req.raw.includes('text/calendar')) {
        await deps.onCalendarMessage(req.userId, req.raw).catch((err: unknown) => logger.warn({ err, userId: req.userId }, 'calendar message not applied'));
      }
      let autoreplied = false;
      try {
        autoreplied = await autoreply(req, settings, meta);
      } catch (err) {
        logger.error({ err, userId: req.userId }, 'auto reply failed');
      }
      return { stored, redirectedTo: [...targets, ...forwarded], autoreplied, rules: rules.matched };
    },
  };
  return pipeline;
}

/** Spam verdict after the user's senders lists: approved senders never go to Junk, blocked ones always do. */
function junkVerdict(req: DeliveryRequest, settings: MailSettings): boolean {
  const lists = settings.senders;
  if (!lists || (lists.blocked.length === 0 && lists.approved.length === 0)) return req.spam;
  const senders = [req.sender, ...headerAddresses(req.raw, ['from'])].map(normalizeAddress).filter(Boolean);
  const listed = (list: readonly string[]) => senders.some((a) => {
    const domain = a.slice(a.lastIndexOf('@'));
    return list.some((e) => e === a || (e.startsWith('@') && (domain === e || domain.endsWith(`.${e.slice(1)}`))));
  });
  if (listed(lists.approved)) return false;
  if (listed(lists.blocked)) return true;
  return req.spam;
}
