import type { Decider } from '../../../core/events/handle-command.ts';
import { NotFoundError } from '../../../core/errors.ts';
import { DavPreconditionFailed } from '../../../core/dav/errors.ts';
import type { ContactsEvent } from '../events.ts';
import type { PreparedCard } from '../vcard/prepare-card.ts';
import { etagOf, evolveCard, initialCard, type CardState } from './state.ts';

/** If-Match / If-None-Match as the DAV engine parsed them (RFC 9110 §13.1). */
export interface WriteConditions { ifMatch?: string; ifNoneMatch?: string }

export type CardCommand =
  | { type: 'put'; bookId: string; cardId: string; name: string; card: PreparedCard; cond?: WriteConditions }
  | { type: 'delete'; cond?: WriteConditions }
  /** Bring a deleted card back with the content it had ("recently deleted"). */
  | { type: 'undelete' };

/** Throws DavPreconditionFailed (412) unless the conditions hold for the card's current state. */
export function checkConditions(state: CardState, cond: WriteConditions | undefined): void {
  if (!cond) return;
  const live = state && !state.deleted ? state : undefined;
  if (cond.ifMatch !== undefined) {
    if (!live) throw new DavPreconditionFailed('the card does not exist (If-Match)');
    if (cond.ifMatch !== '*' && !cond.ifMatch.split(',').map((s) => s.trim().replace(/^W\//, '')).includes(etagOf(live.position))) throw new DavPreconditionFailed();
  }
  if (cond.ifNoneMatch !== undefined) {
    if (cond.ifNoneMatch === '*' && live) throw new DavPreconditionFailed('the card already exists (If-None-Match: *)');
    if (cond.ifNoneMatch !== '*' && live && cond.ifNoneMatch.split(',').map((s) => s.trim()).includes(etagOf(live.position))) throw new DavPreconditionFailed();
  }
}

export function decideCard(command: CardCommand, state: CardState): ContactsEvent[] {
  switch (command.type) {
    case 'put': {
      checkConditions(state, command.cond);
      const { card } = command;
      if (state && !state.deleted && state.vcard === card.text && state.name === command.name) return [];
      return [{ type: 'contacts.CardPut', data: { bookId: command.bookId, cardId: command.cardId, name: command.name, uid: card.fields.uid, kind: card.fields.kind, fn: card.fields.fn, vcard: card.text } }];
    }
    case 'delete':
      checkConditions(state, command.cond);
      if (!state || state.deleted) throw new NotFoundError('no such contact');
      return [{ type: 'contacts.CardDeleted', data: { bookId: state.bookId, cardId: state.cardId, name: state.name } }];
    case 'undelete':
      if (!state) throw new NotFoundError('no such contact');
      if (!state.deleted) return [];
      return [{ type: 'contacts.CardPut', data: { bookId: state.bookId, cardId: state.cardId, name: state.name, uid: state.uid, kind: state.kind, fn: state.fn, vcard: state.vcard } }];
  }
}

export const cardDecider: Decider<CardState, CardCommand, ContactsEvent> = {
  initialState: initialCard,
  evolve: evolveCard,
  decide: (c, s) => decideCard(c, s),
};
