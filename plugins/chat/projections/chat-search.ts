// chat_search: the full-text index (FTS5, trigram: any substring of 3+ characters, in
// any language). Async (DESIGN.md: "async projections by checkpoint (search index, …)"):
// posting does not wait for indexing, which costs more than the rest of a post, and a
// page of events becomes one transaction and one FTS segment instead of one per post.
// The row id is the message's position, so edits and deletes find the row directly.
import { CompiledQuery, type Kysely } from 'kysely';
import { defineProjection } from '../../../core/projections/types.ts';
import type { StoredEvent } from '../../../core/events/types.ts';
import type { ChatEvent } from '../events.ts';

const run = (db: Kysely<any>, text: string, params: unknown[]) => db.executeQuery(CompiledQuery.raw(text, params));

async function positionOf(db: Kysely<any>, messageId: string, posted: Map<string, number>): Promise<number | undefined> {
  // Posted in this same page: the read model may already know it, but the page knows for sure.
  const here = posted.get(messageId);
  if (here !== undefined) return here;
  const r = await run(db, 'select position from chat_messages where id = ?', [messageId]);
  return (r.rows[0] as { position: number } | undefined)?.position;
}

export const chatSearch = defineProjection({
  name: 'chat.search',
  version: 1,
  mode: 'async',
  handles: ['chat.MessagePosted', 'chat.MessageEdited', 'chat.MessageDeleted', 'chat.MessageRestored'],
  async handleBatch(events: readonly StoredEvent[], db) {
    const posted = new Map<string, number>();
    for (const ev of events) {
      const e = ev as unknown as ChatEvent;
      switch (e.type) {
        case 'chat.MessagePosted':
          posted.set(e.data.messageId, ev.position);
          await run(db, 'insert into chat_search (rowid, text, message_id) values (?, ?, ?)', [ev.position, e.data.text, e.data.messageId]);
          break;
        case 'chat.MessageEdited':
        case 'chat.MessageRestored': {
          const rowid = await positionOf(db, e.data.messageId, posted);
          if (rowid === undefined) break;
          await run(db, 'delete from chat_search where rowid = ?', [rowid]);
          await run(db, 'insert into chat_search (rowid, text, message_id) values (?, ?, ?)', [rowid, e.data.text, e.data.messageId]);
          break;
        }
        case 'chat.MessageDeleted': {
          const rowid = await positionOf(db, e.data.messageId, posted);
          if (rowid !== undefined) await run(db, 'delete from chat_search where rowid = ?', [rowid]);
          break;
        }
        default:
          break;
      }
    }
  },
  async truncate(db) { await db.deleteFrom('chat_search').execute(); },
});
