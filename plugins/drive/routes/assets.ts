// drive.css and drive.js: public like any static asset (the share-link page uses them
// signed out), versioned by content hash so they can be cached for a year.
import { join } from 'node:path';
import { pluginAssets } from '../../../core/http/plugin-assets.ts';

const assets = pluginAssets({ pluginId: 'drive', dir: join(import.meta.dirname, '../static'), files: ['drive.css', 'drive.js'] });

export const driveAssetUrl = (name: 'drive.css' | 'drive.js') => assets.url(name);
export const driveAssets = () => assets.routes();
