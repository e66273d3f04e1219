// Serving a stored card in the version the client asks for: GET by Accept
// (`text/vcard; version=4.0`), REPORT by `<card:address-data content-type="text/vcard" version="4.0"/>`
// with optional `<card:prop name="…"/>` children (RFC 6352 §10.4.2 partial retrieval).
import { DavPreconditionError } from '../../../core/dav/errors.ts';
import type { XmlElement } from '../../../core/dav/types.ts';
import { convertVCard } from '../vcard/convert-vcard.ts';
import { parseVCard } from '../vcard/parse-vcard.ts';
import { CARDDAV } from '../vcard/prepare-card.ts';
import { serializeVCard } from '../vcard/serialize-vcard.ts';

export const VCARD_TYPE = 'text/vcard; charset=utf-8';

export function storedVersion(body: string): string | undefined {
  return /^VERSION:\s*([0-9.]+)\s*$/im.exec(body)?.[1];
}

/** The version an Accept header prefers among the vCard types, if it names one. */
export function acceptedVersion(accept: string | undefined): '3.0' | '4.0' | undefined {
  if (!accept) return undefined;
  let best: { v: '3.0' | '4.0'; q: number } | undefined;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim());
    if (!/^text\/(x-)?vcard$/i.test(type)) continue;
    const get = (k: string) => params.find((p) => p.toLowerCase().startsWith(`${k}=`))?.split('=')[1]?.replace(/"/g, '');
    const v = get('version');
    const q = Number(get('q') ?? '1');
    if (v === '3.0' || v === '4.0') { if (!best || q > best.q) best = { v, q }; }
  }
  return best?.v;
}

export function renderInVersion(body: string, version: '3.0' | '4.0' | undefined): string {
  if (!version || storedVersion(body) === version) return body;
  try { return serializeVCard(convertVCard(parseVCard(body), version)); } catch { return body; }
}

export function renderAddressData(body: string, request: XmlElement | undefined): string {
  if (!request) return body;
  const type = request.attrs['content-type'];
  if (type && !/^text\/(x-)?vcard$/i.test(type)) throw new DavPreconditionError(`{${CARDDAV}}supported-address-data`, `${type} is not offered`, 403);
  const v = request.attrs.version;
  if (v !== undefined && v !== '3.0' && v !== '4.0') throw new DavPreconditionError(`{${CARDDAV}}supported-address-data-conversion`, `vCard ${v} is not offered`, 403);
  const props = request.children.filter((c) => c.name === `{${CARDDAV}}prop`).map((c) => (c.attrs.name ?? '').toUpperCase()).filter(Boolean);
  const allprop = request.children.some((c) => c.name === `{${CARDDAV}}allprop`);
  const converted = renderInVersion(body, v as '3.0' | '4.0' | undefined);
  if (props.length === 0 || allprop) return converted;
  try {
    const card = parseVCard(converted);
    const keep = new Set(props);
    return serializeVCard({ version: card.version, props: card.props.filter((p) => keep.has(p.name)) });
  } catch { return converted; }
}
