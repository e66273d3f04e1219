import { ConcurrencyError } from '../errors.ts';
import type { EventLog } from './event-log.ts';
import type { AppendResult, EventMetadata, NewEvent, StoredEvent } from './types.ts';

/**
 * The pure half of an aggregate: evolve folds events into state, decide turns a
 * command and the current state into new events (or throws a CairnError).
 */
export interface Decider<S, C, E extends NewEvent = NewEvent> {
  initialState(): S;
  evolve(state: S, event: StoredEvent): S;
  decide(command: C, state: S, metadata: EventMetadata): readonly E[];
}

/** How many times a command is re-decided after losing a race for its stream. */
export const COMMAND_RETRIES = 5;

export interface CommandOutcome<S> {
  /** State after the new events. */
  state: S;
  /** Undefined when decide returned no events (the command changed nothing). */
  result: AppendResult | undefined;
}

export function fold<S>(decider: Pick<Decider<S, never>, 'initialState' | 'evolve'>, events: readonly StoredEvent[]): S {
  let state = decider.initialState();
  for (const e of events) state = decider.evolve(state, e);
  return state;
}

/** Load → fold → decide → append at the version it was decided on; retry on conflict. */
export async function handleCommand<S, C, E extends NewEvent>(
  log: EventLog,
  stream: string,
  decider: Decider<S, C, E>,
  command: C,
  opts: { metadata: EventMetadata; idempotencyKey?: string },
): Promise<CommandOutcome<S>> {
  for (let attempt = 0; ; attempt++) {
    const history = await log.readStream(stream);
    const state = fold(decider, history);
    const version = history.length === 0 ? 0 : history[history.length - 1]!.streamPosition;
    const events = decider.decide(command, state, opts.metadata);
    if (events.length === 0) return { state, result: undefined };
    try {
      const result = await log.append(stream, version, events, opts);
      let next = state;
      for (const e of result.events) next = decider.evolve(next, e);
      return { state: result.duplicate ? fold(decider, await log.readStream(stream)) : next, result };
    } catch (e) {
      if (e instanceof ConcurrencyError && attempt < COMMAND_RETRIES) continue;
      throw e;
    }
  }
}
