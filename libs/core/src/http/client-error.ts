import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE, problem, type Problem } from './problem.js';

/** What Node's HTTP parser refused, as problem JSON (Node's own answer has no body at all). */
export function clientErrorProblem(code: string | undefined): Problem {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return problem('request_header_fields_too_large', 431, 'The URL and headers together are over 16 KB', {
      title: 'Request header fields too large',
    });
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return problem('request_timeout', 408, 'The request took too long to arrive', { title: 'Request timeout' });
  }
  return problem('bad_request', 400, 'The request is not valid HTTP/1.1 (request line or headers)');
}

/**
 * Answers requests the HTTP parser refuses before Express sees them — a URL or headers over the
 * 16 KB limit (431), a malformed request line, a NUL or other control character in a header (400)
 * — with problem JSON, then closes the connection, as Node's default handler does.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A response already under way on this connection cannot be followed by another one.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const p = clientErrorProblem(error.code);
    const body = JSON.stringify(p);
    socket.end(
      `HTTP/1.1 ${p.status} ${STATUS_CODES[p.status]}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}
