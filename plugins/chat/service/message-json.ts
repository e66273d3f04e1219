// The JSON shape of a message for the API, SSE and the views (rendered HTML included,
// so every client shows the same safe markup).
import { renderMarkdown } from '../markdown/render-markdown.ts';

export interface MessageRow {
  id: string; channel_id: string; position: number; root_id: string; author: string; text: string;
  created_at: string; edited_at: string | null; deleted_at: string | null; pinned: number;
  reply_count: number; last_reply_at: string | null; reactions: string; version: number;
  /** JSON [{sha256, name, type, size}]; absent in rows built before the insert. */
  attachments?: string;
}

export interface MessageJson {
  id: string;
  channelId: string;
  position: number;
  rootId: string | null;
  author: string;
  authorName: string;
  text: string;
  html: string;
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
  pinned: boolean;
  replyCount: number;
  lastReplyAt: string | null;
  reactions: { emoji: string; users: string[] }[];
  /** Files, each downloadable at `url` by whoever can read the channel. */
  attachments: { name: string; type: string; size: number; url: string; image: boolean }[];
  version: number;
}

/** Shown inline (as <img>); everything else is a download. SVG is not: it can carry script. */
const INLINE_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
export const isInlineImage = (type: string) => INLINE_IMAGES.has(type);

export function messageJson(r: MessageRow, names: ReadonlyMap<string, string>): MessageJson {
  const deleted = r.deleted_at !== null;
  const reactions = Object.entries(JSON.parse(r.reactions) as Record<string, string[]>).map(([emoji, users]) => ({ emoji, users }));
  return {
    id: r.id, channelId: r.channel_id, position: r.position, rootId: r.root_id || null, author: r.author,
    authorName: names.get(r.author) ?? r.author, text: deleted ? '' : r.text, html: deleted ? '' : renderMarkdown(r.text),
    createdAt: r.created_at, editedAt: r.edited_at, deleted, pinned: r.pinned === 1, replyCount: r.reply_count,
    lastReplyAt: r.last_reply_at, reactions, version: r.version,
    attachments: deleted ? [] : (JSON.parse(r.attachments ?? '[]') as { name: string; type: string; size: number }[]).map((f, i) => ({
      name: f.name, type: f.type, size: f.size, image: isInlineImage(f.type),
      url: `/chat/files/${r.id}/${i}/${encodeURIComponent(f.name)}`,
    })),
  };
}
