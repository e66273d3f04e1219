import type { Decider } from '../../../core/events/handle-command.ts';
import type { StoredEvent } from '../../../core/events/types.ts';
import { ConflictError, NotFoundError } from '../../../core/errors.ts';
import type { LinkEvent } from '../events.ts';

export interface LinkState { id: string; revoked: boolean }
type Created = Extract<LinkEvent, { type: 'drive.LinkCreated' }>['data'];

export type LinkCommand = { type: 'create'; link: Created } | { type: 'revoke' };

export function evolveLink(s: LinkState | undefined, event: StoredEvent): LinkState | undefined {
  const e = event as unknown as LinkEvent;
  if (e.type === 'drive.LinkCreated') return { id: e.data.linkId, revoked: false };
  if (e.type === 'drive.LinkRevoked') return s && { ...s, revoked: true };
  return s;
}

export function decideLink(c: LinkCommand, s: LinkState | undefined): LinkEvent[] {
  if (c.type === 'create') {
    if (s) throw new ConflictError('that link exists already', 'link_exists');
    return [{ type: 'drive.LinkCreated', data: c.link }];
  }
  if (!s) throw new NotFoundError('no such link');
  return s.revoked ? [] : [{ type: 'drive.LinkRevoked', data: { linkId: s.id } }];
}

export const linkDecider: Decider<LinkState | undefined, LinkCommand, LinkEvent> = {
  initialState: () => undefined,
  evolve: evolveLink,
  decide: (c, s) => decideLink(c, s),
};
