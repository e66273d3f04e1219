// ENABLE (RFC 5161): CONDSTORE (RFC 7162 §3.1), QRESYNC (RFC 7162 §3.2.3, implies
// CONDSTORE), UTF8=ACCEPT (RFC 6855 §3), IMAP4rev2 (RFC 9051 §6.3.1).
import { defineCommand } from './command.ts';

const KNOWN = new Set(['CONDSTORE', 'QRESYNC', 'UTF8=ACCEPT', 'IMAP4REV2']);

export const enableCommand = defineCommand({
  name: 'ENABLE',
  // RFC 5161 §3.1: only in the authenticated state; RFC 7162 §3.2.3 lets QRESYNC be enabled before SELECT only.
  states: ['authenticated'] as const,
  parse(r) {
    const caps: string[] = [];
    while (!r.atEnd()) {
      r.sp();
      caps.push(r.atom('a capability').toUpperCase());
    }
    if (caps.length === 0) r.sp();
    return caps;
  },
  async run(s, caps) {
    const now: string[] = [];
    for (const c of caps) {
      if (!KNOWN.has(c) || s.enabled.has(c)) continue;
      s.enabled.add(c);
      now.push(c === 'IMAP4REV2' ? 'IMAP4rev2' : c);
      if (c === 'QRESYNC' || c === 'CONDSTORE') s.condstore = true;
    }
    // RFC 5161 §3.2: ENABLED lists only what this command newly enabled.
    s.out.untagged(`ENABLED${now.map((c) => ' ' + c).join('')}`);
    return {};
  },
});
