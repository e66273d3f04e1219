import { describe, expect, it } from 'vitest';
import { parseSmarthost } from './remote-transport.ts';

describe('CAIRN_SMARTHOST', () => {
  it('reads submission with credentials: STARTTLS required, verified certificate', () => {
    expect(parseSmarthost('smtp://me%40corp:p%3Ass@relay.corp.test:587')).toEqual({
      host: 'relay.corp.test', address: 'relay.corp.test', port: 587, secure: false, verifyTls: true, requireTls: true, auth: { user: 'me@corp', pass: 'p:ss' },
    });
  });

  it('reads implicit TLS and a local relay without credentials', () => {
    expect(parseSmarthost('smtps://relay.test')).toMatchObject({ port: 465, secure: true, requireTls: false });
    expect(parseSmarthost('smtp://127.0.0.1:25')).toMatchObject({ port: 25, requireTls: false });
    expect(parseSmarthost('smtp://127.0.0.1:25').auth).toBeUndefined();
  });

  it('refuses anything else with a message naming the variable', () => {
    expect(() => parseSmarthost('relay.test:25')).toThrow(/CAIRN_SMARTHOST/);
    expect(() => parseSmarthost('http://relay.test')).toThrow(/smtp:\/\/ or smtps:\/\//);
  });
});
