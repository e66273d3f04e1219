import { describe, expect, test } from 'vitest';
import { safeNext } from './safe-next.ts';

describe('safeNext', () => {
  test.each([
    ['/account', '/account'],
    ['/mail/inbox?page=2#m1', '/mail/inbox?page=2#m1'],
    ['/a/../b', '/b'],
    ['/%0a', '/%0a'],
  ])('keeps local path %s', (raw, expected) => {
    expect(safeNext(raw)).toBe(expected);
  });

  test.each([
    undefined, '', 'account', 'https://evil.example/', '//evil.example', '///evil.example', '/\\evil.example',
    '\\\\evil.example', 'http:evil.example', 'javascript:alert(1)', '/\tevil', '/login', '/login?next=/x', '/logout',
    `/${'a'.repeat(3000)}`, 42,
  ])('refuses %s', (raw) => {
    expect(safeNext(raw)).toBeUndefined();
  });
});
