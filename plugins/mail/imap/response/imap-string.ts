// Strings on the wire (RFC 9051 §4.3): atoms, quoted strings, literals and NIL.
// Text that cannot travel in a quoted string (CR, LF, NUL; 8-bit bytes unless UTF8=ACCEPT
// is on, RFC 6855 §3) goes out as a literal, which carries any bytes.

/** Longest text we quote; longer text goes as a literal so no quoted string gets absurdly long. */
const MAX_QUOTED = 1024;

export function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => '\\' + c)}"`;
}

export function literal(s: string): string {
  return `{${Buffer.byteLength(s)}}\r\n${s}`;
}

function quotable(s: string, utf8: boolean): boolean {
  if (s.length > MAX_QUOTED) return false;
  // eslint-disable-next-line no-control-regex
  return utf8 ? !/[\r\n\0]/.test(s) : /^[\x01-\x09\x0b\x0c\x0e-\x7f]*$/.test(s);
}

/** string = quoted / literal */
export function str(s: string, utf8 = false): string {
  return quotable(s, utf8) ? quote(s) : literal(s);
}

/** nstring = string / NIL */
export function nstring(s: string | null | undefined, utf8 = false): string {
  return s === null || s === undefined ? 'NIL' : str(s, utf8);
}

const ATOM = /^[^(){ \x00-\x1f\x7f%*"\\\]\x80-\uffff]+$/;

/** astring: an atom when it can be one (and is not NIL), else a string. */
export function astring(s: string, utf8 = false): string {
  return ATOM.test(s) && s.toUpperCase() !== 'NIL' ? s : str(s, utf8);
}

/** RFC 2047 encoded-word for header text that is not ASCII, for clients without UTF8=ACCEPT. */
export function encodeWord(s: string): string {
  if (/^[\x00-\x7f]*$/.test(s)) return s;
  return `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
}
