// What delivery needs to know about a user's mail preferences. The mail plugin backs
// this with events (settings are user data, DESIGN.md "Not everything is an event");
// the SMTP code only reads it, through `MailSettingsLookup`.
import type { SpecialUse } from '../../store/types.ts';

export interface Redirections {
  /** Addresses that receive a copy of every message delivered to the user (local or remote). */
  addresses: string[];
  /** Also keep the message in the user's own mailbox. false = forward only. */
  keepLocalCopy: boolean;
}

export interface AutoReplySettings {
  enabled: boolean;
  /** Subject of the reply; empty = "Auto: <original subject>" (RFC 3834 §3.1.5). */
  subject: string;
  /** Plain-text body of the reply. */
  body: string;
  /** ISO 8601 instants; the reply is active in [start, end). null = open-ended. */
  start: string | null;
  end: string | null;
  /** Days between two replies to the same sender; default AUTOREPLY_DEFAULT_INTERVAL_DAYS. */
  intervalDays?: number;
}

/**
 * One condition on a header, or on the size; all conditions of a rule must hold.
 * Header comparisons are case-insensitive; 'over'/'under' compare the message size with
 * `value` ("500K", "5M") and ignore `header` (conventionally 'size').
 */
export interface RuleCondition {
  /** Header field name (from, to, cc, subject, list-id, …); `to` also matches Cc. */
  header: string;
  op: 'contains' | 'equals' | 'exists' | 'over' | 'under';
  value?: string;
}

export interface RuleActions {
  /** Mailbox name (e.g. "Lists/cairn") or a special use (\Junk, \Archive…). Missing mailboxes fall back to INBOX. */
  fileInto?: string | SpecialUse;
  /** Flags/keywords to set (\Seen, \Flagged, $label…). */
  addFlags?: string[];
  /** Forward a copy to these addresses (the message is still kept unless `discard`). */
  forwardTo?: string[];
  /** Drop the local copy (redirections still apply). */
  discard?: boolean;
  /** Do not evaluate the rules after this one. */
  stop?: boolean;
}

export interface MailRule {
  id: string;
  conditions: RuleCondition[];
  actions: RuleActions;
}

export interface MailSettings {
  redirections: Redirections;
  autoreply: AutoReplySettings;
  /** Evaluated in order at delivery; every matching rule applies until one says stop. */
  rules: MailRule[];
  /**
   * Personal senders lists (addresses, or `@domain` for a domain and its subdomains),
   * matched against the envelope sender and the From addresses: blocked ⇒ \Junk,
   * approved ⇒ never \Junk (approved wins). Absent = empty.
   */
  senders?: { blocked: string[]; approved: string[] };
}

export interface MailSettingsLookup {
  settingsOf(userId: string): Promise<MailSettings>;
}

export function defaultMailSettings(): MailSettings {
  return {
    redirections: { addresses: [], keepLocalCopy: true },
    autoreply: { enabled: false, subject: '', body: '', start: null, end: null },
    rules: [],
  };
}

/** Settings nobody has changed: what delivery uses when the plugin gives no lookup. */
export const noMailSettings: MailSettingsLookup = { settingsOf: async () => defaultMailSettings() };

/** For specs and benchmarks: settings held in a map, changed by assignment. */
export function memoryMailSettings(initial: Record<string, Partial<MailSettings>> = {}): MailSettingsLookup & { set(userId: string, s: Partial<MailSettings>): void } {
  const map = new Map<string, MailSettings>();
  const set = (userId: string, s: Partial<MailSettings>) => map.set(userId, { ...defaultMailSettings(), ...s });
  for (const [k, v] of Object.entries(initial)) set(k, v);
  return {
    set,
    settingsOf: async (userId) => map.get(userId) ?? defaultMailSettings(),
  };
}
