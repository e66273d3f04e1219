import { describe, expect, it } from 'vitest';
import { indexMessage } from '../../mime/index-message.ts';
import { formatBodyStructure } from './body-structure.ts';
import { formatEnvelope } from './envelope.ts';
import { astring, nstring, str } from './imap-string.ts';
import { decodeModifiedUtf7, encodeModifiedUtf7 } from './modified-utf7.ts';

describe('modified UTF-7 (RFC 3501 §5.1.3)', () => {
  it('round-trips the RFC examples and non-BMP characters', () => {
    expect(encodeModifiedUtf7('~peter/mail/台北/日本語')).toBe('~peter/mail/&U,BTFw-/&ZeVnLIqe-');
    expect(encodeModifiedUtf7('Entwürfe & Co')).toBe('Entw&APw-rfe &- Co');
    for (const s of ['Entwürfe & Co', '~peter/mail/台北/日本語', 'emoji 😀 box', 'plain']) expect(decodeModifiedUtf7(encodeModifiedUtf7(s))).toBe(s);
  });
  it('rejects what is not modified UTF-7', () => {
    expect(decodeModifiedUtf7('a&b')).toBeNull();
    expect(decodeModifiedUtf7('&AGE-')).toBeNull(); // encodes "a", which has a direct form
    expect(decodeModifiedUtf7('Entwürfe')).toBeNull();
  });
});

describe('strings', () => {
  it('quotes, escapes, and falls back to literals', () => {
    expect(str('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
    expect(str('two\r\nlines')).toBe('{10}\r\ntwo\r\nlines');
    expect(str('Grüße')).toBe('{7}\r\nGrüße');
    expect(str('Grüße', true)).toBe('"Grüße"');
    expect(nstring(null)).toBe('NIL');
    expect(astring('INBOX')).toBe('INBOX');
    expect(astring('NIL')).toBe('"NIL"');
  });
});

const mixed = Buffer.from(
  [
    'From: "Jürgen" <jurgen@example.test>',
    'To: undisclosed:;',
    'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=',
    'Date: Wed, 04 Nov 2026 09:30:00 +0100',
    'Message-ID: <m1@example.test>',
    'Content-Type: multipart/mixed; boundary=b1',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'one line',
    '--b1',
    'Content-Type: message/rfc822',
    '',
    'Subject: inner',
    '',
    'inner body',
    '--b1--',
    '',
  ].join('\r\n'),
);

describe('ENVELOPE and BODYSTRUCTURE (RFC 9051 §7.5.2)', () => {
  const idx = indexMessage(mixed);
  it('formats the envelope, defaulting sender and reply-to to from, encoding non-ASCII names', () => {
    const env = formatEnvelope(idx.envelope, false);
    expect(env).toBe(
      '("Wed, 04 Nov 2026 09:30:00 +0100" "=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=" (("=?UTF-8?B?SsO8cmdlbg==?=" NIL "jurgen" "example.test")) (("=?UTF-8?B?SsO8cmdlbg==?=" NIL "jurgen" "example.test")) (("=?UTF-8?B?SsO8cmdlbg==?=" NIL "jurgen" "example.test")) ((NIL NIL "undisclosed" NIL)(NIL NIL NIL NIL)) NIL NIL NIL "<m1@example.test>")',
    );
    expect(formatEnvelope(idx.envelope, true)).toContain('(("Jürgen" NIL "jurgen" "example.test"))');
  });
  it('formats BODYSTRUCTURE with extension data and BODY without, including message/rfc822', () => {
    const bs = formatBodyStructure(idx.structure, true, false);
    expect(bs).toMatch(/^\(\("TEXT" "PLAIN" \("CHARSET" "utf-8"\) NIL NIL "7BIT" 8 1 NIL NIL NIL NIL\)\("MESSAGE" "RFC822" NIL NIL NIL "7BIT" \d+ \(NIL "inner" /);
    expect(bs).toMatch(/ "MIXED" \("BOUNDARY" "b1"\) NIL NIL NIL\)$/);
    const body = formatBodyStructure(idx.structure, false, false);
    expect(body).toMatch(/ "MIXED"\)$/);
    expect(body).not.toContain('BOUNDARY');
  });
});
