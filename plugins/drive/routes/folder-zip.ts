import type { BlobStore } from '../../../core/blobs/index.ts';
import type { DriveService } from '../service/drive-service.ts';
import type { NodeRow } from '../service/queries.ts';
import { openBlobStream } from '../webdav/get.ts';
import { attachment } from '../views/format.ts';
import { checkZipLimits, zipStream, type ZipEntry } from './zip-stream.ts';

/** The response for "download this folder as a zip" (browser and share links). */
export async function folderZip(service: DriveService, blobs: BlobStore, driveId: string, folder: NodeRow): Promise<Response> {
  const nodes = await service.queries.subtree(driveId, folder);
  const paths = new Map<string, string>([[folder.node_id, folder.name]]);
  const entries: ZipEntry[] = [];
  for (const n of nodes) {
    if (n !== nodes[0]) paths.set(n.node_id, `${paths.get(n.parent_id)}/${n.name}`);
    const path = paths.get(n.node_id)!;
    entries.push(n.kind === 'folder'
      ? { path, folder: true, size: 0, modified: n.modified }
      : { path, folder: false, size: Number(n.size), modified: n.modified, open: async () => openBlobStream(blobs, n.sha256!, 0, Number(n.size) - 1) as unknown as AsyncIterable<Uint8Array> });
  }
  checkZipLimits(entries);
  return new Response(zipStream(entries), {
    headers: { 'Content-Type': 'application/zip', 'Content-Disposition': attachment(`${folder.name}.zip`), 'Cache-Control': 'private, no-cache' },
  });
}
