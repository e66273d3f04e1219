import { ValidationError } from '../../../core/errors.ts';

/** Longest name in UTF-8 bytes: what common file systems (ext4, NTFS, APFS) accept. */
export const MAX_NAME_BYTES = 255;

/**
 * The one spelling of a name: NFC, so that "é" typed on macOS (NFD) and on Windows
 * (NFC) is the same file. Every name from a client passes through here.
 */
export function normalizeName(raw: string): string {
  return raw.normalize('NFC');
}

/** Throws ValidationError unless `name` is a storable node name (already normalized). */
export function assertValidName(name: string): void {
  if (name.length === 0) throw new ValidationError('a name cannot be empty', { code: 'invalid_name' });
  if (name === '.' || name === '..') throw new ValidationError('"." and ".." are not names', { code: 'invalid_name' });
  if (/[/\u0000]/.test(name)) throw new ValidationError('a name cannot contain "/" or NUL', { code: 'invalid_name' });
  if (/[\u0001-\u001f\u007f]/.test(name)) throw new ValidationError('a name cannot contain control characters', { code: 'invalid_name' });
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) throw new ValidationError(`a name has at most ${MAX_NAME_BYTES} bytes`, { code: 'invalid_name' });
  if (name !== name.normalize('NFC')) throw new ValidationError('a name must be NFC-normalized', { code: 'invalid_name' });
}

/** "report.pdf" → "report (2).pdf": a free name beside a taken one (trash restore, uploads that keep both). */
export function alternativeName(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  return `${stem} (${n})${ext}`;
}
