// The end of a chunked upload, the same for WebDAV (MOVE …/.file) and the browser: the
// chunks are streamed in numeric order through the drive service's one write path
// (writeFile: quota checked against the declared length before a byte is read, sha256
// computed by the blob store while streaming, FileWritten appended, versions kept), then
// the upload is removed. On failure the upload stays, so the client may fix and retry.
import type { EventMetadata } from '../../../core/events/types.ts';
import type { DriveService } from '../service/drive-service.ts';
import type { NodeRow } from '../service/queries.ts';
import { BadChunkError, LengthMismatchError } from './upload-errors.ts';
import type { UploadManifest, UploadStore } from './upload-store.ts';

export interface AssembleTarget { driveId: string; parentId: string; name: string; contentType?: string; mtime?: number }

/** Checks the chunks against the announced length; the total size of the file they make. */
export async function uploadTotal(store: UploadStore, m: UploadManifest, expectedLength: number | undefined): Promise<number> {
  const chunks = await store.chunks(m.ownerId, m.id);
  if (chunks.length === 0) throw new BadChunkError('no chunk has been uploaded');
  const total = chunks.reduce((s, c) => s + c.size, 0);
  if (expectedLength !== undefined && expectedLength !== total) throw new LengthMismatchError(expectedLength, total);
  return total;
}

export async function assembleUpload(
  store: UploadStore, service: DriveService, m: UploadManifest, target: AssembleTarget, expectedLength: number | undefined, metadata: EventMetadata,
): Promise<{ node: NodeRow; created: boolean }> {
  return store.exclusive(m.ownerId, m.id, async () => {
    const total = await uploadTotal(store, m, expectedLength);
    const chunks = await store.chunks(m.ownerId, m.id);
    const result = await service.writeFile(target.driveId, target.parentId, target.name, {
      source: store.assembled(m, chunks),
      declaredLength: total,
      ...(target.contentType ? { contentType: target.contentType } : {}),
      ...(target.mtime !== undefined ? { mtime: target.mtime } : {}),
    }, metadata);
    await store.remove(m.ownerId, m.id);
    return result;
  });
}
