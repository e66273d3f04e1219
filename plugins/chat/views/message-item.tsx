// One message in a list. Rendered on the server for pages and for live events (the SSE
// payload carries this HTML), so a message looks the same however it arrived.
import { raw } from 'hono/html';
import type { MessageJson } from '../service/message-json.ts';

export function MessageItem({ m, me, inThread = false }: { m: MessageJson; me: string; inThread?: boolean }) {
  const mine = m.author === me;
  return (
    <li class={`msg${mine ? ' mine' : ''}${m.deleted ? ' deleted' : ''}${m.pinned ? ' pinned' : ''}`} id={`m-${m.id}`} data-id={m.id} data-author={m.author} data-position={String(m.position)} data-version={String(m.version)}>
      <div class="msg-head">
        <strong class="msg-author">{m.authorName}</strong>
        <time datetime={m.createdAt} data-local>{m.createdAt.slice(0, 16).replace('T', ' ')}</time>
        {m.editedAt && !m.deleted ? <span class="muted msg-edited">(edited)</span> : null}
        {m.pinned ? <span class="msg-pin" title="Pinned">📌</span> : null}
      </div>
      {m.deleted ? <div class="msg-body muted"><em>Message deleted</em></div> : <div class="msg-body">{raw(m.html)}</div>}
      {m.attachments.length > 0 ? (
        <ul class="msg-files">
          {m.attachments.map((f) => (
            <li>
              {f.image ? <a href={f.url} target="_blank" rel="noopener"><img src={f.url} alt={f.name} loading="lazy" /></a> : null}
              <a href={f.url} download={f.name}>📎 {f.name}</a> <span class="muted">{formatSize(f.size)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {!m.deleted && m.reactions.length > 0 ? (
        <div class="msg-reactions">
          {m.reactions.map((r) => (
            <button type="button" class={`reaction${r.users.includes(me) ? ' reacted' : ''}`} data-action="react" data-emoji={r.emoji} data-users={r.users.join(" ")} aria-pressed={r.users.includes(me) ? 'true' : 'false'}>
              {r.emoji} <span>{r.users.length}</span>
            </button>
          ))}
        </div>
      ) : null}
      {!inThread && m.replyCount > 0 ? <a class="msg-replies" href={`/chat/c/${m.channelId}/t/${m.id}`}>{m.replyCount} {m.replyCount === 1 ? 'reply' : 'replies'}</a> : null}
      {m.deleted ? null : (
        <div class="msg-actions" role="toolbar" aria-label="Message actions">
          <button type="button" class="btn btn-ghost btn-small" data-action="react" data-emoji="👍" title="React 👍">👍</button>
          <button type="button" class="btn btn-ghost btn-small" data-action="react" data-emoji="🎉" title="React 🎉">🎉</button>
          {!inThread && !m.rootId ? <a class="btn btn-ghost btn-small" href={`/chat/c/${m.channelId}/t/${m.id}`}>Reply</a> : null}
          <button type="button" class="btn btn-ghost btn-small" data-action="pin">{m.pinned ? 'Unpin' : 'Pin'}</button>
          <button type="button" class="btn btn-ghost btn-small own-only" data-action="edit">Edit</button>
          <button type="button" class="btn btn-ghost btn-small own-only danger" data-action="delete">Delete</button>
        </div>
      )}
    </li>
  );
}

function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export async function messageItemHtml(m: MessageJson, me: string, inThread = false): Promise<string> {
  return (await (<MessageItem m={m} me={me} inThread={inThread} />).toString()) as string;
}
