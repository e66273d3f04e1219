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
