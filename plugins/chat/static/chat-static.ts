// Chat's static files, served under /chat/static/<file> with a content hash in the URL
// (cached for a year); the CSP forbids inline script, so all behaviour lives in chat.js.
import { pluginAssets } from '../../../core/http/plugin-assets.ts';

const assets = pluginAssets({ pluginId: 'chat', dir: import.meta.dirname, files: ['chat.css', 'chat.js'] });

export const chatAssetUrl = (file: string): string => assets.url(file);
export const chatStaticRoutes = () => assets.routes();
