// Resumable uploads for the browser (drive.js), mounted at /drive/uploads: the same
// upload sessions as Nextcloud chunking over WebDAV (upload/), session-authenticated,
// with the CSRF token in X-CSRF-Token on every POST, PUT and DELETE.
//   POST   /drive/uploads             {drive, parent, name, size, type} → {id}
//   GET    /drive/uploads/:id         → {id, totalLength, chunks: [{n, size}]} (resume)
//   PUT    /drive/uploads/:id/:n      the chunk's bytes as the body, streamed to disk
//   POST   /drive/uploads/:id/complete → the file, as POST /drive/upload answers
//   DELETE /drive/uploads/:id         aborts
//   POST   /drive/uploads/folders     {drive, parent, name} → {id}: the folder of that
//                                     name there, created if missing (folder uploads)
// Answers are JSON; errors {error: {code, message}} with the error's status.
import type { IncomingMessage } from 'node:http';
import { Hono, type Context } from 'hono';
import type { CairnEnv } from '../../../core/http/env.ts';
import { requireUser } from '../../../core/http/require-user.ts';
import { ConflictError, isCairnError, ValidationError } from '../../../core/errors.ts';
import { newId } from '../../../core/ids.ts';
import { assertValidName, normalizeName } from '../node/names.ts';
import type { Access, Scope } from '../service/access.ts';
import { MAX_MTIME_MS } from '../events.ts';
import { QuotaExceededError } from '../service/drive-service.ts';
import { ROOT } from '../service/queries.ts';
import { assembleUpload } from '../upload/assemble-upload.ts';
import { parseChunkNumber, type UploadStore } from '../upload/upload-store.ts';
import { bodySource } from './request-body.ts';
import { ERRORS, uiMetadata, webScope, type DriveWebDeps } from './web-deps.ts';

/** JSON bodies of these routes are a few fields: anything bigger is not ours. */
const MAX_JSON_BYTES = 16 * 1024;

export interface UploadRouteDeps extends DriveWebDeps { uploads: () => UploadStore }

const str = (v: unknown) => (typeof v === 'string' ? v : '');

export function uploadRoutes(deps: UploadRouteDeps): Hono<CairnEnv> {
  const app = new Hono<CairnEnv>();
  app.use('*', requireUser);
  const svc = () => deps.service();

  const scope = (c: Context<CairnEnv>, driveParam: string, nodeId: string, need: Access): Promise<Scope> => webScope(deps, c, driveParam, nodeId, need);
  const body = async (c: Context<CairnEnv>): Promise<Record<string, unknown>> => {
    if (Number(c.req.header('Content-Length') ?? 0) > MAX_JSON_BYTES) throw new ValidationError('request too large', { code: 'bad_request' });
    const v = await c.req.json().catch(() => undefined);
    if (typeof v !== 'object' || v === null) throw new ValidationError('a JSON object is expected', { code: 'bad_request' });
    return v as Record<string, unknown>;
  };
  /** Runs a handler, answering user errors as JSON with a known text for known codes. */
  const json = (fn: (c: Context<CairnEnv>) => Promise<Response>) => async (c: Context<CairnEnv>) => {
    try {
      return await fn(c);
    } catch (e) {
      if (!isCairnError(e) || e.kind === 'server') throw e;
      const code = String((e.details as { code?: unknown } | undefined)?.code ?? e.code);
      return c.json({ error: { code, message: ERRORS[code] ?? e.message } }, e.status as 400);
    }
  };

  app.post('/folders', json(async (c) => {
    const b = await body(c);
    const parent = str(b.parent) || ROOT;
    const s = await scope(c, str(b.drive), parent, 'write');
    const name = normalizeName(str(b.name).trim());
    assertValidName(name);
    const existing = await svc().queries.child(s.driveId, parent, name);
    if (existing && existing.kind !== 'folder') throw new ConflictError('a file has that name', 'name_taken');
    // A folder of that name is reused: uploading a tree twice merges it, as file managers do.
    const folder = existing ?? await svc().createFolder(s.driveId, parent, name, uiMetadata(c));
    return c.json({ id: folder.node_id, created: !existing }, existing ? 200 : 201);
  }));

  app.post('/', json(async (c) => {
    const b = await body(c);
    const parent = str(b.parent) || ROOT;
    const drive = str(b.drive);
    const s = await scope(c, drive, parent, 'write');
    const name = normalizeName(str(b.name));
    assertValidName(name);
    const size = typeof b.size === 'number' && Number.isSafeInteger(b.size) && b.size >= 0 ? b.size : undefined;
    if (size === undefined) throw new ValidationError('size must be the file size in bytes', { code: 'bad_request' });
    const existing = await svc().queries.child(s.driveId, parent, name);
    if ((await svc().usage(s.driveId)).available + (existing?.kind === 'file' ? Number(existing.size) : 0) < size) throw new QuotaExceededError();
    const mtime = typeof b.mtime === 'number' && Number.isSafeInteger(b.mtime) && b.mtime >= 0 && b.mtime <= MAX_MTIME_MS ? b.mtime : undefined;
    const id = newId();
    await deps.uploads().create(c.var.user!.id, id, { totalLength: size, target: { drive, parent, name, ...(str(b.type) ? { contentType: str(b.type) } : {}), ...(mtime !== undefined ? { mtime } : {}) } });
    return c.json({ id }, 201);
  }));

  app.get('/:id', json(async (c) => {
    const m = await deps.uploads().get(c.var.user!.id, c.req.param('id') ?? '');
    const chunks = await deps.uploads().chunks(m.ownerId, m.id);
    return c.json({ id: m.id, totalLength: m.totalLength ?? null, chunks: chunks.map((ch) => ({ n: ch.n, size: ch.size })) });
  }));

  app.put('/:id/:n', json(async (c) => {
    const store = deps.uploads();
    const m = await store.get(c.var.user!.id, c.req.param('id') ?? '');
    const n = parseChunkNumber(c.req.param('n') ?? '');
    const length = c.req.header('Content-Length');
    const drive = await svc().personalDrive(c.var.user!, uiMetadata(c));
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const { size } = await store.writeChunk(m, n, bodySource(c.req.raw, incoming), {
      ...(length !== undefined && /^\d+$/.test(length) ? { declaredLength: Number(length) } : {}), maxTotal: Number(drive.quota_bytes),
    });
    return c.json({ n, size }, 201);
  }));

  app.post('/:id/complete', json(async (c) => {
    const store = deps.uploads();
    const m = await store.get(c.var.user!.id, c.req.param('id') ?? '');
    if (!m.target) throw new ValidationError('this upload was started over WebDAV: finish it there with MOVE', { code: 'bad_request' });
    const s = await scope(c, m.target.drive, m.target.parent, 'write');
    const { node, created } = await assembleUpload(store, svc(), m, {
      driveId: s.driveId, parentId: m.target.parent, name: m.target.name, ...(m.target.contentType ? { contentType: m.target.contentType } : {}),
      ...(m.target.mtime !== undefined ? { mtime: m.target.mtime } : {}),
    }, m.totalLength, uiMetadata(c));
    return c.json({ id: node.node_id, name: node.name, size: Number(node.size), created }, created ? 201 : 200);
  }));

  app.delete('/:id', json(async (c) => {
    const store = deps.uploads();
    const m = await store.get(c.var.user!.id, c.req.param('id') ?? '');
    await store.exclusive(m.ownerId, m.id, () => store.remove(m.ownerId, m.id));
    return c.body(null, 204);
  }));

  return app;
}
