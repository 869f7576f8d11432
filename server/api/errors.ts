import type { NextFunction, Request, Response } from 'express';
import { UniqueConstraintError } from 'sequelize';
import { HttpError } from '../lib/errors.js';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

function toHttpError(err: unknown): HttpError | null {
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
  return null;
}

/** Every error leaves as the one JSON shape of CONTRACT §2; faults are logged, not shown. */
export function errorMiddleware(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  const known = toHttpError(err);
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
