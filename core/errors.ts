// One error hierarchy for the whole appliance. Each edge (HTTP, IMAP, SMTP, DAV, CLI)
// maps these once: `kind` says which of the three protocol families of error it is
// (user error → NO/4xx, syntax → BAD/400, server → logged + generic reply), `status`
// is the HTTP equivalent, `code` is a stable machine-readable string.

export type ErrorKind = 'user' | 'syntax' | 'server';

export class CairnError extends Error {
  readonly code: string;
  readonly status: number;
  readonly kind: ErrorKind;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, opts: { status?: number; kind?: ErrorKind; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = opts.status ?? 400;
    this.kind = opts.kind ?? 'user';
    this.details = opts.details;
  }
}

/** The stream was not at the version the command was decided against. */
export class ConcurrencyError extends CairnError {
  constructor(readonly stream: string, readonly expected: string | number, readonly actual: number) {
    super('version_conflict', `stream ${stream} is at version ${actual}, expected ${expected}`, { status: 409, details: { stream, expected, actual } });
  }
}

export class ValidationError extends CairnError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('invalid_input', message, { status: 400, kind: 'syntax', ...(details ? { details } : {}) });
  }
}

export class NotFoundError extends CairnError {
  constructor(message = 'not found', code = 'not_found') {
    super(code, message, { status: 404 });
  }
}

export class UnauthorizedError extends CairnError {
  constructor(message = 'authentication required', code = 'unauthorized') {
    super(code, message, { status: 401 });
  }
}

export class ForbiddenError extends CairnError {
  constructor(message = 'not allowed', code = 'forbidden') {
    super(code, message, { status: 403 });
  }
}

export class ConflictError extends CairnError {
  constructor(message: string, code = 'conflict', details?: Record<string, unknown>) {
    super(code, message, { status: 409, ...(details ? { details } : {}) });
  }
}

export class LimitExceededError extends CairnError {
  constructor(message: string, code = 'limit_exceeded', status = 413) {
    super(code, message, { status });
  }
}

export class RateLimitedError extends CairnError {
  constructor(readonly retryAfterSeconds: number, message = 'too many attempts, try again later') {
    super('rate_limited', message, { status: 429, details: { retryAfterSeconds } });
  }
}

export class ConfigError extends CairnError {
  constructor(message: string) {
    super('config_error', message, { status: 500, kind: 'server' });
  }
}

export function isCairnError(e: unknown): e is CairnError {
  return e instanceof CairnError;
}
