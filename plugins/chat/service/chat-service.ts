// The chat service: commands (decided against small streams, appended) and queries
// (read models). Every method takes the acting ChatActor and checks policy/access.ts
// first, so the JSON API, the pages, slash commands and bots share one set of rules.
import { createHash } from 'node:crypto';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { BlobStore } from '../../../core/blobs/index.ts';
import type { EventLog } from '../../../core/events/event-log.ts';
import { handleCommand, type Decider } from '../../../core/events/handle-command.ts';
import type { EventMetadata } from '../../../core/events/types.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import type { AuthService, SessionUser } from '../../../core/identity/auth-service.ts';
import { newId } from '../../../core/ids.ts';
import { planRestore, restoreCollection } from '../../../core/restore/point-in-time.ts';
import type { RestorePoint } from '../../../core/restore/restore-point.ts';
import { channelDecider, type ChannelCommand } from '../channel/decide.ts';
import { channelStream, messageStream, teamStream, userStream, type Attachment, type ChannelKind, type ChatEvent, type PresenceChoice } from '../events.ts';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_GROUP_DM_MEMBERS, MAX_MENTIONS, MAX_PAGE_SIZE, MAX_SEARCH_RESULTS, PAGE_SIZE, UPLOAD_TTL_MS, MAX_UNREAD_COUNT } from '../limits.ts';
import { messageDecider, type MessageCommand } from '../message/decide.ts';
import { handleOf, parseMentions } from '../mentions/parse-mentions.ts';
import {
  canRead, canSeeDirectory, isModerator, requireConversation, requireInvite, requireJoin, requireManage, requireMember,
  requireNotGuest, requireRead, isAdmin, type ChannelFacts, type ChatActor,
} from '../policy/access.ts';
import type { PresenceService } from '../presence/presence-service.ts';
import { channelRestoreSpec } from '../restore/channel-restore.ts';
import { teamDecider, type TeamCommand } from '../team/team.ts';
import { chatUserDecider, type ChatUserCommand } from '../user/chat-user.ts';
import { messageJson, type MessageJson, type MessageRow } from './message-json.ts';

export interface ChannelRow {
  id: string; team_id: string | null; kind: ChannelKind; name: string; purpose: string; header: string;
  is_default: number; archived: number; created_by: string; created_at: string; last_position: number;
}

export interface SidebarChannel {
  id: string; teamId: string | null; kind: ChannelKind; name: string; displayName: string; purpose: string; header: string;
  muted: boolean; favorite: boolean; unread: number; mentions: number; lastRead: number; role: 'owner' | 'member';
  /** For DMs: the other people. */
  others: string[];
}

export interface ChatDeps {
  events: EventLog;
  blobs: BlobStore;
  db: Kysely<any>;
  auth: AuthService;
  presence: PresenceService;
  /** Whether the assistant bot exists (chat.assistantUrl configured). */
  assistantEnabled: boolean;
  /** The mail store (`mail.store`) when mail is enabled: mention emails for people who are away. */
  mailbox?: () => MentionMailbox | undefined;
  /** The appliance's public URL, for links in mention emails. */
  publicUrl?: string;
  /** The drive (`drive.files`) when enabled: attachments are also filed in the uploader's drive. */
  drive?: () => ChatDrive | undefined;
}

/** What chat expects of the drive's `drive.files` (plugins never import each other). */
export interface ChatDrive {
  save(userId: string, folderName: string, name: string, source: Buffer | NodeJS.ReadableStream, contentType: string): Promise<{ id: string; name: string }>;
}

/** The uploader's drive folder where chat attachments are filed. */
export const CHAT_FILES_FOLDER = 'Chat files';

/** What chat expects of the mail plugin's `mail.store` (plugins never import each other). */
export interface MentionMailbox {
  ensureAccount(userId: string, meta: EventMetadata): Promise<unknown>;
  deliver(userId: string, raw: Buffer, opts: { mailbox?: 'INBOX' }, meta: EventMetadata): Promise<unknown>;
}

/** At most one mention email per person and channel in this window: a busy channel is not an inbox flood. */
export const MENTION_MAIL_INTERVAL_MS = 10 * 60_000;

const FACTS_SQL = `select c.*, m.role as member_role,
  exists (select 1 from chat_team_members t where t.team_id = c.team_id and t.user_id = ?) as in_team
  from chat_channels c left join chat_members m on m.channel_id = c.id and m.user_id = ? where c.id = ?`;

/** Display names of people are cached this long; renames show up after it. */
const NAME_CACHE_MS = 60_000;
export const ASSISTANT_ID = 'bot:assistant';

/** A DM or group message between the same people is one channel: its id comes from the sorted member ids. */
export function conversationId(members: readonly string[]): string {
  return `c${createHash('sha256').update([...new Set(members)].sort().join('\n')).digest('hex').slice(0, 25)}`;
}

