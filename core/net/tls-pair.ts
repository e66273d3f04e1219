/**
 * The TLS key and certificate the mail protocols (SMTP, IMAP) serve.
 *
 * Implementation notes
 *
 * - Operator files win. When CAIRN_TLS_CERT / CAIRN_TLS_KEY are set, both must be
 *   given, readable, parseable, and the key must match the certificate. Any problem
 *   fails startup with the path and the variable name, not the first client's
 *   handshake with an OpenSSL message.
 * - Otherwise the pair lives in `<dataDir>/tls/{cert,key}.pem`: generated once,
 *   self-signed, then reused, so a client that accepted the certificate keeps
 *   trusting it across restarts.
 * - Invariant: key.pem is only ever readable by its owner. It is created 0600 (in a
 *   0700 directory) and never exists under its final name with looser permissions.
 * - Invariant: a file in `<dataDir>/tls` is either absent or complete. Each one is
 *   written to a temporary name, fsynced, hard-linked into place (which fails if
 *   the name already exists) and the directory is fsynced.
 * - Invariant: nothing in `<dataDir>/tls` is ever overwritten or deleted. An
 *   operator may have put their own files there, and a pinned self-signed
 *   certificate must not change under the clients that pinned it. Two half-states
 *   can happen:
 *     key without cert (we crashed between the two links, or someone deleted
 *       the cert): we issue a new certificate for the existing key;
 *     cert without key: this cannot come from us, so it is an error with a
 *       remedy, never a silent regeneration.
 * - Calls for the same directory are serialized within the process. Across
 *   processes, exclusive links make the first writer win. A loser starts again
 *   and reads the winner's files, so two processes end up with one pair.
 */
import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { CairnError } from '../errors.ts';
import { writeExclusive } from '../fs/write-exclusive.ts';

export interface TlsPairOptions {
  /** Appliance data directory; the generated pair goes to `<dataDir>/tls/`. */
  dataDir: string;
  /** Operator-supplied certificate (CAIRN_TLS_CERT), PEM; may hold the chain after the leaf. */
  certPath?: string;
  /** Operator-supplied private key (CAIRN_TLS_KEY), unencrypted PEM. */
  keyPath?: string;
  /** Name clients connect to; the generated certificate names it, localhost and the loopback IPs. */
  hostname: string;
}

export interface TlsPair {
  cert: string;
  key: string;
  /** True only when this call created a new certificate. */
  generated: boolean;
  certPath: string;
  keyPath: string;
}

/** Every problem with the pair: a startup failure whose message is meant for the operator. */
export class TlsPairError extends CairnError {
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super('tls_config', message, { status: 500, kind: 'server', ...opts });
  }
}

/**
 * Validity of a generated certificate. 730 days stays under the 825-day maximum
 * that Apple platforms enforce on TLS server certificates, even when self-signed
 * and manually trusted.
 */
const GENERATED_CERT_VALIDITY_DAYS = 730;

/**
 * notBefore is back-dated by this much so that a client whose clock runs a little
 * behind the server's does not reject a certificate generated a moment ago.
 */
const GENERATED_CERT_BACKDATE_MS = 60 * 60 * 1000;

/** A key only the appliance's user may read. */
const KEY_FILE_MODE = 0o600;
/** Certificates are public; readable by all lets an operator inspect or export them. */
const CERT_FILE_MODE = 0o644;
/** The directory holding the key is private too, so the key's name and mtime are not visible to others. */
const TLS_DIR_MODE = 0o700;

/**
 * Attempts to settle a race with another process writing the same directory. Each
 * attempt either completes or observes a file the other writer linked, so two
 * attempts are enough; one more covers a third racer.
 */
const MAX_CREATE_ATTEMPTS = 3;

const CERT_FILE = 'cert.pem';
const KEY_FILE = 'key.pem';

/** Per-directory queue: concurrent callers in one process must not generate two different pairs. */
const dirLocks = new Map<string, Promise<unknown>>();

export async function loadOrCreateTlsPair(opts: TlsPairOptions): Promise<TlsPair> {
  if (opts.certPath || opts.keyPath) return loadOperatorPair(opts.certPath, opts.keyPath);

  const hostname = opts.hostname.trim();
  if (!hostname) throw new TlsPairError('Cannot generate a TLS certificate: the hostname is empty.');
  const dir = resolve(opts.dataDir, 'tls');
  return withDirLock(dir, () => loadOrCreateGenerated(dir, hostname));
}

// ---------------------------------------------------------------------------
// Operator-supplied pair

