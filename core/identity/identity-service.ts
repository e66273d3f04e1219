// Implementation notes — the identity service (IdentityApi + AuthService).
// - Every change is a command: load the aggregate's stream → decide → append with the
//   expected version (handleCommand). Facts from other aggregates (local domains, is the
//   address taken, how many other owners) are read from the read models and passed in
//   the command, so the rules themselves live in the pure decide functions.
// - Ids and time are made here, never in decide/evolve. Metadata is
//   { actor, source, requestId?, time }.
// - "At least one owner" spans user streams; changes that could break it (role change,
//   removal) are serialized in this process. Two processes (the CLI while the server
//   runs) demoting the last two owners at the same instant could still both pass.
// - authenticate takes the same path whether or not the login exists: the throttle is
//   consulted first, the attempt counted, and an unknown login is checked against a
//   dummy scrypt hash, so neither timing nor error nor lock tells logins apart.
// - Sessions and app-password usage are plain tables (not events).
import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { CairnError, ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from '../errors.ts';
import type { EventLog } from '../events/event-log.ts';
import { fold, handleCommand, type Decider } from '../events/handle-command.ts';
import type { EventMetadata, NewEvent } from '../events/types.ts';
import type { Logger } from '../logger.ts';
import {
  RIGHT_RANK, type AuthService, type AuthenticatedUser, type Grant, type Principal, type Protocol, type Right, type Role,
  type SessionUser, type Theme,
} from './auth-service.ts';
import { ORG_STREAM, grantStream, groupStream, userStream } from './events.ts';
import { grantDecider } from './grant/decide.ts';
import { groupDecider } from './group/decide.ts';
import type { Actor, AppPasswordInfo, GroupInfo, IdentityApi } from './identity-api.ts';
import { createIdGenerator } from './ids.ts';
import { organizationDecider } from './organization/decide.ts';
import {
  SCRYPT_DEFAULT_COST, generateAppPassword, generatePassword, hashAppPassword, hashPassword, looksLikeAppPassword,
  validatePassword, verifyAppPassword, verifyPassword,
} from './passwords.ts';
import { createSessionStore } from './sessions.ts';
import { LoginThrottle, type ThrottleOptions } from './throttle.ts';
import { userDecider } from './user/decide.ts';
import {
  DEFAULT_RETENTION_DAYS, MAX_EMAIL_LENGTH, checkResource, checkRetentionDays, checkRole, normalizeDomain, normalizeEmail,
  normalizeGroupName, normalizeLogin,
} from './validation.ts';

/** Last use of an app password is written at most this often per app password (it is not user data). */
export const APP_PASSWORD_USAGE_INTERVAL_MS = 60_000;
/** App passwords whose last write time is remembered in memory to skip redundant writes. */
const USAGE_CACHE_MAX_ENTRIES = 10_000;
/** Display name of the owner created at first start. */
const FIRST_OWNER_NAME = 'Administrator';
const ID_SHAPE = /^[0-9A-Za-z_-]{1,64}$/;

export interface IdentityDeps {
  log: EventLog;
  db: Kysely<any>;
  logger: Logger;
  now?: () => Date;
  /** scrypt N for new account password hashes (tests pass a small power of two). */
  scryptCost?: number;
  throttle?: ThrottleOptions;
}

export interface Identity {
  api: IdentityApi;
  auth: AuthService;
}

interface UserRow {
  id: string; email: string; display_name: string; role: string; theme: string; password_hash: string; created_at: string;
}

function toSessionUser(r: UserRow): SessionUser {
  return { id: r.id, email: r.email, displayName: r.display_name, role: r.role as Role, theme: r.theme as Theme };
}

function checkId(id: string, what: 'user' | 'group' | 'app_password'): string {
  if (typeof id !== 'string' || !ID_SHAPE.test(id)) throw new NotFoundError(`no such ${what.replace('_', ' ')}`, `${what}_not_found`);
  return id;
}

function isUniqueViolation(e: unknown): boolean {
  return !(e instanceof CairnError) && e instanceof Error && /UNIQUE constraint failed|duplicate key value/i.test(e.message);
}

export function createIdentity(deps: IdentityDeps): Identity {
  const { log, db } = deps;
  const logger = deps.logger.child({ component: 'identity' });
  const clock = deps.now ?? (() => new Date());
  const nowMs = () => clock().getTime();
  const cost = deps.scryptCost ?? SCRYPT_DEFAULT_COST;
  const nextId = createIdGenerator();
  const newId = () => nextId(nowMs());
  const throttle = new LoginThrottle({ now: nowMs, ...deps.throttle });
  const sessions = createSessionStore({ db, now: nowMs, newId: nextId });
  const usageWritten = new Map<string, number>();
  let dummyHash: Promise<string> | undefined;
  let ownerChain: Promise<unknown> = Promise.resolve();

  // ---- plumbing -----------------------------------------------------------------

  function metadata(by: Actor): EventMetadata {
    return { actor: by.actor, source: by.source, ...(by.requestId !== undefined ? { requestId: by.requestId } : {}), time: clock().toISOString() };
  }

  function run<S, C, E extends NewEvent>(stream: string, decider: Decider<S, C, E>, command: C, by: Actor) {
    return handleCommand(log, stream, decider, command, { metadata: metadata(by) });
  }

  /** Runs fn after every earlier owner-sensitive change has finished (see notes). */
  function serialized<T>(fn: () => Promise<T>): Promise<T> {
    const result = ownerChain.then(fn);
    ownerChain = result.catch(() => undefined);
    return result;
  }

  async function userRow(id: string): Promise<UserRow | undefined> {
    if (!ID_SHAPE.test(id)) return undefined;
    return await db.selectFrom('core_users').selectAll().where('id', '=', id).executeTakeFirst() as UserRow | undefined;
  }

  async function userRowByEmail(email: string): Promise<UserRow | undefined> {
    const key = normalizeLogin(email);
    if (key.length === 0 || key.length > MAX_EMAIL_LENGTH) return undefined;
    return await db.selectFrom('core_users').selectAll().where(sql`lower(email)`, '=', key).executeTakeFirst() as UserRow | undefined;
  }

  async function requireUserRow(id: string): Promise<UserRow> {
    const row = await userRow(checkId(id, 'user'));
    if (!row) throw new NotFoundError('no such user', 'user_not_found');
    return row;
  }

  async function domains(): Promise<string[]> {
    return (await db.selectFrom('core_domains').select('domain').orderBy('domain').execute()).map((r) => r.domain as string);
  }

  async function otherOwners(userId: string): Promise<number> {
    const r = await db.selectFrom('core_users').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', 'owner').where('id', '!=', userId).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async function orgRow() {
    return await db.selectFrom('core_org').selectAll().executeTakeFirst() as { id: string; name: string; retention_days: number; created_at: string } | undefined;
  }

  async function groupsOf(userId: string): Promise<string[]> {
    return (await db.selectFrom('core_group_members').select('group_id').where('user_id', '=', userId).orderBy('group_id').execute()).map((r) => r.group_id as string);
  }

  async function forgetUsage(where: { userId: string; appPasswordId?: string }): Promise<void> {
    let q = db.deleteFrom('core_app_password_usage').where('user_id', '=', where.userId);
    if (where.appPasswordId !== undefined) q = q.where('app_password_id', '=', where.appPasswordId);
    await q.execute();
    if (where.appPasswordId !== undefined) usageWritten.delete(where.appPasswordId);
  }

  /** At most one write per app password per interval: last use is not user data and must not spam anything. */
  async function recordUsage(appPasswordId: string, userId: string, ip: string, protocol: Protocol): Promise<void> {
    const t = nowMs();
    const last = usageWritten.get(appPasswordId);
    if (last !== undefined && t - last < APP_PASSWORD_USAGE_INTERVAL_MS) return;
    usageWritten.delete(appPasswordId);
    if (usageWritten.size >= USAGE_CACHE_MAX_ENTRIES) usageWritten.delete(usageWritten.keys().next().value as string);
    usageWritten.set(appPasswordId, t);
    try {
      const values = { last_used_at: t, last_used_ip: ip.slice(0, 64), last_used_protocol: protocol };
      // The where clause keeps another process (CLI, second node) from rewriting within the interval too.
      await db.insertInto('core_app_password_usage').values({ app_password_id: appPasswordId, user_id: userId, ...values })
        .onConflict((oc) => oc.column('app_password_id').doUpdateSet(values)
          .where('core_app_password_usage.last_used_at', '<=', t - APP_PASSWORD_USAGE_INTERVAL_MS))
        .execute();
    } catch (err) {
      logger.warn({ err, appPasswordId }, 'could not record app password use');
    }
  }

  function getDummyHash(): Promise<string> {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'), cost);
    return dummyHash;
  }

  async function createUser(input: { email: string; password?: string; displayName?: string; role?: Role }, by: Actor) {
    const email = normalizeEmail(input.email);
    const role = checkRole(input.role ?? 'user');
    if (input.password !== undefined) validatePassword(input.password, { login: email });
    const password = input.password ?? generatePassword();
    if (!(await orgRow())) throw new NotFoundError('the organization has not been initialized', 'org_not_found');
    const localDomains = await domains();
    const emailInUse = (await userRowByEmail(email)) !== undefined;
    // decide refuses a taken address too; checking here first saves hashing a password for nothing.
    if (emailInUse) throw new ConflictError(`a user with the address ${email} already exists`, 'user_exists');
    const userId = newId();
    const command = {
      type: 'CreateUser' as const, userId, email, role, localDomains, emailInUse,
      passwordHash: await hashPassword(password, cost),
      ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
    };
    try {
      await run(userStream(userId), userDecider, command, by);
    } catch (e) {
      // Raced with another addUser of the same address: the unique index refused the projection row.
      if (isUniqueViolation(e)) throw new ConflictError(`a user with the address ${email} already exists`, 'user_exists');
      throw e;
    }
    const row = await userRow(userId);
    return { user: toSessionUser(row!), password };
  }

  // ---- IdentityApi ----------------------------------------------------------------

  const api: IdentityApi = {
    async initialize({ hostname, retentionDays }, by) {
      const domain = normalizeDomain(hostname);
      checkRetentionDays(retentionDays);
      let org = fold(organizationDecider, await log.readStream(ORG_STREAM));
      let orgCreated = false;
      if (!org.exists) {
        try {
          const outcome = await run(ORG_STREAM, organizationDecider, {
            type: 'CreateOrganization', orgId: newId(), name: domain, retentionDays, firstDomain: domain,
          }, by);
          org = outcome.state;
          orgCreated = true;
        } catch (e) {
          if (!(e instanceof ConflictError && e.code === 'org_exists')) throw e;
          org = fold(organizationDecider, await log.readStream(ORG_STREAM));
        }
      }
      return serialized(async () => {
        // An organization with an owner is initialized. One without (first start, or a
        // crash between the organization's append and the owner's) gets its owner now.
        if ((await otherOwners('')) > 0) return { created: false };
        const ownerDomain = org.domains.includes(domain) ? domain : org.domains[0];
        if (ownerDomain === undefined) return { created: false };
        const email = `admin@${ownerDomain}`;
        if (await userRowByEmail(email)) {
          logger.warn({ email }, 'the organization has no owner, and the first owner address is taken; use `cairn user add --role owner`');
          return { created: false };
        }
        let password: string;
        try {
          ({ password } = await createUser({ email, role: 'owner', displayName: FIRST_OWNER_NAME }, by));
        } catch (e) {
          // Another process (the CLI while the server starts) created the owner first.
          if (e instanceof ConflictError && e.code === 'user_exists') return { created: false };
          throw e;
        }
        logger.info({ email, orgCreated }, 'organization initialized with its first owner');
        return { created: true, owner: { email, password } };
      });
    },

    async organization() {
      const r = await orgRow();
      return r ? { id: r.id, name: r.name, retentionDays: Number(r.retention_days), createdAt: r.created_at } : undefined;
    },

    async setRetention(days, by) {
      await run(ORG_STREAM, organizationDecider, { type: 'ChangeRetention', retentionDays: days }, by);
    },

    async addDomain(domain, by) {
      await run(ORG_STREAM, organizationDecider, { type: 'AddDomain', domain }, by);
    },

    async removeDomain(domain, by) {
      const d = normalizeDomain(domain);
      const inUse = await db.selectFrom('core_users').select('id').where('email', 'like', `%@${d}`).where('role', '!=', 'guest').limit(1).executeTakeFirst();
      await run(ORG_STREAM, organizationDecider, { type: 'RemoveDomain', domain: d, domainInUse: inUse !== undefined }, by);
    },

    listDomains: domains,

    addUser: createUser,

    async listUsers() {
      return (await db.selectFrom('core_users').selectAll().orderBy('email').execute() as UserRow[]).map(toSessionUser);
    },

    async setPassword(userId, password, by) {
      const row = await requireUserRow(userId);
      validatePassword(password, { login: row.email });
      await run(userStream(row.id), userDecider, { type: 'ChangePassword', passwordHash: await hashPassword(password, cost) }, by);
      await sessions.deleteOf(row.id);
    },

    async changePassword(userId, current, next, by) {
      const row = await requireUserRow(userId);
      // Guessing the current password through a hijacked session counts like guessing a login.
      const attempt = throttle.begin(row.email);
      if (!(await verifyPassword(current, row.password_hash))) throw new UnauthorizedError('the current password is wrong', 'wrong_password');
      throttle.succeeded(attempt);
      validatePassword(next, { login: row.email });
      await run(userStream(row.id), userDecider, { type: 'ChangePassword', passwordHash: await hashPassword(next, cost) }, by);
    },

    removeUser(userId, by) {
      return serialized(async () => {
        const row = await requireUserRow(userId);
        await run(userStream(row.id), userDecider, { type: 'RemoveUser', otherOwners: await otherOwners(row.id) }, by);
        await sessions.deleteOf(row.id);
        await forgetUsage({ userId: row.id });
      });
    },

    setRole(userId, role, by) {
      return serialized(async () => {
        const row = await requireUserRow(userId);
        await run(userStream(row.id), userDecider, { type: 'ChangeRole', role, otherOwners: await otherOwners(row.id), localDomains: await domains() }, by);
      });
    },

    async updateProfile(userId, profile, by) {
      await run(userStream(checkId(userId, 'user')), userDecider, { type: 'UpdateProfile', displayName: profile.displayName }, by);
    },

    async setTheme(userId, theme, by) {
      await run(userStream(checkId(userId, 'user')), userDecider, { type: 'ChangeTheme', theme }, by);
    },

    async createAppPassword(userId, label, by) {
      const password = generateAppPassword();
      const id = newId();
      await run(userStream(checkId(userId, 'user')), userDecider, { type: 'CreateAppPassword', appPasswordId: id, label, hash: hashAppPassword(password) }, by);
      return { id, password };
    },

    async listAppPasswords(userId) {
      const rows = await db.selectFrom('core_app_passwords as a').leftJoin('core_app_password_usage as u', 'u.app_password_id', 'a.id')
        .select(['a.id', 'a.label', 'a.created_at', 'u.last_used_at', 'u.last_used_ip', 'u.last_used_protocol'])
        .where('a.user_id', '=', userId).orderBy('a.id').execute();
      return rows.map((r): AppPasswordInfo => ({
        id: r.id, label: r.label, createdAt: r.created_at,
        lastUsedAt: r.last_used_at == null ? undefined : new Date(Number(r.last_used_at)).toISOString(),
        lastUsedIp: r.last_used_ip ?? undefined,
        lastUsedProtocol: r.last_used_protocol ?? undefined,
      }));
    },

    async revokeAppPassword(userId, appPasswordId, by) {
      checkId(appPasswordId, 'app_password');
      await run(userStream(checkId(userId, 'user')), userDecider, { type: 'RevokeAppPassword', appPasswordId }, by);
      await forgetUsage({ userId, appPasswordId });
    },

    async revokeAllAppPasswords(userId, by) {
      const outcome = await run(userStream(checkId(userId, 'user')), userDecider, { type: 'RevokeAllAppPasswords' }, by);
      await forgetUsage({ userId });
      return outcome.result?.events.length ?? 0;
    },

    async createGroup(name, by) {
      const n = normalizeGroupName(name);
      const taken = await db.selectFrom('core_groups').select('id').where(sql`lower(name)`, '=', sql`lower(${n})`).executeTakeFirst();
      const groupId = newId();
      try {
        await run(groupStream(groupId), groupDecider, { type: 'CreateGroup', groupId, name: n, nameInUse: taken !== undefined }, by);
      } catch (e) {
        if (isUniqueViolation(e)) throw new ConflictError(`a group named "${n}" already exists`, 'group_exists');
        throw e;
      }
      return { id: groupId, name: n, members: [] };
    },

    async addGroupMember(groupId, userId, by) {
      const exists = (await userRow(userId)) !== undefined;
      await run(groupStream(checkId(groupId, 'group')), groupDecider, { type: 'AddGroupMember', userId, userExists: exists }, by);
    },

    async removeGroupMember(groupId, userId, by) {
      await run(groupStream(checkId(groupId, 'group')), groupDecider, { type: 'RemoveGroupMember', userId: checkId(userId, 'user') }, by);
    },

    async listGroups() {
      const groups = await db.selectFrom('core_groups').select(['id', 'name']).orderBy('name').orderBy('id').execute();
      const members = await db.selectFrom('core_group_members').select(['group_id', 'user_id']).orderBy('added_at').orderBy('user_id').execute();
      return groups.map((g): GroupInfo => ({
        id: g.id, name: g.name, members: members.filter((m) => m.group_id === g.id).map((m) => m.user_id as string),
      }));
    },

    async grant(resource, principal, right, by) {
      const r = checkResource(resource);
      let principalExists = true;
      if (principal.kind === 'user') principalExists = (await userRow(principal.id)) !== undefined;
      else if (principal.kind === 'group') {
        principalExists = ID_SHAPE.test(principal.id)
          && (await db.selectFrom('core_groups').select('id').where('id', '=', principal.id).executeTakeFirst()) !== undefined;
      }
      await run(grantStream(r), grantDecider, { type: 'GrantAccess', resource: r, principal, right, principalExists }, by);
    },

    async revokeGrant(resource, principal, by) {
      const r = checkResource(resource);
      await run(grantStream(r), grantDecider, { type: 'RevokeAccess', resource: r, principal }, by);
    },

    createSession: (userId, info) => sessions.create(userId, info),
    resolveSession: (token) => sessions.resolve(token),
    deleteSession: (sessionId) => sessions.delete(sessionId),
    deleteSessionsOf: (userId, exceptSessionId) => sessions.deleteOf(userId, exceptSessionId),
  };

  // ---- AuthService ------------------------------------------------------------------

  async function rightOn(user: SessionUser, resource: string): Promise<Right | undefined> {
    const row = await userRow(user.id);
    if (!row || resource.length === 0) return undefined;
    const groups = await groupsOf(row.id);
    const rows = await db.selectFrom('core_grants').select('right').where('resource', '=', resource)
      .where((eb) => eb.or([
        eb.and([eb('principal_kind', '=', 'user'), eb('principal_id', '=', row.id)]),
        ...(groups.length > 0 ? [eb.and([eb('principal_kind', '=', 'group'), eb('principal_id', 'in', groups)])] : []),
        // Organization-wide grants are for members of the organization, not its guests.
        ...(row.role !== 'guest' ? [eb.and([eb('principal_kind', '=', 'org'), eb('principal_id', '=', '')])] : []),
      ])).execute();
    let best: Right | undefined;
    for (const r of rows) {
      const right = r.right as Right;
      if (RIGHT_RANK[right] !== undefined && (best === undefined || RIGHT_RANK[right] > RIGHT_RANK[best])) best = right;
    }
    return best;
  }

  const auth: AuthService = {
    async authenticate(login, secret, ctx) {
      const attempt = throttle.begin(login, ctx.ip);
      const row = await userRowByEmail(login);
      let appPasswordId: string | undefined;
      // App passwords are for clients (IMAP, SMTP, DAV, API), never for the web login:
      // a leaked device password must not open the account page that makes new ones.
      if (row && ctx.protocol !== 'web' && typeof secret === 'string' && looksLikeAppPassword(secret)) {
        const candidates = await db.selectFrom('core_app_passwords').select(['id', 'hash']).where('user_id', '=', row.id).orderBy('id').execute();
        appPasswordId = candidates.find((c) => verifyAppPassword(secret, c.hash as string))?.id as string | undefined;
      }
      let ok = appPasswordId !== undefined;
      if (!ok) {
        const valid = typeof secret === 'string' && await verifyPassword(secret, row?.password_hash ?? await getDummyHash());
        ok = valid && row !== undefined;
      }
      if (!ok || !row) {
        logger.info({ login: normalizeLogin(String(login)).slice(0, MAX_EMAIL_LENGTH), ip: ctx.ip, protocol: ctx.protocol }, 'login failed');
        throw new UnauthorizedError('wrong login or password', 'invalid_credentials');
      }
      throttle.succeeded(attempt);
      if (appPasswordId !== undefined) await recordUsage(appPasswordId, row.id, ctx.ip, ctx.protocol);
      const user: AuthenticatedUser = toSessionUser(row);
      if (appPasswordId !== undefined) user.appPasswordId = appPasswordId;
      return user;
    },

    async userById(id) {
      const r = await userRow(id);
      return r ? toSessionUser(r) : undefined;
    },

    async userByEmail(email) {
      const r = await userRowByEmail(email);
      return r ? toSessionUser(r) : undefined;
    },

    listUsers: () => api.listUsers(),
    domains,
    isAdmin: (user) => user.role === 'owner' || user.role === 'admin',
    groupsOf,
    rightOn,

    async requireRight(user, resource, right) {
      const held = await rightOn(user, resource);
      if (held === undefined || RIGHT_RANK[held] < RIGHT_RANK[right]) {
        throw new ForbiddenError(`you need ${right} access to this resource`, 'insufficient_right');
      }
    },

    async resourcesFor(user, prefix) {
      const row = await userRow(user.id);
      if (!row || prefix.length === 0) return [];
      const groups = await groupsOf(row.id);
      const rows = await db.selectFrom('core_grants').select(['resource', 'right'])
        .where('resource', '>=', prefix).where('resource', '<', `${prefix}\uffff`)
        .where((eb) => eb.or([
          eb.and([eb('principal_kind', '=', 'user'), eb('principal_id', '=', row.id)]),
          ...(groups.length > 0 ? [eb.and([eb('principal_kind', '=', 'group'), eb('principal_id', 'in', groups)])] : []),
          ...(row.role !== 'guest' ? [eb.and([eb('principal_kind', '=', 'org'), eb('principal_id', '=', '')])] : []),
        ])).execute();
      const best = new Map<string, Right>();
      for (const r of rows) {
        const held = best.get(r.resource as string);
        if (!held || RIGHT_RANK[r.right as Right] > RIGHT_RANK[held]) best.set(r.resource as string, r.right as Right);
      }
      return [...best].map(([resource, right]) => ({ resource, right }));
    },

    async credentialStamp(userId) {
      const r = await userRow(userId);
      return r ? createHash('sha256').update(`stamp\0${r.password_hash as string}`).digest('base64url').slice(0, 22) : undefined;
    },

    async grantsOn(resource) {
      const rows = await db.selectFrom('core_grants').select(['resource', 'principal_kind', 'principal_id', 'right'])
        .where('resource', '=', resource).orderBy('principal_kind').orderBy('principal_id').execute();
      return rows.map((r): Grant => ({
        resource: r.resource,
        principal: (r.principal_kind === 'org' ? { kind: 'org' } : { kind: r.principal_kind, id: r.principal_id }) as Principal,
        right: r.right as Right,
      }));
    },

    async retentionDays() {
      const r = await orgRow();
      return r ? Number(r.retention_days) : DEFAULT_RETENTION_DAYS;
    },
  };

  return { api, auth };
}
