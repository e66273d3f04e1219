// LIST (RFC 9051 §6.3.9) with LIST-EXTENDED (RFC 5258) selection and return options,
// SPECIAL-USE (RFC 6154 §2), LIST-STATUS (RFC 5819) and CHILDREN attributes (RFC 3348).
import type { MailboxInfo } from '../../store/types.ts';
import { badSyntax } from '../imap-error.ts';
import { hasChildren, patternMatcher } from '../message/mailbox-pattern.ts';
import type { ArgReader } from '../parser/arg-reader.ts';
import { decodeModifiedUtf7 } from '../response/modified-utf7.ts';
import type { ImapSession } from '../session/imap-session.ts';
import { AUTHENTICATED, defineCommand } from './command.ts';
import { parseStatusItems, statusLine } from './status.ts';

interface ListArgs {
  extended: boolean;
  select: Set<string>;
  reference: string;
  patterns: string[];
  ret: Set<string>;
  statusItems: string[] | null;
}

function decodePattern(s: ImapSession, wire: string): string {
  return s.utf8 ? wire : decodeModifiedUtf7(wire) ?? wire;
}

function parseList(r: ArgReader, s: ImapSession): ListArgs {
  r.sp();
  const select = new Set<string>();
  let extended = false;
  if (r.peek() === '(') {
    extended = true;
    // list-select-opts (RFC 5258 §6)
    r.list(() => {
      const o = r.atom('a selection option').toUpperCase();
      if (!['SUBSCRIBED', 'REMOTE', 'RECURSIVEMATCH', 'SPECIAL-USE'].includes(o)) throw badSyntax(`Unknown LIST selection option ${o}`);
      select.add(o);
    });
    r.sp();
    // RFC 5258 §3: RECURSIVEMATCH alone is a syntax error.
    if (select.has('RECURSIVEMATCH') && !select.has('SUBSCRIBED') && !select.has('SPECIAL-USE')) throw badSyntax('RECURSIVEMATCH needs another selection option');
  }
  const reference = decodePattern(s, r.astring('a reference name'));
  r.sp();
  let patterns: string[];
  if (r.peek() === '(') {
    extended = true;
    patterns = r.list(() => decodePattern(s, r.listMailbox()), { allowEmpty: false });
  } else patterns = [decodePattern(s, r.listMailbox())];
  const ret = new Set<string>();
  let statusItems: string[] | null = null;
  if (r.accept(' ')) {
    if (!r.acceptKeyword('RETURN')) throw badSyntax('Expected RETURN');
    extended = true;
    r.sp();
    r.list(() => {
      const o = r.atom('a return option').toUpperCase();
      if (o === 'STATUS') {
        r.sp();
        statusItems = parseStatusItems(r);
      } else if (!['SUBSCRIBED', 'CHILDREN', 'SPECIAL-USE'].includes(o)) throw badSyntax(`Unknown LIST return option ${o}`);
      ret.add(o);
    });
  }
  r.end();
  return { extended, select, reference, patterns, ret, statusItems };
}

/** INBOX first, then by name (clients show LIST order as is). */
export function sortMailboxes<T extends { name: string }>(list: T[]): T[] {
  return [...list].sort((a, b) => (a.name === 'INBOX' ? -1 : b.name === 'INBOX' ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export const listCommand = defineCommand({
  name: 'LIST',
  states: AUTHENTICATED,
  parse: parseList,
  async run(s, a) {
    const user = s.requireUser();
    // RFC 9051 §6.3.9: an empty pattern asks for the delimiter and root.
    if (!a.select.size && a.patterns.length === 1 && a.patterns[0] === '') {
      s.out.untagged('LIST (\\Noselect) "/" ""');
      return {};
    }
    const store = s.ctx.store;
    const all = sortMailboxes(await store.mailboxes(user.id));
    const byName = new Map(all.map((m) => [m.name, m]));
    const names = all.map((m) => m.name);
    const wantsSubs = a.select.has('SUBSCRIBED') || a.ret.has('SUBSCRIBED');
    const subs = wantsSubs ? new Set(await store.subscriptions(user.id)) : new Set<string>();
    const matchers = a.patterns.map((p) => patternMatcher(a.reference, p));
    const matches = (n: string) => matchers.some((m) => m(n));

    const rows: { name: string; info: MailboxInfo | undefined; childInfo: boolean }[] = [];
    if (a.select.has('SUBSCRIBED')) {
      const subscribed = sortMailboxes([...subs].map((name) => ({ name })));
      const listed = new Set<string>();
      for (const { name } of subscribed) {
        if (!matches(name)) continue;
        rows.push({ name, info: byName.get(name), childInfo: false });
        listed.add(name);
      }
      if (a.select.has('RECURSIVEMATCH')) {
        // RFC 5258 §3.5: parents of subscribed mailboxes that match get CHILDINFO ("SUBSCRIBED").
        for (const name of names) {
          if (!matches(name)) continue;
          const prefix = name + '/';
          if (![...subs].some((x) => x.startsWith(prefix))) continue;
          const row = rows.find((x) => x.name === name);
          if (row) row.childInfo = true;
          else rows.push({ name, info: byName.get(name), childInfo: true });
          listed.add(name);
        }
      }
    } else {
      for (const info of all) {
        if (!matches(info.name)) continue;
        if (a.select.has('SPECIAL-USE') && !info.specialUse) continue;
        rows.push({ name: info.name, info, childInfo: false });
      }
    }

    for (const row of rows) {
      const attrs: string[] = [];
      if (!row.info) attrs.push('\\NonExistent');
      else attrs.push(hasChildren(row.name, names) ? '\\HasChildren' : '\\HasNoChildren');
      if (row.info?.specialUse) attrs.push(row.info.specialUse);
      if (wantsSubs && subs.has(row.name)) attrs.push('\\Subscribed');
      const ext = row.childInfo ? ' ("CHILDINFO" ("SUBSCRIBED"))' : '';
      s.out.untagged(`LIST (${attrs.join(' ')}) "/" ${s.mailboxToWire(row.name)}${ext}`);
      // RFC 5819 §2: the STATUS of each listed, selectable mailbox follows its LIST line.
      if (a.statusItems && row.info) s.out.untagged(await statusLine(s, row.info, a.statusItems));
      await s.out.maybeFlush();
    }
    return {};
  },
});
