// rclone against the drive's WebDAV (shared by the e2e spec and the benchmark): a
// directory of files copied up with parallel transfers, listed and synced back.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const RCLONE = '/usr/bin/rclone';

export interface RcloneTarget { baseUrl: string; email: string; password: string }

async function env(t: RcloneTarget): Promise<NodeJS.ProcessEnv> {
  const { stdout } = await run(RCLONE, ['obscure', t.password]);
  return {
    ...process.env,
    RCLONE_CONFIG_CAIRN_TYPE: 'webdav',
    RCLONE_CONFIG_CAIRN_URL: `${t.baseUrl}/dav/files/${t.email}/`,
    RCLONE_CONFIG_CAIRN_VENDOR: 'other',
    RCLONE_CONFIG_CAIRN_USER: t.email,
    RCLONE_CONFIG_CAIRN_PASS: stdout.trim(),
    RCLONE_CONFIG: '/dev/null',
  };
}

export async function rclone(t: RcloneTarget, args: string[]): Promise<string> {
  const { stdout } = await run(RCLONE, args, { env: await env(t), maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}
