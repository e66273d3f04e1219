// X-OC-Mtime (ownCloud/Nextcloud): the client's own modification time of the file it
// PUTs (or assembles with MOVE …/.file), in seconds since 1970, so the drive shows when
// the document was last edited rather than when it was synced. Answered with
// "X-OC-MTime: accepted" so the client does not set it again by PROPPATCH.
import { ValidationError } from '../../../core/errors.ts';
import { MAX_MTIME_MS } from '../events.ts';

export const OC_MTIME_ACCEPTED = { 'X-OC-MTime': 'accepted' } as const;

/** The declared time in ms, undefined without the header; 400 for anything but a plain number of seconds in range. */
export function ocMtime(headers: Headers): number | undefined {
  const raw = headers.get('X-OC-Mtime');
  if (raw === null) return undefined;
  const v = raw.trim();
  if (!/^\d{1,12}(\.\d{1,9})?$/.test(v)) throw new ValidationError('X-OC-Mtime must be seconds since 1970', { code: 'bad_mtime' });
  const ms = Math.floor(Number(v) * 1000);
  if (ms > MAX_MTIME_MS) throw new ValidationError('X-OC-Mtime is too far in the future', { code: 'bad_mtime' });
  return ms;
}
