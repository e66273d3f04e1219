// What every chat route needs, and how it finds out who is acting: a browser session
// (c.var.user) or a bot's bearer token.
import type { Context, MiddlewareHandler } from 'hono';
import type { CairnEnv } from '../../../core/http/env.ts';
import type { EventMetadata } from '../../../core/events/types.ts';
import { LimitExceededError, UnauthorizedError, ValidationError } from '../../../core/errors.ts';
import type { Integrations } from '../bot/integrations-service.ts';
import type { LiveHub } from '../live/live-hub.ts';
import { MAX_JSON_BODY } from '../limits.ts';
import type { ChatActor } from '../policy/access.ts';
import type { PresenceService } from '../presence/presence-service.ts';
import type { ChatService } from '../service/chat-service.ts';

export interface ChatContext {
  chat: ChatService;
  integrations: Integrations;
  hub: LiveHub;
  presence: PresenceService;
  meetingBaseUrl: string | undefined;
  publicUrl: string;
  /** The log's head position. */
  head(): Promise<number>;
}
export type ChatContextFn = () => ChatContext;

const actors = new WeakMap<Request, ChatActor>();

/** Sets the acting ChatActor: a bot token wins over a session; neither → 401 for the API. */
export function chatActor(ctx: ChatContextFn, opts: { required: boolean }): MiddlewareHandler<CairnEnv> {
  return async (c, next) => {
    const auth = c.req.header('authorization');
    if (auth && /^Bearer\s+/i.test(auth)) {
      const bot = await ctx().integrations.botActor(auth.replace(/^Bearer\s+/i, '').trim());
      if (!bot) throw new UnauthorizedError('unknown or revoked bot token', 'bad_token');
      actors.set(c.req.raw, bot);
    } else if (c.var.user) {
      actors.set(c.req.raw, ctx().chat.actorOf(c.var.user));
    } else if (opts.required) {
      throw new UnauthorizedError('Sign in first.');
    }
    await next();
  };
}

export function actor(c: Context<CairnEnv>): ChatActor {
  const a = actors.get(c.req.raw);
  if (!a) throw new UnauthorizedError('Sign in first.');
  return a;
}

export function meta(c: Context<CairnEnv>, source: 'ui' | 'api' = 'api'): EventMetadata {
  return { actor: actor(c).id, source, requestId: c.var.requestId, time: new Date().toISOString() };
}

/** The JSON body as an object, refusing oversized or malformed input. */
export async function jsonBody(c: Context<CairnEnv>): Promise<Record<string, unknown>> {
  const length = Number(c.req.header('content-length') ?? 0);
  if (length > MAX_JSON_BODY) throw new LimitExceededError(`at most ${MAX_JSON_BODY} bytes of JSON`);
  const text = await c.req.text();
  if (text.length > MAX_JSON_BODY) throw new LimitExceededError(`at most ${MAX_JSON_BODY} bytes of JSON`);
  if (text.trim() === '') return {};
  let v: unknown;
  try { v = JSON.parse(text); } catch { throw new ValidationError('the body is not JSON'); }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ValidationError('the body must be a JSON object');
  return v as Record<string, unknown>;
}

export const str = (v: unknown, field: string): string => {
  if (typeof v !== 'string') throw new ValidationError(`${field} must be a string`);
  return v;
};
export const optStr = (v: unknown, field: string): string | undefined => (v === undefined || v === null ? undefined : str(v, field));
export const optBool = (v: unknown, field: string): boolean | undefined => {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new ValidationError(`${field} must be true or false`);
  return v;
};
export const strList = (v: unknown, field: string): string[] => {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string') || v.length > 100) throw new ValidationError(`${field} must be a list of strings`);
  return v as string[];
};
