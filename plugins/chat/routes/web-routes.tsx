// The browser app under /chat. Pages are rendered here; actions in the page go through
// chat.js to the JSON API (with the CSRF header); the forms below are the no-script path.
import { Hono, type Context } from 'hono';
import type { CairnEnv } from '../../../core/http/env.ts';
import { requireUser } from '../../../core/http/require-user.ts';
import { isCairnError } from '../../../core/errors.ts';
import { restorePointFromForm } from '../../../core/restore/restore-point.ts';
import { presenceChoices, type PresenceChoice } from '../events.ts';
import { isAdmin, requireNotGuest } from '../policy/access.ts';
import { runSlash } from '../slash/run-slash.ts';
import { ChannelPane, ChatShell, MessageList, type ChannelPaneProps } from '../views/chat-page.tsx';
import { BrowsePage, InviteGuestPage, PeoplePage, RestorePage, SearchPage } from '../views/other-pages.tsx';
import { announceRead } from './api-routes.ts';
import { actor, chatActor, meta, type ChatContextFn } from './chat-context.ts';

type Flash = { kind: 'error' | 'success' | 'warning' | 'info'; text: string };
const DONE = { joined: 'Joined the channel', restored: 'Channel restored', status: 'Status saved', created: 'Channel created' } as const;

/** `30m`, `1h`, `4h`, `today`, `week` → an ISO time; '' → no expiry. */
function expiryOf(v: string, now = new Date()): string | null {
  const mins = { '30m': 30, '1h': 60, '4h': 240 }[v];
  if (mins) return new Date(now.getTime() + mins * 60_000).toISOString();
  if (v === 'today') { const d = new Date(now); d.setHours(23, 59, 59, 0); return d.toISOString(); }
  if (v === 'week') return new Date(now.getTime() + 7 * 86400_000).toISOString();
  return null;
}

