// The drive: files and folders in the browser (/drive) and over WebDAV (/dav/files/),
// with versions, trash, folder restore and share links. Wiring only.
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import type { CairnEnv } from '../../core/http/env.ts';
import { definePlugin, type ListenerSpec } from '../../core/plugins/define-plugin.ts';
import { driveEvents } from './events.ts';
import { createFilesApi, type FilesApi } from './files-api.ts';
import { createLinkService, type LinkService } from './link/link-service.ts';
import { createDrive } from './migrations/0001_drive.ts';
import { createLinks } from './migrations/0002_links.ts';
import { createFavorites } from './migrations/0003_favorites.ts';
import { driveFavorites } from './projections/drive-favorites.ts';
import { driveLinks } from './projections/drive-links.ts';
import { driveNodes } from './projections/drive-nodes.ts';
import { driveAssets } from './routes/assets.ts';
import { driveRoutes } from './routes/drive-routes.tsx';
import { shareRoutes } from './routes/share-routes.tsx';
import { uploadRoutes } from './routes/upload-routes.ts';
import { UPLOAD_PURGE_INTERVAL_MS } from './upload/upload-limits.ts';
import { createUploadStore, type UploadStore } from './upload/upload-store.ts';
import type { DriveWebDeps } from './routes/web-deps.ts';
import { createDriveService, type DriveService } from './service/drive-service.ts';
import { driveDavBackend } from './webdav/drive-dav.ts';
import { createLockStore, type LockStore } from './webdav/lock-store.ts';
import { uploadsDavBackend } from './webdav/uploads-dav.ts';

/** How often trash past the retention window is purged: hourly keeps it within an hour of due. */
const TRASH_PURGE_INTERVAL_MS = 60 * 60_000;

export default definePlugin({
  id: 'drive',
  version: '1.0.0',
  description: 'Files and folders with WebDAV, versions, trash, restore and share links.',
  needs: ['db', 'events', 'blobs', 'auth', 'identity', 'config', 'appliance', 'logger', 'services'],
  register(r) {
    // State lives in the registration: two appliances in one process each get their own.
    let service: DriveService | undefined;
    let locks: LockStore | undefined;
    let links: LinkService | undefined;
    let files: FilesApi | undefined;
    let uploads: UploadStore | undefined;
    const drive = () => (service ??= createDriveService(r.services()));
    const lockStore = () => (locks ??= createLockStore(r.services().db));
    const linkService = () => (links ??= createLinkService({ ...r.services(), queries: drive().queries }));
    const publicUrl = () => r.services().appliance.publicUrl;
    // Chunked uploads in progress sit beside the blob store's directory (<data>/uploads).
    const uploadStore = () => (uploads ??= createUploadStore(join(dirname(r.services().blobs.dir), 'uploads')));
    const web: DriveWebDeps = {
      service: drive, links: linkService, blobs: () => r.services().blobs, publicUrl, auth: () => r.services().auth, identity: () => r.services().identity,
      presence: () => r.services().services.get('chat.presence'),
    };

    r.events(driveEvents);
    r.migrations([createDrive, createLinks, createFavorites]);
    r.projection(driveNodes);
    r.projection(driveLinks);
    r.projection(driveFavorites);
    // Guests may open share links (and their assets); the rest of the drive is for members.
    r.nav({ label: 'Drive', href: '/drive', icon: '▤', order: 40, guests: ['/s/', '/static/'] });
    const app = new Hono<CairnEnv>();
    // Public first (assets, share links), then the signed-in app (requireUser on everything else).
    app.route('/', driveAssets());
    app.route('/s', shareRoutes(web, () => publicUrl().startsWith('https:')));
    app.route('/uploads', uploadRoutes({ ...web, uploads: uploadStore }));
    app.route('/', driveRoutes(web));
    r.app(app);
    const davDeps = { service: drive, locks: lockStore, blobs: () => r.services().blobs, auth: () => r.services().auth };
    r.dav(driveDavBackend(davDeps));
    r.dav(uploadsDavBackend({ ...davDeps, uploads: uploadStore }));
    // Not network listeners: background jobs started and stopped with the appliance like
    // one. Old trash is emptied; chunked uploads untouched for a day are abandoned.
    const periodicJob = (name: string, everyMs: number, job: () => Promise<unknown>, failure: string): ListenerSpec => ({
      name,
      async start() {
        const run = () => { job().catch((err: unknown) => r.services().logger.error({ err }, failure)); };
        const timer = setInterval(run, everyMs);
        timer.unref();
        run();
        return { async close() { clearInterval(timer); }, describe: () => `every ${everyMs / 60_000} min` };
      },
    });
    r.listener(periodicJob('drive-trash-purge', TRASH_PURGE_INTERVAL_MS, () => drive().purgeExpiredTrash(), 'purging old trash failed'));
    r.listener(periodicJob('drive-upload-purge', UPLOAD_PURGE_INTERVAL_MS, () => uploadStore().purgeStale(), 'purging abandoned uploads failed'));
    r.provide('service', drive);
    r.provide('files', () => (files ??= createFilesApi({ service: drive, links: linkService, auth: r.services().auth, publicUrl })));
    r.blobRefs(async function* (db) {
      for (const row of await db.selectFrom('drive_versions').select('sha256').distinct().execute()) yield row.sha256 as string;
    });
  },
});
