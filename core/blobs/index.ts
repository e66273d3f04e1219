export {
  BlobStore,
  DEFAULT_GC_GRACE_MS,
  DEFAULT_MAX_BLOB_BYTES,
  SHA256_RE,
  STALE_TMP_MS,
  WRITE_BATCH_BYTES,
  assertBlobId,
  isBlobId,
} from './blob-store.ts';
export type {
  BlobGcOptions,
  BlobGcResult,
  BlobInfo,
  BlobRange,
  BlobSource,
  BlobStat,
  BlobStoreOptions,
  BlobWriteOptions,
} from './blob-store.ts';
export { BlobIntegrityError, BlobNotFoundError, BlobTooLargeError, InvalidBlobIdError } from './errors.ts';
export { InlineBlobs, INLINE_MAX_BYTES, MAX_STAGED_BYTES, STAGED_TTL_MS } from './inline-blobs.ts';
