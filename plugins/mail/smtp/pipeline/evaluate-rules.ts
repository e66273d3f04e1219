// Delivery rules: a small, Sieve-like subset (RFC 5228 "header :contains/:is", "exists",
// "size :over/:under", "fileinto", "addflag" from RFC 5232, "redirect :copy" (RFC 3894)
// as forward, "discard", "stop"), pure so it is unit-tested
// without a store.
//
// Semantics: rules run in order; each matching rule's actions apply (a later fileInto
// wins, flags accumulate) until a matching rule says stop. A rule with no conditions
// matches every message. Header values are compared after RFC 2047 decoding,
// case-insensitively (RFC 5228 §2.7.3's default comparator i;ascii-casemap).
import type { SpecialUse } from '../../store/types.ts';
import { decodeMimeWords } from '../mime-words.ts';
import { headerValues } from '../raw-message.ts';
import type { MailRule, RuleCondition } from './mail-settings.ts';

/** Rules evaluated per delivery: beyond this the list is a configuration mistake, not a filter. */
export const MAX_RULES = 200;

export interface RuleOutcome {
  /** Target chosen by a rule (mailbox name or special use), or null for the default. */
  fileInto: string | SpecialUse | null;
  flags: string[];
  discard: boolean;
  /** Addresses matching rules forward a copy to (RFC 5228 §4.2 "redirect" with :copy, RFC 3894). */
  forwardTo: string[];
  /** Ids of the rules that matched, for logs. */
  matched: string[];
}

export function evaluateRules(raw: Buffer, rules: readonly MailRule[]): RuleOutcome {
  const out: RuleOutcome = { fileInto: null, flags: [], discard: false, forwardTo: [], matched: [] };
  const cache = new Map<string, string[]>();
  const values = (name: string): string[] => {
    const key = name.toLowerCase();
    let v = cache.get(key);
    if (!v) {
      const names = key === 'to' ? ['to', 'cc'] : [key];
      v = names.flatMap((n) => headerValues(raw, n)).map((s) => decodeMimeWords(s).toLowerCase());
      cache.set(key, v);
    }
    return v;
  };
  for (const rule of rules.slice(0, MAX_RULES)) {
    if (!rule.conditions.every((c) => (c.op === 'over' || c.op === 'under' ? sizeMatches(c, raw.length) : matches(c, values(c.header))))) continue;
    out.matched.push(rule.id);
    const a = rule.actions;
    if (a.fileInto) out.fileInto = a.fileInto;
    for (const f of a.addFlags ?? []) if (!out.flags.includes(f)) out.flags.push(f);
    if (a.discard) out.discard = true;
    for (const f of a.forwardTo ?? []) if (!out.forwardTo.includes(f)) out.forwardTo.push(f);
    if (a.stop) break;
  }
  return out;
}

function matches(c: RuleCondition, values: string[]): boolean {
  if (c.op === 'exists') return values.length > 0;
  const needle = (c.value ?? '').toLowerCase();
  if (c.op === 'equals') return values.some((v) => v === needle);
  return values.some((v) => v.includes(needle));
}

/** RFC 5228 §5.9 "size :over / :under" with the K/M/G multipliers of §2.4.2 (powers of 1024). */
function sizeMatches(c: RuleCondition, size: number): boolean {
  const limit = parseSize(c.value ?? '');
  if (limit === undefined) return false;
  return c.op === 'over' ? size > limit : size < limit;
}

export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d{1,12})\s*([KMG]?)B?\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * unit;
}
