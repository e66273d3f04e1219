import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import {
  APP_PASSWORD_ALPHABET, GENERATED_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, generateAppPassword, generatePassword,
  hashAppPassword, hashPassword, looksLikeAppPassword, passwordHashCost, validatePassword, verifyAppPassword, verifyPassword,
} from './passwords.ts';

const COST = 2 ** 10;

describe('account passwords', () => {
  it('hashes with scrypt into a PHC-like string and verifies', async () => {
    const h = await hashPassword('correct horse battery', COST);
    expect(h).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(passwordHashCost(h)).toBe(COST);
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
    expect(await verifyPassword('correct horse batterY', h)).toBe(false);
    expect(await hashPassword('correct horse battery', COST)).not.toBe(h);
  });

  it('uses the default cost of 2^15', async () => {
    const h = await hashPassword('correct horse battery');
    expect(h.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifyPassword('correct horse battery', h)).toBe(true);
  });

  it('matches composed and decomposed accents (NFKC)', async () => {
    const h = await hashPassword('caf\u00e9 au lait!', COST);
    expect(await verifyPassword('cafe\u0301 au lait!', h)).toBe(true);
  });

  it('returns false for malformed or abusive stored hashes instead of throwing', async () => {
    for (const bad of ['', 'scrypt$', 'bcrypt$x', 'scrypt$1000$8$1$c2FsdA$aGFzaA', 'scrypt$4194304$8$1$c2FsdA$aGFzaA', `scrypt$1024$8$1$c2FsdA$${'A'.repeat(43)}x`]) {
      expect(await verifyPassword('whatever12', bad)).toBe(false);
    }
  });

  it('enforces the length policy', () => {
    expect(() => validatePassword('a'.repeat(MIN_PASSWORD_LENGTH - 1))).toThrow(ValidationError);
    expect(() => validatePassword('a'.repeat(MIN_PASSWORD_LENGTH))).not.toThrow();
    expect(() => validatePassword('a'.repeat(MAX_PASSWORD_LENGTH + 1))).toThrow(ValidationError);
    expect(() => validatePassword(' '.repeat(12))).toThrow(ValidationError);
    expect(() => validatePassword('alice@example.org', { login: 'Alice@example.org' })).toThrow(/must not be the login/);
  });

  it('generates strong passwords that pass the policy', () => {
    const a = generatePassword();
    expect(a).toHaveLength(GENERATED_PASSWORD_LENGTH);
    expect(a).not.toBe(generatePassword());
    expect(() => validatePassword(a)).not.toThrow();
  });
});

describe('app passwords', () => {
  it('look like abcd-efgh-jkmn-pqrs from an unambiguous alphabet', () => {
    const p = generateAppPassword();
    expect(p).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    expect([...p.replaceAll('-', '')].every((c) => APP_PASSWORD_ALPHABET.includes(c))).toBe(true);
    expect(APP_PASSWORD_ALPHABET).not.toMatch(/[ilo01]/);
    expect(new Set(Array.from({ length: 100 }, generateAppPassword)).size).toBe(100);
  });

  it('are stored as a salted HMAC and verified however they are typed', () => {
    const p = generateAppPassword();
    const h = hashAppPassword(p);
    expect(h).toMatch(/^hmac-sha256\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]{43}$/);
    expect(h).not.toContain(p);
    expect(hashAppPassword(p)).not.toBe(h);
    expect(verifyAppPassword(p, h)).toBe(true);
    expect(verifyAppPassword(p.replaceAll('-', '').toUpperCase(), h)).toBe(true);
    expect(verifyAppPassword(p.replaceAll('-', ' '), h)).toBe(true);
    expect(verifyAppPassword(generateAppPassword(), h)).toBe(false);
    expect(verifyAppPassword(p, 'garbage')).toBe(false);
    expect(looksLikeAppPassword(p)).toBe(true);
    expect(looksLikeAppPassword('correct horse battery')).toBe(false);
  });
});
