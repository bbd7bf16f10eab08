/**
 * The one error module. ApiError is a failure answered in the error envelope: its code comes from the catalogue
 * (openapi/error-codes.yaml, as the typed table generated/error-codes.gen.ts), which also gives its status and
 * default message, so a throw site names only the code: `throw apiError('TOKEN_NOT_FOUND')`. The code must be one
 * the spec lists for the operation (test/architecture/error-codes-thrown.test.ts reads every handler's throw sites;
 * response validation, on in development and tests, catches any other at run time).
 *
 * The two other failures the pipeline maps to an answer live here too: a quota refusal (429) and an unreachable store
 * (503).
 */
import { STATUS_CODES } from 'node:http';
import { ERROR_CODES, type ErrorCode } from '../generated/error-codes.gen.js';

export type { ErrorCode };
export type ErrorDetail = { field: string; message: string };
export type ErrorEnvelope = { statusCode: number; error: string; code: string; message: string; details?: ErrorDetail[] };

export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code].message,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.status = ERROR_CODES[code].status;
  }

  toEnvelope(): ErrorEnvelope {
    return envelope(this.status, this.code, this.message, this.details);
  }
}

/** An ApiError for a catalogue code, with its default message unless another is given. */
export function apiError(code: ErrorCode, options: { message?: string; details?: ErrorDetail[] } = {}): ApiError {
  return new ApiError(code, options.message, options.details);
}

/** The envelope of an error answer; also for answers outside every operation (404, 405, Node's own refusals). */
export function envelope(status: number, code: string, message: string, details?: ErrorDetail[]): ErrorEnvelope {
  return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', code, message, ...(details ? { details } : {}) };
}

/** A request quota is used up: answered 429 RATE_LIMITED with the quota's headers and Retry-After. */
export class RateLimitedError extends Error {
  constructor(readonly quota: { headers: Record<string, string>; retryAfterSeconds: number }) {
    super(`rate limited; retry after ${quota.retryAfterSeconds} seconds`);
  }
}

/**
 * The store cannot reach its database, or the database refused or cancelled the statement (no free connection, a
 * lock not had within the lock timeout, past the statement timeout); the request changed nothing and may be retried
 * (503).
 */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
