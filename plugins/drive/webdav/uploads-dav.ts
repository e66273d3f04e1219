// Implementation notes — chunked uploads over WebDAV at /dav/uploads/<login>/<id>/…,
// as Nextcloud's "chunking v2" defines them (what its desktop and mobile clients speak):
//   MKCOL  /dav/uploads/<login>/<id>          starts an upload (Destination remembered,
//                                             OC-Total-Length checked against the quota)
//   PUT    /dav/uploads/<login>/<id>/<n>      one chunk, n its index (v2: 1…10000) or its zero-padded byte offset (the desktop clients), streamed to disk
//   PROPFIND (Depth 1) on the upload          the chunks received with their sizes (resume)
//   MOVE   /dav/uploads/<login>/<id>/.file    assembles the chunks in numeric order into
//          Destination: /dav/files/<login>/…  the file, then removes the upload
//   DELETE /dav/uploads/<login>/<id>          aborts it
// - Only the owner reaches /dav/uploads/<login>/: any other home is 403, like /dav/files/.
// - Upload ids and chunk numbers are checked (upload-store.ts) before they touch a path;
//   core has already refused `.`/`..`, encoded slashes and control characters.
// - MOVE honours Overwrite, If-Match/If-None-Match, the If header and locks on the
//   destination exactly as PUT there would (the same helpers), then writes through the
//   drive service's writeFile: quota (507) is checked before a byte is assembled.
// - Uploads are transient state on disk, not events; untouched for a day, they are purged.
import { DavPreconditionError } from '../../../core/dav/errors.ts';
import { parsePropRequest, propstats } from '../../../core/dav/methods/propfind.ts';
import { multistatusResponse } from '../../../core/dav/methods/responses.ts';
import { encodeSegment, renderMultistatus, type DavResponse } from '../../../core/dav/multistatus.ts';
import { hrefPath, splitDavPath } from '../../../core/dav/paths.ts';
import type { PropMap } from '../../../core/dav/props.ts';
import type { DavContext, DavPropValue, DavTreeBackend } from '../../../core/dav/types.ts';
import { MAX_XML_BYTES } from '../../../core/dav/xml.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../core/errors.ts';
import { bodySource } from '../routes/request-body.ts';
import { DestinationExistsError, QuotaExceededError } from '../service/drive-service.ts';
import { assembleUpload, uploadTotal } from '../upload/assemble-upload.ts';
import { assertUploadId, parseChunkNumber, type ChunkInfo, type UploadManifest, type UploadStore } from '../upload/upload-store.ts';
import { openFilesRequest, type DriveDavDeps } from './drive-dav.ts';
import { hrefIn, isFolder, nodeIdOf, parentOf, readXmlBody, textResponse } from './files-request.ts';
import { assertCanWrite } from './lock-check.ts';
import { OC_MTIME_ACCEPTED, ocMtime } from './oc-mtime.ts';
import { assertWriteConditions } from './write-conditions.ts';

export const UPLOADS_PREFIX = '/dav/uploads';
/** The last segment that MOVE turns into the file (Nextcloud's name for it). */
const ASSEMBLE_SEGMENT = '.file';
const ALLOW_UPLOAD = 'OPTIONS, PROPFIND, MKCOL, DELETE';
const ALLOW_CHUNK = 'OPTIONS, PROPFIND, PUT';

export interface UploadsDavDeps extends DriveDavDeps { uploads: () => UploadStore }

const D = (l: string) => `{DAV:}${l}`;
const homeHref = (login: string) => `${UPLOADS_PREFIX}/${encodeSegment(login)}/`;
const uploadHref = (login: string, id: string) => `${homeHref(login)}${encodeSegment(id)}/`;

/** A non-negative integer header (OC-Total-Length, Content-Length), undefined when absent. */
function lengthHeader(h: Headers, name: string): number | undefined {
  const v = h.get(name);
  if (v === null) return undefined;
  if (!/^\d{1,16}$/.test(v.trim())) throw new ValidationError(`${name} must be a number of bytes`, { code: 'bad_length' });
  return Number(v.trim());
}

