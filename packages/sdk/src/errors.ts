/**
 * The two ways a call fails, kept apart so that a caller never reads a status that is not there:
 *
 * - an **API error**: the server answered with the documented error envelope (`statusCode`, `code` from the
 *   operation's union, `message`, `details`); `result.response` is the answer;
 * - a **transport failure** (`HoodyTransportError`): no answer (network down, CORS refused, DNS), the call was
 *   aborted or timed out, or the answer is not the envelope (an HTML page from a proxy, Prism's problem+json);
 *   `result.response` is absent unless something answered.
 */
export type TransportErrorCode = 'NETWORK_ERROR' | 'TIMEOUT' | 'ABORTED' | 'UNEXPECTED_RESPONSE';

export class HoodyTransportError extends Error {
  readonly kind = 'transport' as const;
  readonly code: TransportErrorCode;
  /** The HTTP status when something answered (`UNEXPECTED_RESPONSE`), otherwise undefined. */
  readonly status: number | undefined;
  /** What was answered instead of the envelope (`UNEXPECTED_RESPONSE`), or the thrown fetch error. */
  override readonly cause: unknown;

  constructor(code: TransportErrorCode, message: string, status: number | undefined, cause: unknown) {
    super(message);
    this.name = 'HoodyTransportError';
    this.code = code;
    this.status = status;
    this.cause = cause;
  }
}

/** The envelope every documented error response carries. */
export type ErrorEnvelopeShape = { statusCode: number; error: string; code: string; message: string; details?: Array<{ field: string; message: string }> };

/** Thrown by `throwOnError` calls (and `for await` over a failing list) for an API error; `body` is the envelope. */
export class HoodyApiError<Body extends ErrorEnvelopeShape = ErrorEnvelopeShape> extends Error {
  readonly kind = 'api' as const;
  readonly body: Body;
  readonly code: Body['code'];
  readonly status: number;

  constructor(body: Body) {
    super(`${body.code}: ${body.message}`);
    this.name = 'HoodyApiError';
    this.body = body;
    this.code = body.code;
    this.status = body.statusCode;
  }
}

export function isTransportError(error: unknown): error is HoodyTransportError {
  return error instanceof HoodyTransportError;
}

export function isErrorEnvelope(body: unknown): body is ErrorEnvelopeShape {
  if (typeof body !== 'object' || body === null) return false;
  const { statusCode, code, message } = body as Record<string, unknown>;
  return typeof statusCode === 'number' && typeof code === 'string' && typeof message === 'string';
}

/** What a failed fetch threw, as a transport failure. */
export function transportFailure(thrown: unknown): HoodyTransportError {
  const name = (thrown as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError') return new HoodyTransportError('TIMEOUT', 'The request timed out', undefined, thrown);
  if (name === 'AbortError') return new HoodyTransportError('ABORTED', 'The request was aborted', undefined, thrown);
  const detail = thrown instanceof Error ? thrown.message : String(thrown);
  return new HoodyTransportError('NETWORK_ERROR', `No answer from the API (network failure or refused by CORS): ${detail}`, undefined, thrown);
}

/** The caller's own signal ended the call (whatever reason it aborted with). */
export function abortedBy(signal: AbortSignal): HoodyTransportError {
  return new HoodyTransportError('ABORTED', 'The request was aborted', undefined, signal.reason);
}

/** A non-2xx answer whose body is not the envelope. */
export function unexpectedResponse(status: number, body: unknown): HoodyTransportError {
  return new HoodyTransportError('UNEXPECTED_RESPONSE', `The API answered ${status} without the error envelope`, status, body);
}
