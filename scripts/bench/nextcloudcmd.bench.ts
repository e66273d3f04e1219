// Drive figure beside rclone's (issue 6): the same 10,000 small files uploaded by
// Nextcloud's sync client (nextcloudcmd, Debian's build of the desktop client) through
// /remote.php/dav/ on loopback; files per second of a first sync.
import { execFile } from 'node:child_process';
import { benchSmallFiles } from './small-files-bench.ts';

export function benchNextcloudcmd(files = 10_000): Promise<Record<string, number>> {
  return benchSmallFiles('nextcloudcmd', files, ({ baseUrl, user, dir }) => new Promise<void>((resolve, reject) => {
    execFile('/usr/bin/nextcloudcmd', ['--non-interactive', '-s', '-u', user.email, '-p', user.appPassword, dir, baseUrl],
      { timeout: 30 * 60_000, maxBuffer: 256 * 1024 * 1024 }, (err) => (err ? reject(err) : resolve()));
  }));
}
