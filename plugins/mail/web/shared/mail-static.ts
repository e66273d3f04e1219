// Mail's static files (CSS, JS, the blocked-image placeholder), served under
// /mail/static/<file> with a content hash in the URL so they can be cached for a year.
import { join } from 'node:path';
import { pluginAssets } from '../../../../core/http/plugin-assets.ts';

const assets = pluginAssets({ pluginId: 'mail', dir: join(import.meta.dirname, 'static'), files: ['mail.css', 'mail.js', 'blocked-image.svg'] });

export const mailAssetUrl = (file: string): string => assets.url(file);
export const mailStaticRoutes = () => assets.routes();
