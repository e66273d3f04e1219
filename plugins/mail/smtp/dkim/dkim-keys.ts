// DKIM keys per sending domain (RFC 6376), created the first time a domain sends.
//
// Implementation notes
//
// - Where: `<dataDir>/dkim/<domain>.pem`, mode 0600 in a 0700 directory, like the TLS
//   key (core/net/tls-pair.ts). Not an event: a private key is a secret, and the event
//   log is replayed, exported by `cairn restore --out`, copied by backups and shown in
//   history; a key in it would spread to every copy and could never be rotated away.
//   The public half is derived from the file whenever it is needed (dkimDnsRecord).
// - Invariant: a key file is absent or complete and never replaced: written to a
//   temporary name, fsynced, hard-linked into place (EEXIST if another writer won), the
//   directory fsynced. A domain's key never changes under the DNS record published for
//   it. Rotation is an operator act (new selector), not something this code does.
// - Concurrent first uses of one domain in this process share one generation (a map of
//   promises); across processes the exclusive link picks one winner and the loser reads it.
// - RSA 2048: RFC 8301 §3.2 requires verifiers to handle 1024-4096 bits and signers to
//   use at least 1024; 2048 is what every verifier accepts (Ed25519, RFC 8463, is not
//   yet verified everywhere, so it would have to be a second signature).
// - Domain names are checked against DOMAIN_RE before they become a path: the guard
//   against path traversal.
import { createPrivateKey, createPublicKey, generateKeyPair } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ValidationError } from '../../../../core/errors.ts';
import { writeExclusive } from '../../../../core/fs/write-exclusive.ts';

/** The selector published in DNS: `cairn._domainkey.<domain>`. */
export const DKIM_SELECTOR = 'cairn';
/** Modulus size of generated keys (RFC 8301 §3.2). */
export const DKIM_KEY_BITS = 2048;
const KEY_FILE_MODE = 0o600;
const KEY_DIR_MODE = 0o700;
const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

const generateRsa = promisify(generateKeyPair);

export interface DkimKey {
  domain: string;
  selector: string;
  privateKeyPem: string;
}

export interface DkimDnsRecord {
  /** Owner name of the TXT record. */
  name: string;
  type: 'TXT';
  /** The record text (RFC 6376 §3.6.1), to be split into 255-byte strings by the DNS tool. */
  value: string;
}

export class DkimKeyStore {
  readonly dir: string;
  readonly #pending = new Map<string, Promise<DkimKey>>();

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'dkim');
  }

  /** The domain's key, generated and stored on first use. */
  async key(domain: string): Promise<DkimKey> {
    const d = checkDomain(domain);
    let p = this.#pending.get(d);
    if (!p) {
      p = this.#loadOrCreate(d);
      this.#pending.set(d, p);
      p.catch(() => this.#pending.delete(d));
    }
    return p;
  }

  /** The TXT record the administrator publishes for the domain (creating the key if needed). */
  async dkimDnsRecord(domain: string): Promise<DkimDnsRecord> {
    return dkimDnsRecordFor(await this.key(domain));
  }

  async #loadOrCreate(domain: string): Promise<DkimKey> {
    const path = join(this.dir, `${domain}.pem`);
    const existing = await readIfExists(path);
    if (existing !== undefined) return { domain, selector: DKIM_SELECTOR, privateKeyPem: existing };
    await mkdir(this.dir, { recursive: true, mode: KEY_DIR_MODE });
    const { privateKey } = await generateRsa('rsa', {
      modulusLength: DKIM_KEY_BITS,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    try {
      await writeExclusive(path, privateKey, KEY_FILE_MODE); // fsyncs the directory too
      return { domain, selector: DKIM_SELECTOR, privateKeyPem: privateKey };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // Another process won the race: use its key.
      return { domain, selector: DKIM_SELECTOR, privateKeyPem: (await readFile(path, 'utf8')) };
    }
  }
}

export function dkimDnsRecordFor(key: DkimKey): DkimDnsRecord {
  const der = createPublicKey(createPrivateKey(key.privateKeyPem)).export({ type: 'spki', format: 'der' });
  return { name: `${key.selector}._domainkey.${key.domain}`, type: 'TXT', value: `v=DKIM1; k=rsa; p=${der.toString('base64')}` };
}

function checkDomain(domain: string): string {
  const d = domain.trim().toLowerCase().replace(/\.$/, '');
  if (!DOMAIN_RE.test(d)) throw new ValidationError(`"${domain}" is not a domain name`);
  return d;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

