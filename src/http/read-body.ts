/**
 * Reading a request body, called by the pipeline only after the caller is authenticated and authorized, so that an
 * unauthenticated or refused request never makes the server buffer its upload. Two bounds hold while reading:
 * the operation's own limit (413, a declared Content-Length refused before a byte is read, a chunked body as soon as
 * it passes the limit), and a budget for all bodies in flight at once (503 with Retry-After), so that many
 * concurrent large uploads cannot exhaust memory.
 */
import type { Context } from 'hono';
import { ApiError, apiError } from '../errors.js';
import type { Logger } from '../log.js';

/** The bytes all in-flight request bodies may hold together. */
export class BodyBudget {
  private used = 0;
  constructor(readonly capacityBytes: number) {}

  tryReserve(bytes: number): boolean {
    if (this.used + bytes > this.capacityBytes) return false;
    this.used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

const tooLarge = (limit: number) => apiError('PAYLOAD_TOO_LARGE', { message: `Request body exceeds ${limit} bytes` });
const busy = () => apiError('SERVICE_UNAVAILABLE', { message: 'Too many request bodies in flight; retry shortly' });

/** One request's body reader; `reserved` is what it holds of the budget until `release()`. */
export class BodyReader {
  private reserved = 0;

  constructor(
    private readonly c: Context,
    private readonly limitBytes: number,
    private readonly budget: BodyBudget,
    private readonly logger: Logger,
  ) {}

  private reserve(bytes: number) {
    if (!this.budget.tryReserve(bytes)) throw busy();
    this.reserved += bytes;
  }

  release() {
    this.budget.release(this.reserved);
    this.reserved = 0;
  }

  /**
   * The body text, or undefined when none was sent. With a Content-Length, Node's parser never delivers more bytes
   * than declared, so @hono/node-server's fast text path is safe once the declared size is checked; only chunked
   * bodies are streamed and counted. (Hono's bodyLimit middleware re-wraps every request in a new stream, which
   * measured here halved PATCH throughput.)
   */
  async read(): Promise<string | undefined> {
    const declared = this.c.req.header('content-length');
    try {
      if (declared !== undefined) {
        const size = Number(declared);
        if (size > this.limitBytes) throw tooLarge(this.limitBytes);
        this.reserve(size);
        return await this.c.req.text();
      }
      const stream = this.c.req.raw.body;
      if (!stream) return undefined;
      const reader = stream.getReader();
      const chunks: Uint8Array[] = [];
      let size = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > this.limitBytes) {
          await reader.cancel();
          throw tooLarge(this.limitBytes);
        }
        this.reserve(value.byteLength);
        chunks.push(value);
      }
      return Buffer.concat(chunks).toString('utf8');
    } catch (failure) {
      if (failure instanceof ApiError) throw failure;
      // The client went away mid-upload: nothing to answer to, and nothing an operator must act on.
      this.logger.info('request body aborted by the client', { path: this.c.req.path, reason: failure instanceof Error ? failure.message : String(failure) });
      throw apiError('VALIDATION_ERROR', { details: [{ field: 'body', message: 'the body ended before it was complete' }] });
    }
  }
}
