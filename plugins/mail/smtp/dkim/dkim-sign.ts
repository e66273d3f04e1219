// DKIM signing of outbound mail (RFC 6376) with mailauth's dkimSign: relaxed/relaxed
// canonicalization (RFC 6376 §3.4.2/§3.4.4, survives the header refolding and
// trailing-whitespace changes relays make), rsa-sha256 (RFC 8301 §3.1), the signature
// prepended to the message.
import { mailauthDkimSign } from '../mailauth.ts';
import type { DkimKey } from './dkim-keys.ts';

export async function dkimSignMessage(raw: Buffer, key: DkimKey, signTime: Date): Promise<Buffer> {
  const result = await mailauthDkimSign(raw, {
    canonicalization: 'relaxed/relaxed',
    algorithm: 'rsa-sha256',
    signTime,
    signatureData: [{ signingDomain: key.domain, selector: key.selector, privateKey: key.privateKeyPem }],
  });
  if (result.errors.length > 0 || !result.signatures.trim()) {
    throw new Error(`DKIM signing for ${key.domain} failed: ${result.errors.map(String).join('; ')}`);
  }
  return Buffer.concat([Buffer.from(result.signatures, 'utf8'), raw]);
}
