/** 1536 → "1.5 KB": sizes as people read them (powers of 1024, one decimal below 10). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** "2026-11-21 09:30 UTC" (app.js turns <time> into local time). */
export function formatTime(iso: string): string {
  return `${new Date(iso).toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}

/** Link to the drive page for a folder, keeping the view options. */
export function folderHref(folderId: string, opts: { sort?: string; dir?: string; view?: string; drive?: string } = {}): string {
  const p = new URLSearchParams();
  if (opts.drive) p.set('drive', opts.drive);
  if (folderId) p.set('folder', folderId);
  if (opts.sort && opts.sort !== 'name') p.set('sort', opts.sort);
  if (opts.dir === 'desc') p.set('dir', 'desc');
  if (opts.view === 'grid') p.set('view', 'grid');
  const q = p.toString();
  return q ? `/drive?${q}` : '/drive';
}

/** Content-Disposition for a download (RFC 6266): an ASCII fallback and the exact UTF-8 name. */
export function attachment(name: string, inline = false): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** `?drive=<id>` (or `&…`) for links inside someone else's drive; empty for one's own. */
export const driveQuery = (drive: string, sep: '?' | '&' = '?') => (drive ? `${sep}drive=${encodeURIComponent(drive)}` : '');
