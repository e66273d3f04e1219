import { ValidationError } from '../errors.ts';

/** A moment in the log: a global position, or a wall-clock time. */
export type RestorePoint = { position: number } | { time: Date };

/** `123` → position 123; anything else must be an ISO 8601 time. */
export function parseRestorePoint(text: string): RestorePoint {
  const s = text.trim();
  if (/^\d+$/.test(s)) return { position: Number(s) };
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new ValidationError(`"${text}" is neither a log position nor an ISO 8601 time`);
  return { time: new Date(t) };
}

/** Restore presets offered in the UI. */
export const RESTORE_PRESETS = { '24h': 24 * 3600_000, '48h': 48 * 3600_000, '7d': 7 * 86400_000, '30d': 30 * 86400_000 } as const;

/**
 * A restore form's choice: a preset (`24h`…) counted back from `now`, or a chosen time —
 * an ISO time, or a datetime-local value (no zone) taken as UTC, as the forms say.
 */
export function restorePointFromForm(preset: string | undefined, at: string | undefined, now = Date.now()): { point: RestorePoint; iso: string } {
  if (at) {
    const t = Date.parse(/Z|[+-]\d\d:\d\d$/.test(at) ? at : `${at}Z`);
    if (Number.isNaN(t)) throw new ValidationError('that is not a valid time');
    return { point: { time: new Date(t) }, iso: new Date(t).toISOString() };
  }
  const ms = RESTORE_PRESETS[preset as keyof typeof RESTORE_PRESETS];
  if (!ms) throw new ValidationError('choose how far back to restore');
  return { point: { time: new Date(now - ms) }, iso: new Date(now - ms).toISOString() };
}
