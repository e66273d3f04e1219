// `npm run bench`: the figures the issues ask for, measured on this machine.
// Results are printed and written to .bench/results.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tempDir } from '../../core/testing/temp-dir.ts';
import { benchAppends, benchRawInserts, benchReplay } from './event-log.bench.ts';

const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);
const results: Record<string, number | string> = {};
const put = (k: string, v: number | string) => { results[k] = typeof v === 'number' ? Math.round(v * 100) / 100 : v; console.log(`${k.padEnd(48)} ${results[k]}`); };

if (want('appends')) {
  const raw = benchRawInserts(3);
  const single = await benchAppends(1, 3);
  const multi = await benchAppends(32, 5);
  put('appends.raw_sqlite_durable_inserts_per_s', raw);
  put('appends.single_writer_events_per_s', single);
  put('appends.32_writers_events_per_s', multi);
  put('appends.32_writers_vs_raw_ratio', multi / raw);
}
if (want('replay')) {
  put('replay.per_event_handler_events_per_s', await benchReplay(500_000, 'handle'));
  put('replay.batch_handler_events_per_s', await benchReplay(500_000, 'batch'));
}
if (want('restore')) {
  const { benchInstanceRestore } = await import('./restore.bench.ts');
  const r = await benchInstanceRestore(1_000_000);
  put('restore.1M_log_to_middle_seconds', r.seconds);
  put('restore.events_copied', r.events);
}
if (want('rss')) {
  const { benchIdleRss } = await import('./rss.bench.ts');
  const rss = await benchIdleRss();
  put('rss.idle_server_first_start_mb', rss.firstStart);
  put('rss.idle_server_restart_mb', rss.restart);
}
if (want('blobs')) {
  const { benchBlobs } = await import('../../core/blobs/blob-store.bench.ts');
  const d = tempDir('cairn-bench-');
  try { for (const [k, v] of Object.entries(await benchBlobs(d.path))) put(`blobs.${k}`, v); } finally { d.remove(); }
}
if (want('smtp')) {
  const { benchSmtp } = await import('../../plugins/mail/smtp/smtp.bench.ts');
  for (const [k, v] of Object.entries(await benchSmtp())) put(`smtp.${k}`, v);
}
if (want('imap')) {
  const { benchImap } = await import('../../plugins/mail/imap/imap.bench.ts');
  for (const [k, v] of Object.entries(await benchImap())) put(`imap.${k}`, v);
}
if (want('search')) {
  const { benchSearch } = await import('../../plugins/mail/search/search.bench.ts');
  for (const [k, v] of Object.entries(await benchSearch())) put(`search.${k}`, v);
}
if (want('import')) {
  const { benchImport } = await import('../../plugins/mail/import/import.bench.ts');
  for (const [k, v] of Object.entries(await benchImport())) put(`import.${k}`, v);
}
if (want('webmail')) {
  const { benchWebmail } = await import('../../plugins/mail/web/read/read.bench.ts');
  for (const [k, v] of Object.entries(await benchWebmail())) put(`webmail.${k}`, v);
}
if (want('caldav')) {
  const { benchCalDav } = await import('./caldav.bench.ts');
  for (const [k, v] of Object.entries(await benchCalDav())) put(`caldav.${k}`, v);
}
if (want('carddav')) {
  const { benchCardDav } = await import('./carddav.bench.ts');
  for (const [k, v] of Object.entries(await benchCardDav())) put(`carddav.${k}`, v);
}
if (want('drive')) {
  const { benchDrive } = await import('../../plugins/drive/webdav/drive-dav.bench.ts');
  for (const [k, v] of Object.entries(await benchDrive())) put(`drive.${k}`, v);
}
if (want('nextcloudcmd')) {
  const { benchNextcloudcmd } = await import('./nextcloudcmd.bench.ts');
  for (const [k, v] of Object.entries(await benchNextcloudcmd())) put(`nextcloudcmd.${k}`, v);
}
if (want('rclone')) {
  const { benchRclone } = await import('./rclone.bench.ts');
  for (const [k, v] of Object.entries(await benchRclone())) put(`rclone.${k}`, v);
}
if (want('chat-sockets')) {
  const { benchChatSockets } = await import('./chat-sockets.bench.ts');
  for (const [k, v] of Object.entries(await benchChatSockets())) put(`chat_sockets.${k}`, v);
}
if (want('chat')) {
  const { benchChat } = await import('../../plugins/chat/chat.bench.ts');
  for (const [k, v] of Object.entries(await benchChat())) put(k, v); // keys already start with 'chat.'
}
mkdirSync('.bench', { recursive: true });
writeFileSync('.bench/results.json', `${JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2)}\n`);
