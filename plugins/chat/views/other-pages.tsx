// Smaller chat pages: browse/create channels, people (start a DM), search, restore, invite a guest.
import type { SidebarChannel } from '../service/chat-service.ts';
import type { MessageJson } from '../service/message-json.ts';
import type { UserStatus } from '../presence/presence-service.ts';
import { MessageItem } from './message-item.tsx';

const Csrf = ({ token }: { token: string }) => <input type="hidden" name="_csrf" value={token} />;

export function BrowsePage(p: { teams: { id: string; name: string; open: boolean; member: boolean }[]; lists: { team: { id: string; name: string }; channels: { id: string; name: string; purpose: string; member: boolean }[] }[]; csrfToken: string; admin: boolean }) {
  return (
    <div class="chat-page">
      <h1>Channels</h1>
      {p.lists.map(({ team, channels }) => (
        <section class="card">
          <h2>{team.name}</h2>
          <ul class="chat-browse">
            {channels.map((ch) => (
              <li>
                <a href={`/chat/c/${ch.id}`}>#{ch.name}</a> <span class="muted">{ch.purpose}</span>
                {ch.member ? <span class="muted"> · joined</span> : (
                  <form method="post" action={`/chat/c/${ch.id}/join`} class="inline"><Csrf token={p.csrfToken} /><button class="btn btn-small">Join</button></form>
                )}
              </li>
            ))}
          </ul>
        </section>
      ))}
      {p.teams.filter((t) => !t.member).map((t) => (
        <form method="post" action={`/chat/teams/${t.id}/join`} class="card"><Csrf token={p.csrfToken} />Team {t.name} <button class="btn btn-small">Join team</button></form>
      ))}
      <form method="post" action="/chat/browse" class="card">
        <Csrf token={p.csrfToken} />
        <h2>Create a channel</h2>
        <label>Team <select name="teamId">{p.teams.filter((t) => t.member).map((t) => <option value={t.id}>{t.name}</option>)}</select></label>
        <label>Name <input name="name" required maxlength={64} placeholder="project-x" /></label>
        <label>Purpose <input name="purpose" maxlength={500} /></label>
        <label><input type="radio" name="kind" value="public" checked /> Public: anyone in the team can find and join it</label>
        <label><input type="radio" name="kind" value="private" /> Private: only people who are added</label>
        {p.admin ? <label><input type="checkbox" name="isDefault" /> Default channel: everyone in the team joins it</label> : null}
        <button class="btn">Create</button>
      </form>
      <p><a href="/chat/invite-guest">Invite a guest by email…</a></p>
    </div>
  );
}

export function PeoplePage({ people, csrfToken }: { people: { id: string; name: string; handle: string; guest: boolean; status: UserStatus | undefined }[]; csrfToken: string }) {
  return (
    <form method="post" action="/chat/people" class="chat-page card">
      <Csrf token={csrfToken} />
      <h1>Message people</h1>
      <p class="muted">Choose one person for a direct message, or up to 7 for a group message.</p>
      <ul class="chat-people">
        {people.map((u) => (
          <li>
            <label>
              <input type="checkbox" name="userIds" value={u.id} />
              <span class={`presence presence-${u.status?.presence ?? 'offline'}`} aria-label={u.status?.presence ?? 'offline'}></span>
              {u.name} <span class="muted">@{u.handle}{u.guest ? ' · guest' : ''}{u.status?.text ? ` · ${u.status.emoji ?? ''} ${u.status.text}` : ''}</span>
            </label>
          </li>
        ))}
      </ul>
      <button class="btn">Start conversation</button>
    </form>
  );
}

export function SearchPage({ q, results, me }: { q: string; results: MessageJson[]; me: string }) {
  return (
    <div class="chat-page">
      <h1>Search</h1>
      <form method="get" action="/chat/search" role="search"><input type="search" name="q" value={q} aria-label="Search messages" /> <button class="btn btn-small">Search</button></form>
      {q ? <p class="muted">{results.length} {results.length === 1 ? 'result' : 'results'}</p> : null}
      <ol class="messages">{results.map((m) => <><li class="search-where"><a href={m.rootId ? `/chat/c/${m.channelId}/t/${m.rootId}` : `/chat/c/${m.channelId}#m-${m.id}`}>Open in channel</a></li><MessageItem m={m} me={me} inThread /></>)}</ol>
    </div>
  );
}

