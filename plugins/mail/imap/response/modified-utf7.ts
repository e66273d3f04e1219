// Modified UTF-7 for mailbox names (RFC 3501 §5.1.3, kept by RFC 9051 §5.1.3 for clients
// that have not enabled UTF8=ACCEPT): printable ASCII stands for itself except "&", which
// is "&-"; everything else is UTF-16BE in modified base64 ("," for "/") between "&" and "-".

export function encodeModifiedUtf7(name: string): string {
  let out = '';
  let run = '';
  const flush = () => {
    if (run === '') return;
    const buf = Buffer.alloc(run.length * 2);
    for (let i = 0; i < run.length; i++) buf.writeUInt16BE(run.charCodeAt(i), i * 2);
    out += '&' + buf.toString('base64').replace(/=+$/, '').replace(/\//g, ',') + '-';
    run = '';
  };
  for (const ch of name) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0x20 && c <= 0x7e) {
      flush();
      out += ch === '&' ? '&-' : ch;
    } else run += ch;
  }
  flush();
  return out;
}

/** Decodes a modified UTF-7 name; null if it is not valid modified UTF-7 (RFC 3501 §5.1.3). */
export function decodeModifiedUtf7(wire: string): string | null {
  if (!/^[\x20-\x7e]*$/.test(wire)) return null;
  let out = '';
  let i = 0;
  while (i < wire.length) {
    const ch = wire[i]!;
    if (ch !== '&') {
      out += ch;
      i++;
      continue;
    }
    const end = wire.indexOf('-', i + 1);
    if (end < 0) return null;
    const b64 = wire.slice(i + 1, end);
    i = end + 1;
    if (b64 === '') {
      out += '&';
      continue;
    }
    if (!/^[A-Za-z0-9+,]+$/.test(b64)) return null;
    const bytes = Buffer.from(b64.replace(/,/g, '/'), 'base64');
    if (bytes.length % 2 !== 0 || bytes.length === 0) return null;
    let run = '';
    for (let j = 0; j < bytes.length; j += 2) run += String.fromCharCode(bytes.readUInt16BE(j));
    // A shifted run must not encode printable ASCII (it would have a direct form).
    if (/[\x20-\x7e]/.test(run)) return null;
    out += run;
  }
  return out;
}
