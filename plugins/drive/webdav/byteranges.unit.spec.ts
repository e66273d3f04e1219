import { describe, expect, it } from 'vitest';
import { byterangesStream, planByteranges } from './byteranges.ts';

describe('multipart/byteranges', () => {
  it('frames each part and knows the exact length beforehand', async () => {
    const file = Buffer.from('0123456789abcdefghij');
    const plan = planByteranges([{ start: 0, end: 1 }, { start: 15, end: 19 }], file.length, 'text/plain', 'B');
    expect(plan.contentType).toBe('multipart/byteranges; boundary=B');
    const chunks: Uint8Array[] = [];
    const reader = byterangesStream(plan, async (r) => new ReadableStream({ start(c) { c.enqueue(file.subarray(r.start, r.end + 1)); c.close(); } })).getReader();
    for (let x = await reader.read(); !x.done; x = await reader.read()) chunks.push(x.value);
    const body = Buffer.concat(chunks).toString();
    expect(body).toBe('--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/20\r\n\r\n01'
      + '\r\n--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 15-19/20\r\n\r\nfghij\r\n--B--\r\n');
    expect(plan.length).toBe(Buffer.byteLength(body));
  });
});
