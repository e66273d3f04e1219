// DKIM keys on disk and signatures that a verifier (mailauth, with the published
// record served by a static resolver) accepts.
import { stat } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../../core/testing/temp-dir.ts';
import { mailauthAuthenticate } from '../mailauth.ts';
import { staticResolver } from '../testing/static-resolver.ts';
import { DKIM_SELECTOR, DkimKeyStore } from './dkim-keys.ts';
import { dkimSignMessage } from './dkim-sign.ts';

describe('DKIM per domain', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());
  const keys = new DkimKeyStore(dir.path);

  it('creates one key per domain on first use, private to the owner, and reuses it', async () => {
    const [a, b] = await Promise.all([keys.key('Example.test'), keys.key('example.test')]);
    expect(a.privateKeyPem).toBe(b.privateKeyPem);
    const st = await stat(`${dir.path}/dkim/example.test.pem`);
    expect(st.mode & 0o777).toBe(0o600);
    const again = await new DkimKeyStore(dir.path).key('example.test');
    expect(again.privateKeyPem).toBe(a.privateKeyPem);
  });

  it('refuses names that are not domains (no path tricks)', async () => {
    await expect(keys.key('../etc')).rejects.toThrow(/not a domain/);
  });

  it('computes the TXT record and signs mail that verifies against it', async () => {
    const record = await keys.dkimDnsRecord('example.test');
    expect(record.name).toBe(`${DKIM_SELECTOR}._domainkey.example.test`);
    expect(record.value).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]+$/);
    const raw = Buffer.from('From: alice@example.test\r\nTo: bob@remote.test\r\nSubject: signed\r\nDate: Sat, 01 Mar 2025 10:00:00 +0000\r\nMessage-ID: <s@example.test>\r\n\r\nHello.\r\n');
    const signed = await dkimSignMessage(raw, await keys.key('example.test'), new Date());
    expect(signed.toString()).toMatch(/^DKIM-Signature: .*d=example\.test/s);
    const resolver = staticResolver({ [record.name]: { TXT: [[record.value]] } });
    const result = await mailauthAuthenticate(signed, { sender: 'alice@example.test', ip: '192.0.2.1', helo: 'mx.example.test', mta: 'mx.remote.test', resolver, disableBimi: true });
    expect(result.dkim.results?.[0]?.status.result).toBe('pass');
  });
});
