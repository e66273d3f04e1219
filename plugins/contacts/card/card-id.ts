import { createHash } from 'node:crypto';

/**
 * A card's id is derived from its resource name inside the book, so two clients that
 * PUT the same new name at once meet on one stream (the expected version decides), and
 * a name used again after a delete continues the same card's history.
 */
export function cardIdFor(name: string): string {
  return createHash('sha256').update(name, 'utf8').digest('base64url').slice(0, 22).replace(/[-_]/g, (c) => (c === '-' ? 'x' : 'y'));
}
