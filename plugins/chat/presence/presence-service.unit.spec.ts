import { describe, expect, it } from 'vitest';
import { AWAY_AFTER_MS } from '../limits.ts';
import { derivePresence } from './presence-service.ts';

const now = Date.parse('2026-01-01T12:00:00Z');
const base = { chosen: 'auto' as const, chosenUntil: null, connections: 1, lastActivity: now - 1000, now };

describe('derivePresence', () => {
  it('is online with a connection and recent activity, away when idle, offline without connections', () => {
    expect(derivePresence(base)).toBe('online');
    expect(derivePresence({ ...base, lastActivity: now - AWAY_AFTER_MS - 1 })).toBe('away');
    expect(derivePresence({ ...base, connections: 0 })).toBe('offline');
  });
  it('follows what the user chose until it ends', () => {
    expect(derivePresence({ ...base, chosen: 'dnd' })).toBe('dnd');
    expect(derivePresence({ ...base, chosen: 'away' })).toBe('away');
    expect(derivePresence({ ...base, chosen: 'offline' })).toBe('offline');
    expect(derivePresence({ ...base, chosen: 'dnd', chosenUntil: '2026-01-01T11:00:00Z' })).toBe('online');
    expect(derivePresence({ ...base, chosen: 'dnd', connections: 0 })).toBe('offline');
  });
});
