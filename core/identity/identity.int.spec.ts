import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { runMigrations } from '../db/migrations.ts';
import { ConflictError, ForbiddenError, NotFoundError, RateLimitedError, UnauthorizedError, ValidationError } from '../errors.ts';
import { silentLogger } from '../logger.ts';
import { eventLogKit } from '../testing/event-log-kit.ts';
import type { Actor } from './identity-api.ts';
import {
  APP_PASSWORD_USAGE_INTERVAL_MS, createIdentity, identityEventTypes, identityMigrations, identityProjections,
  SESSION_IDLE_TIMEOUT_MS, SESSION_LIFETIME_MS,
} from './index.ts';
import { MAX_SESSIONS_PER_USER, sha256Hex } from './sessions.ts';
import { FIRST_LOCK_MS, LOGIN_FAILURES_BEFORE_LOCK } from './throttle.ts';

const cli: Actor = { actor: 'cli', source: 'cli' };
const HOST = 'mail.example.test';
const web = { protocol: 'web' as const, ip: '203.0.113.1' };
const imap = { protocol: 'imap' as const, ip: '203.0.113.2' };

async function setup() {
  const k = await eventLogKit({ types: identityEventTypes });
  await runMigrations(k.db.kysely, 'identity', identityMigrations);
  for (const p of identityProjections) k.projections.add('identity', p);
  await k.projections.prepare();
  let t = Date.parse('2025-03-01T10:00:00.000Z');
  const clock = { now: () => new Date(t), advance: (ms: number) => { t += ms; } };
  const { api, auth } = createIdentity({ log: k.log, db: k.db.kysely, logger: silentLogger(), now: clock.now, scryptCost: 2 ** 10 });
  const init = await api.initialize({ hostname: HOST, retentionDays: 30 }, { actor: 'system', source: 'system' });
  return { k, api, auth, clock, init, db: k.db.kysely };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try { await p; } catch (e) { return e; }
  throw new Error('expected a rejection');
}