async function loadOperatorPair(certPath: string | undefined, keyPath: string | undefined): Promise<TlsPair> {
  if (!certPath || !keyPath) {
    const missing = certPath ? 'CAIRN_TLS_KEY' : 'CAIRN_TLS_CERT';
    const given = certPath ? 'CAIRN_TLS_CERT' : 'CAIRN_TLS_KEY';
    throw new TlsPairError(`${given} is set but ${missing} is not: set both (certificate and private key) or neither.`);
  }
  const [cert, key] = await Promise.all([
    readPem(certPath, 'certificate', 'CAIRN_TLS_CERT'),
    readPem(keyPath, 'private key', 'CAIRN_TLS_KEY'),
  ]);
  checkPair(cert, key, { certPath, keyPath, certVar: 'CAIRN_TLS_CERT', keyVar: 'CAIRN_TLS_KEY' });
  return { cert, key, generated: false, certPath: resolve(certPath), keyPath: resolve(keyPath) };
}

async function readPem(path: string, what: string, envVar: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'does not exist'
      : code === 'EACCES' || code === 'EPERM' ? 'is not readable by this user'
      : code === 'EISDIR' ? 'is a directory'
      : `cannot be read (${code ?? String(err)})`;
    throw new TlsPairError(`TLS ${what} file ${path} (${envVar}) ${why}.`, { cause: err });
  }
}

interface PairLabels {
  certPath: string;
  keyPath: string;
  certVar?: string;
  keyVar?: string;
}

/**
 * Parse both PEMs and prove the key belongs to the certificate. Returns the parsed
 * objects for callers that want to look further.
 */
function checkPair(cert: string, key: string, labels: PairLabels): { x509: X509Certificate; keyObject: KeyObject } {
  const certLabel = labels.certVar ? `${labels.certPath} (${labels.certVar})` : labels.certPath;
  const keyLabel = labels.keyVar ? `${labels.keyPath} (${labels.keyVar})` : labels.keyPath;
  let x509: X509Certificate;
  try {
    // With a chain in the file this parses the first certificate, which is the leaf
    // by convention and the one the key has to match.
    x509 = new X509Certificate(cert);
  } catch (err) {
    throw new TlsPairError(`TLS certificate file ${certLabel} does not hold a PEM certificate.`, { cause: err });
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(key);
  } catch (err) {
    throw new TlsPairError(
      `TLS private key file ${keyLabel} does not hold an unencrypted PEM private key.`,
      { cause: err },
    );
  }
  if (!x509.checkPrivateKey(keyObject)) {
    throw new TlsPairError(`TLS private key ${keyLabel} does not match the certificate ${certLabel}.`);
  }
  return { x509, keyObject };
}

// ---------------------------------------------------------------------------
// Generated pair in <dataDir>/tls

async function withDirLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const previous = dirLocks.get(dir) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const settled = run.catch(() => undefined);
  dirLocks.set(dir, settled);
  try {
    return await run;
  } finally {
    // Drop the entry only if no later caller queued behind us, so the map does not grow.
    if (dirLocks.get(dir) === settled) dirLocks.delete(dir);
  }
}

async function loadOrCreateGenerated(dir: string, hostname: string): Promise<TlsPair> {
  const certPath = join(dir, CERT_FILE);
  const keyPath = join(dir, KEY_FILE);
  await mkdir(dir, { recursive: true, mode: TLS_DIR_MODE });

  for (let attempt = 1; attempt <= MAX_CREATE_ATTEMPTS; attempt++) {
    const [cert, key] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);

    if (cert !== undefined && key !== undefined) {
      checkPair(cert, key, { certPath, keyPath });
      return { cert, key, generated: false, certPath, keyPath };
    }
    if (cert !== undefined) {
      throw new TlsPairError(
        `Found ${certPath} without ${keyPath}. Cairn never writes a certificate before its key, ` +
          `so this file was placed or modified by hand: supply the matching key there, ` +
          `or delete ${certPath} to have a new self-signed pair generated.`,
      );
    }

    try {
      if (key === undefined) {
        const pair = await generateSelfSigned(hostname);
        // Key first: a certificate on disk always implies its key is already durable.
        await writeExclusive(keyPath, pair.key, KEY_FILE_MODE);
        await writeExclusive(certPath, pair.cert, CERT_FILE_MODE);
        return { cert: pair.cert, key: pair.key, generated: true, certPath, keyPath };
      }
      // Key present, certificate absent: keep the key, issue a certificate for it.
      const newCert = await certifyExistingKey(key, keyPath, hostname);
      await writeExclusive(certPath, newCert, CERT_FILE_MODE);
      return { cert: newCert, key, generated: true, certPath, keyPath };
    } catch (err) {
      // Another process linked a file first; start over and read what it wrote.
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && attempt < MAX_CREATE_ATTEMPTS) continue;
      if (err instanceof TlsPairError) throw err;
      throw new TlsPairError(`Could not create the self-signed TLS pair in ${dir}: ${String(err)}`, { cause: err });
    }
  }
  // Unreachable: the last attempt either returns or throws.
  throw new TlsPairError(`Could not create the self-signed TLS pair in ${dir}.`);
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TlsPairError(`Cannot read ${path}: ${String(err)}`, { cause: err });
  }
}

