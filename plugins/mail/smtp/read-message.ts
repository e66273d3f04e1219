// Collects the DATA stream into one buffer, keeping at most `limit` bytes: past the
// limit the rest is read and dropped (smtp-server then answers 552, RFC 1870 §6.3), so a
// client cannot make us hold more than one message's worth of memory.
import type { SMTPServerDataStream } from 'smtp-server';

export function readMessage(stream: SMTPServerDataStream, limit: number): Promise<{ raw: Buffer; oversized: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let oversized = false;
    stream.on('data', (chunk: Buffer) => {
      if (oversized) return;
      if (size + chunk.length > limit) {
        oversized = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    });
    stream.once('error', reject);
    stream.once('end', () => resolve({ raw: Buffer.concat(chunks, size), oversized: oversized || stream.sizeExceeded }));
  });
}
