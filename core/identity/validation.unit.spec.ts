import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import { createIdGenerator, ID_PATTERN } from './ids.ts';
import { checkResource, normalizeDomain, normalizeEmail } from './validation.ts';

describe('identity inputs', () => {
  it('normalizes addresses to lowercase and domains to ASCII', () => {
    expect(normalizeEmail('  Alice.Smith+tag@Example.ORG ')).toBe('alice.smith+tag@example.org');
    expect(normalizeEmail('admin@localhost')).toBe('admin@localhost');
    expect(normalizeEmail('x@Bücher.example')).toBe('x@xn--bcher-kva.example');
    expect(normalizeDomain('Mail.Example.org.')).toBe('mail.example.org');
    for (const bad of ['', 'a@', 'a@b@c', '.a@b.org', 'a.@b.org', 'a@-b.org', 'ä@b.org']) expect(() => normalizeEmail(bad)).toThrow(ValidationError);
  });

  it('accepts resource ids of printable ASCII only', () => {
    expect(checkResource('calendar:01JABC')).toBe('calendar:01JABC');
    expect(checkResource('drive-folder:01J/a@b')).toBe('drive-folder:01J/a@b');
    expect(() => checkResource('nope')).toThrow(ValidationError);
  });
});

describe('ids', () => {
  it('are ULID-shaped and strictly increasing, also within one millisecond', () => {
    const next = createIdGenerator();
    const ids = Array.from({ length: 1000 }, (_, i) => next(1_700_000_000_000 + (i >> 4)));
    expect(ids.every((id) => ID_PATTERN.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(next(0) > ids[ids.length - 1]!).toBe(true); // a clock stepping back does not go backwards
  });
});
