import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { indexMessage } from '../mime/index-message.ts';
import { EXTRACT_WORKERS, ExtractPool, extractInWorker, extractPoolState } from './extract-pool.ts';

describe('body text extraction pool', () => {
  it('extracts text with as many workers as the machine has cores to spare, never failing over', async () => {
    const raw = Buffer.from('Subject: hi\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hello <b>kangaroo</b> world</p>\r\n');
    const texts = await Promise.all(Array.from({ length: 8 }, () => extractInWorker(raw, indexMessage(raw).structure)));
    expect(texts.every((t) => /hello kangaroo world/i.test(t))).toBe(true);
    const state = extractPoolState();
    expect(state.workers).toBe(EXTRACT_WORKERS); // 0 on a 2-core machine: extraction in this thread
    expect(state.broken).toBe(false);
  });

  it('runs extraction on a worker thread when given one', async () => {
    const raw = Buffer.from('Subject: hi\r\nContent-Type: text/plain\r\n\r\nwombat on a worker\r\n');
    const pool = new ExtractPool(1);
    expect(pool.size).toBe(1);
    expect(await pool.extract(raw)).toMatch(/wombat on a worker/);
    expect(pool.broken).toBe(false);
  });
});

describe('body text extraction pool and process lifetime', () => {
  it('keeps the process alive while a job runs and lets it exit once idle', () => {
    const script = `import { ExtractPool } from ${JSON.stringify(new URL('./extract-pool.ts', import.meta.url).href)};\nconsole.log(await new ExtractPool(1).extract(Buffer.from('Subject: s\\r\\n\\r\\nbody words\\r\\n')));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000, cwd: new URL('../../..', import.meta.url).pathname });
    expect(r.stdout).toContain('body words');
    expect(r.status).toBe(0); // 13 would be an unsettled await (worker unreferenced too early); a timeout, a worker holding the process
  });
});
