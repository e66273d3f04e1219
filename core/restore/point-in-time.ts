// The core of "restore this collection as it was at T": fold the collection's streams
// up to T with the plugin's own evolve, fold them up to now, and let the plugin say
// which events turn now into T. Appending them (atomically, at the versions that were
// folded) keeps history, so a restore can itself be undone by another restore.
import { ValidationError } from '../errors.ts';
import type { AppendResult, EventMetadata, NewEvent, StoredEvent } from '../events/types.ts';
import type { EventLog } from '../events/event-log.ts';
import type { RestorePoint } from './restore-point.ts';

export interface CollectionSpec<S> {
  /** Exact stream names or prefixes ending in '*' that make up the collection. */
  streams: readonly string[];
  initialState(): S;
  evolve(state: S, event: StoredEvent): S;
  /**
   * The events that make `current` equal to `target`, per stream. Must be pure; `meta`
   * carries the time and actor of the restore (and ids, if the plugin needs new ones).
   */
  diff(current: S, target: S, meta: EventMetadata): { stream: string; events: NewEvent[] }[];
}

export interface RestorePlan<S> {
  position: number;
  current: S;
  target: S;
  appends: { stream: string; expected: number; events: NewEvent[] }[];
}

/** Folds the collection as of a point (position or time). */
export async function foldAt<S>(log: EventLog, spec: Pick<CollectionSpec<S>, 'streams' | 'initialState' | 'evolve'>, at: RestorePoint): Promise<{ state: S; position: number }> {
  const position = 'position' in at ? at.position : await log.positionAt(at.time);
  const events = await log.readStreams(spec.streams, { upToPosition: position });
  let state = spec.initialState();
  for (const e of events) state = spec.evolve(state, e);
  return { state, position };
}

/** What a restore would do, without doing it (the preview). */
export async function planRestore<S>(log: EventLog, spec: CollectionSpec<S>, at: RestorePoint, meta: EventMetadata, retentionDays: number): Promise<RestorePlan<S>> {
  checkRetention(at, retentionDays, new Date(meta.time));
  const all = await log.readStreams(spec.streams);
  const versions = new Map<string, number>();
  let current = spec.initialState();
  for (const e of all) { current = spec.evolve(current, e); versions.set(e.stream, e.streamPosition); }
  const { state: target, position } = await foldAt(log, spec, at);
  const appends = spec.diff(current, target, meta)
    .filter((a) => a.events.length > 0)
    .map((a) => ({ stream: a.stream, expected: versions.get(a.stream) ?? 0, events: a.events }));
  return { position, current, target, appends };
}

/** Plans and appends in one atomic multi-stream append; a concurrent change makes it fail with ConcurrencyError. */
export async function restoreCollection<S>(log: EventLog, spec: CollectionSpec<S>, at: RestorePoint, meta: EventMetadata, retentionDays: number): Promise<{ plan: RestorePlan<S>; results: AppendResult[] }> {
  const plan = await planRestore(log, spec, at, meta, retentionDays);
  if (plan.appends.length === 0) return { plan, results: [] };
  const results = await log.appendMulti(plan.appends, { metadata: meta });
  return { plan, results };
}

export function checkRetention(at: RestorePoint, retentionDays: number, now: Date): void {
  if (retentionDays <= 0) throw new ValidationError('restore is turned off for this organization (retention is 0 days)');
  if ('time' in at) {
    const oldest = now.getTime() - retentionDays * 86400_000;
    if (at.time.getTime() < oldest) throw new ValidationError(`that moment is outside the ${retentionDays}-day retention window`);
    if (at.time.getTime() > now.getTime()) throw new ValidationError('that moment is in the future');
  }
}
