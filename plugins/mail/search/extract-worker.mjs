// Worker thread of extract-pool.ts: turns message bytes into searchable text off the
// event loop's thread. The TypeScript sources load through tsx, as in the main thread.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { extractBodyText } = await import('./extract-body-text.ts');

parentPort.on('message', async ({ id, raw, structure }) => {
  try {
    parentPort.postMessage({ id, text: await extractBodyText(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), structure) });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e?.message ?? e) });
  }
});
parentPort.postMessage({ ready: true });
