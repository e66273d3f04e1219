// Writing key files (TLS pair, DKIM keys): created atomically, exactly once, durably.
import { randomBytes } from 'node:crypto';
import { link, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Create `path` with `data`, atomically and without ever replacing an existing file:
 * temporary file (exact mode, fsynced), then link(2) into place, which fails with
 * EEXIST if the name is taken, then fsync of the directory so the name is durable.
 */
export async function writeExclusive(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    const fh = await open(tmp, 'wx', mode);
    try {
      // open() honours the umask; chmod makes the mode exact (a 0644 cert stays readable under umask 077).
      await fh.chmod(mode);
      await fh.writeFile(data, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await link(tmp, path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Filesystems without hard links: fall back to rename after a fresh existence
      // check. That reopens a tiny cross-process window, which is acceptable there.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw err;
      if (await exists(path)) throw Object.assign(new Error(`${path} already exists`), { code: 'EEXIST' });
      await rename(tmp, path);
    }
    await fsyncDir(join(path, '..'));
  } finally {
    await rm(tmp, { force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; there the rename/link is as durable as it gets.
  if (process.platform === 'win32') return;
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

