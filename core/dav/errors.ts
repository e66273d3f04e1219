// DAV-specific errors. Everything else a backend throws is a core/errors.ts error,
// mapped once by the engine (dav-errors → HTTP status + RFC 4918 §16 error body).
import { CairnError } from '../errors.ts';
import type { Clark } from './types.ts';

/**
 * A failed RFC precondition or postcondition: rendered as `<d:error><precondition/></d:error>`
 * with its status (RFC 4918 §16: 403 or 409 mostly; RFC 4791 §5.3.2.1 and RFC 6352 §6.3.2.1
 * list valid-calendar-data, no-uid-conflict, max-resource-size, …).
 */
export class DavPreconditionError extends CairnError {
  constructor(readonly condition: Clark, message: string, status = 403, readonly extraXml = '') {
    super('dav_precondition', message, { status, details: { condition } });
  }
}

/** If-Match / If-None-Match did not hold (RFC 9110 §13.1): 412. */
export class DavPreconditionFailed extends CairnError {
  constructor(message = 'the resource has changed (ETag mismatch)') {
    super('precondition_failed', message, { status: 412 });
  }
}
