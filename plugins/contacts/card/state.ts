import type { StoredEvent } from '../../../core/events/types.ts';
import type { ContactsEvent } from '../events.ts';

export interface Card {
  bookId: string;
  cardId: string;
  name: string;
  uid: string;
  kind: 'individual' | 'group';
  fn: string;
  vcard: string;
  deleted: boolean;
  /** Global position of the last change: the ETag. */
  position: number;
  /** Time of the last change (event metadata). */
  time: string;
}
export type CardState = Card | undefined;

export const initialCard = (): CardState => undefined;

export const etagOf = (position: number) => `"${position}"`;

export function evolveCard(state: CardState, event: StoredEvent): CardState {
  const e = event as unknown as ContactsEvent;
  switch (e.type) {
    case 'contacts.CardPut':
      return { ...e.data, deleted: false, position: event.position, time: event.metadata.time };
    case 'contacts.CardDeleted':
      return state && { ...state, deleted: true, position: event.position, time: event.metadata.time };
    default:
      return state;
  }
}
