// multipart/byteranges (RFC 9110 §14.6): the body of a 206 answering several ranges.
// Each part is a delimiter, its Content-Type and Content-Range, a blank line and the
// bytes, streamed from the blob store one range after the other; the exact length is
// known beforehand (part heads are fixed text), so Content-Length is always sent.
import { randomBytes } from 'node:crypto';
import type { ByteRange } from './range.ts';

export interface MultipartPlan {
  /** The response's Content-Type, naming the boundary. */
  contentType: string;
  /** Exact body length: heads, bytes and the closing delimiter. */
  length: number;
  parts: { head: Buffer; range: ByteRange }[];
  tail: Buffer;
}

/** A boundary that cannot occur by chance in the file (RFC 2046 §5.1.1: at most 70 characters). */
export const newBoundary = () => `cairn-${randomBytes(18).toString('hex')}`;

/** Pure: the heads, the tail and the length of a multipart/byteranges body. */
export function planByteranges(ranges: readonly ByteRange[], size: number, partType: string, boundary: string): MultipartPlan {
  const parts = ranges.map((range, i) => ({
    // The first delimiter may open the body; every later one starts with the CRLF ending the previous part's bytes.
    head: Buffer.from(`${i === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Type: ${partType}\r\nContent-Range: bytes ${range.start}-${range.end}/${size}\r\n\r\n`),
    range,
  }));
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const length = parts.reduce((n, p) => n + p.head.length + (p.range.end - p.range.start + 1), tail.length);
  return { contentType: `multipart/byteranges; boundary=${boundary}`, length, parts, tail };
}

/** The body: each head, then that range's bytes from `open`, one range open at a time. */
export function byterangesStream(plan: MultipartPlan, open: (r: ByteRange) => Promise<ReadableStream<Uint8Array>>): ReadableStream<Uint8Array> {
  let current: ReadableStreamDefaultReader<Uint8Array> | undefined;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (const p of plan.parts) {
      yield p.head;
      current = (await open(p.range)).getReader();
      for (;;) {
        const { done, value } = await current.read();
        if (done) break;
        yield value;
      }
      current = undefined;
    }
    yield plan.tail;
  }
  const it = chunks();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await it.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    // The client went away: close the file being read.
    async cancel(reason) {
      await current?.cancel(reason).catch(() => {});
      await it.return(undefined);
    },
  }, { highWaterMark: 0 });
}
