// Typed errors of chunked uploads; the edges (WebDAV, the browser's JSON routes) map
// them by status like every other CairnError.
import { CairnError, ConflictError, LimitExceededError, NotFoundError, ValidationError } from '../../../core/errors.ts';

export class UploadNotFoundError extends NotFoundError {
  constructor() { super('no such upload (finished, aborted, or purged after a day untouched)', 'upload_not_found'); }
}

export class UploadExistsError extends CairnError {
  // RFC 4918 §9.3.1: MKCOL on an existing resource is 405.
  constructor() { super('upload_exists', 'an upload with that id exists already', { status: 405 }); }
}

export class BadChunkError extends ValidationError {
  constructor(message: string) { super(message, { code: 'bad_chunk' }); }
}

export class TooManyUploadsError extends LimitExceededError {
  constructor(max: number) { super(`at most ${max} uploads may be open at once: finish or abort some`, 'too_many_uploads', 429); }
}

export class ChunkTooLargeError extends LimitExceededError {
  constructor(max: number) { super(`a chunk is at most ${max} bytes`, 'chunk_too_large', 413); }
}

/** The chunks do not add up to the announced total length (OC-Total-Length). */
export class LengthMismatchError extends ValidationError {
  constructor(expected: number, actual: number) { super(`the chunks hold ${actual} bytes, ${expected} were announced`, { code: 'length_mismatch' }); }
}

/** Another request is assembling or writing this upload right now. */
export class UploadBusyError extends ConflictError {
  constructor() { super('this upload is being assembled or written by another request', 'upload_busy'); }
}
