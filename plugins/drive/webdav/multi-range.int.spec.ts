// Several byte ranges in one GET (RFC 9110 §14.6 multipart/byteranges) on a real port with
// plain fetch, over WebDAV and the browser's download route: parts in the order asked,
// each with its Content-Type and Content-Range, an exact Content-Length, overlapping
// ranges coalesced, too many ranges answered with the whole file, and 416 when none fits.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../../core/http/test-client.ts';
import { addTestUser, type TestUser } from '../../../core/testing/add-test-user.ts';
import { createTestAppliance } from '../../../core/testing/test-appliance.ts';
import type { DriveService } from '../service/drive-service.ts';
import { MAX_RANGES } from './range.ts';

let a: Awaited<ReturnType<typeof createTestAppliance>>;
let base: string;
let ann: TestUser;
/** Larger than a read chunk (1 MB), so a part spans several reads of the blob's file. */
const FILE = randomBytes(3 * 1024 * 1024 + 17);
const SIZE = FILE.length;
const URL_ = () => `${base}/dav/files/${ann.email}/data.bin`;
const get = (headers: Record<string, string>, method = 'GET') =>
  fetch(URL_(), { method, headers: { Authorization: `Basic ${Buffer.from(`${ann.email}:${ann.appPassword}`).toString('base64')}`, ...headers } });

interface Part { headers: Record<string, string>; body: Buffer }

/** Splits a multipart/byteranges body by its boundary (RFC 2046 §5.1.1). */
function parts(body: Buffer, contentType: string): Part[] {
  const boundary = /boundary=([^;]+)/.exec(contentType)![1]!;
  const delimiter = Buffer.from(`--${boundary}`);
  const out: Part[] = [];
  let at = body.indexOf(delimiter);
  expect(at).toBe(0);
  for (;;) {
    const after = at + delimiter.length;
    if (body.subarray(after, after + 2).toString() === '--') {
      expect(body.subarray(after + 2).toString()).toBe('\r\n');
      return out;
    }
    const headEnd = body.indexOf('\r\n\r\n', after);
    const headers = Object.fromEntries(body.subarray(after + 2, headEnd).toString().split('\r\n').map((l) => {
      const i = l.indexOf(':');
      return [l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()];
    }));
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headEnd + 4);
    out.push({ headers, body: body.subarray(headEnd + 4, next) });
    at = next + 2;
  }
}

beforeAll(async () => {
  a = await createTestAppliance({ plugins: ['drive'] });
  base = (await a.start()).find((l) => l.name === 'http')!.address;
  ann = await addTestUser(a, 'ann@example.test');
  const put = await fetch(URL_(), { method: 'PUT', body: FILE, headers: { Authorization: `Basic ${Buffer.from(`${ann.email}:${ann.appPassword}`).toString('base64')}`, 'Content-Type': 'application/x-test' } });
  expect(put.status).toBe(201);
});
afterAll(async () => { await a?.close(); });

describe('GET with several ranges', () => {
  it('answers multipart/byteranges with the parts in the order asked and an exact length', async () => {
    const spans: [number, number][] = [[2_000_000, 3_000_000], [0, 9], [SIZE - 5, SIZE - 1]];
    const res = await get({ Range: `bytes=2000000-3000000, 0-9, -5` });
    expect(res.status).toBe(206);
    const type = res.headers.get('content-type')!;
    expect(type).toMatch(/^multipart\/byteranges; boundary=\S+$/);
    expect(res.headers.get('content-range')).toBeNull();
    const body = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(body.length);
    const got = parts(body, type);
    expect(got.map((p) => p.headers['content-range'])).toEqual(spans.map(([s, e]) => `bytes ${s}-${e}/${SIZE}`));
    expect(got.map((p) => p.headers['content-type'])).toEqual(Array(3).fill('application/x-test'));
    got.forEach((p, i) => expect(p.body.equals(FILE.subarray(spans[i]![0], spans[i]![1] + 1))).toBe(true));
  });

  it('answers HEAD with the same status and length, and no body', async () => {
    const full = await get({ Range: 'bytes=0-9,5000-5009' });
    const length = (await full.arrayBuffer()).byteLength;
    const head = await get({ Range: 'bytes=0-9,5000-5009' }, 'HEAD');
    expect(head.status).toBe(206);
    expect(Number(head.headers.get('content-length'))).toBe(length);
  });

  it('coalesces overlapping and nearly touching ranges into one part', async () => {
    const res = await get({ Range: 'bytes=100-199,0-149,210-219' });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 0-219/${SIZE}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(FILE.subarray(0, 220))).toBe(true);
  });

  it(`sends the whole file for more than ${MAX_RANGES} ranges (range abuse)`, async () => {
    const specs = Array.from({ length: MAX_RANGES + 1 }, (_, i) => `${i * 10_000}-${i * 10_000}`).join(',');
    const res = await get({ Range: `bytes=${specs}` });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBe(SIZE);
    await res.body?.cancel();
    const ok = await get({ Range: `bytes=${specs.split(',').slice(0, MAX_RANGES).join(',')}` });
    expect(ok.status).toBe(206);
    expect(parts(Buffer.from(await ok.arrayBuffer()), ok.headers.get('content-type')!)).toHaveLength(MAX_RANGES);
  });

  it('drops unsatisfiable ranges, and answers 416 when none is left', async () => {
    const one = await get({ Range: `bytes=${SIZE}-,0-3` });
    expect(one.status).toBe(206);
    expect(one.headers.get('content-range')).toBe(`bytes 0-3/${SIZE}`);
    expect(Buffer.from(await one.arrayBuffer()).equals(FILE.subarray(0, 4))).toBe(true);
    const none = await get({ Range: `bytes=${SIZE}-,${SIZE + 10}-${SIZE + 20}` });
    expect(none.status).toBe(416);
    expect(none.headers.get('content-range')).toBe(`bytes */${SIZE}`);
  });

  it('honours If-Range: a stale validator gets the whole file', async () => {
    const etag = (await get({}, 'HEAD')).headers.get('etag')!;
    const fresh = await get({ Range: 'bytes=0-0,9000-9000', 'If-Range': etag });
    expect(fresh.status).toBe(206);
    await fresh.body?.cancel();
    const stale = await get({ Range: 'bytes=0-0,9000-9000', 'If-Range': '"1"' });
    expect(stale.status).toBe(200);
    await stale.body?.cancel();
  });

  it('is the same on the browser download route', async () => {
    const browser = new TestClient(a.app, 'http://example.test');
    expect((await browser.login(ann.email, ann.password)).status).toBe(303);
    const drive = a.services.services.require<DriveService>('drive.service');
    const node = (await drive.queries.child(ann.userId, '', 'data.bin'))!;
    const res = await browser.get(`/drive/files/${node.node_id}/download`, { headers: { Range: 'bytes=10-19,1000-1009' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    const got = parts(Buffer.from(await res.arrayBuffer()), res.headers.get('content-type')!);
    expect(got.map((p) => p.headers['content-range'])).toEqual([`bytes 10-19/${SIZE}`, `bytes 1000-1009/${SIZE}`]);
    expect(got[1]!.body.equals(FILE.subarray(1000, 1010))).toBe(true);
  });
});
