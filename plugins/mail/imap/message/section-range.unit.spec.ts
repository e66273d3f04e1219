import { describe, expect, it } from 'vitest';
import { indexMessage } from '../../mime/index-message.ts';
import type { Section } from '../parser/fetch-items.ts';
import { filterHeader, headerValues } from './header-fields.ts';
import { sectionRange } from './section-range.ts';
import { decodeQuotedPrintable, decodeTransferEncoding } from './transfer-decoding.ts';

const raw = Buffer.from(
  [
    'Subject: outer',
    'X-Long: folded',
    '  continuation',
    'Content-Type: multipart/mixed; boundary=b1',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    'first part',
    '--b1',
    'Content-Type: message/rfc822',
    '',
    'Subject: inner',
    'Content-Type: multipart/alternative; boundary=b2',
    '',
    '--b2',
    'Content-Type: text/plain',
    '',
    'inner plain',
    '--b2',
    'Content-Type: text/html',
    '',
    '<p>inner html</p>',
    '--b2--',
    '--b1--',
    '',
  ].join('\r\n'),
);
const idx = indexMessage(raw);
const sec = (path: number[], spec: Section['spec'] = null, fields: string[] = []): Section => ({ path, spec, fields });
const text = (s: Section) => {
  const r = sectionRange(idx.structure, raw.length, s);
  if (!r) return null;
  const bytes = raw.subarray(r.start, r.end);
  return (r.headerFilter ? filterHeader(bytes, r.headerFilter.fields, r.headerFilter.not) : bytes).toString();
};

describe('BODY[section] ranges (RFC 9051 §6.4.5)', () => {
  it('finds parts, nested message parts, headers and MIME headers', () => {
    expect(text(sec([]))).toBe(raw.toString());
    expect(text(sec([], 'HEADER'))).toMatch(/^Subject: outer\r\n.*\r\n\r\n$/s);
    expect(text(sec([1]))).toBe('first part');
    expect(text(sec([1], 'MIME'))).toBe('Content-Type: text/plain\r\n\r\n');
    expect(text(sec([2], 'HEADER'))).toBe('Subject: inner\r\nContent-Type: multipart/alternative; boundary=b2\r\n\r\n');
    expect(text(sec([2, 1]))).toBe('inner plain');
    expect(text(sec([2, 2]))).toBe('<p>inner html</p>');
    expect(text(sec([2], 'TEXT'))).toMatch(/^--b2\r\n.*--b2--$/s);
    expect(text(sec([3]))).toBeNull();
    expect(text(sec([1], 'HEADER'))).toBeNull();
  });
  it('filters header fields, keeping folding and the blank line', () => {
    expect(text(sec([], 'HEADER.FIELDS', ['x-long', 'SUBJECT']))).toBe('Subject: outer\r\nX-Long: folded\r\n  continuation\r\n\r\n');
    expect(text(sec([], 'HEADER.FIELDS.NOT', ['X-Long', 'Content-Type']))).toBe('Subject: outer\r\n\r\n');
    expect(headerValues(raw, 'x-long')).toEqual(['folded  continuation']);
  });
});

describe('BINARY decoding (RFC 3516)', () => {
  it('removes base64 and quoted-printable, refuses unknown encodings', () => {
    expect(decodeTransferEncoding(Buffer.from('AAEC\r\nAw=='), 'base64')).toEqual(Buffer.from([0, 1, 2, 3]));
    expect(decodeQuotedPrintable(Buffer.from('Gr=C3=BC=\r\n=C3=9Fe =3D x')).toString()).toBe('Grüße = x');
    expect(decodeTransferEncoding(Buffer.from('x'), 'x-uuencode')).toBeNull();
  });
});
