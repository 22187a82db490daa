/**
 * Every failed request is answered here, once: a DistributionError becomes
 * its status and `{"errors":[{"code","message","detail"}]}`; anything else
 * is an internal error (500 UNKNOWN), logged, with its message. A failure
 * after the response has started (a blob stream broke) can only cut the
 * connection, so the client sees a short body and retries.
 */
import type { ServerResponse } from 'node:http';
import { DistributionError, codeInfo, type DistributionCode } from '../storage/errors.js';

export interface ErrorBody {
  errors: Array<{ code: string; message: string; detail?: unknown }>;
}

export function errorBody(code: DistributionCode, message?: string, detail?: unknown): ErrorBody {
  const entry: ErrorBody['errors'][number] = { code, message: message ?? codeInfo(code).message };
  if (detail !== undefined) entry.detail = detail;
  return { errors: [entry] };
}

export function sendError(res: ServerResponse, err: unknown, method: string, log: (line: string) => void): void {
  if (res.headersSent) {
    res.destroy(err instanceof Error ? err : undefined);
    return;
  }
  let status: number;
  let body: ErrorBody;
  if (err instanceof DistributionError) {
    status = err.status;
    body = { errors: [err, ...err.more].map((e) => ({ code: e.registryCode, message: e.message, ...(e.detail !== undefined ? { detail: e.detail } : {}) })) };
    for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  } else {
    status = 500;
    const message = err instanceof Error ? err.message : String(err);
    body = errorBody('UNKNOWN', message);
    log(`internal error: ${err instanceof Error ? (err.stack ?? message) : message}`);
  }
  sendJson(res, status, body, method);
}

/** A JSON answer with Content-Length (no body for HEAD). */
export function sendJson(res: ServerResponse, status: number, body: unknown, method: string, contentType = 'application/json'): void {
  const text = Buffer.from(JSON.stringify(body));
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', text.length);
  if (method === 'HEAD') res.end();
  else res.end(text);
}
