// Implementation notes — secrets.
// - Account passwords are chosen by people, so they are low-entropy: they are hashed
//   with scrypt (memory-hard), N=2^15, r=8, p=1 (OWASP's minimum recommendation for
//   scrypt), a 16-byte random salt, 32-byte key, stored as
//   `scrypt$N$r$p$<salt b64url>$<key b64url>`. Verification uses timingSafeEqual.
// - Passwords are NFKC-normalized before hashing (NIST SP 800-63B §5.1.1.2), so the same
//   password typed on systems that compose accents differently still matches.
// - App passwords are generated here from 80 bits of CSPRNG output, so there is nothing
//   to brute-force offline: a slow hash would add nothing but latency (and CPU) on every
//   IMAP/SMTP/DAV login, and mail clients log in often. They are stored as a salted
//   HMAC-SHA256 instead, compared in constant time.
// - Parameters read back from a stored hash are bounded, so a corrupted or hostile row
//   cannot make a login allocate gigabytes.
import { createHmac, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ValidationError } from '../errors.ts';

/** scrypt N (CPU/memory cost) for account passwords: 2^15 ⇒ 32 MiB and ~50-100 ms per hash. */
export const SCRYPT_DEFAULT_COST = 2 ** 15;
export const SCRYPT_BLOCK_SIZE = 8;
export const SCRYPT_PARALLELISM = 1;
export const SCRYPT_KEY_BYTES = 32;
export const SALT_BYTES = 16;
/** Largest parameters accepted from a stored hash (2^20 × 8 × 128 B = 1 GiB would already be abusive). */
const MAX_STORED_COST = 2 ** 20;
const MAX_STORED_BLOCK_SIZE = 32;
const MAX_STORED_PARALLELISM = 16;

/**
 * Shortest account password accepted. We do not impose composition rules (NIST SP
 * 800-63B §5.1.1.2 advises against them); length is what resists guessing, and 10
 * characters is above NIST's floor of 8 while still typeable on a phone.
 */
export const MIN_PASSWORD_LENGTH = 10;
/**
 * Longest account password accepted: enough for any passphrase or manager-generated
 * secret, small enough that a login request cannot make the server hash megabytes.
 */
export const MAX_PASSWORD_LENGTH = 1024;
/** Length of generated account passwords (first owner, `user add` without one): ~116 bits. */
export const GENERATED_PASSWORD_LENGTH = 20;
/** Letters and digits without look-alikes (0/O, 1/l/I), for passwords read off a terminal. */
const GENERATED_PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** Lowercase letters and digits without look-alikes (i, l, o, 0, 1): easy to type on a phone. */
export const APP_PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
/** 4 groups of 4: 16 × log2(31) ≈ 79 bits. */
export const APP_PASSWORD_GROUPS = 4;
export const APP_PASSWORD_GROUP_LENGTH = 4;
const APP_PASSWORD_LENGTH = APP_PASSWORD_GROUPS * APP_PASSWORD_GROUP_LENGTH;

// ---- account passwords --------------------------------------------------------------

