import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { headerValues } from '../raw-message.ts';
import { buildDsn, statusFromReply } from './build-dsn.ts';

const original = Buffer.from('From: alice@example.test\r\nTo: bob@remote.test\r\nSubject: Hello\r\nMessage-ID: <m1@example.test>\r\n\r\nsecret body\r\n');

describe('DSN (RFC 3464)', () => {
  const dsn = buildDsn({
    reportingMta: 'mx.example.test', sender: 'alice@example.test', recipient: 'bob@remote.test', status: '5.1.1',
    diagnostic: '550 5.1.1 <bob@remote.test>: no such user\r\nsecond line', diagnosticType: 'smtp', remoteMta: 'mx.remote.test',
    queueId: 'q1', arrivalDate: Date.UTC(2025, 0, 1), lastAttemptDate: Date.UTC(2025, 0, 1, 0, 1), original, now: Date.UTC(2025, 0, 1, 0, 1),
  });

  it('is a multipart/report with the three parts', async () => {
    const parsed = await simpleParser(dsn);
    expect(headerValues(dsn, 'content-type')[0]).toMatch(/^multipart\/report; report-type=delivery-status; boundary=/);
    expect(parsed.subject).toBe('Undelivered Mail Returned to Sender');
    expect(headerValues(dsn, 'auto-submitted')).toEqual(['auto-replied']);
    expect(parsed.text).toContain('bob@remote.test');
    const text = dsn.toString();
    expect(text).toContain('Content-Type: message/delivery-status');
    expect(text).toContain('Content-Type: text/rfc822-headers');
  });

  it('carries the per-message and per-recipient fields on single lines', () => {
    const text = dsn.toString();
    expect(text).toContain('Reporting-MTA: dns; mx.example.test');
    expect(text).toContain('Final-Recipient: rfc822; bob@remote.test');
    expect(text).toContain('Action: failed');
    expect(text).toContain('Status: 5.1.1');
    expect(text).toContain('Remote-MTA: dns; mx.remote.test');
    expect(text).toContain('Diagnostic-Code: smtp; 550 5.1.1 <bob@remote.test>: no such user second line');
  });

  it('quotes the original header but not its body', () => {
    const text = dsn.toString();
    expect(text).toContain('Message-ID: <m1@example.test>');
    expect(text).not.toContain('secret body');
  });

  it('takes the enhanced status from the reply, or falls back to the class', () => {
    expect(statusFromReply('550 5.7.1 refused', true)).toBe('5.7.1');
    expect(statusFromReply('550 refused', true)).toBe('5.0.0');
    expect(statusFromReply('451 4.3.0 later', false)).toBe('4.3.0');
  });
});