export function RestorePage(p: { channelId: string; name: string; csrfToken: string; preview: { iso: string; summary: { restored: string[]; removed: string[]; reverted: string[]; pins: number } } | undefined }) {
  const s = p.preview?.summary;
  return (
    <div class="chat-page card">
      <h1>Restore #{p.name}</h1>
      <p class="muted">Bring the channel's messages back to how they were at a moment: deleted messages return, edits are undone, later messages are removed. History is kept, so a restore can itself be undone.</p>
      <form method="get" action={`/chat/c/${p.channelId}/restore`} class="row">
        <label>As it was <select name="preset"><option value="24h">24 hours ago</option><option value="48h">48 hours ago</option><option value="7d">7 days ago</option><option value="30d">30 days ago</option></select></label>
        <label>or at (UTC) <input type="datetime-local" name="at" step="1" /></label>
        <button class="btn btn-secondary">Preview</button>
      </form>
      {p.preview && s ? (
        <section class="restore-preview" aria-label="Preview">
          <h2>At {p.preview.iso.replace('T', ' ').slice(0, 19)} UTC</h2>
          {s.restored.length + s.removed.length + s.reverted.length + s.pins === 0 ? <p>Nothing would change.</p> : (
            <ul>
              {s.restored.map((t) => <li>bring back <strong>{t}</strong></li>)}
              {s.reverted.map((t) => <li>undo the edit of <strong>{t}</strong></li>)}
              {s.removed.map((t) => <li>remove <strong>{t}</strong></li>)}
              {s.pins > 0 ? <li>{s.pins} pin changes</li> : null}
            </ul>
          )}
          <form method="post" action={`/chat/c/${p.channelId}/restore`}>
            <input type="hidden" name="_csrf" value={p.csrfToken} />
            <input type="hidden" name="at" value={p.preview.iso} />
            <button class="btn">Restore</button>
          </form>
        </section>
      ) : null}
    </div>
  );
}

export function InviteGuestPage({ channels, csrfToken, link }: { channels: SidebarChannel[]; csrfToken: string; link: string | undefined }) {
  return (
    <form method="post" action="/chat/invite-guest" class="chat-page card">
      <Csrf token={csrfToken} />
      <h1>Invite a guest</h1>
      <p class="muted">A guest sees only the channels you choose and can message only the people in them.</p>
      {link ? (
        <div class="flash flash-success" role="status">
          <p>Send this link to your guest (valid for 14 days, once):</p>
          <input id="invite-link" readonly value={link} /> <button type="button" class="btn btn-small" data-copy="invite-link">Copy</button>
        </div>
      ) : null}
      <label>Email <input type="email" name="email" required /></label>
      <fieldset><legend>Channels</legend>
        {channels.map((c) => <label><input type="checkbox" name="channelIds" value={c.id} /> {c.kind === 'private' ? '🔒' : '#'}{c.displayName}</label>)}
      </fieldset>
      <button class="btn">Create invitation</button>
    </form>
  );
}

export function GuestSignupPage({ email, channels, csrfToken, error }: { email: string; channels: string[]; csrfToken: string; error?: string | undefined }) {
  return (
    <form method="post" class="card chat-page">
      <Csrf token={csrfToken} />
      <h1>Join the conversation</h1>
      <p>You were invited as a guest to {channels.map((c) => `#${c}`).join(', ')}.</p>
      {error ? <div class="flash flash-error" role="alert">{error}</div> : null}
      <label>Email <input value={email} readonly /></label>
      <label>Your name <input name="displayName" required maxlength={100} autocomplete="name" /></label>
      <label>Choose a password <input type="password" name="password" required minlength={10} autocomplete="new-password" /></label>
      <button class="btn">Create guest account</button>
    </form>
  );
}
