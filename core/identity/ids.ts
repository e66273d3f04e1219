import { randomBytes } from 'node:crypto';

// ULID-shaped ids (https://github.com/ulid/spec): 48 bits of milliseconds then 80
// random bits, Crockford base32, 26 characters. They sort by creation time, so a
// listing by id is a listing by age, and they are safe in stream names and URLs.
// They are made in the command layer (never in decide/evolve, which stay pure).

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const TIME_CHARS = 10;
const RANDOM_BYTES = 10;
const RANDOM_CHARS = 16;
const MAX_TIME = 2 ** 48 - 1;
const MAX_RANDOM = (1n << 80n) - 1n;

export type IdGenerator = (timeMs: number) => string;

/**
 * Ids from one generator are strictly increasing: within the same millisecond (or if
 * the clock steps back) the random part of the previous id is incremented.
 */
export function createIdGenerator(): IdGenerator {
  let lastTime = -1;
  let lastRandom = 0n;
  return (timeMs) => {
    let time = Math.max(0, Math.min(MAX_TIME, Math.floor(timeMs)));
    if (time <= lastTime) {
      time = lastTime;
      if (lastRandom === MAX_RANDOM) { time += 1; lastRandom = fresh(); } else lastRandom += 1n;
    } else lastRandom = fresh();
    lastTime = time;
    return encodeTime(time) + encodeRandom(lastRandom);
  };
}

function fresh(): bigint {
  // Keep the top bit clear so that incrementing within a millisecond never overflows in practice.
  const bytes = randomBytes(RANDOM_BYTES);
  bytes[0] = bytes[0]! & 0x7f;
  return BigInt(`0x${bytes.toString('hex')}`);
}

function encodeTime(time: number): string {
  let t = time;
  let out = '';
  for (let i = 0; i < TIME_CHARS; i++) { out = CROCKFORD[t % 32]! + out; t = Math.floor(t / 32); }
  return out;
}

function encodeRandom(r: bigint): string {
  let v = r;
  let out = '';
  for (let i = 0; i < RANDOM_CHARS; i++) { out = CROCKFORD[Number(v & 31n)]! + out; v >>= 5n; }
  return out;
}
