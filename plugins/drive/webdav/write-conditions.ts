import { DavPreconditionFailed } from '../../../core/dav/errors.ts';
import { ROOT, type NodeRow } from '../service/queries.ts';

/** If-Match / If-None-Match on a write (RFC 9110 §13.1.1–2): 412 when they do not hold. */
export function assertWriteConditions(h: Headers, current: NodeRow | typeof ROOT | undefined): void {
  const etag = current === undefined || current === ROOT ? undefined : `"${current.etag}"`;
  const im = h.get('If-Match');
  if (im !== null) {
    const ok = current !== undefined && (im.trim() === '*' || (etag !== undefined && im.split(',').some((t) => t.trim() === etag)));
    if (!ok) throw new DavPreconditionFailed();
  }
  const inm = h.get('If-None-Match');
  if (inm !== null && current !== undefined && (inm.trim() === '*' || (etag !== undefined && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)))) {
    throw new DavPreconditionFailed('the resource exists already');
  }
}
