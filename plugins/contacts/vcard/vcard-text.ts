// Escaping of TEXT values and splitting of structured values (RFC 6350 §3.4, RFC 2426 §4).

export function escapeText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\r\n|\r|\n/g, '\\n').replace(/,/g, '\\,').replace(/;/g, '\\;');
}

export function unescapeText(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\([\\,;nN:])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** Splits on a separator that is not escaped by a backslash; parts stay escaped. */
export function splitEscaped(s: string, sep: ';' | ','): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length) { cur += ch + s[i + 1]; i++; continue; }
    if (ch === sep) { out.push(cur); cur = ''; continue; }
    cur += ch;
  }
  out.push(cur);
  return out;
}

/** A structured value (N, ADR, ORG) as unescaped components. */
export function components(value: string): string[] {
  return splitEscaped(value, ';').map(unescapeText);
}

export function joinComponents(parts: readonly string[]): string {
  return parts.map(escapeText).join(';');
}
