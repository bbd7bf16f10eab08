/** The framework-free request the pipeline handles, and what it answers; the HTTP adapter converts both ways. */
export type PlainRequest = {
  operationId: string;
  method: string;
  /** The path as sent, escaped to printable ASCII (it is recorded in the activity log). */
  path: string;
  /** The query string without `?`. */
  rawQuery: string;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  /** Path parameters as routed. */
  params: Record<string, string>;
  /**
   * Reads the body text (undefined when the operation takes none or none was sent). The pipeline calls it only once
   * the caller is authenticated and authorized; it throws ApiError 413 past the operation's limit and 503 past the
   * server's budget for bodies in flight.
   */
  readBody: () => Promise<string | undefined>;
  /** The caller's address (after TRUST_PROXY handling). */
  ip: string;
};

export type PlainResponse = { status: number; body: unknown; headers?: Record<string, string> };

export type ValidationIssue = { keyword: string; instancePath: string; params: Record<string, any>; message?: string; parentSchema?: Record<string, any> };

/** Request and response validation against the spec (openapi-backend, in src/http/). */
export interface SpecValidator {
  /** Validates and coerces a request; answers the coerced params and query, or the issues found. */
  validateRequest(
    operationId: string,
    request: { params: Record<string, string>; rawQuery: string; headers: Record<string, string | undefined>; body: unknown; bodyBytes: number },
  ): { valid: true; params: Record<string, unknown>; query: Record<string, unknown> } | { valid: false; issues: ValidationIssue[] };
  validateResponse(operationId: string, status: number, body: unknown): ValidationIssue[];
}
