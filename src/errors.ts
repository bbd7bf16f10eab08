/**
 * ApiError: a failure a handler or the pipeline answers in the error envelope. The code must be one the spec lists
 * for the operation and status; response validation (on in development and tests) catches any other.
 */
import { STATUS_CODES } from 'node:http';

export type ErrorDetail = { field: string; message: string };
export type ErrorEnvelope = { statusCode: number; error: string; code: string; message: string; details?: ErrorDetail[] };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
  }

  toEnvelope(): ErrorEnvelope {
    return envelope(this.status, this.code, this.message, this.details);
  }
}

export function envelope(status: number, code: string, message: string, details?: ErrorDetail[]): ErrorEnvelope {
  return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', code, message, ...(details ? { details } : {}) };
}