export function uploadsDavBackend(deps: UploadsDavDeps): DavTreeBackend {
  return {
    kind: 'tree',
    root: 'uploads',
    davClasses: [],
    methods: ['MOVE'],
    async handle({ raw, ctx, segments, incoming }) {
      const method = raw.method.toUpperCase();
      if (segments.length === 0) {
        if (method === 'PROPFIND') return listing(raw, [{ href: `${UPLOADS_PREFIX}/`, props: collectionProps('uploads') }], [{ href: homeHref(ctx.user.email), props: collectionProps(ctx.user.email) }]);
        return textResponse(405, 'nothing to do here: your uploads are under your login', { Allow: 'OPTIONS, PROPFIND' });
      }
      if (segments[0]!.toLowerCase() !== ctx.user.email.toLowerCase()) throw new ForbiddenError('those are not your uploads', 'foreign_uploads');
      const store = deps.uploads();
      const owner = ctx.user.id;
      if (segments.length === 1) {
        if (method !== 'PROPFIND') return textResponse(405, 'an upload is a collection inside your uploads home', { Allow: 'OPTIONS, PROPFIND' });
        const uploads = await store.list(owner);
        return listing(raw, [{ href: homeHref(ctx.user.email), props: collectionProps(ctx.user.email) }],
          uploads.map((m) => ({ href: uploadHref(ctx.user.email, m.id), props: uploadProps(m) })));
      }
      const id = segments[1]!;
      assertUploadId(id);
      if (segments.length > 3) throw new NotFoundError('uploads hold chunks only');
      if (segments.length === 2) {
        switch (method) {
          case 'MKCOL': return mkcolUpload(deps, raw, ctx, id);
          case 'PROPFIND': {
            const m = await store.get(owner, id);
            const chunks = await store.chunks(owner, id);
            return listing(raw, [{ href: uploadHref(ctx.user.email, id), props: uploadProps(m) }],
              chunks.map((c) => ({ href: `${uploadHref(ctx.user.email, id)}${c.n}`, props: chunkProps(c) })));
          }
          case 'DELETE':
            await store.get(owner, id);
            await store.exclusive(owner, id, () => store.remove(owner, id));
            return new Response(null, { status: 204 });
          default: return textResponse(405, `${method} is not supported on an upload`, { Allow: ALLOW_UPLOAD });
        }
      }
      const name = segments[2]!;
      if (name === ASSEMBLE_SEGMENT) {
        if (method !== 'MOVE') return textResponse(405, `${ASSEMBLE_SEGMENT} is only moved to its destination`, { Allow: 'OPTIONS, MOVE' });
        return assemble(deps, raw, ctx, id);
      }
      const n = parseChunkNumber(name);
      switch (method) {
        case 'PUT': return putChunk(deps, raw, ctx, id, n, incoming);
        case 'PROPFIND': {
          const chunk = (await store.chunks(owner, id)).find((c) => c.n === n);
          if (!chunk) throw new NotFoundError('that chunk has not been received');
          return listing(raw, [{ href: `${uploadHref(ctx.user.email, id)}${n}`, props: chunkProps(chunk) }], []);
        }
        default: return textResponse(405, `${method} is not supported on a chunk`, { Allow: ALLOW_CHUNK });
      }
    },
  };
}

async function mkcolUpload(deps: UploadsDavDeps, raw: Request, ctx: DavContext, id: string): Promise<Response> {
  // RFC 4918 §9.3: a MKCOL body we do not understand is 415.
  if ((lengthHeader(raw.headers, 'Content-Length') ?? 0) > 0) return textResponse(415, 'MKCOL of an upload takes no body');
  const total = lengthHeader(raw.headers, 'OC-Total-Length');
  // Refuse early what could never fit: the client has not sent a byte yet.
  if (total !== undefined && total > (await available(deps, ctx))) throw new QuotaExceededError();
  const destination = raw.headers.get('Destination') ?? undefined;
  await deps.uploads().create(ctx.user.id, id, { ...(total !== undefined ? { totalLength: total } : {}), ...(destination ? { destination } : {}) });
  return new Response(null, { status: 201 });
}

async function putChunk(deps: UploadsDavDeps, raw: Request, ctx: DavContext, id: string, n: number, incoming: import('node:http').IncomingMessage | undefined): Promise<Response> {
  if (raw.headers.get('Content-Range') !== null) throw new ValidationError('a chunk is sent whole; Content-Range is not supported', { code: 'partial_put' });
  const store = deps.uploads();
  let m = await store.get(ctx.user.id, id);
  const total = lengthHeader(raw.headers, 'OC-Total-Length');
  const destination = raw.headers.get('Destination') ?? undefined;
  if (total !== undefined || destination !== undefined) m = await store.touch(m, { ...(total !== undefined ? { totalLength: total } : {}), ...(destination ? { destination } : {}) });
  const declared = lengthHeader(raw.headers, 'Content-Length');
  const drive = await deps.service().personalDrive(ctx.user, ctx.metadata());
  const { replaced } = await store.writeChunk(m, n, bodySource(raw, incoming), { ...(declared !== undefined ? { declaredLength: declared } : {}), maxTotal: Number(drive.quota_bytes) });
  return new Response(null, { status: replaced ? 204 : 201 });
}

