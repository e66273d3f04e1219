// The chat app's frame: the sidebar (status, favorites, channels, direct messages) and
// the page's content beside it. chat.css and chat.js come from /chat/static/.
import type { Child } from 'hono/jsx';
import type { SidebarChannel } from '../service/chat-service.ts';
import type { MessageJson } from '../service/message-json.ts';
import type { UserStatus } from '../presence/presence-service.ts';
import { chatAssetUrl } from '../static/chat-static.ts';
import { MAX_UNREAD_COUNT } from '../limits.ts';
import { MessageItem } from './message-item.tsx';

export interface ShellProps {
  me: { id: string; name: string; guest: boolean; status: UserStatus | undefined };
  channels: SidebarChannel[];
  /** Presence of the people in DMs, for the dot beside their name. */
  presence?: ReadonlyMap<string, UserStatus> | undefined;
  current?: string | undefined;
  position: number;
  flash?: { kind: 'error' | 'success' | 'warning' | 'info'; text: string } | undefined;
  children?: Child;
}

const PRESENCE_LABEL = { online: 'Online', away: 'Away', dnd: 'Do not disturb', offline: 'Offline' } as const;

function ChannelLink({ c, current, presence }: { c: SidebarChannel; current: string | undefined; presence?: ReadonlyMap<string, UserStatus> | undefined }) {
  const prefix = c.kind === 'public' ? '#' : c.kind === 'private' ? '🔒' : c.kind === 'dm' ? '@' : '👥';
  const other = c.kind === 'dm' ? c.others[0] : undefined;
  const st = other ? presence?.get(other) : undefined;
  return (
    <li>
      <a href={`/chat/c/${c.id}`} class={`chan${c.unread > 0 && !c.muted ? ' unread' : ''}${c.muted ? ' muted-chan' : ''}`} data-channel={c.id} aria-current={c.id === current ? 'page' : undefined}>
        {other ? <span class={`presence presence-${st?.presence ?? 'offline'}`} data-user={other} aria-label={st?.presence ?? 'offline'}></span> : <span class="chan-prefix" aria-hidden="true">{prefix}</span>}
        {st?.emoji ? <span class="chan-status" title={st.text ?? ''}>{st.emoji}</span> : null}
        <span class="chan-name">{c.displayName}</span>
        <span class="badge mention-badge" data-mentions={String(c.mentions)} hidden={c.mentions === 0} aria-label={`${c.mentions} mentions`}>{c.mentions}</span>
        <span class="badge unread-badge" data-unread={String(c.unread)} hidden={c.unread === 0 || c.muted} aria-label={`${c.unread} unread`}>{c.unread >= MAX_UNREAD_COUNT ? '999+' : c.unread}</span>
      </a>
    </li>
  );
}

export function ChatShell(p: ShellProps) {
  const favorites = p.channels.filter((c) => c.favorite);
  const channels = p.channels.filter((c) => !c.favorite && (c.kind === 'public' || c.kind === 'private'));
  const dms = p.channels.filter((c) => !c.favorite && (c.kind === 'dm' || c.kind === 'group'));
  const presence = p.me.status?.presence ?? 'online';
  return (
    <div class="chat" id="chat" data-me={p.me.id} data-position={String(p.position)} data-channel={p.current ?? ''}>
      <link rel="stylesheet" href={chatAssetUrl('chat.css')} />
      <script src={chatAssetUrl('chat.js')} defer></script>
      <input type="checkbox" id="chat-nav-toggle" class="chat-nav-toggle" aria-label="Show channels" />
      <label for="chat-nav-toggle" class="btn btn-secondary btn-small chat-nav-button">☰ Channels</label>
      <nav class="chat-side" aria-label="Channels">
        <form class="chat-status" method="post" action="/chat/status">
          <span class={`presence presence-${presence}`} title={PRESENCE_LABEL[presence]} aria-label={PRESENCE_LABEL[presence]}></span>
          <strong>{p.me.name}</strong>
          {p.me.status?.text || p.me.status?.emoji ? <span class="muted status-text">{p.me.status.emoji} {p.me.status.text}</span> : null}
          <details>
            <summary class="muted">Set status</summary>
            <label>Presence
              <select name="presence">
                <option value="auto">Automatic</option>
                <option value="away">Away</option>
                <option value="dnd">Do not disturb</option>
                <option value="offline">Appear offline</option>
              </select>
            </label>
            <label>Status <input name="text" maxlength={100} placeholder="In a meeting" value={p.me.status?.text ?? ''} /></label>
            <label>Emoji <input name="emoji" maxlength={32} placeholder="📅" value={p.me.status?.emoji ?? ''} /></label>
            <label>Clear after
              <select name="expires">
                <option value="">Never</option>
                <option value="30m">30 minutes</option>
                <option value="1h">1 hour</option>
                <option value="4h">4 hours</option>
                <option value="today">Today</option>
                <option value="week">This week</option>
              </select>
            </label>
            <button class="btn btn-small">Save</button>
          </details>
        </form>
        {favorites.length > 0 ? (<><h2>Favorites</h2><ul>{favorites.map((c) => <ChannelLink c={c} current={p.current} presence={p.presence} />)}</ul></>) : null}
        <h2>Channels {p.me.guest ? null : <a href="/chat/browse" class="side-add" title="Browse or create channels">+</a>}</h2>
        <ul>{channels.map((c) => <ChannelLink c={c} current={p.current} />)}</ul>
        <h2>Direct messages <a href="/chat/people" class="side-add" title="Message someone">+</a></h2>
        <ul>{dms.map((c) => <ChannelLink c={c} current={p.current} presence={p.presence} />)}</ul>
        <form class="chat-search" method="get" action="/chat/search" role="search">
          <input type="search" name="q" placeholder="Search messages" aria-label="Search messages" />
        </form>
      </nav>
      <section class="chat-main">
        {p.flash ? <div class={`flash flash-${p.flash.kind}`} role={p.flash.kind === 'error' ? 'alert' : 'status'}>{p.flash.text}</div> : null}
        {p.children}
      </section>
    </div>
  );
}

