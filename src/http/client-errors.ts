/**
 * Requests Node's HTTP parser refuses before any route runs (a malformed request line, headers over Node's limit, an
 * oversized chunk extension) are answered in the error envelope too, not with Node's bare status line, where the
 * socket can still take an answer. Like 404 and 405, these are outside every operation; their codes are
 * `BAD_REQUEST`, `REQUEST_HEADER_FIELDS_TOO_LARGE` and `PAYLOAD_TOO_LARGE` (docs/decisions.md, "Outside operations").
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { envelope } from '../errors.js';
import type { Logger } from '../log.js';

const REFUSALS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'REQUEST_HEADER_FIELDS_TOO_LARGE', 'Request headers are too large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'PAYLOAD_TOO_LARGE', 'Chunk extensions are too large'],
};

export function answerClientErrorsInEnvelope(server: Server, logger: Logger): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A client that went away, or a socket already answered, gets nothing more.
    if (error.code === 'ECONNRESET' || !socket.writable || (socket as { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    const [status, code, message] = REFUSALS[error.code ?? ''] ?? [400, 'BAD_REQUEST', 'Malformed HTTP request'];
    logger.info('request refused by the HTTP parser', { status, reason: error.code ?? error.message });
    const answer = envelope(status, code, message);
    const body = JSON.stringify(answer);
    socket.end(
      `HTTP/1.1 ${status} ${answer.error}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
