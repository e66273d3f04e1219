// Conversion between vCard 3.0 (RFC 2426, Apple/DAVx5 habits) and 4.0 (RFC 6350), for
// clients that ask for the other version (Accept, address-data version) and for imports.
// What changes (RFC 6350 Appendix A and the Apple extensions clients rely on):
// - PHOTO/LOGO/SOUND/KEY: 3.0 `ENCODING=b;TYPE=JPEG:<base64>` ⇄ 4.0 `data:image/jpeg;base64,<base64>`.
// - preference: 3.0 `TYPE=pref` ⇄ 4.0 `PREF=1`; 3.0's `TYPE=INTERNET` on EMAIL is dropped.
// - groups: 4.0 `KIND:group` + `MEMBER:` ⇄ 3.0 `X-ADDRESSBOOKSERVER-KIND:group` + `X-ADDRESSBOOKSERVER-MEMBER:`.
// - 3.0 requires N, 4.0 requires FN: each is derived from the other when missing.
// - Parameters and properties the target version lacks are dropped or renamed to X-.
import type { VCard, VProp } from './vcard-types.ts';
import { components, escapeText, joinComponents, unescapeText } from './vcard-text.ts';

const BINARY_PROPS = new Set(['PHOTO', 'LOGO', 'SOUND', 'KEY']);
/** 3.0-only properties with no 4.0 counterpart (LABEL's text is in ADR already). */
const DROP_IN_4 = new Set(['NAME', 'MAILER', 'PROFILE', 'LABEL', 'AGENT', 'CLASS', 'SORT-STRING']);
/** 4.0-only properties: kept under an X- name in 3.0 (Apple reads X-ANNIVERSARY). */
const X_IN_3 = new Set(['ANNIVERSARY', 'GENDER', 'LANG', 'IMPP', 'CALADRURI', 'CALURI', 'FBURL', 'RELATED']);
const DROP_IN_3 = new Set(['CLIENTPIDMAP', 'XML', 'KIND', 'MEMBER', 'SOURCE']);
const MEDIA: Record<string, string> = { JPEG: 'image/jpeg', JPG: 'image/jpeg', PNG: 'image/png', GIF: 'image/gif', BMP: 'image/bmp', WEBP: 'image/webp', TIFF: 'image/tiff' };

const clone = (p: VProp): VProp => ({ group: p.group, name: p.name, params: Object.fromEntries(Object.entries(p.params).map(([k, v]) => [k, [...v]])), value: p.value });

function nameFromFn(fn: string): string {
  return joinComponents([fn, '', '', '', '']);
}

function fnFromN(n: string): string {
  const [family = '', given = '', additional = '', prefix = '', suffix = ''] = components(n);
  return escapeText([prefix, given, additional, family, suffix].filter(Boolean).join(' '));
}

export function toVersion4(card: VCard): VCard {
  if (card.version === '4.0') return card;
  const out: VProp[] = [];
  for (const src of card.props) {
    const p = clone(src);
    if (DROP_IN_4.has(p.name)) continue;
    delete p.params.CHARSET;
    if (p.name === 'X-ADDRESSBOOKSERVER-KIND') { out.push({ group: p.group, name: 'KIND', params: {}, value: p.value.toLowerCase() }); continue; }
    if (p.name === 'X-ADDRESSBOOKSERVER-MEMBER') { p.name = 'MEMBER'; }
    if (p.name === 'X-ANNIVERSARY') p.name = 'ANNIVERSARY';
    if (BINARY_PROPS.has(p.name)) {
      const enc = p.params.ENCODING?.[0]?.toUpperCase();
      if (enc === 'B' || enc === 'BASE64') {
        const type = p.params.TYPE?.[0]?.toUpperCase() ?? 'JPEG';
        const media = MEDIA[type] ?? (type.includes('/') ? type.toLowerCase() : `image/${type.toLowerCase()}`);
        p.value = `data:${media};base64,${p.value.replace(/\s+/g, '')}`;
        delete p.params.ENCODING;
        delete p.params.TYPE;
      }
      delete p.params.VALUE;
    }
    const types = p.params.TYPE;
    if (types) {
      const kept: string[] = [];
      for (const t of types) {
        const lower = t.toLowerCase();
        if (lower === 'pref') p.params.PREF = ['1'];
        else if (lower === 'internet' && p.name === 'EMAIL') continue;
        else kept.push(lower);
      }
      if (kept.length > 0) p.params.TYPE = kept; else delete p.params.TYPE;
    }
    out.push(p);
  }
  if (!out.some((p) => p.name === 'FN')) {
    const n = out.find((p) => p.name === 'N');
    out.unshift({ group: undefined, name: 'FN', params: {}, value: n ? fnFromN(n.value) : '' });
  }
  return { version: '4.0', props: out };
}

export function toVersion3(card: VCard): VCard {
  if (card.version !== '4.0') return card;
  const out: VProp[] = [];
  for (const src of card.props) {
    const p = clone(src);
    if (p.name === 'KIND') {
      if (p.value.trim().toLowerCase() === 'group') out.push({ group: p.group, name: 'X-ADDRESSBOOKSERVER-KIND', params: {}, value: 'group' });
      continue;
    }
    if (p.name === 'MEMBER') { out.push({ group: p.group, name: 'X-ADDRESSBOOKSERVER-MEMBER', params: {}, value: p.value }); continue; }
    if (DROP_IN_3.has(p.name)) continue;
    if (X_IN_3.has(p.name)) p.name = `X-${p.name}`;
    delete p.params.PID;
    delete p.params.ALTID;
    delete p.params.CALSCALE;
    delete p.params['SORT-AS'];
    delete p.params.LABEL;
    delete p.params.GEO;
    delete p.params.TZ;
    delete p.params.CC;
    delete p.params.INDEX;
    delete p.params.LEVEL;
    if (p.params.VALUE?.[0]?.toLowerCase() === 'text') delete p.params.VALUE;
    if (BINARY_PROPS.has(p.name)) {
      const m = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(p.value);
      if (m && m[2]) {
        const media = (m[1] ?? 'image/jpeg').toLowerCase();
        p.params.ENCODING = ['b'];
        p.params.TYPE = [media.split('/')[1]!.toUpperCase()];
        delete p.params.MEDIATYPE;
        p.value = m[3]!;
      } else {
        delete p.params.MEDIATYPE;
        p.params.VALUE = ['uri'];
      }
    }
    const pref = p.params.PREF;
    if (pref) {
      delete p.params.PREF;
      if (pref[0] === '1') p.params.TYPE = [...(p.params.TYPE ?? []), 'pref'];
    }
    if (p.name === 'EMAIL' && p.params.TYPE && !p.params.TYPE.some((t) => t.toLowerCase() === 'internet')) p.params.TYPE.unshift('INTERNET');
    if (p.name === 'TEL' && p.value.toLowerCase().startsWith('tel:')) { p.value = p.value.slice(4); delete p.params.VALUE; }
    out.push(p);
  }
  if (!out.some((p) => p.name === 'N')) {
    const fn = out.find((p) => p.name === 'FN');
    out.push({ group: undefined, name: 'N', params: {}, value: nameFromFn(fn ? unescapeText(fn.value) : '') });
  }
  return { version: '3.0', props: out };
}

/** The card in the requested version (2.1 imports are normalized to 4.0). */
export function convertVCard(card: VCard, version: '3.0' | '4.0'): VCard {
  return version === '4.0' ? toVersion4(card) : toVersion3(toVersion4(card));
}
