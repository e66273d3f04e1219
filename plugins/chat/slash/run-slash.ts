// Slash commands typed in the composer. Built-ins act through the same service methods
// as the API (so guest rules hold); other names go to the bot that registered them.
import { randomBytes } from 'node:crypto';
import type { EventMetadata } from '../../../core/events/types.ts';
import { NotFoundError, ValidationError } from '../../../core/errors.ts';
import type { Integrations } from '../bot/integrations-service.ts';
import { botAuthor } from '../events.ts';
import { CALL_WARN_MEMBERS, OUTGOING_TIMEOUT_MS } from '../limits.ts';
import { handleOf } from '../mentions/parse-mentions.ts';
import { requireNotGuest, type ChatActor } from '../policy/access.ts';
import type { ChatService } from '../service/chat-service.ts';
import type { MessageJson } from '../service/message-json.ts';
import { parseSlash } from './parse-slash.ts';

export interface SlashResult {
  /** Shown only to the one who typed it. */
  ephemeral?: string;
  /** Needs confirming (e.g. calling a big channel); repeat with `confirm`. */
  warning?: string;
  posted?: MessageJson;
  /** Where the UI should go next (after /join). */
  channelId?: string;
}

export interface SlashContext {
  chat: ChatService;
  integrations: Integrations;
  actor: ChatActor;
  channelId: string;
  meta: EventMetadata;
  meetingBaseUrl: string | undefined;
  fetch?: typeof fetch;
}

/** Commands guests may not use (they reach beyond the guest's channels). */
const RESTRICTED = new Set(['join', 'invite']);

const HELP = 'Commands: /join ~channel, /leave, /invite @person, /mute, /unmute, /status :emoji: text (or "clear"), /away, /dnd, /online, /call, /me text, /shrug';

export async function runSlash(ctx: SlashContext, text: string): Promise<SlashResult | undefined> {
  const cmd = parseSlash(text);
  if (!cmd) return undefined;
  const { chat, actor: a, channelId, meta } = ctx;
  if (RESTRICTED.has(cmd.name)) requireNotGuest(a, `use /${cmd.name}`);
  switch (cmd.name) {
    case 'help': return { ephemeral: HELP };
    case 'join': {
      const name = cmd.args.replace(/^[~#]/, '').toLowerCase();
      if (!name) throw new ValidationError('which channel? /join ~name');
      const teams = (await chat.teams(a)).filter((t) => t.member);
      for (const t of teams) {
        const found = (await chat.browse(a, t.id)).find((c) => c.name === name);
        if (found) { await chat.join(a, found.id, meta); return { channelId: found.id, ephemeral: `Joined ~${name}` }; }
      }
      throw new NotFoundError(`no channel ~${name}`);
    }
    case 'leave':
      await chat.leave(a, channelId, meta);
      return { ephemeral: 'You left the channel' };
    case 'invite': {
      // `/invite team <name>`: every member of one of your teams.
      const team = /^team\s+(.+)$/i.exec(cmd.args.trim());
      if (team) {
        const t = (await chat.teams(a)).find((x) => x.member && x.name.toLowerCase() === team[1]!.trim().toLowerCase());
        if (!t) throw new NotFoundError(`none of your teams is called ${team[1]!.trim()}`);
        const added = await chat.inviteTeam(a, channelId, t.id, meta);
        return { ephemeral: `Added ${added} ${added === 1 ? 'person' : 'people'} from ${t.name}` };
      }
      const handles = [...cmd.args.matchAll(/@([\w.-]+)/g)].map((m) => m[1]!.toLowerCase());
      if (handles.length === 0) throw new ValidationError('who? /invite @name');
      const people = await chat.directory(a);
      const ids = handles.map((h) => {
        const p = people.find((x) => x.handle === h);
        if (!p) throw new NotFoundError(`nobody called @${h}`);
        return p.id;
      });
      await chat.invite(a, channelId, ids, meta);
      return { ephemeral: `Added ${handles.map((h) => `@${h}`).join(', ')}` };
    }
    case 'mute':
    case 'unmute':
      await chat.setPreference(a, channelId, { muted: cmd.name === 'mute' }, meta);
      return { ephemeral: cmd.name === 'mute' ? 'Channel muted' : 'Channel unmuted' };
    case 'status': {
      if (cmd.args === '' || cmd.args === 'clear') {
        await chat.setStatus(a, { emoji: '', text: '', expiresAt: null }, meta);
        return { ephemeral: 'Status cleared' };
      }
      const m = /^(:[\w+-]+:|\p{Extended_Pictographic}\S*)?\s*([\s\S]*)$/u.exec(cmd.args)!;
      await chat.setStatus(a, { emoji: m[1] ?? '', text: m[2] ?? '', expiresAt: null }, meta);
      return { ephemeral: 'Status set' };
    }
    case 'away':
    case 'dnd':
    case 'online':
    case 'back':
      await chat.choosePresence(a, cmd.name === 'away' ? 'away' : cmd.name === 'dnd' ? 'dnd' : 'auto', null, meta);
      return { ephemeral: cmd.name === 'dnd' ? 'Do not disturb is on: no notifications' : `You are ${cmd.name === 'away' ? 'away' : 'online'}` };
    case 'me':
      return { posted: await chat.post(a, channelId, { text: `_${cmd.args.replace(/_/g, '\\_')}_` }, meta) };
    case 'shrug':
      return { posted: await chat.post(a, channelId, { text: `${cmd.args} ¯\\\\_(ツ)_/¯`.trim() }, meta) };
    case 'call': {
      if (!ctx.meetingBaseUrl) throw new ValidationError('calls are not set up: the administrator sets chat.meetingBaseUrl');
      const ch = await chat.channel(a, channelId);
      if (ch.memberCount > CALL_WARN_MEMBERS && cmd.args !== 'confirm') {
        return { warning: `This channel has ${ch.memberCount} members: a call will ring them all. Type /call confirm to start it.` };
      }
      const room = `cairn-${randomBytes(9).toString('base64url')}`;
      const url = `${ctx.meetingBaseUrl.replace(/\/+$/, '')}/${room}`;
      return { posted: await chat.post(a, channelId, { text: `📞 ${a.name} started a call: ${url}` }, meta) };
    }
    default:
      return runBotCommand(ctx, cmd.name, cmd.args);
  }
}

async function runBotCommand(ctx: SlashContext, name: string, args: string): Promise<SlashResult> {
  const cmd = (await ctx.integrations.commands()).find((c) => c.command === name);
  if (!cmd) throw new NotFoundError(`/${name} is not a command here; /help lists them`);
  const res = await (ctx.fetch ?? fetch)(cmd.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ command: name, text: args, channelId: ctx.channelId, userId: ctx.actor.id, userName: ctx.actor.name, userHandle: handleOf(ctx.actor.email || ctx.actor.name) }),
    signal: AbortSignal.timeout(OUTGOING_TIMEOUT_MS),
  }).catch(() => undefined);
  if (!res || !res.ok) return { ephemeral: `/${name} did not answer` };
  const body = (await res.json().catch(() => ({}))) as { text?: unknown; inChannel?: unknown };
  const text = typeof body.text === 'string' ? body.text : '';
  if (!text) return { ephemeral: `/${name} done` };
  if (body.inChannel === true) {
    const author = botAuthor(cmd.botId);
    const members = await ctx.chat.members(ctx.channelId);
    // A bot speaks only where it was added; otherwise the answer goes to the one who asked.
    if (members.includes(author)) return { posted: await ctx.chat.postAs(author, ctx.channelId, text, { ...ctx.meta, actor: author }) };
  }
  return { ephemeral: text };
}
