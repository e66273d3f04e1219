// Typed errors of the blob store. Each carries a stable `code` (for logs, API
// bodies and tests) and an HTTP-ish `status` the edges map to their protocol.

export class BlobNotFoundError extends Error {
  readonly code = 'blob_not_found';
  readonly status = 404;
  constructor(readonly sha256: string) {
    super(`blob ${sha256} not found`);
    this.name = 'BlobNotFoundError';
  }
}

export class BlobTooLargeError extends Error {
  readonly code = 'blob_too_large';
  readonly status = 413;
  constructor(readonly maxBytes: number) {
    super(`blob exceeds the limit of ${maxBytes} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

export class InvalidBlobIdError extends Error {
  readonly code = 'invalid_blob_id';
  readonly status = 400;
  constructor(readonly value: unknown) {
    super(`invalid blob id ${JSON.stringify(String(value).slice(0, 80))}: expected 64 lowercase hex characters (sha256)`);
    this.name = 'InvalidBlobIdError';
  }
}

export class BlobIntegrityError extends Error {
  readonly code = 'blob_integrity';
  readonly status = 500;
  constructor(
    readonly expectedSha256: string,
    readonly actualSha256: string,
  ) {
    super(`blob content hashes to ${actualSha256}, expected ${expectedSha256}`);
    this.name = 'BlobIntegrityError';
  }
}
