/**
 * Error kind → HTTP status, in one table (moby's httpstatus.FromError), and
 * the one place the Engine API's `{"message": …}` error body is written.
 */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { errorKind, type ErrorKind } from '../errors.js';

const STATUS: Record<ErrorKind, number> = {
  not_found: 404,
  invalid_argument: 400,
  already_exists: 409,
  conflict: 409,
  failed_precondition: 412,
  permission_denied: 403,
  unauthenticated: 401,
  unavailable: 503,
  not_implemented: 501,
  data_loss: 500,
  internal: 500,
};

export function statusOf(err: unknown): number {
  return STATUS[errorKind(err)];
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function writeError(res: ServerResponse, err: unknown): void {
  const body = JSON.stringify({ message: messageOf(err) }) + '\n';
  if (res.headersSent) {
    // Mid-stream: the status line is gone; end the stream so the client sees it stop.
    res.destroy();
    return;
  }
  res.writeHead(statusOf(err), { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Same, for a request that asked to upgrade (hijack) and has only a raw socket. */
export function writeErrorToSocket(socket: Socket, err: unknown): void {
  const body = JSON.stringify({ message: messageOf(err) }) + '\n';
  const status = statusOf(err);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
