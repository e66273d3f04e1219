// Given/when/then for the identity deciders (unit specs): given past events, when a
// command, then the new events or the error. Pure: no log, no database.
import { expect } from 'vitest';
import { fold, type Decider } from '../events/handle-command.ts';
import type { EventMetadata, NewEvent, StoredEvent } from '../events/types.ts';

export const SPEC_TIME = '2025-03-01T10:00:00.000Z';
export const specMetadata: EventMetadata = { actor: 'tester', source: 'system', time: SPEC_TIME };

export function stored(events: readonly NewEvent[], stream = 'identity-spec:1'): StoredEvent[] {
  return events.map((e, i) => ({
    position: i + 1, stream, streamPosition: i + 1, type: e.type, data: e.data, metadata: specMetadata, recordedAt: 0,
  }));
}

export function spec<S, C>(decider: Decider<S, C, NewEvent>) {
  return {
    given(events: readonly NewEvent[] = []) {
      return {
        when(command: C) {
          const state = fold(decider, stored(events));
          let result: readonly NewEvent[] | undefined;
          let error: unknown;
          try { result = decider.decide(command, state, specMetadata); } catch (e) { error = e; }
          return {
            then(expected: readonly NewEvent[]) {
              if (error) throw error;
              expect(result).toEqual(expected);
            },
            thenNothing() {
              if (error) throw error;
              expect(result).toEqual([]);
            },
            thenThrows(errorClass: abstract new (...args: never[]) => Error, code?: string) {
              expect(error).toBeInstanceOf(errorClass);
              if (code !== undefined) expect((error as { code?: string }).code).toBe(code);
            },
          };
        },
        state(): S {
          return fold(decider, stored(events));
        },
      };
    },
  };
}
