// The JSON API under /chat/api, for the browser app and bots (README "HTTP API").
// Sessions authenticate browsers (with the CSRF header); bots send Authorization: Bearer <token>.
import { Hono } from 'hono';
import type { CairnEnv } from '../../../core/http/env.ts';
import { ValidationError } from '../../../core/errors.ts';
import { parseRestorePoint } from '../../../core/restore/restore-point.ts';
import { presenceChoices, type PresenceChoice } from '../events.ts';
import { runSlash } from '../slash/run-slash.ts';
import type { ChatActor } from '../policy/access.ts';
import { actor, chatActor, jsonBody, meta, optBool, optStr, str, strList, type ChatContext, type ChatContextFn } from './chat-context.ts';

const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number.isSafeInteger(Number(v)) ? Number(v) : (() => { throw new ValidationError('not a number'); })());

/**
 * Read state goes live to the reader's other browsers; in DMs and group messages also to
 * the other participants ("seen"), which channels do not do (it would be noise).
 */
export function announceRead(ctx: ChatContext, a: ChatActor, channelId: string, position: number, kind: string | undefined): void {
  ctx.hub.toUser(a.id, 'read', { channelId, position });
  if (kind === 'dm' || kind === 'group') ctx.hub.toChannel(channelId, 'seen', { channelId, userId: a.id, name: a.name, position }, a.id);
}

