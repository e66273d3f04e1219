/** Types guessed from the extension when a client sends none or only application/octet-stream. */
const BY_EXTENSION: Record<string, string> = {
  txt: 'text/plain; charset=utf-8', md: 'text/markdown; charset=utf-8', csv: 'text/csv; charset=utf-8', html: 'text/html; charset=utf-8',
  json: 'application/json', xml: 'application/xml', pdf: 'application/pdf', zip: 'application/zip', gz: 'application/gzip',
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', svg: 'image/svg+xml', heic: 'image/heic',
  mp4: 'video/mp4', webm: 'video/webm', mov: 'video/quicktime', mp3: 'audio/mpeg', ogg: 'audio/ogg', wav: 'audio/wav',
  doc: 'application/msword', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint', pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text', ods: 'application/vnd.oasis.opendocument.spreadsheet', ics: 'text/calendar', vcf: 'text/vcard',
};

export const OCTET_STREAM = 'application/octet-stream';

/** The type to store: the client's when it says something useful, else a guess from the name. */
export function contentTypeFor(name: string, sent: string | undefined): string {
  const s = sent?.trim();
  if (s && s.toLowerCase() !== OCTET_STREAM && s.length <= 255 && /^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/.test(s)) return s;
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  return BY_EXTENSION[ext] ?? OCTET_STREAM;
}