export function createChatService(deps: ChatDeps) {
  const { events, db } = deps;
  const mentionMailed = new Map<string, number>();

  /**
   * Mention emails: people mentioned by name who are offline (no open chat, not active)
   * get a mail in their INBOX, unless they chose do-not-disturb. Best effort: a failure is
   * the notification's, never the post's.
   */
  async function mailMentions(author: ChatActor, channelId: string, mentioned: readonly string[], text: string, m: EventMetadata): Promise<void> {
    const mailbox = deps.mailbox?.();
    if (!mailbox) return;
    const ids = mentioned.filter((id) => id !== author.id);
    if (ids.length === 0) return;
    const status = await deps.presence.statusOf(ids);
    const channel = await db.selectFrom('chat_channels').select('name').where('id', '=', channelId).executeTakeFirst();
    for (const id of ids) {
      if (status.get(id)?.presence !== 'offline' || (await deps.presence.isDoNotDisturb(id))) continue; // here, or asked not to be disturbed
      const key = `${id}/${channelId}`;
      const now = Date.now();
      if ((mentionMailed.get(key) ?? 0) > now - MENTION_MAIL_INTERVAL_MS) continue;
      mentionMailed.set(key, now);
      const user = await deps.auth.userById(id);
      if (!user) continue;
      const where = channel?.name ? `#${channel.name}` : 'a conversation';
      const link = `${(deps.publicUrl ?? '').replace(/\/+$/, '')}/chat/c/${channelId}`;
      const raw = Buffer.from([
        `From: Cairn Chat <no-reply@${new URL(deps.publicUrl ?? 'http://localhost').hostname}>`, `To: ${user.email}`,
        `Subject: =?utf-8?B?${Buffer.from(`${author.name} mentioned you in ${where}`).toString('base64')}?=`,
        `Date: ${new Date(now).toUTCString()}`, `Message-ID: <mention-${id}-${now}@cairn.chat>`, 'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '',
        Buffer.from(`${author.name} in ${where}:\n\n${text.slice(0, 2000)}\n\nOpen the conversation: ${link}\n`).toString('base64').replace(/.{76}/g, '$&\r\n'), '',
      ].join('\r\n'));
      await mailbox.ensureAccount(id, m);
      await mailbox.deliver(id, raw, { mailbox: 'INBOX' }, m);
    }
  }

  const run = <S, C>(stream: string, decider: Decider<S, C, ChatEvent>, command: C, metadata: EventMetadata) =>
    handleCommand(events, stream, decider, command, { metadata });
  const runChannel = (id: string, c: ChannelCommand, m: EventMetadata) => run(channelStream(id), channelDecider, c, m);
  const runMessage = (channelId: string, id: string, c: MessageCommand, m: EventMetadata) => run(messageStream(channelId, id), messageDecider, c, m);
  const runTeam = (id: string, c: TeamCommand, m: EventMetadata) => run(teamStream(id), teamDecider, c, m);
  const runUser = (id: string, c: ChatUserCommand, m: EventMetadata) => run(userStream(id), chatUserDecider, c, m);

  // Uploaded files waiting to be attached, per uploader: a message may only attach what its
  // author uploaded, so knowing a file's hash never grants access to someone else's file.
  const uploads = new Map<string, Attachment & { at: number }>();
  const uploadKey = (actorId: string, sha256: string) => `${actorId} ${sha256}`;
  function takeUploads(a: ChatActor, shas: readonly string[]): Attachment[] {
    if (shas.length > MAX_ATTACHMENTS) throw new ValidationError(`at most ${MAX_ATTACHMENTS} files per message`);
    const now = Date.now();
    return shas.map((sha) => {
      const u = uploads.get(uploadKey(a.id, sha));
      if (!u || now - u.at > UPLOAD_TTL_MS) throw new ValidationError('upload the file first (POST /chat/api/channels/<id>/files)');
      return { sha256: u.sha256, name: u.name, type: u.type, size: u.size };
    });
  }

  let names = new Map<string, string>();
  let namesAt = 0;
  async function nameMap(): Promise<Map<string, string>> {
    if (Date.now() - namesAt < NAME_CACHE_MS) return names;
    const m = new Map<string, string>();
    for (const u of await deps.auth.listUsers()) m.set(u.id, u.displayName || u.email);
    for (const b of await db.selectFrom('chat_bots').select(['id', 'name']).execute()) m.set(`bot:${b.id}`, b.name as string);
    for (const h of await db.selectFrom('chat_webhooks').select(['id', 'name']).execute()) m.set(`hook:${h.id}`, h.name as string);
    m.set(ASSISTANT_ID, 'Assistant');
    m.set('system', 'Cairn');
    names = m;
    namesAt = Date.now();
    return m;
  }
  const forgetNames = () => { namesAt = 0; };

  async function channelRow(id: string): Promise<ChannelRow | undefined> {
    return (await db.selectFrom('chat_channels').selectAll().where('id', '=', id).executeTakeFirst()) as ChannelRow | undefined;
  }

  async function facts(a: ChatActor, channelId: string): Promise<(ChannelFacts & { row: ChannelRow }) | undefined> {
    // One query (every post asks this): every read waits its turn with the writer on the one connection.
    const r = (await db.executeQuery(CompiledQuery.raw(FACTS_SQL, [a.id, a.id, channelId]))).rows[0] as (ChannelRow & { member_role: string | null; in_team: number }) | undefined;
    if (!r) return undefined;
    const { member_role, in_team, ...row } = r;
    return { row, kind: row.kind, teamId: row.team_id, archived: row.archived === 1, membership: (member_role ?? undefined) as 'owner' | 'member' | undefined, inTeam: in_team === 1 };
  }

  async function readable(a: ChatActor, channelId: string) {
    const f = await facts(a, channelId);
    requireRead(a, f);
    return f as ChannelFacts & { row: ChannelRow };
  }

  async function messageRow(id: string): Promise<MessageRow | undefined> {
    return (await db.selectFrom('chat_messages').selectAll().where('id', '=', id).executeTakeFirst()) as MessageRow | undefined;
  }

  async function jsonOf(rows: MessageRow[]): Promise<MessageJson[]> {
    const n = await nameMap();
    return rows.map((r) => messageJson(r, n));
  }

  async function members(channelId: string): Promise<string[]> {
    return (await db.selectFrom('chat_members').select('user_id').where('channel_id', '=', channelId).execute()).map((r) => r.user_id as string);
  }

  /** User ids the actor shares at least one channel with (a guest's whole world). */
  async function sharedWith(a: ChatActor): Promise<Set<string>> {
    const rows = await db.selectFrom('chat_members as m').innerJoin('chat_members as o', 'o.channel_id', 'm.channel_id')
      .select('o.user_id').distinct().where('m.user_id', '=', a.id).execute();
    return new Set(rows.map((r) => r.user_id as string));
  }

  async function resolveMentions(channelId: string, author: string, text: string): Promise<{ mentions: string[]; mentionAll: boolean }> {
    const p = parseMentions(text);
    const ids = new Set<string>();
    if (p.names.length > 0) {
      const wanted = new Set(p.names.slice(0, MAX_MENTIONS));
      for (const u of await deps.auth.listUsers()) if (wanted.has(handleOf(u.email))) ids.add(u.id);
    }
    if (p.here && !p.channel) {
      // @here is "whoever is online now": resolved at the edge and stored, so replay gives the same badges.
      for (const id of await deps.presence.online(await members(channelId))) ids.add(id);
    }
    ids.delete(author);
    return { mentions: [...ids], mentionAll: p.channel };
  }

  /**
   * A post is a new stream: decided against the empty state and appended with 'no-stream'
   * — no read of the log, no conflict with other writers. The answer is built from the
   * stored event rather than read back, for the same reason.
   */
  async function appendPost(p: Omit<Extract<MessageCommand, { type: 'post' }>, 'type'>, m: EventMetadata): Promise<MessageJson> {
    const evs = messageDecider.decide({ type: 'post', ...p }, undefined, m);
    const r = await events.append(messageStream(p.channelId, p.messageId), 'no-stream', evs, { metadata: m });
    const e = evs[0] as Extract<ChatEvent, { type: 'chat.MessagePosted' }>;
    const row: MessageRow = {
      id: p.messageId, channel_id: p.channelId, position: r.firstPosition, root_id: p.rootId ?? '', author: p.author, text: e.data.text,
      created_at: m.time, edited_at: null, deleted_at: null, pinned: 0, reply_count: 0, last_reply_at: null, reactions: '{}', version: r.firstPosition,
      attachments: JSON.stringify(e.data.attachments ?? []),
    };
    return messageJson(row, await nameMap());
  }

  async function joinTeamAndDefaults(teamId: string, userId: string, m: EventMetadata): Promise<void> {
    await runTeam(teamId, { type: 'join', userId }, m);
    const defaults = await db.selectFrom('chat_channels').select('id').where('team_id', '=', teamId).where('is_default', '=', 1).where('archived', '=', 0).execute();
    for (const d of defaults) await runChannel(d.id as string, { type: 'join', userId }, m);
  }

  const service = {
    nameMap, forgetNames, channelRow, messageRow, members, facts,

    actorOf(user: SessionUser): ChatActor {
      return { id: user.id, kind: 'user', role: user.role, name: user.displayName || user.email, email: user.email };
    },

    /**
     * First visit of an organization member: with no team yet, the organization's first
     * team and its #general are made; otherwise they join the open teams (and their
     * default channels). Guests are never put anywhere by this.
     */
    async onboard(a: ChatActor, m: EventMetadata): Promise<void> {
      if (a.kind !== 'user' || a.role === 'guest') return;
      const teams = await db.selectFrom('chat_teams').selectAll().execute();
      if (teams.length === 0) {
        const teamId = 'main';
        try {
          await runTeam(teamId, { type: 'create', teamId, name: 'General', open: true, createdBy: a.id }, m);
          await runChannel('general', { type: 'create', channelId: 'general', teamId, kind: 'public', name: 'general', purpose: 'Everyone in the organization', isDefault: true, createdBy: a.id, members: [] }, m);
        } catch (e) {
          if (!(e instanceof ConflictError)) throw e; // two first visits at once: the other one made it
        }
        await joinTeamAndDefaults(teamId, a.id, m);
        return;
      }
      const mine = new Set((await db.selectFrom('chat_team_members').select('team_id').where('user_id', '=', a.id).execute()).map((r) => r.team_id as string));
      if (mine.size > 0) return;
      for (const t of teams) if (t.open === 1) await joinTeamAndDefaults(t.id as string, a.id, m);
    },

    async teams(a: ChatActor) {
      const mine = new Set((await db.selectFrom('chat_team_members').select('team_id').where('user_id', '=', a.id).execute()).map((r) => r.team_id as string));
      const rows = await db.selectFrom('chat_teams').selectAll().orderBy('name').execute();
      // Guests see no teams at all; members see theirs and the open ones they could join.
      return rows.filter((t) => a.role !== 'guest' && a.kind === 'user' && (mine.has(t.id as string) || t.open === 1 || isAdmin(a)))
        .map((t) => ({ id: t.id as string, name: t.name as string, open: t.open === 1, member: mine.has(t.id as string) }));
    },

    async createTeam(a: ChatActor, input: { name: string; open: boolean }, m: EventMetadata): Promise<string> {
      if (!isAdmin(a)) throw new ForbiddenError('only admins can create teams');
      const teamId = newId();
      await runTeam(teamId, { type: 'create', teamId, name: input.name, open: input.open, createdBy: a.id }, m);
      return teamId;
    },

    async joinTeam(a: ChatActor, teamId: string, m: EventMetadata): Promise<void> {
      requireNotGuest(a, 'join teams');
      const t = await db.selectFrom('chat_teams').selectAll().where('id', '=', teamId).executeTakeFirst();
      if (!t || (t.open !== 1 && !isAdmin(a))) throw new NotFoundError('no such team');
      await joinTeamAndDefaults(teamId, a.id, m);
    },

    /** The sidebar: the actor's channels with unread and mention counts. */
    async sidebar(a: ChatActor): Promise<SidebarChannel[]> {
      const rows = await db.selectFrom('chat_members as m')
        .innerJoin('chat_channels as c', 'c.id', 'm.channel_id')
        .leftJoin('chat_read_state as r', (j) => j.onRef('r.channel_id', '=', 'm.channel_id').on('r.user_id', '=', a.id))
        .select(['c.id', 'c.team_id', 'c.kind', 'c.name', 'c.purpose', 'c.header', 'c.last_position', 'm.muted', 'm.favorite', 'm.role', 'm.joined_position', 'r.last_read'])
        .where('m.user_id', '=', a.id).where('c.archived', '=', 0).execute();
      const n = await nameMap();
      const out: SidebarChannel[] = [];
      for (const r of rows) {
        const lastRead = (r.last_read as number | null) ?? (r.joined_position as number);
        let unread = 0;
        let mentions = 0;
        // Counted over the (channel, root, position) index from the read cursor: it touches
        // only the unread messages, however long the channel is.
        const u = await sql<{ n: number }>`select count(*) as n from (select 1 from chat_messages where channel_id = ${r.id} and root_id = '' and position > ${lastRead} and deleted_at is null and author != ${a.id} limit ${MAX_UNREAD_COUNT})`.execute(db);
        unread = u.rows[0]?.n ?? 0;
        const mm = await sql<{ n: number }>`select count(*) as n from chat_mentions where user_id = ${a.id} and channel_id = ${r.id} and position > ${lastRead}`.execute(db);
        mentions = mm.rows[0]?.n ?? 0;
        let others: string[] = [];
        let displayName = r.name as string;
        if (r.kind === 'dm' || r.kind === 'group') {
          others = (await members(r.id as string)).filter((id) => id !== a.id);
          displayName = others.map((id) => n.get(id) ?? id).join(', ') || 'You';
        }
        out.push({
          id: r.id as string, teamId: r.team_id as string | null, kind: r.kind as ChannelKind, name: r.name as string, displayName,
          purpose: r.purpose as string, header: r.header as string, muted: r.muted === 1, favorite: r.favorite === 1,
          unread, mentions, lastRead, role: r.role as 'owner' | 'member', others,
        });
      }
      return out.sort((x, y) => x.displayName.localeCompare(y.displayName));
    },

    /** Public channels of a team the actor may join (organization members only). */
    async browse(a: ChatActor, teamId: string) {
      requireNotGuest(a, 'browse channels');
      const inTeam = await db.selectFrom('chat_team_members').select('user_id').where('team_id', '=', teamId).where('user_id', '=', a.id).executeTakeFirst();
      if (!inTeam) throw new NotFoundError('no such team');
      const rows = await db.selectFrom('chat_channels').select(['id', 'name', 'purpose']).where('team_id', '=', teamId).where('kind', '=', 'public').where('archived', '=', 0).orderBy('name').execute();
      const mine = new Set((await db.selectFrom('chat_members').select('channel_id').where('user_id', '=', a.id).execute()).map((r) => r.channel_id as string));
      return rows.map((r) => ({ id: r.id as string, name: r.name as string, purpose: r.purpose as string, member: mine.has(r.id as string) }));
    },

    async channel(a: ChatActor, channelId: string) {
      const f = await readable(a, channelId);
      return { ...f.row, membership: f.membership, memberCount: (await members(channelId)).length };
    },

    async createChannel(a: ChatActor, input: { teamId: string; name: string; kind: 'public' | 'private'; purpose?: string; isDefault?: boolean }, m: EventMetadata): Promise<string> {
      requireNotGuest(a, 'create channels');
      const inTeam = await db.selectFrom('chat_team_members').select('user_id').where('team_id', '=', input.teamId).where('user_id', '=', a.id).executeTakeFirst();
      if (!inTeam) throw new NotFoundError('no such team');
      if (input.isDefault && !isAdmin(a)) throw new ForbiddenError('only admins choose default channels');
      if (input.kind !== 'public' && input.kind !== 'private') throw new ValidationError('a channel is public or private');
      const channelId = newId();
      await runChannel(channelId, { type: 'create', channelId, teamId: input.teamId, kind: input.kind, name: input.name, purpose: input.purpose ?? '', isDefault: input.isDefault ?? false, createdBy: a.id, members: [] }, m);
      if (input.isDefault) {
        // A new default channel takes in everyone already in the team.
        for (const r of await db.selectFrom('chat_team_members').select('user_id').where('team_id', '=', input.teamId).execute()) {
          await runChannel(channelId, { type: 'join', userId: r.user_id as string }, m);
        }
      }
      return channelId;
    },

    /** Opens (or finds) the DM / group message with these people. */
    async conversation(a: ChatActor, userIds: readonly string[], m: EventMetadata): Promise<string> {
      const others = [...new Set(userIds)].filter((id) => id !== a.id);
      if (others.length === 0) throw new ValidationError('choose someone to message');
      if (others.length + 1 > MAX_GROUP_DM_MEMBERS) throw new ValidationError(`a group message has at most ${MAX_GROUP_DM_MEMBERS} people`);
      for (const id of others) {
        if (id === ASSISTANT_ID) { if (!deps.assistantEnabled) throw new NotFoundError('no such person'); continue; }
        const u = await deps.auth.userById(id);
        if (!u) throw new NotFoundError('no such person');
      }
      requireConversation(a, others, a.role === 'guest' ? await sharedWith(a) : new Set());
      const channelId = conversationId([a.id, ...others]);
      if (!(await channelRow(channelId))) {
        try {
          await runChannel(channelId, { type: 'create', channelId, teamId: null, kind: others.length === 1 ? 'dm' : 'group', name: '', purpose: '', isDefault: false, createdBy: a.id, members: others }, m);
        } catch (e) {
          if (!(e instanceof ConflictError)) throw e;
        }
      }
      return channelId;
    },

    async join(a: ChatActor, channelId: string, m: EventMetadata): Promise<void> {
      const f = await facts(a, channelId);
      if (!f) throw new NotFoundError('no such channel', 'no_such_channel');
      if (f.membership) return;
      requireJoin(a, f);
      await runChannel(channelId, { type: 'join', userId: a.id }, m);
    },

    async leave(a: ChatActor, channelId: string, m: EventMetadata): Promise<void> {
      await readable(a, channelId);
      await runChannel(channelId, { type: 'leave', userId: a.id }, m);
    },

    async invite(a: ChatActor, channelId: string, userIds: readonly string[], m: EventMetadata): Promise<void> {
      const f = await readable(a, channelId);
      requireInvite(a, f);
      for (const id of userIds) {
        if (id.startsWith('bot:')) {
          const bot = await db.selectFrom('chat_bots').select('id').where('id', '=', id.slice(4)).where('removed', '=', 0).executeTakeFirst();
          if (!bot) throw new NotFoundError('no such bot');
        } else {
          const u = await deps.auth.userById(id);
          if (!u) throw new NotFoundError('no such person');
          // Team channels hold team members (and guests, who are invited to channels, not teams).
          if (f.teamId && u.role !== 'guest') await runTeam(f.teamId, { type: 'join', userId: id }, m);
        }
        await runChannel(channelId, { type: 'join', userId: id }, m);
      }
    },

    /** Adds every (non-guest) member of a team to the channel: "invite a whole team". */
    async inviteTeam(a: ChatActor, channelId: string, teamId: string, m: EventMetadata): Promise<number> {
      // Rights first, whatever the team holds: adding nobody must not skip the check.
      requireInvite(a, await readable(a, channelId));
      const team = await db.selectFrom('chat_team_members').select('user_id').where('team_id', '=', teamId).execute();
      if (team.length === 0) throw new NotFoundError('no such team, or nobody in it');
      const present = new Set((await db.selectFrom('chat_members').select('user_id').where('channel_id', '=', channelId).execute()).map((r) => r.user_id as string));
      const ids = team.map((r) => r.user_id as string).filter((id) => !present.has(id));
      if (ids.length > 0) await service.invite(a, channelId, ids, m);
      return ids.length;
    },

    async removeMember(a: ChatActor, channelId: string, userId: string, m: EventMetadata): Promise<void> {
      const f = await readable(a, channelId);
      if (userId !== a.id) requireManage(a, f);
      await runChannel(channelId, { type: 'leave', userId }, m);
    },

    async updateChannel(a: ChatActor, channelId: string, input: { name?: string; purpose?: string; header?: string }, m: EventMetadata): Promise<void> {
      const f = await readable(a, channelId);
      requireManage(a, f);
      await runChannel(channelId, { type: 'update', name: input.name ?? f.row.name, purpose: input.purpose ?? f.row.purpose, header: input.header ?? f.row.header }, m);
    },

    async archive(a: ChatActor, channelId: string, m: EventMetadata): Promise<void> {
      const f = await readable(a, channelId);
      requireManage(a, f);
      await runChannel(channelId, { type: 'archive' }, m);
    },

    async channelMembers(a: ChatActor, channelId: string) {
      await readable(a, channelId);
      const n = await nameMap();
      const ids = await members(channelId);
      const status = await deps.presence.statusOf(ids);
      return ids.map((id) => ({ id, name: n.get(id) ?? id, status: status.get(id) }));
    },

    // ---- messages ----

    /** Stores an uploaded file as a blob, to be attached to the uploader's next message. */
    async upload(a: ChatActor, channelId: string, file: { name: string; type: string; source: AsyncIterable<Uint8Array> | Buffer }): Promise<Attachment> {
      requireMember(a, await readable(a, channelId));
      const name = file.name.replace(/[\u0000-\u001f\/\\]/g, '_').trim().slice(0, 255) || 'file';
      const type = /^[a-z]+\/[a-z0-9.+-]{1,80}$/i.test(file.type) ? file.type.toLowerCase() : 'application/octet-stream';
      const blob = await deps.blobs.write(file.source, { maxBytes: MAX_ATTACHMENT_BYTES });
      // With the drive, the file is also the uploader's, in "Chat files" (same bytes, stored once).
      const drive = a.kind === 'user' ? deps.drive?.() : undefined;
      if (drive) await drive.save(a.id, CHAT_FILES_FOLDER, name, await deps.blobs.read(blob.sha256), type);
      const now = Date.now();
      for (const [k, v] of uploads) if (now - v.at > UPLOAD_TTL_MS) uploads.delete(k);
      const att = { sha256: blob.sha256, name, type, size: blob.size };
      uploads.set(uploadKey(a.id, blob.sha256), { ...att, at: now });
      return att;
    },

    /** A file of a message, for whoever may read the channel. */
    async file(a: ChatActor, messageId: string, index: number): Promise<Attachment> {
      const row = await messageRow(messageId);
      if (!row || row.deleted_at) throw new NotFoundError('no such file');
      await readable(a, row.channel_id);
      const f = (JSON.parse(row.attachments ?? '[]') as Attachment[])[index];
      if (!f) throw new NotFoundError('no such file');
      return f;
    },

    async post(a: ChatActor, channelId: string, input: { text: string; rootId?: string | null; files?: readonly string[] }, m: EventMetadata): Promise<MessageJson> {
      const f = await readable(a, channelId);
      requireMember(a, f);
      let rootId: string | null = null;
      if (input.rootId) {
        const root = await messageRow(input.rootId);
        if (!root || root.channel_id !== channelId || root.deleted_at) throw new NotFoundError('no such message to reply to');
        // Threads are one level deep: a reply to a reply joins the same thread.
        rootId = root.root_id || root.id;
      }
      const { mentions, mentionAll } = await resolveMentions(channelId, a.id, input.text);
      const attachments = takeUploads(a, input.files ?? []);
      const json = await appendPost({ messageId: newId(), channelId, author: a.id, text: input.text, rootId, mentions, mentionAll, ...(attachments.length > 0 ? { attachments } : {}) }, m);
      for (const f of attachments) uploads.delete(uploadKey(a.id, f.sha256));
      if (a.kind === 'user') deps.presence.touch(a.id);
      void mailMentions(a, channelId, mentions, input.text, { ...m, source: 'system' }).catch(() => { /* a notification, not the post */ });
      return json;
    },

    /** Posts without the membership policy: incoming webhooks (bound to their channel) and the system. */
    async postAs(author: string, channelId: string, text: string, m: EventMetadata): Promise<MessageJson> {
      const { mentions, mentionAll } = await resolveMentions(channelId, author, text);
      return appendPost({ messageId: newId(), channelId, author, text, rootId: null, mentions, mentionAll }, m);
    },

    async message(a: ChatActor, messageId: string): Promise<MessageJson> {
      const row = await messageRow(messageId);
      if (!row) throw new NotFoundError('no such message');
      await readable(a, row.channel_id);
      return (await jsonOf([row]))[0]!;
    },

    async edit(a: ChatActor, messageId: string, text: string, m: EventMetadata): Promise<void> {
      const row = await messageRow(messageId);
      if (!row) throw new NotFoundError('no such message');
      const f = await readable(a, row.channel_id);
      requireMember(a, f);
      const { mentions } = await resolveMentions(row.channel_id, a.id, text);
      await runMessage(row.channel_id, messageId, { type: 'edit', by: a.id, text, mentions }, m);
    },

    async remove(a: ChatActor, messageId: string, m: EventMetadata): Promise<void> {
      const row = await messageRow(messageId);
      if (!row) throw new NotFoundError('no such message');
      const f = await readable(a, row.channel_id);
      await runMessage(row.channel_id, messageId, { type: 'delete', by: a.id, moderator: isModerator(a, f) }, m);
    },

    async react(a: ChatActor, messageId: string, emoji: string, on: boolean, m: EventMetadata): Promise<void> {
      const row = await messageRow(messageId);
      if (!row) throw new NotFoundError('no such message');
      requireMember(a, await readable(a, row.channel_id));
      await runMessage(row.channel_id, messageId, { type: 'react', userId: a.id, emoji, on }, m);
    },

    async pin(a: ChatActor, messageId: string, on: boolean, m: EventMetadata): Promise<void> {
      const row = await messageRow(messageId);
      if (!row) throw new NotFoundError('no such message');
      requireMember(a, await readable(a, row.channel_id));
      await runMessage(row.channel_id, messageId, { type: 'pin', on }, m);
    },

    /** A page of top-level messages, newest last; `before` is a position for "load older". */
    async messages(a: ChatActor, channelId: string, opts: { before?: number; limit?: number } = {}): Promise<{ messages: MessageJson[]; more: boolean }> {
      await readable(a, channelId);
      const limit = Math.min(Math.max(opts.limit ?? PAGE_SIZE, 1), MAX_PAGE_SIZE);
      let q = db.selectFrom('chat_messages').selectAll().where('channel_id', '=', channelId).where('root_id', '=', '');
      if (opts.before !== undefined) q = q.where('position', '<', opts.before);
      const rows = (await q.orderBy('position', 'desc').limit(limit + 1).execute()) as MessageRow[];
      const more = rows.length > limit;
      return { messages: await jsonOf(rows.slice(0, limit).reverse()), more };
    },

    async thread(a: ChatActor, rootId: string): Promise<{ root: MessageJson; replies: MessageJson[] }> {
      const root = await messageRow(rootId);
      if (!root || root.root_id) throw new NotFoundError('no such thread');
      await readable(a, root.channel_id);
      const replies = (await db.selectFrom('chat_messages').selectAll().where('root_id', '=', rootId).orderBy('position').limit(MAX_PAGE_SIZE * 5).execute()) as MessageRow[];
      const [r, ...rest] = await jsonOf([root, ...replies]);
      return { root: r!, replies: rest };
    },

    async pinned(a: ChatActor, channelId: string): Promise<MessageJson[]> {
      await readable(a, channelId);
      return jsonOf((await db.selectFrom('chat_messages').selectAll().where('channel_id', '=', channelId).where('pinned', '=', 1).orderBy('position').limit(MAX_PAGE_SIZE).execute()) as MessageRow[]);
    },

    /** Full-text (3+ characters, any substring) or by person, channel and date; only channels the actor is in. */
    async search(a: ChatActor, q: { text?: string; from?: string; channelId?: string; after?: string; before?: string }): Promise<MessageJson[]> {
      const text = (q.text ?? '').trim();
      const mine = db.selectFrom('chat_members').select('channel_id').where('user_id', '=', a.id);
      let query = db.selectFrom('chat_messages as m').selectAll('m').where('m.deleted_at', 'is', null).where('m.channel_id', 'in', mine);
      if (text.length >= 3) {
        const phrase = `"${text.replace(/"/g, '""')}"`;
        query = query.where('m.position', 'in', sql<number>`(select rowid from chat_search where chat_search match ${phrase})`);
      } else if (text.length > 0) {
        query = query.where('m.text', 'like', `%${text.replace(/[%_\\]/g, '\\$&')}%`);
      }
      if (q.from) query = query.where('m.author', '=', q.from);
      if (q.channelId) query = query.where('m.channel_id', '=', q.channelId);
      if (q.after) query = query.where('m.created_at', '>=', new Date(q.after).toISOString());
      if (q.before) query = query.where('m.created_at', '<', new Date(q.before).toISOString());
      if (!text && !q.from && !q.channelId && !q.after && !q.before) throw new ValidationError('search for some text, a person, a channel or dates');
      return jsonOf((await query.orderBy('m.position', 'desc').limit(MAX_SEARCH_RESULTS).execute()) as MessageRow[]);
    },

    // ---- per-user state ----

    /** Moves the read cursor forward (never back: an old tab must not resurrect unread counts). */
    async markRead(a: ChatActor, channelId: string, position?: number): Promise<number> {
      const f = await readable(a, channelId);
      const newest = await sql<{ p: number | null }>`select max(position) as p from chat_messages where channel_id = ${channelId} and root_id = ''`.execute(db);
      const upTo = position ?? newest.rows[0]?.p ?? f.row.last_position;
      await db.insertInto('chat_read_state').values({ user_id: a.id, channel_id: channelId, last_read: upTo })
        .onConflict((oc) => oc.columns(['user_id', 'channel_id']).doUpdateSet({ last_read: sql`max(last_read, excluded.last_read)` })).execute();
      if (a.kind === 'user') deps.presence.touch(a.id);
      return upTo;
    },

    async setPreference(a: ChatActor, channelId: string, p: { muted?: boolean; favorite?: boolean }, m: EventMetadata): Promise<void> {
      requireMember(a, await readable(a, channelId));
      await runUser(a.id, { type: 'setPreference', userId: a.id, channelId, ...p }, m);
    },

    async setStatus(a: ChatActor, s: { emoji: string; text: string; expiresAt: string | null }, m: EventMetadata): Promise<void> {
      await runUser(a.id, { type: 'setStatus', userId: a.id, ...s }, m);
      deps.presence.changed(a.id);
    },

    async choosePresence(a: ChatActor, presence: PresenceChoice, until: string | null, m: EventMetadata): Promise<void> {
      await runUser(a.id, { type: 'choosePresence', userId: a.id, presence, until }, m);
      deps.presence.changed(a.id);
    },

    /** People the actor may see and message: everyone for members; people in their channels for guests. */
    async directory(a: ChatActor) {
      const users = await deps.auth.listUsers();
      const shared = canSeeDirectory(a) ? undefined : await sharedWith(a);
      const visible = users.filter((u) => !shared || shared.has(u.id));
      const status = await deps.presence.statusOf(visible.map((u) => u.id));
      const out = visible.map((u) => ({ id: u.id, name: u.displayName || u.email, handle: handleOf(u.email), guest: u.role === 'guest', status: status.get(u.id) }));
      if (deps.assistantEnabled && a.kind === 'user') out.push({ id: ASSISTANT_ID, name: 'Assistant', handle: 'assistant', guest: false, status: { presence: 'online' } });
      return out;
    },

    // ---- restore ----

    async previewRestore(a: ChatActor, channelId: string, at: RestorePoint, m: EventMetadata) {
      requireManage(a, await readable(a, channelId));
      const plan = await planRestore(events, channelRestoreSpec(channelId), at, m, await deps.auth.retentionDays());
      return summarize(plan.appends.flatMap((x) => x.events as ChatEvent[]), plan.target, plan.current);
    },

    async restore(a: ChatActor, channelId: string, at: RestorePoint, m: EventMetadata) {
      requireManage(a, await readable(a, channelId));
      const { plan } = await restoreCollection(events, channelRestoreSpec(channelId), at, m, await deps.auth.retentionDays());
      return summarize(plan.appends.flatMap((x) => x.events as ChatEvent[]), plan.target, plan.current);
    },

    canRead,
  };
  return service;
}

function summarize(evs: ChatEvent[], target: Map<string, { text: string }>, current: Map<string, { text: string }>) {
  const out = { restored: [] as string[], removed: [] as string[], reverted: [] as string[], pins: 0 };
  for (const e of evs) {
    const id = (e.data as { messageId: string }).messageId;
    const excerpt = (target.get(id)?.text ?? current.get(id)?.text ?? '').slice(0, 80);
    if (e.type === 'chat.MessageRestored') out.restored.push(excerpt);
    else if (e.type === 'chat.MessageDeleted') out.removed.push(excerpt);
    else if (e.type === 'chat.MessageEdited') out.reverted.push(excerpt);
    else out.pins++;
  }
  return out;
}

export type ChatService = ReturnType<typeof createChatService>;