describe('identity', () => {
  it('initializes once: the organization, its domain and an owner who can log in', async () => {
    const { k, api, auth, init } = await setup();
    try {
      expect(init.created).toBe(true);
      expect(init.owner?.email).toBe(`admin@${HOST}`);
      expect(init.owner?.password).toHaveLength(20);
      const head = await k.log.head();
      expect(await api.initialize({ hostname: HOST, retentionDays: 7 }, cli)).toEqual({ created: false });
      expect(await api.initialize({ hostname: 'other.test', retentionDays: 7 }, cli)).toEqual({ created: false });
      expect(await k.log.head()).toBe(head);
      expect(await api.organization()).toMatchObject({ name: HOST, retentionDays: 30, createdAt: '2025-03-01T10:00:00.000Z' });
      expect(await api.listDomains()).toEqual([HOST]);
      const owner = await auth.authenticate(init.owner!.email, init.owner!.password, web);
      expect(owner).toMatchObject({ email: `admin@${HOST}`, role: 'owner', displayName: 'Administrator', theme: 'auto' });
      expect(auth.isAdmin(owner)).toBe(true);
      expect(await auth.retentionDays()).toBe(30);
      await api.setRetention(0, cli);
      expect(await auth.retentionDays()).toBe(0);
    } finally { await k.close(); }
  });

  it('records every change as an identity event with actor, source, request id and time', async () => {
    const { k, api, init } = await setup();
    try {
      await api.addDomain('example.org', { actor: 'U1', source: 'ui', requestId: 'req-1' });
      const events = await k.log.readStream('identity-org:main');
      expect(events.map((e) => e.type)).toEqual(['identity.OrganizationCreated', 'identity.DomainAdded', 'identity.DomainAdded']);
      expect(events[2]!.metadata).toEqual({ actor: 'U1', source: 'ui', requestId: 'req-1', time: '2025-03-01T10:00:00.000Z' });
      const all = await k.log.readAll();
      expect(all.every((e) => e.type.startsWith('identity.') && e.stream.startsWith('identity-'))).toBe(true);
      // Only hashes reach the log, never a password.
      expect(JSON.stringify(all)).not.toContain(init.owner!.password);
      expect(all.find((e) => e.type === 'identity.UserCreated')!.data).toMatchObject({ passwordHash: expect.stringMatching(/^scrypt\$1024\$8\$1\$/) });
    } finally { await k.close(); }
  });

  it('adds domains and users; refuses duplicates, outside domains and weak passwords', async () => {
    const { k, api, auth } = await setup();
    try {
      await api.addDomain('Example.ORG', cli);
      expect(await api.listDomains()).toEqual(['example.org', HOST]);
      expect(await rejection(api.addDomain('example.org', cli))).toMatchObject({ code: 'domain_exists' });
      const { user, password } = await api.addUser({ email: 'Alice@Example.org', password: 'alice-secret-1', displayName: 'Alice' }, cli);
      expect(user).toMatchObject({ email: 'alice@example.org', displayName: 'Alice', role: 'user', theme: 'auto' });
      expect(password).toBe('alice-secret-1');
      const dup = await rejection(api.addUser({ email: 'ALICE@example.org', password: 'another-secret-1' }, cli));
      expect(dup).toBeInstanceOf(ConflictError);
      expect(dup).toMatchObject({ code: 'user_exists' });
      expect(await rejection(api.addUser({ email: 'bob@elsewhere.net' }, cli))).toBeInstanceOf(ValidationError);
      expect(await rejection(api.addUser({ email: 'bob@example.org', password: 'short' }, cli))).toBeInstanceOf(ValidationError);
      expect(await rejection(api.addUser({ email: 'not an address' }, cli))).toBeInstanceOf(ValidationError);
      const guest = await api.addUser({ email: 'Gina@Elsewhere.net', role: 'guest' }, cli);
      expect(guest.user.email).toBe('gina@elsewhere.net');
      const bob = await api.addUser({ email: 'bob@example.org' }, cli);
      expect(bob.password).toHaveLength(20);
      expect(bob.user.displayName).toBe('bob');
      expect((await auth.authenticate('bob@example.org', bob.password, web)).id).toBe(bob.user.id);
      expect((await api.listUsers()).map((u) => u.email)).toEqual([`admin@${HOST}`, 'alice@example.org', 'bob@example.org', 'gina@elsewhere.net']);
      expect(await auth.userByEmail('ALICE@EXAMPLE.ORG')).toEqual(user);
      expect(await auth.userById(user.id)).toEqual(user);
      expect(await rejection(api.removeDomain('example.org', cli))).toMatchObject({ code: 'domain_in_use' });
      await api.addDomain('spare.example', cli);
      await api.removeDomain('spare.example', cli);
      expect(await auth.domains()).toEqual(['example.org', HOST]);
    } finally { await k.close(); }
  });

  it('lets only one of two racing addUser calls for one address win', async () => {
    const { k, api } = await setup();
    try {
      const results = await Promise.allSettled([1, 2, 3].map(() => api.addUser({ email: `racer@${HOST}` }, cli)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'user_exists' });
    } finally { await k.close(); }
  });

  it('logs in with the account password on the web and with app passwords or the account password on IMAP', async () => {
    const { k, api, auth, clock } = await setup();
    try {
      const { user } = await api.addUser({ email: `alice@${HOST}`, password: 'alice-secret-1' }, cli);
      const ap = await api.createAppPassword(user.id, 'Thunderbird', { actor: user.id, source: 'ui' });
      expect(ap.password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
      expect(await auth.authenticate(`Alice@${HOST.toUpperCase()}`, 'alice-secret-1', web)).toMatchObject({ id: user.id });
      expect(await auth.authenticate(`alice@${HOST}`, 'alice-secret-1', imap)).not.toHaveProperty('appPasswordId');
      expect(await auth.authenticate(`alice@${HOST}`, ap.password, imap)).toMatchObject({ id: user.id, appPasswordId: ap.id });
      expect(await auth.authenticate(`alice@${HOST}`, ap.password.replaceAll('-', '').toUpperCase(), { protocol: 'dav', ip: '::1' })).toMatchObject({ appPasswordId: ap.id });
      expect(await rejection(auth.authenticate(`alice@${HOST}`, ap.password, web))).toBeInstanceOf(UnauthorizedError);
      expect(await rejection(auth.authenticate(`alice@${HOST}`, 'wrong-password', imap))).toBeInstanceOf(UnauthorizedError);
      expect(await rejection(auth.authenticate(`nobody@${HOST}`, 'alice-secret-1', web))).toMatchObject({ code: 'invalid_credentials' });

      // Last use: recorded, but written at most once a minute.
      let [info] = await api.listAppPasswords(user.id);
      expect(info).toMatchObject({ id: ap.id, label: 'Thunderbird', createdAt: '2025-03-01T10:00:00.000Z', lastUsedAt: '2025-03-01T10:00:00.000Z', lastUsedIp: '203.0.113.2', lastUsedProtocol: 'imap' });
      clock.advance(30_000);
      await auth.authenticate(`alice@${HOST}`, ap.password, { protocol: 'smtp', ip: '198.51.100.9' });
      [info] = await api.listAppPasswords(user.id);
      expect(info).toMatchObject({ lastUsedIp: '203.0.113.2', lastUsedProtocol: 'imap' });
      clock.advance(APP_PASSWORD_USAGE_INTERVAL_MS);
      await auth.authenticate(`alice@${HOST}`, ap.password, { protocol: 'smtp', ip: '198.51.100.9' });
      [info] = await api.listAppPasswords(user.id);
      expect(info).toMatchObject({ lastUsedAt: '2025-03-01T10:01:30.000Z', lastUsedIp: '198.51.100.9', lastUsedProtocol: 'smtp' });
      // Usage is not an event.
      expect((await k.log.readAll()).some((e) => JSON.stringify(e.data).includes('198.51.100.9'))).toBe(false);
    } finally { await k.close(); }
  });

  it('throttles failures per login, the same way whether or not the login exists', async () => {
    const { k, api, auth, clock } = await setup();
    try {
      await api.addUser({ email: `alice@${HOST}`, password: 'alice-secret-1' }, cli);
      const tryBoth = async () => Promise.all([
        rejection(auth.authenticate(`alice@${HOST}`, 'wrong-password', { protocol: 'web', ip: '198.51.100.1' })),
        rejection(auth.authenticate(`ghost@${HOST}`, 'wrong-password', { protocol: 'web', ip: '198.51.100.2' })),
      ]);
      for (let i = 0; i < LOGIN_FAILURES_BEFORE_LOCK; i++) {
        const [a, b] = await tryBoth();
        expect(a).toBeInstanceOf(UnauthorizedError);
        expect(b).toBeInstanceOf(UnauthorizedError);
        expect((a as Error).message).toBe((b as Error).message);
      }
      const [a, b] = await tryBoth();
      expect(a).toBeInstanceOf(RateLimitedError);
      expect(b).toBeInstanceOf(RateLimitedError);
      expect((a as RateLimitedError).retryAfterSeconds).toBe(FIRST_LOCK_MS / 1000);
      expect((b as RateLimitedError).retryAfterSeconds).toBe((a as RateLimitedError).retryAfterSeconds);
      // Locked means locked, even with the right password.
      expect(await rejection(auth.authenticate(`alice@${HOST}`, 'alice-secret-1', web))).toBeInstanceOf(RateLimitedError);
      clock.advance(FIRST_LOCK_MS);
      expect((await auth.authenticate(`alice@${HOST}`, 'alice-secret-1', web)).email).toBe(`alice@${HOST}`);
      // The success reset the login's counter.
      for (let i = 0; i < LOGIN_FAILURES_BEFORE_LOCK - 1; i++) {
        expect(await rejection(auth.authenticate(`alice@${HOST}`, 'wrong-password', web))).toBeInstanceOf(UnauthorizedError);
      }
      expect((await auth.authenticate(`alice@${HOST}`, 'alice-secret-1', web)).email).toBe(`alice@${HOST}`);
    } finally { await k.close(); }
  });

  it('revokes one app password, then all', async () => {
    const { k, api, auth } = await setup();
    try {
      const { user } = await api.addUser({ email: `alice@${HOST}` }, cli);
      const phone = await api.createAppPassword(user.id, 'Phone', cli);
      const laptop = await api.createAppPassword(user.id, 'Laptop', cli);
      const tablet = await api.createAppPassword(user.id, 'Tablet', cli);
      expect((await api.listAppPasswords(user.id)).map((a) => a.label)).toEqual(['Phone', 'Laptop', 'Tablet']);
      await api.revokeAppPassword(user.id, phone.id, cli);
      expect(await rejection(auth.authenticate(user.email, phone.password, imap))).toBeInstanceOf(UnauthorizedError);
      expect((await auth.authenticate(user.email, laptop.password, imap)).appPasswordId).toBe(laptop.id);
      expect(await rejection(api.revokeAppPassword(user.id, phone.id, cli))).toBeInstanceOf(NotFoundError);
      expect(await api.revokeAllAppPasswords(user.id, cli)).toBe(2);
      expect(await rejection(auth.authenticate(user.email, laptop.password, imap))).toBeInstanceOf(UnauthorizedError);
      expect(await rejection(auth.authenticate(user.email, tablet.password, { protocol: 'dav', ip: '203.0.113.3' }))).toBeInstanceOf(UnauthorizedError);
      expect(await api.listAppPasswords(user.id)).toEqual([]);
      expect(await api.revokeAllAppPasswords(user.id, cli)).toBe(0);
    } finally { await k.close(); }
  });

  it('changes and sets passwords', async () => {
    const { k, api, auth } = await setup();
    try {
      const { user } = await api.addUser({ email: `alice@${HOST}`, password: 'first-password-1' }, cli);
      const s1 = await api.createSession(user.id, { ip: '203.0.113.1', userAgent: 'A' });
      const s2 = await api.createSession(user.id, { ip: '203.0.113.1', userAgent: 'B' });
      expect(await rejection(api.changePassword(user.id, 'not-the-password', 'second-password-2', cli))).toMatchObject({ code: 'wrong_password' });
      expect(await rejection(api.changePassword(user.id, 'first-password-1', 'short', cli))).toBeInstanceOf(ValidationError);
      await api.changePassword(user.id, 'first-password-1', 'second-password-2', cli);
      expect(await rejection(auth.authenticate(user.email, 'first-password-1', web))).toBeInstanceOf(UnauthorizedError);
      await auth.authenticate(user.email, 'second-password-2', web);
      // The account page then ends the other sessions itself.
      expect(await api.deleteSessionsOf(user.id, s1.sessionId)).toBe(1);
      expect(await api.resolveSession(s1.token)).toBeDefined();
      expect(await api.resolveSession(s2.token)).toBeUndefined();
      // Setting a password (CLI, admin) ends every session.
      await api.setPassword(user.id, 'third-password-3', cli);
      expect(await api.resolveSession(s1.token)).toBeUndefined();
      await auth.authenticate(user.email, 'third-password-3', web);
      expect(await rejection(api.setPassword('01NOSUCHUSER0000000000000', 'third-password-3', cli))).toBeInstanceOf(NotFoundError);
    } finally { await k.close(); }
  });

  it('removes a user: no more logins, sessions or app passwords, and the address can be reused', async () => {
    const { k, api, auth, db } = await setup();
    try {
      const bob = await api.addUser({ email: `bob@${HOST}`, password: 'bob-password-1' }, cli);
      const ap = await api.createAppPassword(bob.user.id, 'Phone', cli);
      await auth.authenticate(bob.user.email, ap.password, imap);
      const session = await api.createSession(bob.user.id, { ip: '203.0.113.1', userAgent: 'Firefox' });
      expect(await api.resolveSession(session.token)).toBeDefined();
      await api.removeUser(bob.user.id, cli);
      expect(await rejection(auth.authenticate(bob.user.email, 'bob-password-1', web))).toBeInstanceOf(UnauthorizedError);
      expect(await rejection(auth.authenticate(bob.user.email, ap.password, imap))).toBeInstanceOf(UnauthorizedError);
      expect(await api.resolveSession(session.token)).toBeUndefined();
      expect(await auth.userById(bob.user.id)).toBeUndefined();
      expect(await auth.userByEmail(bob.user.email)).toBeUndefined();
      expect((await sql<{ n: number }>`select count(*) as n from core_app_password_usage`.execute(db)).rows[0]!.n).toBe(0);
      expect(await rejection(api.removeUser(bob.user.id, cli))).toBeInstanceOf(NotFoundError);
      expect(await rejection(api.createSession(bob.user.id, { ip: '', userAgent: '' }))).toBeInstanceOf(NotFoundError);
      const again = await api.addUser({ email: `bob@${HOST}`, password: 'new-bob-password' }, cli);
      expect(again.user.id).not.toBe(bob.user.id);
      expect((await auth.authenticate(`bob@${HOST}`, 'new-bob-password', web)).id).toBe(again.user.id);
    } finally { await k.close(); }
  });

  it('never removes or demotes the last owner', async () => {
    const { k, api, auth, init } = await setup();
    try {
      const owner = (await auth.userByEmail(init.owner!.email))!;
      expect(await rejection(api.removeUser(owner.id, cli))).toMatchObject({ code: 'last_owner' });
      expect(await rejection(api.setRole(owner.id, 'admin', cli))).toBeInstanceOf(ForbiddenError);
      const second = await api.addUser({ email: `second@${HOST}`, role: 'admin' }, cli);
      await api.setRole(second.user.id, 'owner', cli);
      // Both demoted at once: exactly one may go.
      const results = await Promise.allSettled([api.setRole(owner.id, 'user', cli), api.setRole(second.user.id, 'user', cli)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const owners = (await api.listUsers()).filter((u) => u.role === 'owner');
      expect(owners).toHaveLength(1);
      expect(await rejection(api.removeUser(owners[0]!.id, cli))).toMatchObject({ code: 'last_owner' });
    } finally { await k.close(); }
  });

  it('updates profile and theme', async () => {
    const { k, api, auth } = await setup();
    try {
      const { user } = await api.addUser({ email: `alice@${HOST}` }, cli);
      await api.updateProfile(user.id, { displayName: 'Alice Liddell' }, { actor: user.id, source: 'ui' });
      await api.setTheme(user.id, 'dark', { actor: user.id, source: 'ui' });
      expect(await auth.userById(user.id)).toMatchObject({ displayName: 'Alice Liddell', theme: 'dark' });
      expect(await rejection(api.setTheme(user.id, 'neon' as never, cli))).toBeInstanceOf(ValidationError);
    } finally { await k.close(); }
  });

  it('creates, resolves, refreshes, expires and deletes sessions', async () => {
    const { k, api, clock, db } = await setup();
    try {
      const { user } = await api.addUser({ email: `alice@${HOST}` }, cli);
      const s = await api.createSession(user.id, { ip: '203.0.113.1', userAgent: 'Firefox' });
      expect(s.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const row = await db.selectFrom('core_sessions').selectAll().where('id', '=', s.sessionId).executeTakeFirstOrThrow();
      expect(row.token_hash).toBe(sha256Hex(s.token));
      expect(JSON.stringify(row)).not.toContain(s.token);
      const resolved = await api.resolveSession(s.token);
      expect(resolved).toMatchObject({ sessionId: s.sessionId, user: { id: user.id, email: user.email } });
      expect(resolved!.csrfSecret.length).toBeGreaterThanOrEqual(32);
      const lastSeen = async () => Number((await db.selectFrom('core_sessions').select('last_seen_at').where('id', '=', s.sessionId).executeTakeFirstOrThrow()).last_seen_at);
      const t0 = await lastSeen();
      clock.advance(30_000);
      await api.resolveSession(s.token);
      expect(await lastSeen()).toBe(t0);
      clock.advance(31_000);
      await api.resolveSession(s.token);
      expect(await lastSeen()).toBe(t0 + 61_000);
      expect(await api.resolveSession('x'.repeat(43))).toBeUndefined();
      expect(await api.resolveSession('')).toBeUndefined();

      // Idle timeout.
      clock.advance(SESSION_IDLE_TIMEOUT_MS);
      expect(await api.resolveSession(s.token)).toBeUndefined();
      expect(await db.selectFrom('core_sessions').select('id').where('id', '=', s.sessionId).executeTakeFirst()).toBeUndefined();

      // Absolute lifetime, even when used every day.
      const s2 = await api.createSession(user.id, { ip: '203.0.113.1', userAgent: 'Firefox' });
      for (let day = 1; day < SESSION_LIFETIME_MS / 86_400_000; day++) {
        clock.advance(86_400_000);
        expect(await api.resolveSession(s2.token)).toBeDefined();
      }
      clock.advance(86_400_000);
      expect(await api.resolveSession(s2.token)).toBeUndefined();

      const s3 = await api.createSession(user.id, { ip: '203.0.113.1', userAgent: 'Firefox' });
      const s4 = await api.createSession(user.id, { ip: '203.0.113.1', userAgent: 'Safari' });
      await api.deleteSession(s3.sessionId);
      expect(await api.resolveSession(s3.token)).toBeUndefined();
      expect(await api.resolveSession(s4.token)).toBeDefined();
      expect(await api.deleteSessionsOf(user.id)).toBe(1);
      expect(await api.resolveSession(s4.token)).toBeUndefined();

      // Sessions per user are capped; the least recently used go first.
      const many = [];
      for (let i = 0; i < MAX_SESSIONS_PER_USER + 5; i++) {
        clock.advance(1_000);
        many.push(await api.createSession(user.id, { ip: '203.0.113.1', userAgent: `UA ${i}` }));
      }
      expect(await api.resolveSession(many[0]!.token)).toBeUndefined();
      expect(await api.resolveSession(many[many.length - 1]!.token)).toBeDefined();
      expect(await api.deleteSessionsOf(user.id)).toBe(MAX_SESSIONS_PER_USER);
    } finally { await k.close(); }
  });

  it('resolves rights through the user, her groups and the organization (not for guests)', async () => {
    const { k, api, auth, init } = await setup();
    try {
      const owner = (await auth.userByEmail(init.owner!.email))!;
      const alice = (await api.addUser({ email: `alice@${HOST}` }, cli)).user;
      const bob = (await api.addUser({ email: `bob@${HOST}` }, cli)).user;
      const gina = (await api.addUser({ email: 'gina@elsewhere.net', role: 'guest' }, cli)).user;
      const team = await api.createGroup('Team', cli);
      expect(await rejection(api.createGroup('team', cli))).toMatchObject({ code: 'group_exists' });
      await api.addGroupMember(team.id, alice.id, cli);
      await api.addGroupMember(team.id, gina.id, cli);
      await api.addGroupMember(team.id, alice.id, cli); // no-op
      expect(await rejection(api.addGroupMember(team.id, '01NOSUCHUSER0000000000000', cli))).toBeInstanceOf(NotFoundError);
      expect(await api.listGroups()).toEqual([{ id: team.id, name: 'Team', members: [alice.id, gina.id] }]);
      expect(await auth.groupsOf(alice.id)).toEqual([team.id]);

      const cal = 'calendar:01JCAL';
      await api.grant(cal, { kind: 'group', id: team.id }, 'read', cli);
      await api.grant(cal, { kind: 'user', id: bob.id }, 'write', cli);
      await api.grant(cal, { kind: 'org' }, 'read', cli);
      await api.grant(cal, { kind: 'user', id: alice.id }, 'share', cli);
      expect(await auth.rightOn(alice, cal)).toBe('share'); // the highest of user, group and org
      expect(await auth.rightOn(bob, cal)).toBe('write');
      expect(await auth.rightOn(owner, cal)).toBe('read'); // through the org only
      expect(await auth.rightOn(gina, cal)).toBe('read'); // through the group, not the org
      await api.removeGroupMember(team.id, gina.id, cli);
      expect(await auth.rightOn(gina, cal)).toBeUndefined(); // guests get no org-wide grants
      await api.grant(cal, { kind: 'user', id: gina.id }, 'read', cli);
      expect(await auth.rightOn(gina, cal)).toBe('read');

      // No implicit rights for owners/admins on resources not shared with them.
      expect(await auth.rightOn(owner, 'calendar:01JOTHER')).toBeUndefined();
      await expect(auth.requireRight(owner, 'calendar:01JOTHER', 'read')).rejects.toBeInstanceOf(ForbiddenError);
      await expect(auth.requireRight(bob, cal, 'write')).resolves.toBeUndefined();
      await expect(auth.requireRight(bob, cal, 'share')).rejects.toMatchObject({ code: 'insufficient_right' });

      expect(await auth.grantsOn(cal)).toEqual([
        { resource: cal, principal: { kind: 'group', id: team.id }, right: 'read' },
        { resource: cal, principal: { kind: 'org' }, right: 'read' },
        ...[{ id: alice.id, right: 'share' }, { id: bob.id, right: 'write' }, { id: gina.id, right: 'read' }]
          .sort((a, b) => a.id.localeCompare(b.id))
          .map((g) => ({ resource: cal, principal: { kind: 'user', id: g.id }, right: g.right })),
      ]);
      await api.revokeGrant(cal, { kind: 'user', id: alice.id }, cli);
      expect(await auth.rightOn(alice, cal)).toBe('read');
      await api.revokeGrant(cal, { kind: 'org' }, cli);
      await api.removeGroupMember(team.id, alice.id, cli);
      expect(await auth.rightOn(alice, cal)).toBeUndefined();
      expect(await rejection(api.grant(cal, { kind: 'user', id: '01NOSUCHUSER0000000000000' }, 'read', cli))).toBeInstanceOf(NotFoundError);
      expect(await rejection(api.grant('bad resource', { kind: 'org' }, 'read', cli))).toBeInstanceOf(ValidationError);

      // A removed user's grants and memberships go with her.
      await api.addGroupMember(team.id, bob.id, cli);
      await api.removeUser(bob.id, cli);
      expect((await auth.grantsOn(cal)).some((g) => g.principal.kind === 'user' && g.principal.id === bob.id)).toBe(false);
      expect((await api.listGroups())[0]!.members).toEqual([]);
    } finally { await k.close(); }
  });

  it('rebuilds the identity read models from the log into identical rows', async () => {
    const { k, api, auth, clock, db } = await setup();
    try {
      await api.addDomain('example.org', cli);
      const alice = (await api.addUser({ email: 'alice@example.org', displayName: 'Alice' }, cli)).user;
      clock.advance(1_000);
      const bob = (await api.addUser({ email: 'bob@example.org' }, cli)).user;
      await api.createAppPassword(alice.id, 'Phone', cli);
      const ap = await api.createAppPassword(alice.id, 'Laptop', cli);
      await api.revokeAppPassword(alice.id, ap.id, cli);
      await api.setTheme(alice.id, 'dark', cli);
      await api.setRole(bob.id, 'admin', cli);
      const g = await api.createGroup('Team', cli);
      await api.addGroupMember(g.id, alice.id, cli);
      await api.addGroupMember(g.id, bob.id, cli);
      await api.grant('drive-folder:01JF', { kind: 'group', id: g.id }, 'write', cli);
      await api.grant('drive-folder:01JF', { kind: 'user', id: bob.id }, 'share', cli);
      clock.advance(1_000);
      await api.removeUser(bob.id, cli);
      await api.setRetention(14, cli);
      await api.createSession(alice.id, { ip: '203.0.113.1', userAgent: 'Firefox' });
      expect(await auth.rightOn(alice, 'drive-folder:01JF')).toBe('write');

      const tables = ['core_org', 'core_domains', 'core_users', 'core_app_passwords', 'core_groups', 'core_group_members', 'core_grants', 'core_sessions', 'core_app_password_usage'];
      const snapshot = async () => Object.fromEntries(await Promise.all(tables.map(async (t) =>
        [t, (await sql.raw(`select * from ${t}`).execute(db)).rows.map((r) => JSON.stringify(r)).sort()] as const)));
      const before = await snapshot();
      expect(before.core_users).toHaveLength(2);
      const rebuilt = await k.projections.rebuild(identityProjections.map((p) => p.name));
      expect(rebuilt.every((r) => r.events > 0)).toBe(true);
      expect(await snapshot()).toEqual(before);
    } finally { await k.close(); }
  });
});
