import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../core/testing/temp-dir.ts';

const ROOT = join(import.meta.dirname, '../..');
const dir = tempDir('cairn-cli-');
const env = { ...process.env, CAIRN_DATA_DIR: join(dir.path, 'data'), CAIRN_HOSTNAME: 'cli.test', CAIRN_LOG_LEVEL: 'warn', CAIRN_CONFIG: '' };

function cairn(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/cairn.js'), ...args], { env, input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('npx cairn', () => {
  afterAll(() => dir.remove());
  let ownerPassword = '';

  beforeAll(() => {
    // The first command on a missing data directory initializes it, as start would.
    const r = cairn(['domain', 'add', 'Example.ORG']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Created the organization and its owner account.');
    expect(r.out).toContain('as admin@cli.test');
    ownerPassword = /Password: (\S+)/.exec(r.out)![1]!;
    expect(r.out).toContain('Added domain example.org');
  });

  it('manages domains and users, refusing addresses outside local domains', () => {
    expect(cairn(['domain', 'list']).out.split('\n').filter(Boolean).sort()).toEqual(['cli.test', 'example.org']);
    const added = cairn(['user', 'add', 'alice@example.org', '--password-stdin', '--name', 'Alice'], 'a long enough password\n');
    expect(added.code).toBe(0);
    expect(added.out).toMatch(/Added user alice@example\.org/);
    const generated = cairn(['user', 'add', 'bob@example.org']);
    expect(generated.out).toMatch(/Password: \S{12,}/);
    const foreign = cairn(['user', 'add', 'eve@elsewhere.test', '--password', 'a long enough password']);
    expect(foreign.code).toBe(1);
    expect(foreign.err).toMatch(/domain/i);
    const dup = cairn(['user', 'add', 'ALICE@example.org', '--password', 'a long enough password']);
    expect(dup.code).toBe(1);
    const list = cairn(['user', 'list']).out;
    expect(list).toMatch(/admin@cli\.test\towner/);
    expect(list).toMatch(/alice@example\.org\tuser\tAlice/);
    expect(cairn(['user', 'passwd', 'alice@example.org', '--password', 'another long password']).code).toBe(0);
    expect(cairn(['user', 'remove', 'bob@example.org']).code).toBe(0);
    expect(cairn(['user', 'list']).out).not.toContain('bob@');
    expect(cairn(['user', 'frobnicate']).code).toBe(2);
  });

  it('shows and sets the retention window', () => {
    expect(cairn(['retention']).out).toContain('Retention: 30 days');
    expect(cairn(['retention', '7']).out).toContain('Retention: 7 days');
    expect(cairn(['retention', 'seven']).code).toBe(2);
    expect(cairn(['retention', '0']).out).toContain('Restore is off');
    expect(cairn(['retention', '30']).code).toBe(0);
  });

  it('creates, lists and revokes app passwords', () => {
    const created = cairn(['app-password', 'create', 'alice@example.org', '--label', 'phone']);
    expect(created.code).toBe(0);
    const [, id, pw] = /App password (\S+) for alice@example\.org: (\S+)/.exec(created.out)!;
    expect(pw).toMatch(/^[a-z0-9]{4}(-[a-z0-9]{4}){3}$/);
    cairn(['app-password', 'create', 'alice@example.org', '--label', 'laptop']);
    expect(cairn(['app-password', 'list', 'alice@example.org']).out).toMatch(/phone[\s\S]*laptop|laptop[\s\S]*phone/);
    expect(cairn(['app-password', 'revoke', 'alice@example.org', id!]).code).toBe(0);
    const after = cairn(['app-password', 'list', 'alice@example.org']).out;
    expect(after).not.toContain('phone');
    expect(after).toContain('laptop');
    expect(cairn(['app-password', 'revoke', 'alice@example.org', '--all']).out).toContain('Revoked 1 app passwords');
  });

  it('rebuilds read models, backs up online and restores to a position', () => {
    const rebuilt = cairn(['rebuild']);
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.out).toMatch(/rebuilt notes\.list from \d+ events/);
    const backup = cairn(['backup', '--out', join(dir.path, 'backup')]);
    expect(backup.code).toBe(0);
    expect(existsSync(join(dir.path, 'backup', 'cairn.db'))).toBe(true);
    const restored = cairn(['restore', '--at', '3', '--out', join(dir.path, 'restored')]);
    expect(restored.code).toBe(0);
    expect(restored.out).toMatch(/Restored 3 events \(up to position 3/);
    expect(cairn(['restore', '--at', 'last tuesday', '--out', join(dir.path, 'x')]).err).toMatch(/neither a log position nor an ISO 8601 time/);
    expect(cairn(['restore', '--at', '3', '--out', join(dir.path, 'restored')]).err).toMatch(/not empty/);
    // The restored directory is a working data directory with the owner but not alice.
    const listed = spawnSync(process.execPath, [join(ROOT, 'scripts/cairn.js'), 'user', 'list'], { env: { ...env, CAIRN_DATA_DIR: join(dir.path, 'restored') }, encoding: 'utf8' });
    expect(listed.stdout).toContain('admin@cli.test');
    expect(listed.stdout).not.toContain('alice@');
  });

  it('works while the server runs: a user added by the CLI can sign in at once', async () => {
    const server = spawn(process.execPath, [join(ROOT, 'scripts/cairn.js'), 'start'], {
      env: { ...env, CAIRN_HTTP_PORT: '0', CAIRN_SMTP_PORT: '0', CAIRN_SUBMISSION_PORT: '0', CAIRN_SUBMISSIONS_PORT: '0', CAIRN_IMAP_PORT: '0', CAIRN_IMAPS_PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const base = await new Promise<string>((resolve, reject) => {
        let out = '';
        server.stdout!.on('data', (d) => {
          out += d;
          const m = /listening http (\S+)/.exec(out);
          if (m && out.includes('Ready.')) resolve(m[1]!);
        });
        server.on('exit', (c) => reject(new Error(`server exited ${c}: ${out}`)));
      });
      expect(ownerPassword).not.toBe('');
      expect(cairn(['user', 'add', 'carol@example.org', '--password', 'carol has a long password']).code).toBe(0);
      // Sign in through the real login form (it needs its CSRF cookie and token).
      const form = await fetch(`${base}/login`);
      const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
      const login = await fetch(`${base}/login`, {
        method: 'POST', redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: base },
        body: new URLSearchParams({ _csrf: token, email: 'carol@example.org', password: 'carol has a long password' }),
      });
      expect(login.status).toBe(303);
      expect(login.headers.getSetCookie().some((c) => c.startsWith('cairn_session='))).toBe(true);
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
  });
});
