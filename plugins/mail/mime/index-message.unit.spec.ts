import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_INDEX_JSON_CHARS, MAX_MIME_DEPTH, MAX_MIME_PARTS, indexMessage } from './index-message.ts';
import { partAt } from './part-at.ts';
import type { MimePart } from './types.ts';

const FIXTURES = new URL('../../../test/fixtures/mail/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));

/** What BODY[<section>.MIME] / BODY[<section>] would return. */
const header = (raw: Buffer, p: MimePart) => raw.subarray(p.headerStart, p.bodyStart).toString('utf8');
const body = (raw: Buffer, p: MimePart) => raw.subarray(p.bodyStart, p.bodyEnd).toString('utf8');

/** Offsets ordered and every node inside its parent: what FETCH relies on. */
function assertWellFormed(p: MimePart, start: number, end: number) {
  expect(p.headerStart).toBeGreaterThanOrEqual(start);
  expect(p.headerStart).toBeLessThanOrEqual(p.bodyStart);
  expect(p.bodyStart).toBeLessThanOrEqual(p.bodyEnd);
  expect(p.bodyEnd).toBeLessThanOrEqual(end);
  if (p.contentType.startsWith('multipart/')) expect(p.children?.length).toBeGreaterThan(0);
  if (p.contentType === 'message/rfc822' || p.contentType === 'message/global') expect(p.message).toBeDefined();
  for (const c of p.children ?? []) assertWellFormed(c, p.bodyStart, p.bodyEnd);
  if (p.message) assertWellFormed(p.message.structure, p.bodyStart, p.bodyEnd);
}

describe('indexMessage', () => {
  it('plain text: folded headers, the body as part 1, the envelope and decoded fields', () => {
    const raw = fixture('plain.eml');
    const ix = indexMessage(raw);
    const root = ix.structure;
    expect(root).toMatchObject({ part: '', contentType: 'text/plain', params: { charset: 'utf-8' }, encoding: '7bit', headerStart: 0, bodyEnd: raw.length, lines: 4 });
    expect(header(raw, root)).toMatch(/^Return-Path: <alice@example\.org>\r\n[\s\S]*Content-Transfer-Encoding: 7bit\r\n\r\n$/);
    expect(body(raw, root)).toBe('Hello Bob,\r\n\r\nthe quarterly numbers are attached in the next mail.\r\nRegards, Alice\r\n');
    expect(partAt(root, '1')).toBe(root);
    expect(partAt(root, '2')).toBeUndefined();
    expect(ix.envelope).toEqual({
      date: 'Tue, 1 Jul 2025 10:52:37 +0200 (CEST)',
      subject: 'Quarterly report draft',
      from: [{ name: 'Alice Example', mailbox: 'alice', host: 'example.org' }],
      sender: [{ name: 'Alice Example', mailbox: 'alice', host: 'example.org' }],
      replyTo: [{ name: 'Alice Example', mailbox: 'alice', host: 'example.org' }],
      to: [{ name: 'Bob', mailbox: 'bob', host: 'example.com' }, { name: null, mailbox: 'carol', host: 'example.com' }],
      cc: null, bcc: null, inReplyTo: null, messageId: '<report-1@example.org>',
    });
    expect(ix).toMatchObject({
      size: raw.length, subject: 'Quarterly report draft', from: 'Alice Example <alice@example.org>',
      to: ['Bob <bob@example.com>', 'carol@example.com'], cc: [], date: Date.UTC(2025, 6, 1, 8, 52, 37),
      messageIdHeader: '<report-1@example.org>', references: [], hasAttachments: false, attachmentNames: [],
    });
  });

  it('multipart/alternative: an odd quoted boundary, preamble and epilogue outside every part', () => {
    const raw = fixture('alternative.eml');
    const ix = indexMessage(raw);
    const [text, html] = ix.structure.children!;
    expect(ix.structure).toMatchObject({ contentType: 'multipart/alternative', params: { boundary: '=_alt boundary:1?' } });
    expect(ix.structure.children).toHaveLength(2);
    expect(text).toMatchObject({ part: '1', contentType: 'text/plain', params: { charset: 'us-ascii' }, lines: 1 });
    expect(header(raw, text!)).toBe('Content-Type: text/plain; charset="us-ascii"\r\n\r\n');
    expect(body(raw, text!)).toBe('Pizza at noon?');
    expect(html).toMatchObject({ part: '2', contentType: 'text/html', encoding: 'quoted-printable' });
    expect(body(raw, html!)).toBe('<p>Pizza at <b>noon</b>?</p>');
    expect(ix.envelope.from).toEqual([{ name: 'Doe, John', mailbox: 'john', host: 'example.net' }]);
    expect(ix).toMatchObject({ from: 'Doe, John <john@example.net>', inReplyTo: '<earlier@example.com>', references: ['<root@example.com>', '<earlier@example.com>'], date: Date.UTC(2025, 6, 2, 12) });
  });

  it('multipart/mixed with a nested alternative and a base64 attachment', () => {
    const raw = fixture('mixed-attachment.eml');
    const ix = indexMessage(raw);
    const [alt, pdf] = ix.structure.children!;
    expect(alt!.children!.map((c) => [c.part, c.contentType])).toEqual([['1.1', 'text/plain'], ['1.2', 'text/html']]);
    expect(body(raw, partAt(ix.structure, '1.1')!)).toBe('Invoice attached.');
    expect(body(raw, alt!)).toMatch(/^--inner\r\n[\s\S]*--inner--$/);
    expect(pdf).toMatchObject({
      part: '2', contentType: 'application/pdf', params: { name: 'invoice-2025-07.pdf' }, encoding: 'base64',
      id: '<inv@shop.example>', description: 'Invoice July', disposition: { type: 'attachment', params: { filename: 'invoice-2025-07.pdf' } }, lines: 0,
    });
    expect(Buffer.from(body(raw, pdf!), 'base64').toString()).toBe('%PDF-1.4 fake pdf content '.repeat(40));
    expect(ix).toMatchObject({ hasAttachments: true, attachmentNames: ['invoice-2025-07.pdf'] });
  });

  it('message/rfc822: its parts are numbered under it, HEADER and TEXT are the inner message\'s', () => {
    const raw = fixture('nested-rfc822.eml');
    const ix = indexMessage(raw);
    const fwd = partAt(ix.structure, '2')!;
    expect(fwd).toMatchObject({ contentType: 'message/rfc822', lines: 18 });
    expect(header(raw, fwd)).toBe('Content-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n');
    expect(body(raw, fwd)).toMatch(/^From: Frank <frank@example\.org>\r\n[\s\S]*--b2--$/);
    const inner = fwd.message!.structure;
    expect(inner).toMatchObject({ part: '2', contentType: 'multipart/alternative', headerStart: fwd.bodyStart, bodyEnd: fwd.bodyEnd });
    expect(header(raw, inner)).toMatch(/^From: Frank[\s\S]*boundary="b2"\r\n\r\n$/); // BODY[2.HEADER]
    expect(body(raw, inner)).toMatch(/^--b2\r\n[\s\S]*--b2--$/); // BODY[2.TEXT]
    expect(partAt(ix.structure, '2.1')).toMatchObject({ part: '2.1', contentType: 'text/plain' });
    expect(body(raw, partAt(ix.structure, '2.1')!)).toBe('We meet at the harbour.');
    expect(body(raw, partAt(ix.structure, '2.2')!)).toBe('<p>We meet at the harbour.</p>');
    expect(partAt(ix.structure, '2.3')).toBeUndefined();
    expect(partAt(ix.structure, '1.1')).toBeUndefined();
    expect(fwd.message!.envelope).toMatchObject({
      subject: 'Plans', messageId: '<plans@example.org>',
      from: [{ name: 'Frank', mailbox: 'frank', host: 'example.org' }],
      cc: [
        { name: null, mailbox: 'Team', host: null },
        { name: null, mailbox: 'gina', host: 'example.org' },
        { name: null, mailbox: 'hank', host: 'example.org' },
        { name: null, mailbox: null, host: null },
      ],
    });
    expect(ix).toMatchObject({ subject: 'Fwd: Plans', hasAttachments: true, attachmentNames: ['Plans.eml'] });
  });

  it('a top-level message/rfc822 is reached through part 1', () => {
    const raw = Buffer.from('Content-Type: message/rfc822\r\n\r\nSubject: inner\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\none\r\n--x\r\n\r\ntwo\r\n--x--\r\n');
    const ix = indexMessage(raw);
    expect(ix.structure.message!.structure.part).toBe('1');
    expect(body(raw, partAt(ix.structure, '1.2')!)).toBe('two');
    expect(partAt(ix.structure, '1.2')!.part).toBe('1.2');
    expect(header(raw, partAt(ix.structure, '1')!.message!.structure)).toBe('Subject: inner\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n');
  });

  it('RFC 2231 continuations with a charset give the decoded file name', () => {
    const ix = indexMessage(fixture('rfc2231.eml'));
    const sheet = ix.structure.children![1]!;
    expect(sheet.params.name).toBe('Quartalsbericht für München.xlsx');
    expect(sheet.disposition).toEqual({ type: 'attachment', params: { filename: 'Quartalsbericht für München.xlsx' } });
    expect(ix.attachmentNames).toEqual(['Quartalsbericht für München.xlsx']);
  });

  it('encoded words: raw in the envelope, decoded in the index; an empty group; a two-digit year', () => {
    const ix = indexMessage(fixture('encoded-subject.eml'));
    expect(ix.envelope.subject).toBe('=?UTF-8?B?R3LDvMOfZSBhdXMgTcO8bmNoZW4=?= =?UTF-8?Q?_=E2=82=AC?=');
    expect(ix.subject).toBe('Grüße aus München €');
    expect(ix.envelope.from).toEqual([{ name: 'Jürgen Müller', mailbox: 'juergen', host: 'example.de' }]);
    expect(ix.envelope.sender).toEqual([{ name: null, mailbox: 'list-bounces', host: 'lists.example.de' }]);
    expect(ix.envelope.replyTo).toEqual(ix.envelope.from);
    expect(ix.envelope.to).toEqual([{ name: null, mailbox: 'undisclosed-recipients', host: null }, { name: null, mailbox: null, host: null }]);
    expect(ix.envelope.bcc).toEqual([{ name: null, mailbox: 'secret', host: 'example.de' }]);
    expect(ix).toMatchObject({ from: 'Jürgen Müller <juergen@example.de>', to: [], date: Date.UTC(2025, 6, 5, 14) });
  });

  it('bare LF line endings', () => {
    const raw = fixture('lf-only.eml');
    const ix = indexMessage(raw);
    const [text, png] = ix.structure.children!;
    expect(header(raw, text!)).toBe('Content-Type: text/plain\n\n');
    expect(body(raw, text!)).toBe('line one\nline two');
    expect(text!.lines).toBe(2);
    expect(body(raw, png!)).toBe('iVBORw0KGgo=');
    expect(ix).toMatchObject({ subject: 'LF only', hasAttachments: true, attachmentNames: ['dot.png'] });
  });

  it('no Content-Type means text/plain; charset=us-ascii', () => {
    const raw = fixture('no-content-type.eml');
    const ix = indexMessage(raw);
    expect(ix.structure).toMatchObject({ contentType: 'text/plain', params: { charset: 'us-ascii' }, encoding: '7bit', lines: 1 });
    expect(body(raw, ix.structure)).toBe('just text\r\n');
  });

  it('an invalid Content-Type is text/plain too, and a multipart without boundary is demoted', () => {
    expect(indexMessage(Buffer.from('Content-Type: text\r\n\r\nx')).structure).toMatchObject({ contentType: 'text/plain', params: { charset: 'us-ascii' } });
    const noBoundary = indexMessage(Buffer.from('Content-Type: multipart/mixed\r\n\r\n--x\r\n\r\ny\r\n'));
    expect(noBoundary.structure).toMatchObject({ contentType: 'text/plain' });
    expect(noBoundary.structure.children).toBeUndefined();
  });

  it('a missing final boundary ends the last part at the end of the message', () => {
    const raw = Buffer.from('Content-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\n\r\nfirst\r\n--q\r\nContent-Type: text/plain\r\n\r\nsecond, cut off');
    const ix = indexMessage(raw);
    expect(ix.structure.children!.map((c) => body(raw, c))).toEqual(['first', 'second, cut off']);
  });

  it('a line that is not a header ends the header; a body may start without a blank line', () => {
    const raw = Buffer.from('Subject: hi\r\nthis is not a header\r\nmore\r\n');
    const ix = indexMessage(raw);
    expect(ix.subject).toBe('hi');
    expect(body(raw, ix.structure)).toBe('this is not a header\r\nmore\r\n');
  });

  it('garbage bytes give a valid text/plain index', () => {
    const raw = fixture('garbage.eml');
    const ix = indexMessage(raw);
    expect(ix.structure).toMatchObject({ part: '', contentType: 'text/plain', bodyEnd: raw.length });
    assertWellFormed(ix.structure, 0, raw.length);
    expect(ix).toMatchObject({ subject: '', from: '', to: [], date: null, hasAttachments: false });
  });

  it('never throws and keeps offsets nested, on random bytes and on mutilated fixtures', () => {
    const names = readdirSync(FIXTURES).filter((n) => n.endsWith('.eml'));
    for (let round = 0; round < 300; round++) {
      let raw: Buffer;
      if (round % 3 === 0) raw = randomBytes(round * 7);
      else {
        raw = Buffer.from(fixture(names[round % names.length]!));
        for (let k = 0; k < 8; k++) raw[(round * 131 + k * 977) % raw.length] = [0x0a, 0x2d, 0x3a, 0x22, 0x00, 0x0d][k % 6]!;
        raw = raw.subarray(0, raw.length - (round % 50));
      }
      const ix = indexMessage(raw);
      assertWellFormed(ix.structure, 0, raw.length);
      expect(ix.size).toBe(raw.length);
    }
  });

  it('nesting beyond the depth limit becomes one opaque part', () => {
    const raw = fixture('deep-nesting.eml');
    const ix = indexMessage(raw);
    assertWellFormed(ix.structure, 0, raw.length);
    let node = ix.structure;
    let depth = 0;
    while (node.children) { node = node.children[0]!; depth++; }
    expect(depth).toBe(MAX_MIME_DEPTH);
    expect(node.contentType).toBe('application/octet-stream');
    expect(body(raw, node)).toContain('bottom');
  });

  it('parts beyond the limit: the rest of the body is one opaque part', () => {
    const count = MAX_MIME_PARTS + 200;
    const raw = Buffer.from('Content-Type: multipart/mixed; boundary=p\r\n\r\n' + Array.from({ length: count }, (_, i) => `--p\r\n\r\nbody ${i}\r\n`).join('') + '--p--\r\n');
    const ix = indexMessage(raw);
    const children = ix.structure.children!;
    expect(children).toHaveLength(MAX_MIME_PARTS); // the root counts as one part
    expect(body(raw, children[0]!)).toBe('body 0');
    const rest = children[children.length - 1]!;
    expect(body(raw, rest)).toMatch(new RegExp(`^body ${MAX_MIME_PARTS - 1}\\r\\n--p[\\s\\S]*body ${count - 1}\\r\\n--p--\\r\\n$`));
  });

  it('keeps the index within the event budget for huge address lists and headers', () => {
    const to = Array.from({ length: 5000 }, (_, i) => `"Recipient number ${i}" <r${i}@example.com>`).join(', ');
    const raw = Buffer.from(`From: a@example.com\r\nTo: ${to}\r\nCc: ${to}\r\nBcc: ${to}\r\nSubject: ${'x'.repeat(100_000)}\r\n\r\nbody\r\n`);
    const ix = indexMessage(raw);
    expect(JSON.stringify(ix).length).toBeLessThanOrEqual(MAX_INDEX_JSON_CHARS);
    expect(ix.envelope.to!.length).toBeGreaterThan(0);
    assertWellFormed(ix.structure, 0, raw.length);
  });

  it('is fast: a 50 KB message well under 1 ms, a 25 MB one in linear time', () => {
    const text = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit.\r\n'.repeat(250);
    const attachment = randomBytes(24_000).toString('base64').replace(/.{76}/g, '$&\r\n');
    const typical = Buffer.from(`${'Received: from relay.example.net by mx.example.com; Tue, 1 Jul 2025 10:52:37 +0200\r\n'.repeat(10)}From: "S" <s@example.net>\r\nTo: a@example.com\r\nSubject: =?utf-8?q?w=C3=B6rld?=\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\n${text}\r\n--m\r\nContent-Type: application/octet-stream; name=a.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n${attachment}\r\n--m--\r\n`);
    expect(typical.length).toBeGreaterThan(45_000);
    for (let i = 0; i < 200; i++) indexMessage(typical);
    let t = performance.now();
    for (let i = 0; i < 500; i++) indexMessage(typical);
    expect((performance.now() - t) / 500).toBeLessThan(1);

    const chunk = randomBytes(3_000_000).toString('base64').replace(/.{76}/g, '$&\r\n');
    const big = Buffer.from(`Content-Type: multipart/mixed; boundary=big\r\n\r\n${Array.from({ length: 6 }, (_, i) => `--big\r\nContent-Type: application/zip; name=f${i}.zip\r\nContent-Transfer-Encoding: base64\r\n\r\n${chunk}\r\n`).join('')}--big--\r\n`);
    expect(big.length).toBeGreaterThan(24_000_000);
    t = performance.now();
    const ix = indexMessage(big);
    expect(performance.now() - t).toBeLessThan(500);
    expect(ix.attachmentNames).toHaveLength(6);
  });
});