/** Throws ValidationError when the password does not meet the policy. */
export function validatePassword(password: string, opts: { login?: string } = {}): void {
  const length = [...password.normalize('NFKC')].length;
  if (length < MIN_PASSWORD_LENGTH) throw new ValidationError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`, { field: 'password', code: 'password_too_short' });
  if (length > MAX_PASSWORD_LENGTH) throw new ValidationError(`the password must have at most ${MAX_PASSWORD_LENGTH} characters`, { field: 'password', code: 'password_too_long' });
  if (password.trim().length === 0) throw new ValidationError('the password must not be only spaces', { field: 'password', code: 'password_blank' });
  if (opts.login && password.trim().toLowerCase() === opts.login.trim().toLowerCase()) {
    throw new ValidationError('the password must not be the login', { field: 'password', code: 'password_is_login' });
  }
}

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  // Node needs 128·N·r bytes; twice that leaves room for its own bookkeeping.
  const options: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r * p };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, SCRYPT_KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string, cost = SCRYPT_DEFAULT_COST): Promise<string> {
  if (!isPowerOfTwo(cost) || cost < 2 || cost > MAX_STORED_COST) throw new Error(`scrypt cost must be a power of two up to ${MAX_STORED_COST}`);
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(password, salt, cost, SCRYPT_BLOCK_SIZE, SCRYPT_PARALLELISM);
  return `scrypt$${cost}$${SCRYPT_BLOCK_SIZE}$${SCRYPT_PARALLELISM}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** False for a wrong password and for a malformed stored hash (never throws on bad input). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (!isPowerOfTwo(n) || n < 2 || n > MAX_STORED_COST) return false;
  if (!Number.isInteger(r) || r < 1 || r > MAX_STORED_BLOCK_SIZE) return false;
  if (!Number.isInteger(p) || p < 1 || p > MAX_STORED_PARALLELISM) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (salt.length === 0 || expected.length !== SCRYPT_KEY_BYTES) return false;
  if (password.length > MAX_PASSWORD_LENGTH * 2) return false;
  const actual = await scryptAsync(password, salt, n, r, p);
  return timingSafeEqual(actual, expected);
}

/** The scrypt cost a stored hash was made with (to spot hashes worth upgrading). */
export function passwordHashCost(stored: string): number | undefined {
  const parts = stored.split('$');
  return parts[0] === 'scrypt' ? Number(parts[1]) : undefined;
}

export function generatePassword(length = GENERATED_PASSWORD_LENGTH): string {
  return randomString(length, GENERATED_PASSWORD_ALPHABET);
}

// ---- app passwords --------------------------------------------------------------------

/** e.g. `abcd-efgh-jkmn-pqrs`. */
export function generateAppPassword(): string {
  const s = randomString(APP_PASSWORD_LENGTH, APP_PASSWORD_ALPHABET);
  const groups: string[] = [];
  for (let i = 0; i < APP_PASSWORD_GROUPS; i++) groups.push(s.slice(i * APP_PASSWORD_GROUP_LENGTH, (i + 1) * APP_PASSWORD_GROUP_LENGTH));
  return groups.join('-');
}

/** Users may type it without dashes, with spaces, or in capitals (a phone's auto-capitalization). */
export function normalizeAppPassword(secret: string): string {
  return secret.replace(/[\s-]/g, '').toLowerCase();
}

/** Could this secret be an app password at all? (saves the HMACs when it clearly is not) */
export function looksLikeAppPassword(secret: string): boolean {
  const s = normalizeAppPassword(secret);
  return s.length === APP_PASSWORD_LENGTH && [...s].every((c) => APP_PASSWORD_ALPHABET.includes(c));
}

export function hashAppPassword(secret: string): string {
  const salt = randomBytes(SALT_BYTES);
  return `hmac-sha256$${salt.toString('base64url')}$${appPasswordMac(secret, salt).toString('base64url')}`;
}

export function verifyAppPassword(secret: string, stored: string): boolean {
  const parts = stored.split('$');
  if (parts.length !== 3 || parts[0] !== 'hmac-sha256') return false;
  const salt = Buffer.from(parts[1]!, 'base64url');
  const expected = Buffer.from(parts[2]!, 'base64url');
  if (salt.length === 0 || expected.length !== 32) return false;
  return timingSafeEqual(appPasswordMac(secret, salt), expected);
}

function appPasswordMac(secret: string, salt: Buffer): Buffer {
  return createHmac('sha256', salt).update(normalizeAppPassword(secret), 'utf8').digest();
}

// ---- helpers --------------------------------------------------------------------------

/** Uniform characters from the alphabet: rejection sampling over CSPRNG bytes (no modulo bias). */
export function randomString(length: number, alphabet: string): string {
  const n = alphabet.length;
  if (n < 2 || n > 256) throw new Error('alphabet must have 2..256 characters');
  const limit = 256 - (256 % n);
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(Math.max(16, (length - out.length) * 2))) {
      if (b < limit) out += alphabet[b % n]!;
      if (out.length === length) break;
    }
  }
  return out;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}
