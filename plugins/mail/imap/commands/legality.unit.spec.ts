import { describe, expect, it } from 'vitest';
import { commandTable, legalIn } from './index.ts';

describe('command legality table (RFC 9051 §3, §6)', () => {
  it('lets only CAPABILITY/NOOP/LOGOUT/ID and the login commands run before authentication', () => {
    expect(legalIn('not-authenticated').sort()).toEqual(['AUTHENTICATE', 'CAPABILITY', 'ID', 'LOGIN', 'LOGOUT', 'NOOP', 'STARTTLS']);
  });
  it('keeps message commands to the selected state, and mailbox commands to both authenticated states', () => {
    const auth = legalIn('authenticated');
    const sel = legalIn('selected');
    for (const c of ['FETCH', 'UID FETCH', 'STORE', 'SEARCH', 'COPY', 'MOVE', 'EXPUNGE', 'UID EXPUNGE', 'CLOSE', 'UNSELECT', 'CHECK']) {
      expect(auth).not.toContain(c);
      expect(sel).toContain(c);
    }
    for (const c of ['SELECT', 'EXAMINE', 'CREATE', 'DELETE', 'RENAME', 'LIST', 'LSUB', 'STATUS', 'APPEND', 'IDLE', 'NAMESPACE', 'GETQUOTAROOT']) {
      expect(auth).toContain(c);
      expect(sel).toContain(c);
    }
    expect(auth).not.toContain('LOGIN');
    expect(auth).toContain('ENABLE');
    expect(legalIn('logout')).toEqual([]);
  });
  it('has each command once', () => {
    expect(commandTable().size).toBeGreaterThan(35);
  });
});
