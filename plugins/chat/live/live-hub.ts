// Live delivery to browsers and bots over SSE.
// Invariants:
// - One change-feed subscription for all of chat; each batch is turned into payloads once
//   (one read of the message row, shared by every connection) and fanned out to the
//   connections whose user is in that channel.
// - Events from the log carry their global position as the SSE id. A client reconnecting
//   with Last-Event-ID gets everything after it from the log first, then the live events
//   that arrived meanwhile (buffered), skipping any it already got: nothing lost, nothing twice.
// - Typing, presence and read-state are memory only: sent without an id, so they never
//   move a client's Last-Event-ID.
// - Batches are processed one after another (a promise chain), so order is the log's order.
import type { ChangeFeed } from '../../../core/feed/change-feed.ts';
import type { EventLog } from '../../../core/events/event-log.ts';
import type { StoredEvent } from '../../../core/events/types.ts';
import type { Logger } from '../../../core/logger.ts';
import { chatEvents, type ChatEvent } from '../events.ts';
import { MAX_CATCH_UP_EVENTS } from '../limits.ts';
import type { PresenceService } from '../presence/presence-service.ts';
import type { ChatService } from '../service/chat-service.ts';
import { messageJson } from '../service/message-json.ts';
import { messageItemHtml } from '../views/message-item.tsx';

export interface LiveEvent { event: string; data: string; id?: string }

interface Conn {
  userId: string;
  guest: boolean;
  channels: Set<string>;
  write(e: LiveEvent): void;
  /** While catching up from the log: live events wait here. */
  pending: Payload[] | undefined;
  lastSent: number;
}

interface Payload {
  position: number;
  channelId?: string;
  userId?: string;
  e: LiveEvent;
  /** Membership change this event makes, applied before (join) or after (leave) delivery. */
  joins?: string;
  leaves?: string;
  notify?: { userIds: string[]; all: boolean; author: string; channelId: string; messageId: string };
}

const CHAT_TYPES = Object.keys(chatEvents);
/** Events read per catch-up query. */
const CATCH_UP_PAGE = 1_000;

