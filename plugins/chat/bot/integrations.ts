// Bots, incoming webhooks and invitations: each a tiny aggregate with a hashed secret.
// The secret itself is shown once and never stored (only its sha256, which is enough
// for a 256-bit random token: no dictionary to guess from).
import type { Decider } from '../../../core/events/handle-command.ts';
import type { StoredEvent } from '../../../core/events/types.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import type { ChatEvent } from '../events.ts';
import { COMMAND_PATTERN, MAX_CHANNEL_NAME } from '../limits.ts';

export interface Integration {
  kind: 'bot' | 'webhook' | 'invite';
  id: string;
  removed: boolean;
  commands: Set<string>;
  accepted: boolean;
}
export type IntegrationState = Integration | undefined;

export type IntegrationCommand =
  | { type: 'createBot'; botId: string; name: string; tokenHash: string; createdBy: string }
  | { type: 'rotateBotToken'; tokenHash: string }
  | { type: 'removeBot' }
  | { type: 'registerCommand'; command: string; url: string; description: string; takenBy: string | undefined }
  | { type: 'removeCommand'; command: string }
  | { type: 'createWebhook'; hookId: string; channelId: string; name: string; tokenHash: string; createdBy: string }
  | { type: 'createOutgoingWebhook'; hookId: string; channelId: string; name: string; triggerWords: readonly string[]; url: string; secret: string; createdBy: string }
  | { type: 'removeWebhook' }
  | { type: 'createInvitation'; inviteId: string; email: string; channelIds: readonly string[]; tokenHash: string; invitedBy: string; expiresAt: string }
  | { type: 'acceptInvitation'; userId: string }
  | { type: 'revokeInvitation' };

export function evolveIntegration(state: IntegrationState, event: StoredEvent): IntegrationState {
  const e = event as unknown as ChatEvent;
  const base = { removed: false, commands: new Set<string>(), accepted: false };
  switch (e.type) {
    case 'chat.BotCreated': return { ...base, kind: 'bot', id: e.data.botId };
    case 'chat.WebhookCreated':
    case 'chat.OutgoingWebhookCreated': return { ...base, kind: 'webhook', id: e.data.hookId };
    case 'chat.InvitationCreated': return { ...base, kind: 'invite', id: e.data.inviteId };
    case 'chat.BotRemoved': case 'chat.WebhookRemoved': case 'chat.InvitationRevoked': return state && { ...state, removed: true };
    case 'chat.InvitationAccepted': return state && { ...state, accepted: true };
    case 'chat.BotCommandRegistered': return state && { ...state, commands: new Set(state.commands).add(e.data.command) };
    case 'chat.BotCommandRemoved': {
      if (!state) return state;
      const commands = new Set(state.commands);
      commands.delete(e.data.command);
      return { ...state, commands };
    }
    default: return state;
  }
}

const name = (n: string) => {
  const t = n.trim();
  if (!t || t.length > MAX_CHANNEL_NAME) throw new ValidationError(`a name of 1 to ${MAX_CHANNEL_NAME} characters is needed`);
  return t;
};

function httpUrl(u: string): string {
  let url: URL;
  try { url = new URL(u); } catch { throw new ValidationError('an http(s) URL is needed'); }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ValidationError('an http(s) URL is needed');
  return url.href;
}

export function decideIntegration(c: IntegrationCommand, state: IntegrationState): ChatEvent[] {
  switch (c.type) {
    case 'createBot':
      if (state) throw new ConflictError('that bot exists', 'bot_exists');
      return [{ type: 'chat.BotCreated', data: { botId: c.botId, name: name(c.name), tokenHash: c.tokenHash, createdBy: c.createdBy } }];
    case 'createWebhook':
      if (state) throw new ConflictError('that webhook exists', 'webhook_exists');
      return [{ type: 'chat.WebhookCreated', data: { hookId: c.hookId, channelId: c.channelId, name: name(c.name), tokenHash: c.tokenHash, createdBy: c.createdBy } }];
    case 'createOutgoingWebhook': {
      if (state) throw new ConflictError('that webhook exists', 'webhook_exists');
      const words = [...new Set(c.triggerWords.map((w) => w.trim().toLowerCase()).filter(Boolean))];
      if (words.length > 20 || words.some((w) => w.length > 64 || /\s/.test(w))) throw new ValidationError('trigger words are up to 20 single words');
      return [{ type: 'chat.OutgoingWebhookCreated', data: { hookId: c.hookId, channelId: c.channelId, name: name(c.name), triggerWords: words, url: httpUrl(c.url), secret: c.secret, createdBy: c.createdBy } }];
    }
    case 'createInvitation':
      if (state) throw new ConflictError('that invitation exists', 'invitation_exists');
      if (c.channelIds.length === 0) throw new ValidationError('choose at least one channel');
      return [{ type: 'chat.InvitationCreated', data: { inviteId: c.inviteId, email: c.email, channelIds: [...c.channelIds], tokenHash: c.tokenHash, invitedBy: c.invitedBy, expiresAt: c.expiresAt } }];
  }
  if (!state || state.removed) throw new NotFoundError('not found');
  switch (c.type) {
    case 'rotateBotToken': return [{ type: 'chat.BotTokenRotated', data: { botId: state.id, tokenHash: c.tokenHash } }];
    case 'removeBot': return [{ type: 'chat.BotRemoved', data: { botId: state.id } }];
    case 'registerCommand': {
      if (!COMMAND_PATTERN.test(c.command)) throw new ValidationError('a command is 2-32 lowercase letters, digits or dashes');
      if (c.takenBy !== undefined && c.takenBy !== state.id) throw new ConflictError(`/${c.command} is taken`, 'command_taken');
      return [{ type: 'chat.BotCommandRegistered', data: { botId: state.id, command: c.command, url: httpUrl(c.url), description: c.description.slice(0, 200) } }];
    }
    case 'removeCommand': return state.commands.has(c.command) ? [{ type: 'chat.BotCommandRemoved', data: { botId: state.id, command: c.command } }] : [];
    case 'removeWebhook': return [{ type: 'chat.WebhookRemoved', data: { hookId: state.id } }];
    case 'acceptInvitation':
      if (state.accepted) throw new ConflictError('this invitation has been used', 'invitation_used');
      return [{ type: 'chat.InvitationAccepted', data: { inviteId: state.id, userId: c.userId } }];
    case 'revokeInvitation': return [{ type: 'chat.InvitationRevoked', data: { inviteId: state.id } }];
  }
}

export const integrationDecider: Decider<IntegrationState, IntegrationCommand, ChatEvent> = {
  initialState: () => undefined, evolve: evolveIntegration, decide: (c, s) => decideIntegration(c, s),
};