async function assemble(deps: UploadsDavDeps, raw: Request, ctx: DavContext, id: string): Promise<Response> {
  const store = deps.uploads();
  const m = await store.get(ctx.user.id, id);
  const header = raw.headers.get('Destination') ?? m.destination;
  if (!header) throw new ValidationError('MOVE needs a Destination header', { code: 'no_destination' });
  const segs = destinationSegments(header, raw.url);
  if (segs[0] !== 'files' || segs.length < 3) throw new ForbiddenError('an upload is moved to a file in your drive (/dav/files/<login>/…)', 'foreign_destination');
  const req = await openFilesRequest(deps, { raw, ctx, segments: segs.slice(1), method: 'PUT' });
  if (req.kind !== 'files' || req.names.length === 0) throw new ForbiddenError('Shared/ cannot be written', 'shared_dir_read_only');
  if (isFolder(req.target)) throw new ConflictError('a folder has that name', 'is_folder');
  const overwrite = (raw.headers.get('Overwrite') ?? 'T').trim().toUpperCase();
  if (overwrite !== 'T' && overwrite !== 'F') throw new ValidationError('Overwrite must be T or F', { code: 'bad_overwrite' });
  if (overwrite === 'F' && req.target !== undefined) throw new DestinationExistsError();
  const parent = await parentOf(req);
  if (parent === undefined) return textResponse(409, 'the destination folder does not exist');
  // The same preconditions as a PUT at the destination.
  assertWriteConditions(raw.headers, req.target);
  const href = hrefIn(req, req.names, false);
  await assertCanWrite(req, req.target !== undefined ? { node: req.target, href } : { parentId: nodeIdOf(parent), href });
  const expected = lengthHeader(raw.headers, 'OC-Total-Length') ?? m.totalLength;
  await uploadTotal(store, m, expected); // 400 before anything else is looked at
  const mtime = ocMtime(raw.headers);
  const { node, created } = await assembleUpload(store, req.service, m, {
    driveId: req.drive.drive_id, parentId: nodeIdOf(parent), name: req.names[req.names.length - 1]!, ...(mtime !== undefined ? { mtime } : {}),
  }, expected, ctx.metadata());
  const etag = `"${node.etag}"`;
  return new Response(null, {
    status: created ? 201 : 204,
    headers: { ETag: etag, 'OC-ETag': etag, 'OC-FileId': node.node_id, 'Last-Modified': new Date(node.modified).toUTCString(), ...(mtime !== undefined ? OC_MTIME_ACCEPTED : {}) },
  });
}

/** The Destination's decoded path segments after /dav/, on this server only (as COPY and MOVE check it). */
function destinationSegments(header: string, requestUrl: string): string[] {
  let dest: URL;
  try {
    dest = new URL(header, requestUrl);
  } catch {
    throw new ValidationError('the Destination header is not a URL', { code: 'bad_destination' });
  }
  if (dest.host !== new URL(requestUrl).host) throw new ForbiddenError('the destination is on another server', 'cross_server');
  const path = hrefPath(header, requestUrl);
  const segs = path === undefined ? undefined : splitDavPath(path);
  if (!segs) throw new ValidationError('the Destination is not a valid path', { code: 'bad_destination' });
  return segs;
}

async function available(deps: UploadsDavDeps, ctx: DavContext): Promise<number> {
  const service = deps.service();
  const drive = await service.personalDrive(ctx.user, ctx.metadata());
  return (await service.usage(drive.drive_id)).available;
}

function collectionProps(name: string): PropMap {
  return new Map<string, DavPropValue>([[D('resourcetype'), { xml: '<d:collection/>' }], [D('displayname'), name]]);
}

function uploadProps(m: UploadManifest): PropMap {
  const p = collectionProps(m.id);
  p.set(D('getlastmodified'), new Date(m.touchedAt).toUTCString());
  p.set(D('creationdate'), m.createdAt);
  if (m.totalLength !== undefined) p.set('{http://owncloud.org/ns}total-length', String(m.totalLength));
  return p;
}

function chunkProps(c: ChunkInfo): PropMap {
  return new Map<string, DavPropValue>([
    [D('resourcetype'), null],
    [D('displayname'), String(c.n)],
    [D('getcontentlength'), String(c.size)],
    [D('getlastmodified'), new Date(c.modified).toUTCString()],
    // Not content-derived (chunks are not hashed): size and time tell a resend apart.
    [D('getetag'), `"${c.size}-${Date.parse(c.modified)}"`],
  ]);
}

async function listing(raw: Request, self: { href: string; props: PropMap }[], members: { href: string; props: PropMap }[]): Promise<Response> {
  const depth = (raw.headers.get('Depth') ?? '1').trim().toLowerCase();
  if (depth !== '0' && depth !== '1' && depth !== 'infinity') throw new DavPreconditionError('{DAV:}propfind-finite-depth', 'Depth must be 0, 1 or infinity', 400);
  const request = parsePropRequest(await readXmlBody(raw, MAX_XML_BYTES));
  // The tree is two levels deep at most (upload, chunks): infinity is the same as 1 below an upload.
  const out: DavResponse[] = [...self, ...(depth === '0' ? [] : members)].map((r) => ({ href: r.href, propstats: propstats(r.props, request) }));
  return multistatusResponse(renderMultistatus(out));
}
