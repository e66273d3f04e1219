// Drive figure (issue 6): 10,000 small files (4 KB) uploaded by rclone with 8 transfers
// over WebDAV on loopback; files per second.
import { rclone } from '../../test/drive/rclone-sync.ts';
import { benchSmallFiles } from './small-files-bench.ts';

export function benchRclone(files = 10_000): Promise<Record<string, number>> {
  return benchSmallFiles('rclone', files, ({ baseUrl, user, dir }) =>
    rclone({ baseUrl, email: user.email, password: user.appPassword }, ['copy', dir, 'cairn:bench', '--transfers', '8', '--checkers', '8']).then(() => undefined));
}
