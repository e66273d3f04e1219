import { describe, expect, it } from 'vitest';
import { indexMessage } from '../mime/index-message.ts';
import { extractInWorker, extractPoolState } from './extract-pool.ts';

describe('body text extraction pool', () => {
  it('extracts text on worker threads, without falling back to the main thread', async () => {
    const raw = Buffer.from('Subject: hi\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hello <b>kangaroo</b> world</p>\r\n');
    const texts = await Promise.all(Array.from({ length: 8 }, () => extractInWorker(raw, indexMessage(raw).structure)));
    expect(texts.every((t) => /hello kangaroo world/i.test(t))).toBe(true);
    const state = extractPoolState();
    expect(state.workers).toBeGreaterThan(0);
    expect(state.broken).toBe(false);
  });
});
