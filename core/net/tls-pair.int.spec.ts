import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TlsPairError, loadOrCreateTlsPair } from './tls-pair.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('loadOrCreateTlsPair', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cairn-tls-pair-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('generates a self-signed pair for the hostname, localhost and the loopback IPs', async () => {
    const pair = await loadOrCreateTlsPair({ dataDir, hostname: 'mail.example.test' });

    expect(pair.generated).toBe(true);
    expect(pair.certPath).toBe(join(dataDir, 'tls', 'cert.pem'));
    expect(pair.keyPath).toBe(join(dataDir, 'tls', 'key.pem'));
    expect(await readFile(pair.certPath, 'utf8')).toBe(pair.cert);
    expect(await readFile(pair.keyPath, 'utf8')).toBe(pair.key);

    const x509 = new X509Certificate(pair.cert);
    expect(x509.checkPrivateKey(createPrivateKey(pair.key))).toBe(true);
    expect(x509.checkHost('mail.example.test')).toBe('mail.example.test');
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkHost('other.example.test')).toBeUndefined();
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkIP('::1')).toBe('::1');
    expect(x509.ca).toBe(false);
    expect(x509.verify(x509.publicKey)).toBe(true); // self-signed

    const validDays = (Date.parse(x509.validTo) - Date.now()) / DAY_MS;
    expect(validDays).toBeGreaterThan(700);
    expect(validDays).toBeLessThan(825);
    expect(Date.parse(x509.validFrom)).toBeLessThanOrEqual(Date.now());

    // Only the two final files remain: no temporaries left behind.
    expect((await readdir(join(dataDir, 'tls'))).sort()).toEqual(['cert.pem', 'key.pem']);
  });

  it('writes the key 0600 inside a 0700 directory', async () => {
    const pair = await loadOrCreateTlsPair({ dataDir, hostname: 'localhost' });
    expect((await stat(pair.keyPath)).mode & 0o777).toBe(0o600);
    expect((await stat(pair.certPath)).mode & 0o777).toBe(0o644);
    expect((await stat(join(dataDir, 'tls'))).mode & 0o777).toBe(0o700);
  });

  it('returns the same pair on the next call, without generating', async () => {
    const first = await loadOrCreateTlsPair({ dataDir, hostname: 'mail.example.test' });
    const second = await loadOrCreateTlsPair({ dataDir, hostname: 'mail.example.test' });
    expect(second.generated).toBe(false);
    expect(second.cert).toBe(first.cert);
    expect(second.key).toBe(first.key);
  });

  it('generates one pair when called concurrently', async () => {
    const results = await Promise.all([1, 2, 3].map(() => loadOrCreateTlsPair({ dataDir, hostname: 'localhost' })));
    expect(results.filter((r) => r.generated)).toHaveLength(1);
    expect(new Set(results.map((r) => r.cert)).size).toBe(1);
    expect(await readFile(join(dataDir, 'tls', 'cert.pem'), 'utf8')).toBe(results[0]!.cert);
  });

  it('keeps an existing key whose certificate is missing and certifies it', async () => {
    const first = await loadOrCreateTlsPair({ dataDir, hostname: 'localhost' });
    await rm(first.certPath);
    const again = await loadOrCreateTlsPair({ dataDir, hostname: 'localhost' });
    expect(again.generated).toBe(true);
    expect(again.key).toBe(first.key);
    expect(again.cert).not.toBe(first.cert);
    expect(new X509Certificate(again.cert).checkPrivateKey(createPrivateKey(again.key))).toBe(true);
  });

  it('certifies an RSA key left without a certificate, and refuses a key type it cannot certify', async () => {
    const tlsDir = join(dataDir, 'tls');
    await mkdir(tlsDir, { mode: 0o700 });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    await writeFile(join(tlsDir, 'key.pem'), rsa, { mode: 0o600 });
    const pair = await loadOrCreateTlsPair({ dataDir, hostname: 'localhost' });
    expect(pair.generated).toBe(true);
    expect(pair.key).toBe(rsa);
    expect(new X509Certificate(pair.cert).checkPrivateKey(createPrivateKey(rsa))).toBe(true);

    const edDir = await mkdtemp(join(tmpdir(), 'cairn-tls-pair-ed-'));
    try {
      await mkdir(join(edDir, 'tls'));
      const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });
      await writeFile(join(edDir, 'tls', 'key.pem'), ed, { mode: 0o600 });
      await expect(loadOrCreateTlsPair({ dataDir: edDir, hostname: 'localhost' })).rejects.toThrow(/ed25519 key/);
      expect(await readFile(join(edDir, 'tls', 'key.pem'), 'utf8')).toBe(ed);
    } finally {
      await rm(edDir, { recursive: true, force: true });
    }
  });

  it('refuses a certificate without its key instead of replacing it', async () => {
    const first = await loadOrCreateTlsPair({ dataDir, hostname: 'localhost' });
    await rm(first.keyPath);
    await expect(loadOrCreateTlsPair({ dataDir, hostname: 'localhost' })).rejects.toThrow(/cert\.pem without .*key\.pem/);
    expect(await readFile(first.certPath, 'utf8')).toBe(first.cert);
  });

  describe('operator-supplied files', () => {
    let operatorDir: string;
    let certPath: string;
    let keyPath: string;
    let cert: string;
    let key: string;
    beforeEach(async () => {
      operatorDir = join(dataDir, 'operator');
      await mkdir(operatorDir);
      // Reuse the generator to make a pair, then move it where an operator would keep theirs.
      const made = await loadOrCreateTlsPair({ dataDir: join(dataDir, 'maker'), hostname: 'mail.example.test' });
      cert = made.cert;
      key = made.key;
      certPath = join(operatorDir, 'fullchain.pem');
      keyPath = join(operatorDir, 'privkey.pem');
      await writeFile(certPath, cert);
      await writeFile(keyPath, key, { mode: 0o600 });
    });

    it('reads them and generates nothing', async () => {
      const pair = await loadOrCreateTlsPair({ dataDir, certPath, keyPath, hostname: 'ignored.example.test' });
      expect(pair).toEqual({ cert, key, generated: false, certPath, keyPath });
      await expect(stat(join(dataDir, 'tls'))).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('names the missing file and its variable', async () => {
      const missing = join(operatorDir, 'nope.pem');
      const err = await loadOrCreateTlsPair({ dataDir, certPath: missing, keyPath, hostname: 'x' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TlsPairError);
      expect((err as Error).message).toContain(missing);
      expect((err as Error).message).toContain('CAIRN_TLS_CERT');
      expect((err as Error).message).toContain('does not exist');

      await expect(loadOrCreateTlsPair({ dataDir, certPath, keyPath: missing, hostname: 'x' })).rejects.toThrow(
        /nope\.pem \(CAIRN_TLS_KEY\) does not exist/,
      );
    });

    it('requires both paths', async () => {
      await expect(loadOrCreateTlsPair({ dataDir, certPath, hostname: 'x' })).rejects.toThrow(/CAIRN_TLS_KEY is not/);
      await expect(loadOrCreateTlsPair({ dataDir, keyPath, hostname: 'x' })).rejects.toThrow(/CAIRN_TLS_CERT is not/);
    });

    it('rejects a key that does not match the certificate', async () => {
      const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
      await writeFile(keyPath, other);
      await expect(loadOrCreateTlsPair({ dataDir, certPath, keyPath, hostname: 'x' })).rejects.toThrow(/does not match/);
    });

    it('rejects a file that is not PEM', async () => {
      await writeFile(certPath, 'not a certificate');
      await expect(loadOrCreateTlsPair({ dataDir, certPath, keyPath, hostname: 'x' })).rejects.toThrow(
        /fullchain\.pem \(CAIRN_TLS_CERT\) does not hold a PEM certificate/,
      );
    });
  });
});
