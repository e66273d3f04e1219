// GET and HEAD of a file (RFC 9110 §9.3.1–2) with conditional requests (§13: If-Match,
// If-None-Match, If-Modified-Since, If-Unmodified-Since, If-Range) and byte ranges (§14):
// one range as a plain 206, several as multipart/byteranges (§14.6, byteranges.ts).
// The body is a read stream of the blob's file: never held in memory.
import { promises as fsp } from 'node:fs';
import { Readable } from 'node:stream';
import type { BlobStore } from '../../../core/blobs/index.ts';
import { NotFoundError } from '../../../core/errors.ts';
import type { NodeRow } from '../service/queries.ts';
import { isFolder, textResponse, type FilesRequest } from './files-request.ts';
import { byterangesStream, newBoundary, planByteranges } from './byteranges.ts';
import { parseRanges } from './range.ts';

/** Read-ahead per chunk of a download: large enough that a multi-GB file streams in few, big writes. */
const READ_CHUNK_BYTES = 1024 * 1024;

/** Etag lists in If-Match / If-None-Match (`*` or comma-separated quoted tags). */
function etagMatches(header: string, etag: string, weak: boolean): boolean {
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === etag || (weak && tag.startsWith('W/') && tag.slice(2) === etag);
  });
}

/** 304 or 412 when a condition says so (RFC 9110 §13.2.2 order), else undefined. */
export function checkReadConditions(h: Headers, etag: string, modified: Date): 304 | 412 | undefined {
  const seconds = Math.floor(modified.getTime() / 1000);
  const im = h.get('If-Match');
  if (im !== null) { if (!etagMatches(im, etag, false)) return 412; }
  else {
    const ius = h.get('If-Unmodified-Since');
    if (ius !== null && !Number.isNaN(Date.parse(ius)) && seconds > Date.parse(ius) / 1000) return 412;
  }
  const inm = h.get('If-None-Match');
  if (inm !== null) { if (etagMatches(inm, etag, true)) return 304; }
  else {
    const ims = h.get('If-Modified-Since');
    if (ims !== null && !Number.isNaN(Date.parse(ims)) && seconds <= Date.parse(ims) / 1000) return 304;
  }
  return undefined;
}

/** A stream of the blob's bytes [start, end]: its file with a large read-ahead, or the store's own reader for inline blobs. */
export async function openBlobStream(blobs: BlobStore, sha256: string, start: number, end: number): Promise<ReadableStream<Uint8Array>> {
  if (end < start) return new ReadableStream({ start(c) { c.close(); } });
  let node: NodeJS.ReadableStream;
  try {
    const fh = await fsp.open(blobs.pathOf(sha256), 'r');
    node = fh.createReadStream({ start, end, highWaterMark: READ_CHUNK_BYTES, autoClose: true });
  } catch (e) {
    if ((e as { code?: string }).code !== 'ENOENT') throw e;
    node = await blobs.read(sha256, { start, end });
  }
  return Readable.toWeb(node as Readable) as ReadableStream<Uint8Array>;
}

export function fileHeaders(node: NodeRow): Record<string, string> {
  return {
    ETag: `"${node.etag}"`,
    'Last-Modified': new Date(node.modified).toUTCString(),
    'Accept-Ranges': 'bytes',
    'Content-Type': node.content_type,
    // Files are the users' own bytes: never let a browser run them as a page of this origin.
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'X-Content-Type-Options': 'nosniff',
  };
}

/** Serves a file's bytes with conditions and Range; shared by WebDAV and the browser routes. */
export async function serveFile(blobs: BlobStore, node: NodeRow, headers: Headers, head: boolean, extra: Record<string, string> = {}): Promise<Response> {
  const base = { ...fileHeaders(node), ...extra };
  const etag = `"${node.etag}"`;
  const cond = checkReadConditions(headers, etag, new Date(node.modified));
  if (cond === 304) return new Response(null, { status: 304, headers: { ETag: etag, 'Last-Modified': base['Last-Modified']! } });
  if (cond === 412) return textResponse(412, 'precondition failed');
  const size = Number(node.size);
  const ifRange = headers.get('If-Range');
  const rangeAllowed = ifRange === null || ifRange.trim() === etag || (!ifRange.trim().startsWith('"') && Date.parse(ifRange) >= Math.floor(new Date(node.modified).getTime() / 1000) * 1000);
  const range = rangeAllowed ? parseRanges(headers.get('Range'), size) : { kind: 'none' as const };
  if (range.kind === 'unsatisfiable') return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${size}` } });
  if (range.kind === 'ranges' && range.ranges.length > 1) {
    const plan = planByteranges(range.ranges, size, node.content_type, newBoundary());
    const h = { ...base, 'Content-Type': plan.contentType, 'Content-Length': String(plan.length) };
    if (head) return new Response(null, { status: 206, headers: h });
    return new Response(byterangesStream(plan, (r) => openBlobStream(blobs, node.sha256!, r.start, r.end)), { status: 206, headers: h });
  }
  const [status, start, end] = range.kind === 'ranges' ? [206, range.ranges[0]!.start, range.ranges[0]!.end] : [200, 0, size - 1];
  const h: Record<string, string> = { ...base, 'Content-Length': String(end - start + 1) };
  if (status === 206) h['Content-Range'] = `bytes ${start}-${end}/${size}`;
  if (head) return new Response(null, { status, headers: h });
  return new Response(await openBlobStream(blobs, node.sha256!, start, end), { status, headers: h });
}

export async function get(req: FilesRequest, blobs: BlobStore, head: boolean): Promise<Response> {
  const t = req.target;
  if (t === undefined) throw new NotFoundError('no such file or folder');
  if (isFolder(t)) return textResponse(405, 'this is a folder: list it with PROPFIND', { Allow: 'OPTIONS, PROPFIND, PROPPATCH, MKCOL, DELETE, COPY, MOVE, LOCK, UNLOCK' });
  return serveFile(blobs, t as NodeRow, req.raw.headers, head);
}