export function createLiveHub(deps: { feed: ChangeFeed; log: EventLog; chat: () => ChatService; presence: PresenceService; logger: Logger }) {
  const conns = new Set<Conn>();
  let chain: Promise<void> = Promise.resolve();
  let unsubscribe: (() => void) | undefined;
  let unPresence: (() => void) | undefined;

  async function payloadOf(ev: StoredEvent): Promise<Payload | undefined> {
    const e = ev as unknown as ChatEvent;
    const id = String(ev.position);
    if (ev.stream.startsWith('chat-message:')) {
      const d = e.data as { messageId: string; channelId: string };
      const row = await deps.chat().messageRow(d.messageId);
      if (!row) return undefined;
      const names = await deps.chat().nameMap();
      const message = messageJson(row, names);
      // Rendered once for every receiver; chat.js marks the viewer's own messages and reactions.
      const html = await messageItemHtml(message, '');
      const p: Payload = { position: ev.position, channelId: d.channelId, e: { event: 'message', id, data: JSON.stringify({ type: e.type, channelId: d.channelId, message, html }) } };
      if (e.type === 'chat.MessagePosted' && (e.data.mentions.length > 0 || e.data.mentionAll)) {
        p.notify = { userIds: e.data.mentions, all: e.data.mentionAll, author: e.data.author, channelId: d.channelId, messageId: d.messageId };
      }
      return p;
    }
    if (ev.stream.startsWith('chat-channel:')) {
      const d = e.data as { channelId: string; userId?: string };
      const p: Payload = { position: ev.position, channelId: d.channelId, e: { event: 'channel', id, data: JSON.stringify({ type: e.type, ...d }) } };
      if (e.type === 'chat.MemberJoined') p.joins = e.data.userId;
      if (e.type === 'chat.MemberLeft') p.leaves = e.data.userId;
      return p;
    }
    if (ev.stream.startsWith('chat-user:')) {
      const d = e.data as { userId: string };
      return { position: ev.position, userId: d.userId, e: { event: 'user', id, data: JSON.stringify({ type: e.type, ...d }) } };
    }
    return undefined;
  }

  function deliver(conn: Conn, p: Payload): void {
    if (p.joins === conn.userId && p.channelId) conn.channels.add(p.channelId);
    const mine = p.userId !== undefined ? p.userId === conn.userId : p.channelId !== undefined && conn.channels.has(p.channelId);
    if (mine && p.position > conn.lastSent) {
      conn.lastSent = p.position;
      conn.write(p.e);
    }
    if (p.leaves === conn.userId && p.channelId) conn.channels.delete(p.channelId);
  }

  async function notify(p: Payload): Promise<void> {
    const n = p.notify!;
    const targets = n.all ? await deps.chat().members(n.channelId) : n.userIds;
    const wanted = new Set(targets.filter((t) => t !== n.author));
    const live = [...conns].filter((c) => wanted.has(c.userId) && c.channels.has(n.channelId) && !c.pending);
    if (live.length === 0) return;
    // Do not disturb: the message arrives, the notification does not.
    const status = await deps.presence.statusOf([...new Set(live.map((c) => c.userId))]);
    for (const c of live) {
      if (status.get(c.userId)?.presence === 'dnd') continue;
      c.write({ event: 'notify', data: JSON.stringify({ channelId: n.channelId, messageId: n.messageId, author: n.author }) });
    }
  }

  async function onBatch(events: StoredEvent[]): Promise<void> {
    for (const ev of events) {
      if (conns.size === 0) return; // nobody listening: a reconnect catches up from the log
      let p: Payload | undefined;
      try {
        p = await payloadOf(ev);
      } catch (err) {
        deps.logger.error({ err }, 'chat live payload failed');
      }
      if (!p) continue;
      for (const c of conns) {
        if (c.pending) c.pending.push(p);
        else deliver(c, p);
      }
      if (p.notify) await notify(p);
    }
  }

  return {
    start(): void {
      unsubscribe = deps.feed.subscribe({ streams: ['chat-message:*', 'chat-channel:*', 'chat-user:*'] }, (events) => {
        chain = chain.then(() => onBatch(events)).catch((err) => deps.logger.error({ err }, 'chat live delivery failed'));
      });
      unPresence = deps.presence.onChange((userId) => {
        void deps.presence.statusOf([userId]).then((s) => {
          const e = { event: 'presence', data: JSON.stringify({ userId, ...s.get(userId) }) };
          for (const c of conns) if (!c.guest && !c.pending) c.write(e);
        }).catch(() => undefined); // shutting down: nobody left to tell
      });
    },
    stop(): void { unsubscribe?.(); unPresence?.(); },
    get size() { return conns.size; },

    /**
     * Registers a connection. With `after` (Last-Event-ID), replays the log after it
     * first; more than MAX_CATCH_UP_EVENTS behind, sends `reset` (the client reloads).
     */
    async connect(opts: { userId: string; guest: boolean; after: number | undefined; write(e: LiveEvent): void }): Promise<() => void> {
      const channels = new Set((await deps.chat().sidebar({ id: opts.userId, kind: 'user', role: opts.guest ? 'guest' : 'user', name: '', email: '' })).map((c) => c.id));
      const conn: Conn = { userId: opts.userId, guest: opts.guest, channels, write: opts.write, pending: opts.after !== undefined ? [] : undefined, lastSent: opts.after ?? 0 };
      conns.add(conn);
      deps.presence.connected(opts.userId);
      if (opts.after !== undefined) {
        let after = opts.after;
        let seen = 0;
        try {
          for (;;) {
            const page = await deps.log.readAll({ after, limit: CATCH_UP_PAGE, types: CHAT_TYPES });
            if (page.length === 0) break;
            seen += page.length;
            if (seen > MAX_CATCH_UP_EVENTS) { conn.write({ event: 'reset', data: '{}' }); conn.lastSent = Number.MAX_SAFE_INTEGER; break; }
            for (const ev of page) {
              if (!/^chat-(message|channel|user):/.test(ev.stream)) continue;
              const p = await payloadOf(ev);
              if (p) deliver(conn, p);
            }
            after = page[page.length - 1]!.position;
          }
        } finally {
          const waiting = conn.pending ?? [];
          conn.pending = undefined;
          for (const p of waiting) deliver(conn, p);
        }
      }
      conn.write({ event: 'ready', data: JSON.stringify({ position: conn.lastSent }) });
      return () => { conns.delete(conn); deps.presence.disconnected(opts.userId); };
    },

    typing(channelId: string, userId: string, name: string): void {
      const e = { event: 'typing', data: JSON.stringify({ channelId, userId, name }) };
      for (const c of conns) if (c.userId !== userId && c.channels.has(channelId) && !c.pending) c.write(e);
    },

    /** Memory-only news for everyone in a channel (read receipts in conversations). */
    toChannel(channelId: string, event: string, data: unknown, exceptUser?: string): void {
      const e = { event, data: JSON.stringify(data) };
      for (const c of conns) if (c.channels.has(channelId) && c.userId !== exceptUser && !c.pending) c.write(e);
    },

    /** Memory-only news for one user's open browsers (read state moved in another tab). */
    toUser(userId: string, event: string, data: unknown): void {
      const e = { event, data: JSON.stringify(data) };
      for (const c of conns) if (c.userId === userId && !c.pending) c.write(e);
    },

    /** Waits until every batch received so far has been delivered (tests, shutdown). */
    async settle(): Promise<void> { await chain; },
  };
}

export type LiveHub = ReturnType<typeof createLiveHub>;
