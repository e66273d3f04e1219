/** DAV (/dav/…) authenticates with HTTP Basic on every request and never with cookies. */
export function isDavPath(path: string): boolean {
  return path === '/dav' || path.startsWith('/dav/');
}
