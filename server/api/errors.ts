import type { NextFunction, Request, Response } from 'express';
import { UniqueConstraintError } from 'sequelize';
import { HttpError } from '../lib/errors.js';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  expose?: boolean;
  limit?: number;
}

/** The Content-Encoding a request claims, or null for none. */
function contentEncoding(req: Request): string | null {
  const value = String(req.headers['content-encoding'] ?? '').trim().toLowerCase();
  return value && value !== 'identity' ? value : null;
}

function toHttpError(err: unknown, req: Request): HttpError | null {
  if (err instanceof HttpError) return err;
  if (err instanceof UniqueConstraintError) return new HttpError(409, 'conflict', 'This conflicts with something that already exists.');
  const parserError = err as BodyParserError;
  switch (parserError?.type) {
    case 'entity.parse.failed':
      return new HttpError(400, 'invalid_json', 'The request body is not valid JSON.', [{ path: '/', message: parserError.message }]);
    case 'entity.too.large':
      return new HttpError(413, 'payload_too_large', `The request body is larger than the limit of ${parserError.limit} bytes.`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'unsupported_media_type', parserError.message);
    case 'request.aborted':
      return new HttpError(400, 'request_aborted', 'The request was aborted.');
  }
  // A path parameter that is not valid percent-encoding (the router's decode failed).
  if (err instanceof URIError) return invalidPath();
  // Other client errors from body-parser and raw-body carry `status` and `expose` (http-errors).
  const status = parserError?.status;
  if (parserError?.expose && typeof status === 'number' && status >= 400 && status < 500) {
    const encoding = contentEncoding(req);
    // A body that claims gzip, deflate, br or zstd but does not decompress (zlib's error).
    if (status === 400 && encoding) {
      return new HttpError(400, 'invalid_content_encoding', `The request body is not valid ${encoding} data, though its Content-Encoding says so.`);
    }
    return new HttpError(status, 'bad_request', parserError.message);
  }
  return null;
}

const invalidPath = () => new HttpError(400, 'invalid_path', 'The URL path is not valid percent-encoding (UTF-8).');

/** Answers 400 for a path that does not percent-decode, before any route (or logged param) sees it. */
export function requireDecodablePath(req: Request, _res: Response, next: NextFunction): void {
  try {
    decodeURIComponent(req.path);
  } catch {
    next(invalidPath());
    return;
  }
  next();
}

/** Every error leaves as the one JSON shape of CONTRACT §2; faults are logged, not shown. */
export function errorMiddleware(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  const known = toHttpError(err, req);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (known) {
    for (const [name, value] of Object.entries(known.headers)) res.setHeader(name, value);
    res.status(known.status).json(known.toJSON());
    return;
  }
  req.log?.error({ err }, 'unhandled error');
  res.status(500).json({ error: { code: 'internal_error', message: 'Something went wrong on our side; it has been logged.', details: [] } });
}

export function requireJson(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json')) {
    next(new HttpError(415, 'unsupported_media_type', 'Send the request body as JSON with "Content-Type: application/json".'));
    return;
  }
  next();
}
