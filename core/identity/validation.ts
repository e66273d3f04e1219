// Pure checks and normalizations of identity inputs. decide() calls them too (they
// are deterministic), so a command that reaches the log is always well formed.
import { domainToASCII } from 'node:url';
import { ValidationError } from '../errors.ts';
import type { Right, Role, Theme } from './auth-service.ts';

/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets including the angle brackets. */
export const MAX_EMAIL_LENGTH = 254;
/** RFC 5321 §4.5.3.1.1. */
export const MAX_LOCAL_PART_LENGTH = 64;
/** RFC 1035 §2.3.4: 255 octets on the wire, 253 characters in text form. */
export const MAX_DOMAIN_LENGTH = 253;
/** RFC 1035 §2.3.4. */
export const MAX_LABEL_LENGTH = 63;
/** Shown in lists and mail headers; longer names are a mistake or abuse. */
export const MAX_DISPLAY_NAME_LENGTH = 100;
/** Labels name devices ("Phone", "Thunderbird at work"); a line is plenty. */
export const MAX_APP_PASSWORD_LABEL_LENGTH = 100;
export const MAX_GROUP_NAME_LENGTH = 100;
/**
 * Resource ids are plugin ids ('calendar:01J…'). 128 printable ASCII characters keep
 * the grant stream name (`identity-grant:` + percent-encoded id, at most 3 × 128)
 * under the event log's 400-character stream id limit.
 */
export const MAX_RESOURCE_LENGTH = 128;
/** Ten years; restore beyond that is not what a retention window is for. */
export const MAX_RETENTION_DAYS = 3650;
export const DEFAULT_RETENTION_DAYS = 30;

export const ROLES: readonly Role[] = ['owner', 'admin', 'user', 'guest'];
export const THEMES: readonly Theme[] = ['light', 'dark', 'auto'];
export const RIGHTS: readonly Right[] = ['read', 'write', 'share'];

const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
// RFC 5322 §3.2.3 atext, as a dot-atom: no leading, trailing or doubled dots.
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const RESOURCE = /^[a-z][a-z0-9-]*:[\x21-\x7e]+$/;
// C0/C1 controls, line and paragraph separators: never wanted in a name.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Lowercase ASCII (IDNs as punycode), no trailing dot; a single label ("localhost") is allowed. */
export function normalizeDomain(input: string): string {
  const trimmed = input.trim().toLowerCase().replace(/\.$/, '');
  const ascii = trimmed.length > 0 && trimmed.length <= MAX_DOMAIN_LENGTH ? domainToASCII(trimmed) : '';
  if (!ascii || ascii.length > MAX_DOMAIN_LENGTH || !ascii.split('.').every((l) => l.length <= MAX_LABEL_LENGTH && LABEL.test(l))) {
    throw new ValidationError(`"${truncate(input)}" is not a valid domain name`, { field: 'domain' });
  }
  return ascii;
}

/**
 * Addresses are case-insensitive on this server: stored and compared in lowercase.
 * Only ASCII local parts (no SMTPUTF8 yet); the domain may be an IDN.
 */
export function normalizeEmail(input: string): string {
  const trimmed = input.trim();
  const at = trimmed.lastIndexOf('@');
  const bad = () => new ValidationError(`"${truncate(input)}" is not a valid email address`, { field: 'email' });
  if (at <= 0 || trimmed.length > MAX_EMAIL_LENGTH) throw bad();
  const local = trimmed.slice(0, at).toLowerCase();
  if (local.length > MAX_LOCAL_PART_LENGTH || !LOCAL_PART.test(local)) throw bad();
  let domain: string;
  try { domain = normalizeDomain(trimmed.slice(at + 1)); } catch { throw bad(); }
  const email = `${local}@${domain}`;
  if (email.length > MAX_EMAIL_LENGTH) throw bad();
  return email;
}

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

/** A login as typed (any case, surrounding spaces) → the key it is looked up and throttled by. */
export function normalizeLogin(login: string): string {
  return login.trim().toLowerCase();
}

function checkName(input: string, field: string, max: number): string {
  const name = input.trim().normalize('NFC');
  if (name.length === 0) throw new ValidationError(`${field} must not be empty`, { field });
  if ([...name].length > max) throw new ValidationError(`${field} is longer than ${max} characters`, { field });
  if (CONTROL.test(name)) throw new ValidationError(`${field} must not contain control characters`, { field });
  return name;
}

export const normalizeDisplayName = (s: string): string => checkName(s, 'display name', MAX_DISPLAY_NAME_LENGTH);
export const normalizeAppPasswordLabel = (s: string): string => checkName(s, 'label', MAX_APP_PASSWORD_LABEL_LENGTH);
export const normalizeGroupName = (s: string): string => checkName(s, 'group name', MAX_GROUP_NAME_LENGTH);

export function checkRetentionDays(days: number): number {
  if (!Number.isInteger(days) || days < 0 || days > MAX_RETENTION_DAYS) {
    throw new ValidationError(`retention must be a whole number of days between 0 and ${MAX_RETENTION_DAYS}`, { field: 'retentionDays' });
  }
  return days;
}

export function checkRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role)) throw new ValidationError(`role must be one of ${ROLES.join(', ')}`, { field: 'role' });
  return role as Role;
}

export function checkTheme(theme: string): Theme {
  if (!(THEMES as readonly string[]).includes(theme)) throw new ValidationError(`theme must be one of ${THEMES.join(', ')}`, { field: 'theme' });
  return theme as Theme;
}

export function checkRight(right: string): Right {
  if (!(RIGHTS as readonly string[]).includes(right)) throw new ValidationError(`right must be one of ${RIGHTS.join(', ')}`, { field: 'right' });
  return right as Right;
}

/** '<plugin-or-kind>:<id>' in printable ASCII, at most MAX_RESOURCE_LENGTH characters. */
export function checkResource(resource: string): string {
  if (resource.length > MAX_RESOURCE_LENGTH || !RESOURCE.test(resource)) {
    throw new ValidationError(`resource id must look like <kind>:<id> in printable ASCII, at most ${MAX_RESOURCE_LENGTH} characters`, { field: 'resource' });
  }
  return resource;
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}