export function apiRoutes(ctx: ChatContextFn): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  app.use('*', chatActor(ctx, { required: true }));
  const chat = () => ctx().chat;

  app.get('/me', async (c) => {
    const a = actor(c);
    const status = (await ctx().presence.statusOf([a.id])).get(a.id);
    return c.json({ id: a.id, kind: a.kind, role: a.role, name: a.name, status });
  });

  // ---- teams and channels ----
  app.get('/teams', async (c) => c.json({ teams: await chat().teams(actor(c)) }));
  app.post('/teams', async (c) => {
    const b = await jsonBody(c);
    return c.json({ id: await chat().createTeam(actor(c), { name: str(b.name, 'name'), open: optBool(b.open, 'open') ?? true }, meta(c)) }, 201);
  });
  app.post('/teams/:id/join', async (c) => { await chat().joinTeam(actor(c), c.req.param('id'), meta(c)); return c.json({ ok: true }); });
  app.get('/teams/:id/channels', async (c) => c.json({ channels: await chat().browse(actor(c), c.req.param('id')) }));

  app.get('/channels', async (c) => c.json({ channels: await chat().sidebar(actor(c)) }));
  app.post('/channels', async (c) => {
    const b = await jsonBody(c);
    const kind = str(b.kind ?? 'public', 'kind');
    if (kind !== 'public' && kind !== 'private') throw new ValidationError('kind is public or private');
    const id = await chat().createChannel(actor(c), { teamId: str(b.teamId, 'teamId'), name: str(b.name, 'name'), kind, purpose: optStr(b.purpose, 'purpose') ?? '', isDefault: optBool(b.isDefault, 'isDefault') ?? false }, meta(c));
    return c.json({ id }, 201);
  });
  app.post('/conversations', async (c) => {
    const b = await jsonBody(c);
    return c.json({ id: await chat().conversation(actor(c), strList(b.userIds, 'userIds'), meta(c)) });
  });
  app.get('/channels/:id', async (c) => c.json(await chat().channel(actor(c), c.req.param('id'))));
  app.patch('/channels/:id', async (c) => {
    const b = await jsonBody(c);
    await chat().updateChannel(actor(c), c.req.param('id'), { name: optStr(b.name, 'name'), purpose: optStr(b.purpose, 'purpose'), header: optStr(b.header, 'header') }, meta(c));
    return c.json({ ok: true });
  });
  app.post('/channels/:id/archive', async (c) => { await chat().archive(actor(c), c.req.param('id'), meta(c)); return c.json({ ok: true }); });
  app.post('/channels/:id/join', async (c) => { await chat().join(actor(c), c.req.param('id'), meta(c)); return c.json({ ok: true }); });
  app.post('/channels/:id/leave', async (c) => { await chat().leave(actor(c), c.req.param('id'), meta(c)); return c.json({ ok: true }); });
  app.get('/channels/:id/members', async (c) => c.json({ members: await chat().channelMembers(actor(c), c.req.param('id')) }));
  app.post('/channels/:id/members', async (c) => {
    const b = await jsonBody(c);
    // { teamId } adds the whole team (its non-guest members); { userIds } adds those people.
    if (typeof b.teamId === 'string') return c.json({ ok: true, added: await chat().inviteTeam(actor(c), c.req.param('id'), b.teamId, meta(c)) });
    await chat().invite(actor(c), c.req.param('id'), strList(b.userIds, 'userIds'), meta(c));
    return c.json({ ok: true });
  });
  app.delete('/channels/:id/members/:userId', async (c) => { await chat().removeMember(actor(c), c.req.param('id'), c.req.param('userId'), meta(c)); return c.json({ ok: true }); });
  app.put('/channels/:id/preferences', async (c) => {
    const b = await jsonBody(c);
    await chat().setPreference(actor(c), c.req.param('id'), { muted: optBool(b.muted, 'muted'), favorite: optBool(b.favorite, 'favorite') }, meta(c));
    return c.json({ ok: true });
  });
  app.post('/channels/:id/read', async (c) => {
    const b = await jsonBody(c);
    const position = b.position === undefined ? undefined : Number(b.position);
    const upTo = await chat().markRead(actor(c), c.req.param('id'), position !== undefined && Number.isSafeInteger(position) ? position : undefined);
    announceRead(ctx(), actor(c), c.req.param('id'), upTo, (await chat().channelRow(c.req.param('id')))?.kind);
    return c.json({ position: upTo });
  });
  app.post('/channels/:id/typing', async (c) => {
    const a = actor(c);
    const f = await chat().facts(a, c.req.param('id'));
    if (f?.membership) { ctx().hub.typing(c.req.param('id'), a.id, a.name); ctx().presence.touch(a.id); }
    return c.body(null, 204);
  });

  // ---- messages ----
  app.get('/channels/:id/messages', async (c) => c.json(await chat().messages(actor(c), c.req.param('id'), { before: num(c.req.query('before')), limit: num(c.req.query('limit')) })));
  app.post('/channels/:id/files', async (c) => {
    const raw = c.req.raw;
    const f = await chat().upload(actor(c), c.req.param('id'), {
      name: c.req.query('name') ?? 'file', type: (c.req.header('content-type') ?? '').split(';')[0]!.trim(),
      source: raw.body ? (raw.body as unknown as AsyncIterable<Uint8Array>) : Buffer.alloc(0),
    });
    return c.json(f, 201);
  });
  app.post('/channels/:id/messages', async (c) => {
    const b = await jsonBody(c);
    const text = str(b.text ?? '', 'text');
    const files = b.files === undefined ? [] : strList(b.files, 'files');
    const channelId = c.req.param('id');
    const slash = !b.rootId && files.length === 0 ? await runSlash({ chat: chat(), integrations: ctx().integrations, actor: actor(c), channelId, meta: meta(c), meetingBaseUrl: ctx().meetingBaseUrl }, text) : undefined;
    if (slash) return c.json({ command: true, ...slash }, slash.posted ? 201 : 200);
    return c.json(await chat().post(actor(c), channelId, { text, rootId: optStr(b.rootId, 'rootId') ?? null, files }, meta(c)), 201);
  });
  app.get('/channels/:id/pins', async (c) => c.json({ messages: await chat().pinned(actor(c), c.req.param('id')) }));
  app.get('/messages/:id', async (c) => c.json(await chat().message(actor(c), c.req.param('id'))));
  app.get('/messages/:id/thread', async (c) => c.json(await chat().thread(actor(c), c.req.param('id'))));
  app.patch('/messages/:id', async (c) => {
    const b = await jsonBody(c);
    await chat().edit(actor(c), c.req.param('id'), str(b.text, 'text'), meta(c));
    return c.json(await chat().message(actor(c), c.req.param('id')));
  });
  app.delete('/messages/:id', async (c) => { await chat().remove(actor(c), c.req.param('id'), meta(c)); return c.json({ ok: true }); });
  app.post('/messages/:id/reactions', async (c) => {
    const b = await jsonBody(c);
    await chat().react(actor(c), c.req.param('id'), str(b.emoji, 'emoji'), b.remove !== true, meta(c));
    return c.json({ ok: true });
  });
  app.delete('/messages/:id/reactions/:emoji', async (c) => { await chat().react(actor(c), c.req.param('id'), c.req.param('emoji'), false, meta(c)); return c.json({ ok: true }); });
  app.post('/messages/:id/pin', async (c) => { await chat().pin(actor(c), c.req.param('id'), true, meta(c)); return c.json({ ok: true }); });
  app.delete('/messages/:id/pin', async (c) => { await chat().pin(actor(c), c.req.param('id'), false, meta(c)); return c.json({ ok: true }); });
  app.get('/search', async (c) => {
    const q = (k: string) => c.req.query(k)?.slice(0, 200) || undefined;
    return c.json({ messages: await chat().search(actor(c), { text: q('q'), from: q('from'), channelId: q('channel'), after: q('after'), before: q('before') }) });
  });

  // ---- people, status, presence ----
  app.get('/users', async (c) => c.json({ users: await chat().directory(actor(c)) }));
  app.post('/users', async (c) => {
    const b = await jsonBody(c);
    return c.json(await ctx().integrations.addMember(actor(c), { email: str(b.email, 'email'), displayName: optStr(b.displayName, 'displayName') }, meta(c)), 201);
  });
  app.get('/presence', async (c) => {
    const a = actor(c);
    const wanted = (c.req.query('users') ?? '').split(',').filter(Boolean).slice(0, 500);
    // Only people the actor can see: a guest learns nothing about the rest of the organization.
    const visible = new Set((await chat().directory(a)).map((u) => u.id));
    const s = await ctx().presence.statusOf(wanted.filter((id) => visible.has(id)));
    return c.json({ status: Object.fromEntries(s) });
  });
  app.put('/status', async (c) => {
    const b = await jsonBody(c);
    const a = actor(c);
    if (b.presence !== undefined) {
      const p = str(b.presence, 'presence');
      if (!presenceChoices.includes(p as PresenceChoice)) throw new ValidationError(`presence is one of ${presenceChoices.join(', ')}`);
      await chat().choosePresence(a, p as PresenceChoice, optStr(b.presenceUntil, 'presenceUntil') ?? null, meta(c));
    }
    if (b.emoji !== undefined || b.text !== undefined) {
      await chat().setStatus(a, { emoji: optStr(b.emoji, 'emoji') ?? '', text: optStr(b.text, 'text') ?? '', expiresAt: optStr(b.expiresAt, 'expiresAt') ?? null }, meta(c));
    }
    return c.json((await ctx().presence.statusOf([a.id])).get(a.id));
  });

  // ---- bots, commands, webhooks, invitations ----
  app.get('/bots', async (c) => c.json({ bots: await ctx().integrations.listBots(actor(c)) }));
  app.post('/bots', async (c) => {
    const b = await jsonBody(c);
    return c.json(await ctx().integrations.createBot(actor(c), str(b.name, 'name'), meta(c)), 201);
  });
  app.post('/bots/:id/token', async (c) => c.json({ token: await ctx().integrations.rotateBotToken(actor(c), c.req.param('id'), meta(c)) }));
  app.delete('/bots/:id', async (c) => { await ctx().integrations.removeBot(actor(c), c.req.param('id'), meta(c)); return c.json({ ok: true }); });
  app.get('/commands', async (c) => c.json({ commands: (await ctx().integrations.commands()).map(({ command, description }) => ({ command, description })) }));
  app.post('/commands', async (c) => {
    const b = await jsonBody(c);
    await ctx().integrations.registerCommand(actor(c), { command: str(b.command, 'command'), url: str(b.url, 'url'), description: optStr(b.description, 'description') ?? '' }, meta(c));
    return c.json({ ok: true }, 201);
  });
  app.delete('/commands/:command', async (c) => { await ctx().integrations.removeCommand(actor(c), c.req.param('command'), meta(c)); return c.json({ ok: true }); });
  app.post('/channels/:id/webhooks', async (c) => {
    const b = await jsonBody(c);
    const { hookId, token } = await ctx().integrations.createWebhook(actor(c), c.req.param('id'), optStr(b.name, 'name') ?? 'Webhook', meta(c));
    return c.json({ hookId, url: `${ctx().publicUrl}/chat/hooks/${token}` }, 201);
  });
  app.post('/channels/:id/outgoing-webhooks', async (c) => {
    const b = await jsonBody(c);
    const r = await ctx().integrations.createOutgoingWebhook(actor(c), c.req.param('id'), { name: optStr(b.name, 'name') ?? 'Webhook', url: str(b.url, 'url'), triggerWords: b.triggerWords === undefined ? [] : strList(b.triggerWords, 'triggerWords') }, meta(c));
    return c.json(r, 201);
  });
  app.delete('/webhooks/:id', async (c) => { await ctx().integrations.removeWebhook(actor(c), c.req.param('id'), meta(c)); return c.json({ ok: true }); });
  app.post('/invitations', async (c) => {
    const b = await jsonBody(c);
    const { inviteId, token } = await ctx().integrations.invite(actor(c), str(b.email, 'email'), strList(b.channelIds, 'channelIds'), meta(c));
    return c.json({ inviteId, url: `${ctx().publicUrl}/chat/invite/${token}` }, 201);
  });

  // ---- restore ----
  app.get('/channels/:id/restore', async (c) => {
    const at = parseRestorePoint(c.req.query('at') ?? '');
    return c.json(await chat().previewRestore(actor(c), c.req.param('id'), at, meta(c)));
  });
  app.post('/channels/:id/restore', async (c) => {
    const b = await jsonBody(c);
    return c.json(await chat().restore(actor(c), c.req.param('id'), parseRestorePoint(str(b.at, 'at')), meta(c)));
  });
  return app;
}
