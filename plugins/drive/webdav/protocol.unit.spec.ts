import { describe, expect, it } from 'vitest';
import { ifHeaderHolds, parseIfHeader, submittedTokens } from './if-header.ts';
import { lockTimeout, MAX_LOCK_SECONDS, DEFAULT_LOCK_SECONDS } from './lock-store.ts';
import { parseRange } from './range.ts';
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
  it('parses one byte range', () => {
    expect(parseRange('bytes=0-4', 10)).toEqual({ kind: 'range', start: 0, end: 4 });
    expect(parseRange('bytes=5-', 10)).toEqual({ kind: 'range', start: 5, end: 9 });
    expect(parseRange('bytes=-3', 10)).toEqual({ kind: 'range', start: 7, end: 9 });
    expect(parseRange('bytes=-30', 10)).toEqual({ kind: 'range', start: 0, end: 9 });
    expect(parseRange('bytes=8-100', 10)).toEqual({ kind: 'range', start: 8, end: 9 });
    expect(parseRange('bytes=10-', 10)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-1,3-4', 10)).toEqual({ kind: 'none' });
    expect(parseRange('items=0-1', 10)).toEqual({ kind: 'none' });
    expect(parseRange(null, 10)).toEqual({ kind: 'none' });
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
