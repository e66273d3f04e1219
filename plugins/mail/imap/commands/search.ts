// SEARCH / UID SEARCH (RFC 9051 §6.4.4) with ESEARCH RETURN options (RFC 4731),
// SAVE and "$" (SEARCHRES, RFC 5182) and MODSEQ (RFC 7162 §3.1.5).
import { evaluateSearch } from '../message/search-evaluator.ts';
import type { ArgReader } from '../parser/arg-reader.ts';
import { parseSearchRequest, type SearchRequest } from '../parser/search-query.ts';
import { formatSequenceSet } from '../parser/sequence-set.ts';
import { quote } from '../response/imap-string.ts';
import type { ImapSession } from '../session/imap-session.ts';
import { SELECTED, defineCommand } from './command.ts';

function parseSearch(r: ArgReader): SearchRequest {
  r.sp();
  return parseSearchRequest(r);
}

async function runSearch(s: ImapSession, req: SearchRequest, byUid: boolean, tag: string) {
  const sel = s.requireSelected();
  const limits = s.ctx.limits;
  const { uids, highestModseq } = await evaluateSearch(req.key, sel, s.savedSearch, {
    store: s.ctx.store,
    search: s.ctx.search,
    scanBytes: limits.searchScanBytes,
    scanMessages: limits.searchScanMessages,
    batch: limits.fetchBatch,
  });
  if (highestModseq !== null) s.enableCondstore();
  const nums = byUid ? uids : uids.map((u) => sel.seqOf(u));
  // IMAP4rev2 has no untagged SEARCH: a plain SEARCH answers as ESEARCH ALL (RFC 9051 §6.4.4).
  const options = req.returnOptions ?? (s.rev2 ? ['ALL'] : null);
  if (options === null) {
    const mod = highestModseq !== null && nums.length > 0 ? ` (MODSEQ ${highestModseq})` : '';
    s.out.untagged(`SEARCH${nums.map((n) => ' ' + n).join('')}${mod}`);
    return {};
  }
  const opts = new Set(options.length === 0 ? ['ALL'] : options);
  // RFC 5182 §2.1: SAVE keeps the result (as UIDs) for "$".
  if (opts.has('SAVE')) {
    s.savedSearch = uids;
    opts.delete('SAVE');
    // RFC 5182 §2.2: SAVE alone produces no ESEARCH response.
    if (opts.size === 0) return {};
  }
  const parts = [`ESEARCH (TAG ${quote(tag)})`];
  if (byUid) parts.push('UID');
  if (nums.length > 0) {
    // RFC 4731 §3.1: MIN/MAX/ALL are omitted when nothing matched; COUNT is always there.
    if (opts.has('MIN')) parts.push(`MIN ${nums[0]}`);
    if (opts.has('MAX')) parts.push(`MAX ${nums[nums.length - 1]}`);
  }
  if (opts.has('COUNT')) parts.push(`COUNT ${nums.length}`);
  if (opts.has('ALL') && nums.length > 0) parts.push(`ALL ${formatSequenceSet(nums)}`);
  if (highestModseq !== null && nums.length > 0) parts.push(`MODSEQ ${highestModseq}`);
  s.out.untagged(parts.join(' '));
  return {};
}

export const searchCommand = defineCommand({
  name: 'SEARCH',
  states: SELECTED,
  holdsExpunges: true,
  parse: parseSearch,
  run: (s, req, tag) => runSearch(s, req, false, tag),
});

export const uidSearchCommand = defineCommand({
  name: 'UID SEARCH',
  states: SELECTED,
  parse: parseSearch,
  run: (s, req, tag) => runSearch(s, req, true, tag),
});