function certificateOptions(hostname: string) {
  const notBeforeDate = new Date(Date.now() - GENERATED_CERT_BACKDATE_MS);
  const notAfterDate = new Date(notBeforeDate.getTime() + GENERATED_CERT_VALIDITY_DAYS * 24 * 60 * 60 * 1000);

  // RFC 6125 §6.4.4: clients match the SAN, not the CN, so every name we expect to
  // be reached by goes in it: the configured name, localhost and both loopbacks.
  const altNames: Array<{ type: 2; value: string } | { type: 7; ip: string }> = [];
  const seen = new Set<string>();
  const addName = (name: string) => {
    const lower = name.toLowerCase();
    if (seen.has(lower)) return;
    seen.add(lower);
    altNames.push(isIP(name) ? { type: 7, ip: name } : { type: 2, value: lower });
  };
  for (const name of [hostname, 'localhost', '127.0.0.1', '::1']) addName(name);

  return {
    attrs: [{ name: 'commonName', value: hostname }],
    opts: {
      notBeforeDate,
      notAfterDate,
      // SHA-1 (the library's default) is refused by current clients.
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints' as const, cA: false, critical: true },
        // For ECDSA the key only signs the handshake; keyEncipherment is an RSA-only usage.
        { name: 'keyUsage' as const, digitalSignature: true, critical: true },
        { name: 'extKeyUsage' as const, serverAuth: true },
        { name: 'subjectAltName' as const, altNames },
      ],
    },
  };
}

async function generateSelfSigned(hostname: string): Promise<{ cert: string; key: string }> {
  const { attrs, opts } = certificateOptions(hostname);
  // EC P-256: generation takes milliseconds (RSA-2048 takes up to a second) and every
  // TLS 1.2+ client we target (Thunderbird, Apple Mail, Outlook, mobile) supports ECDSA.
  const { generate } = await loadGenerator();
  const pems = await generate(attrs, { ...opts, keyType: 'ec', curve: 'P-256' });
  return { cert: pems.cert, key: pems.private };
}

async function certifyExistingKey(key: string, keyPath: string, hostname: string): Promise<string> {
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey(key);
  } catch (err) {
    throw new TlsPairError(
      `${keyPath} exists without a certificate and is not an unencrypted PEM private key; ` +
        `delete it to have a new self-signed pair generated.`,
      { cause: err },
    );
  }
  const type = keyObject.asymmetricKeyType;
  const curve = keyObject.asymmetricKeyDetails?.namedCurve;
  const curveName = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : undefined;
  if (type !== 'rsa' && !(type === 'ec' && curveName)) {
    throw new TlsPairError(
      `${keyPath} exists without a certificate and is a ${type ?? 'unknown'} key, which cannot be certified here; ` +
        `supply ${join(keyPath, '..', CERT_FILE)} yourself or delete the key to have a new pair generated.`,
    );
  }
  const publicKey = createPublicKey(keyObject).export({ type: 'spki', format: 'pem' }).toString();
  const { attrs, opts } = certificateOptions(hostname);
  const { generate } = await loadGenerator();
  const pems = await generate(attrs, {
    ...opts,
    keyType: type,
    ...(curveName ? { curve: curveName } : {}),
    ...(type === 'rsa'
      ? {
          extensions: opts.extensions.map((e) =>
            e.name === 'keyUsage' ? { ...e, keyEncipherment: true } : e,
          ),
        }
      : {}),
    keyPair: { privateKey: keyObject.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey },
  });
  return pems.cert;
}

/**
 * selfsigned (with its X.509/ASN.1 stack) is only needed the first time a pair is made;
 * importing it lazily keeps ~14 MB off the resident size of every later start.
 */
function loadGenerator(): Promise<typeof import('selfsigned')> {
  return import('selfsigned');
}
