import { describe, expect, it } from 'vitest';
import { ifHeaderHolds, parseIfHeader, submittedTokens } from './if-header.ts';
import { lockTimeout, MAX_LOCK_SECONDS, DEFAULT_LOCK_SECONDS } from './lock-store.ts';
import { coalesceRanges, MAX_RANGES, parseRanges } from './range.ts';
import { checkReadConditions } from './get.ts';

describe('If header', () => {
  const valid = (t: string) => t === 'urn:uuid:good';
  it('parses tagged and untagged lists, tokens, etags and Not', () => {
    const lists = parseIfHeader('<http://h/a> (<urn:uuid:good> ["12"]) (Not <DAV:no-lock>)')!;
    expect(lists).toEqual([[{ not: false, token: 'urn:uuid:good' }, { not: false, etag: '"12"' }], [{ not: true, token: 'DAV:no-lock' }]]);
    expect(submittedTokens(lists)).toEqual(['urn:uuid:good']);
    expect(parseIfHeader(null)).toBeUndefined();
  });
  it('holds when any list holds', () => {
    expect(ifHeaderHolds(parseIfHeader('(<urn:uuid:good>)')!, '"1"', valid)).toBe(true);
    expect(ifHeaderHolds(parseIfHeader('(<urn:uuid:bad>)')!, '"1"', valid)).toBe(false);
    expect(ifHeaderHolds(parseIfHeader('(<urn:uuid:bad>) (Not <DAV:no-lock>)')!, '"1"', valid)).toBe(true);
    expect(ifHeaderHolds(parseIfHeader('(<DAV:no-lock>)')!, '"1"', valid)).toBe(false);
    expect(ifHeaderHolds(parseIfHeader('(["1"])')!, '"1"', valid)).toBe(true);
    expect(ifHeaderHolds(parseIfHeader('(["2"])')!, '"1"', valid)).toBe(false);
    expect(ifHeaderHolds(parseIfHeader('garbage')!, '"1"', valid)).toBe(false);
  });
});

describe('Range', () => {
  const one = (start: number, end: number) => ({ kind: 'ranges', ranges: [{ start, end }] });
  it('parses one byte range', () => {
    expect(parseRanges('bytes=0-4', 10)).toEqual(one(0, 4));
    expect(parseRanges('bytes=5-', 10)).toEqual(one(5, 9));
    expect(parseRanges('bytes=-3', 10)).toEqual(one(7, 9));
    expect(parseRanges('bytes=-30', 10)).toEqual(one(0, 9));
    expect(parseRanges('bytes=8-100', 10)).toEqual(one(8, 9));
    expect(parseRanges('bytes=10-', 10)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRanges('items=0-1', 10)).toEqual({ kind: 'none' });
    expect(parseRanges('bytes=5-1', 10)).toEqual({ kind: 'none' });
    expect(parseRanges(null, 10)).toEqual({ kind: 'none' });
  });
  it('keeps several ranges in the order asked, drops unsatisfiable ones and coalesces near ones', () => {
    const big = 10_000;
    expect(parseRanges('bytes=0-9, 2000-2009', big)).toEqual({ kind: 'ranges', ranges: [{ start: 0, end: 9 }, { start: 2000, end: 2009 }] });
    expect(parseRanges('bytes=2000-2009,0-9', big)).toEqual({ kind: 'ranges', ranges: [{ start: 2000, end: 2009 }, { start: 0, end: 9 }] });
    expect(parseRanges('bytes=0-9,20-29', big)).toEqual(one(0, 29)); // a 10-byte gap costs less than a part header
    expect(parseRanges('bytes=500-999,0-600,5000-', big)).toEqual({ kind: 'ranges', ranges: [{ start: 0, end: 999 }, { start: 5000, end: 9999 }] });
    expect(parseRanges('bytes=0-9,20000-', big)).toEqual(one(0, 9));
    expect(parseRanges('bytes=20000-,30000-30001', big)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRanges('bytes=0-9,,x', big)).toEqual({ kind: 'none' });
  });
  it(`answers more than ${MAX_RANGES} ranges with the whole file`, () => {
    const specs = Array.from({ length: MAX_RANGES + 1 }, (_, i) => `${i * 1000}-${i * 1000 + 1}`).join(',');
    expect(parseRanges(`bytes=${specs}`, 100_000)).toEqual({ kind: 'none' });
    expect(coalesceRanges([{ start: 0, end: 9 }, { start: 5, end: 20 }, { start: 0, end: 1 }], 0)).toEqual([{ start: 0, end: 20 }]);
  });
});

describe('read conditions and lock timeouts', () => {
  const h = (o: Record<string, string>) => new Headers(o);
  const mod = new Date('2026-01-01T00:00:00Z');
  it('follows RFC 9110 §13.2.2', () => {
    expect(checkReadConditions(h({ 'If-None-Match': '"1", "2"' }), '"2"', mod)).toBe(304);
    expect(checkReadConditions(h({ 'If-None-Match': 'W/"2"' }), '"2"', mod)).toBe(304);
    expect(checkReadConditions(h({ 'If-Match': 'W/"2"' }), '"2"', mod)).toBe(412);
    expect(checkReadConditions(h({ 'If-Modified-Since': mod.toUTCString() }), '"2"', mod)).toBe(304);
    expect(checkReadConditions(h({ 'If-Modified-Since': new Date(mod.getTime() - 1000).toUTCString() }), '"2"', mod)).toBeUndefined();
    expect(checkReadConditions(h({ 'If-None-Match': '"9"', 'If-Modified-Since': mod.toUTCString() }), '"2"', mod)).toBeUndefined();
  });
  it('caps lock timeouts', () => {
    expect(lockTimeout('Second-600')).toBe(600);
    expect(lockTimeout('Infinite, Second-999999999')).toBe(MAX_LOCK_SECONDS);
    expect(lockTimeout(null)).toBe(DEFAULT_LOCK_SECONDS);
  });
});
