import { describe, expect, it } from 'vitest';
import { appendHeaders, headerBounds, headerFields, headerValues, prependHeaders, removeHeaders, rfc5322Date } from './raw-message.ts';

const msg = (s: string) => Buffer.from(s.replace(/\n/g, '\r\n'), 'latin1');

describe('raw message header surgery', () => {
  it('reads folded fields and keeps the body out of it', () => {
    const raw = msg('From: a@x.test\nSubject: hello\n  world\nBcc: hidden@x.test\n\nSubject: not a header\n');
    expect(headerValues(raw, 'subject')).toEqual(['hello  world']); // RFC 5322 §2.2.3: unfolding removes only the CRLF
    expect(headerFields(raw).map((f) => f.name)).toEqual(['from', 'subject', 'bcc']);
    expect(raw.subarray(headerBounds(raw).bodyStart).toString()).toBe('Subject: not a header\r\n');
  });

  it('removes every Bcc field, folded lines included, and nothing else', () => {
    const raw = msg('From: a@x.test\nBcc: one@x.test,\n two@x.test\nTo: b@x.test\nbcc: three@x.test\n\nbody\n');
    expect(removeHeaders(raw, new Set(['bcc'])).toString()).toBe(msg('From: a@x.test\nTo: b@x.test\n\nbody\n').toString());
  });

  it('returns the same buffer when there is nothing to remove', () => {
    const raw = msg('From: a@x.test\n\nbody\n');
    expect(removeHeaders(raw, new Set(['bcc']))).toBe(raw);
  });

  it('prepends trace fields and appends missing ones at the end of the header, bytes elsewhere untouched', () => {
    const raw = Buffer.concat([msg('From: a@x.test\nSubject: caf'), Buffer.from([0xe9]), msg('\n\nbody\n')]);
    const out = appendHeaders(prependHeaders(raw, ['Received: from x']), ['Date: now']);
    expect(out.toString('latin1')).toBe(`Received: from x\r\nFrom: a@x.test\r\nSubject: caf\xe9\r\nDate: now\r\n\r\nbody\r\n`);
  });

  it('treats a message without a blank line as all header', () => {
    const raw = msg('From: a@x.test\nSubject: s');
    expect(headerValues(raw, 'subject')).toEqual(['s']);
    expect(appendHeaders(raw, ['Date: d']).toString()).toBe('From: a@x.test\r\nSubject: s\r\nDate: d\r\n');
  });

  it('formats RFC 5322 dates in UTC with a numeric zone', () => {
    expect(rfc5322Date(Date.UTC(2025, 2, 1, 9, 5, 7))).toBe('Sat, 01 Mar 2025 09:05:07 +0000');
  });
});