export function OlderButton({ channelId, before }: { channelId: string; before: number }) {
  return (
    <li class="older">
      <a class="btn btn-secondary btn-small" href={`/chat/c/${channelId}?before=${before}`} hx-get={`/chat/c/${channelId}/older?before=${before}`} hx-target="closest li" hx-swap="outerHTML">Load older messages</a>
    </li>
  );
}

export function MessageList({ channelId, messages, more, me }: { channelId: string; messages: MessageJson[]; more: boolean; me: string }) {
  return (
    <>
      {more && messages[0] ? <OlderButton channelId={channelId} before={messages[0].position} /> : null}
      {messages.map((m) => <MessageItem m={m} me={me} />)}
    </>
  );
}

export interface ChannelPaneProps {
  channel: { id: string; name: string; displayName: string; kind: string; purpose: string; header: string; memberCount: number; member: boolean; canManage: boolean; muted: boolean; favorite: boolean };
  messages: MessageJson[];
  more: boolean;
  me: string;
  thread?: { root: MessageJson; replies: MessageJson[] } | undefined;
  pinned?: MessageJson[] | undefined;
  csrfToken: string;
}

export function ChannelPane(p: ChannelPaneProps) {
  const c = p.channel;
  return (
    <div class={`chat-channel${p.thread ? ' with-thread' : ''}`}>
      <header class="chat-channel-head">
        <div>
          <h1>{c.kind === 'public' ? '#' : c.kind === 'private' ? '🔒 ' : ''}{c.displayName}</h1>
          {c.header || c.purpose ? <p class="muted">{c.header || c.purpose}</p> : null}
        </div>
        <div class="chat-channel-tools">
          <span class="muted">{c.memberCount} {c.memberCount === 1 ? "member" : "members"}</span>
          <a class="btn btn-ghost btn-small" href={`/chat/c/${c.id}/pins`}>📌 Pinned</a>
          {c.member ? (
            <>
              <button type="button" class="btn btn-ghost btn-small" data-action="favorite" data-on={c.favorite ? '0' : '1'}>{c.favorite ? '★ Unfavorite' : '☆ Favorite'}</button>
              <button type="button" class="btn btn-ghost btn-small" data-action="mute" data-on={c.muted ? '0' : '1'}>{c.muted ? 'Unmute' : 'Mute'}</button>
              <button type="button" class="btn btn-ghost btn-small" data-action="call" data-members={String(c.memberCount)}>📞 Call</button>
            </>
          ) : null}
          {c.canManage ? <a class="btn btn-ghost btn-small" href={`/chat/c/${c.id}/restore`}>Restore…</a> : null}
        </div>
      </header>
      {p.pinned ? (
        <section class="chat-pins" aria-label="Pinned messages">
          <h2>Pinned messages</h2>
          <ol class="messages">{p.pinned.map((m) => <MessageItem m={m} me={p.me} />)}</ol>
          {p.pinned.length === 0 ? <p class="muted">Nothing pinned yet.</p> : null}
        </section>
      ) : null}
      <ol class="messages" id="messages" aria-live="polite" data-channel={c.id}>
        <MessageList channelId={c.id} messages={p.messages} more={p.more} me={p.me} />
      </ol>
      <p class="typing muted" id="typing" aria-live="polite"></p>
      {c.kind === 'dm' || c.kind === 'group' ? <p class="seen muted" id="seen" aria-live="polite"></p> : null}
      {c.member ? <Composer channelId={c.id} csrfToken={p.csrfToken} rootId={undefined} /> : (
        <form method="post" action={`/chat/c/${c.id}/join`} class="chat-join">
          <input type="hidden" name="_csrf" value={p.csrfToken} />
          <button class="btn">Join #{c.name}</button>
        </form>
      )}
      {p.thread ? (
        <aside class="chat-thread" aria-label="Thread">
          <header><h2>Thread</h2><a href={`/chat/c/${c.id}`} class="btn btn-ghost btn-small" aria-label="Close thread">✕</a></header>
          <ol class="messages" id="thread-messages" data-root={p.thread.root.id}>
            <MessageItem m={p.thread.root} me={p.me} inThread />
            {p.thread.replies.map((m) => <MessageItem m={m} me={p.me} inThread />)}
          </ol>
          {c.member ? <Composer channelId={c.id} csrfToken={p.csrfToken} rootId={p.thread.root.id} /> : null}
        </aside>
      ) : null}
    </div>
  );
}

export function Composer({ channelId, csrfToken, rootId }: { channelId: string; csrfToken: string; rootId: string | undefined }) {
  return (
    <form class="composer" method="post" action={`/chat/c/${channelId}/post`} data-channel={channelId}>
      <input type="hidden" name="_csrf" value={csrfToken} />
      {rootId ? <input type="hidden" name="rootId" value={rootId} /> : null}
      <label class="visually-hidden" for={`composer-${rootId ?? 'main'}`}>Message</label>
      <label class="btn btn-ghost btn-small composer-attach" title="Attach files">📎<input type="file" name="files" multiple class="visually-hidden" /></label>
      <textarea id={`composer-${rootId ?? 'main'}`} name="text" rows={2} maxlength={16000} placeholder={rootId ? 'Reply in thread… (markdown, @mentions, /commands)' : 'Message… (markdown, @mentions, /commands — Enter sends, Shift+Enter new line)'}></textarea>
      <button class="btn">Send</button>
    </form>
  );
}