export function webRoutes(ctx: ChatContextFn): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  app.use('*', requireUser);
  app.use('*', chatActor(ctx, { required: true }));
  const chat = () => ctx().chat;

  const shell = async (c: Context<CairnEnv>, title: string, content: unknown, opts: { current?: string; flash?: Flash | undefined; status?: 200 | 400 | 403 | 404 | 409 } = {}) => {
    const a = actor(c);
    // The position goes into the page: the live connection starts from it, so nothing
    // committed between rendering and connecting is missed.
    const position = await ctx().head();
    const [channels, status] = await Promise.all([chat().sidebar(a), ctx().presence.selfStatus(a.id)]);
    const others = await ctx().presence.statusOf([...new Set(channels.flatMap((x) => x.kind === 'dm' ? x.others : []))]);
    c.status(opts.status ?? 200);
    const text = DONE[c.req.query('done') as keyof typeof DONE];
    const flash = opts.flash ?? (text ? { kind: 'success' as const, text } : undefined);
    return c.render(
      <ChatShell me={{ id: a.id, name: a.name, guest: a.role === 'guest', status }} channels={channels} presence={others} current={opts.current} position={position} flash={flash}>
        {content as never}
      </ChatShell>,
      { title },
    );
  };
  const fail = async (c: Context<CairnEnv>, e: unknown, current?: string) => {
    if (!isCairnError(e) || e.kind === 'server') throw e;
    return shell(c, 'Chat', <p class="muted">Nothing to show.</p>, { current, flash: { kind: 'error', text: e.message }, status: e.status === 404 ? 404 : e.status === 403 ? 403 : e.status === 409 ? 409 : 400 });
  };

  app.get('/', async (c) => {
    const a = actor(c);
    await chat().onboard(a, meta(c, 'ui'));
    const channels = await chat().sidebar(a);
    const first = channels.find((x) => x.name === 'general') ?? channels[0];
    if (first) return c.redirect(`/chat/c/${first.id}`, 302);
    return shell(c, 'Chat', <div class="chat-empty"><h1>Chat</h1><p class="muted">{a.role === 'guest' ? 'You are not in any channel yet.' : 'No channels yet.'}</p></div>);
  });

  const channelPage = async (c: Context<CairnEnv>, extra: Partial<ChannelPaneProps> = {}) => {
    const a = actor(c);
    const id = c.req.param('id')!;
    try {
      const ch = await chat().channel(a, id);
      const before = c.req.query('before');
      const page = await chat().messages(a, id, before ? { before: Number(before) } : {});
      const side = (await chat().sidebar(a)).find((x) => x.id === id);
      const f = (await chat().facts(a, id))!;
      if (ch.membership) {
        announceRead(ctx(), a, id, await chat().markRead(a, id), ch.kind);
      }
      const props: ChannelPaneProps = {
        channel: {
          id, name: ch.name, displayName: side?.displayName ?? ch.name, kind: ch.kind, purpose: ch.purpose, header: ch.header,
          memberCount: ch.memberCount, member: ch.membership !== undefined, canManage: a.role !== 'guest' && (f.membership === 'owner' || isAdmin(a)),
          muted: side?.muted ?? false, favorite: side?.favorite ?? false,
        },
        messages: page.messages, more: page.more, me: a.id, csrfToken: c.var.csrfToken, ...extra,
      };
      return shell(c, side?.displayName ?? ch.name, <ChannelPane {...props} />, { current: id });
    } catch (e) {
      return fail(c, e, id);
    }
  };

  app.get('/c/:id', (c) => channelPage(c));
  app.get('/c/:id/t/:root', async (c) => {
    try {
      const thread = await chat().thread(actor(c), c.req.param('root'));
      if (thread.root.channelId !== c.req.param('id')) return c.redirect(`/chat/c/${thread.root.channelId}/t/${thread.root.id}`, 302);
      return channelPage(c, { thread });
    } catch (e) { return fail(c, e, c.req.param('id')); }
  });
  app.get('/c/:id/pins', async (c) => {
    try { return channelPage(c, { pinned: await chat().pinned(actor(c), c.req.param('id')) }); } catch (e) { return fail(c, e, c.req.param('id')); }
  });
  app.get('/c/:id/older', async (c) => {
    const a = actor(c);
    const page = await chat().messages(a, c.req.param('id'), { before: Number(c.req.query('before') ?? 0) || undefined });
    return c.html(<MessageList channelId={c.req.param('id')} messages={page.messages} more={page.more} me={a.id} />);
  });
  app.post('/c/:id/post', async (c) => {
    const f = await c.req.parseBody();
    const id = c.req.param('id');
    const text = String(f.text ?? '');
    const rootId = typeof f.rootId === 'string' && f.rootId ? f.rootId : null;
    try {
      const slash = rootId ? undefined : await runSlash({ chat: chat(), integrations: ctx().integrations, actor: actor(c), channelId: id, meta: meta(c, 'ui'), meetingBaseUrl: ctx().meetingBaseUrl }, text);
      if (slash?.warning || (slash?.ephemeral && !slash.channelId)) return shell(c, 'Chat', <p><a href={`/chat/c/${id}`}>Back to the channel</a></p>, { current: id, flash: { kind: slash.warning ? 'warning' : 'info', text: slash.warning ?? slash.ephemeral! } });
      if (slash?.channelId) return c.redirect(`/chat/c/${slash.channelId}`, 303);
      if (!slash) await chat().post(actor(c), id, { text, rootId }, meta(c, 'ui'));
      return c.redirect(rootId ? `/chat/c/${id}/t/${rootId}` : `/chat/c/${id}`, 303);
    } catch (e) { return fail(c, e, id); }
  });
  app.post('/c/:id/join', async (c) => {
    try { await chat().join(actor(c), c.req.param('id'), meta(c, 'ui')); return c.redirect(`/chat/c/${c.req.param('id')}?done=joined`, 303); } catch (e) { return fail(c, e); }
  });
  app.post('/status', async (c) => {
    const f = await c.req.parseBody();
    const a = actor(c);
    try {
      const p = String(f.presence ?? 'auto');
      if (presenceChoices.includes(p as PresenceChoice)) await chat().choosePresence(a, p as PresenceChoice, null, meta(c, 'ui'));
      await chat().setStatus(a, { emoji: String(f.emoji ?? ''), text: String(f.text ?? ''), expiresAt: expiryOf(String(f.expires ?? '')) }, meta(c, 'ui'));
      return c.redirect('/chat?done=status', 303);
    } catch (e) { return fail(c, e); }
  });

  app.get('/browse', async (c) => {
    const a = actor(c);
    try {
      requireNotGuest(a, 'browse channels');
      const teams = await chat().teams(a);
      const lists = await Promise.all(teams.filter((t) => t.member).map(async (t) => ({ team: t, channels: await chat().browse(a, t.id) })));
      return shell(c, 'Browse channels', <BrowsePage teams={teams} lists={lists} csrfToken={c.var.csrfToken} admin={isAdmin(a)} />);
    } catch (e) { return fail(c, e); }
  });
  app.post('/browse', async (c) => {
    const f = await c.req.parseBody();
    try {
      const id = await chat().createChannel(actor(c), { teamId: String(f.teamId ?? ''), name: String(f.name ?? ''), kind: f.kind === 'private' ? 'private' : 'public', purpose: String(f.purpose ?? ''), isDefault: f.isDefault === 'on' }, meta(c, 'ui'));
      return c.redirect(`/chat/c/${id}?done=created`, 303);
    } catch (e) { return fail(c, e); }
  });
  app.post('/teams/:id/join', async (c) => {
    try { await chat().joinTeam(actor(c), c.req.param('id'), meta(c, 'ui')); return c.redirect('/chat/browse', 303); } catch (e) { return fail(c, e); }
  });
  app.get('/people', async (c) => shell(c, 'People', <PeoplePage people={(await chat().directory(actor(c))).filter((p) => p.id !== actor(c).id)} csrfToken={c.var.csrfToken} />));
  app.post('/people', async (c) => {
    const f = await c.req.parseBody({ all: true });
    const ids = ([] as unknown[]).concat(f.userIds ?? []).map(String);
    try { return c.redirect(`/chat/c/${await chat().conversation(actor(c), ids, meta(c, 'ui'))}`, 303); } catch (e) { return fail(c, e); }
  });
  app.get('/search', async (c) => {
    const q = (c.req.query('q') ?? '').slice(0, 200);
    try {
      const results = q ? await chat().search(actor(c), { text: q }) : [];
      return shell(c, 'Search', <SearchPage q={q} results={results} me={actor(c).id} />);
    } catch (e) { return fail(c, e); }
  });
  app.get('/c/:id/restore', async (c) => {
    const id = c.req.param('id');
    try {
      const ch = await chat().channel(actor(c), id);
      const at = c.req.query('at');
      const preset = c.req.query('preset');
      let preview;
      if (at || preset) {
        const { point, iso } = restorePointFromForm(preset, at || undefined);
        preview = { iso, summary: await chat().previewRestore(actor(c), id, point, meta(c, 'ui')) };
      }
      return shell(c, 'Restore channel', <RestorePage channelId={id} name={ch.name} preview={preview} csrfToken={c.var.csrfToken} />, { current: id });
    } catch (e) { return fail(c, e, id); }
  });
  app.post('/c/:id/restore', async (c) => {
    const f = await c.req.parseBody();
    const id = c.req.param('id');
    try {
      const { point } = restorePointFromForm(undefined, String(f.at ?? ''));
      await chat().restore(actor(c), id, point, meta(c, 'ui'));
      return c.redirect(`/chat/c/${id}?done=restored`, 303);
    } catch (e) { return fail(c, e, id); }
  });
  app.get('/invite-guest', async (c) => {
    const a = actor(c);
    try { requireNotGuest(a, 'invite anyone'); } catch (e) { return fail(c, e); }
    const channels = (await chat().sidebar(a)).filter((x) => x.kind === 'public' || x.kind === 'private');
    return shell(c, 'Invite a guest', <InviteGuestPage channels={channels} csrfToken={c.var.csrfToken} link={undefined} />);
  });
  app.post('/invite-guest', async (c) => {
    const f = await c.req.parseBody({ all: true });
    const a = actor(c);
    try {
      const { token } = await ctx().integrations.invite(a, String(f.email ?? ''), ([] as unknown[]).concat(f.channelIds ?? []).map(String), meta(c, 'ui'));
      const channels = (await chat().sidebar(a)).filter((x) => x.kind === 'public' || x.kind === 'private');
      return shell(c, 'Invite a guest', <InviteGuestPage channels={channels} csrfToken={c.var.csrfToken} link={`${ctx().publicUrl}/chat/invite/${token}`} />);
    } catch (e) { return fail(c, e); }
  });
  return app;
}
