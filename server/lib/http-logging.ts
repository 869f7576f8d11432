import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

const SAFE_REQUEST_ID = /^[\w.:-]{1,64}$/;

/** Webhook paths whose second segment is a fixed name, not a token. */
const PUBLIC_WEBHOOKS = new Set(['gohighlevel', 'stripe']);

/** Request headers that reach the logs; every other header (tokens, signatures, cookies) never does. */
export const LOGGED_HEADERS = [
  'host',
  'user-agent',
  'accept',
  'content-type',
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'origin',
  'x-request-id',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-real-ip',
];

const safeDecode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

// An optional absolute-form origin (`http://host`), the leading slashes, the first segment, the second segment, the rest.
const URL_PARTS = /^([a-z][a-z\d+.-]*:\/\/[^/?#]*)?(\/+)([^/?#]*)\/([^/?#]+)(.*)$/is;

/**
 * Webhook tokens in paths are credentials: mask them before the URL is logged. The router matches paths
 * case-insensitively, so `/WEBHOOKS/<token>` is masked too (and, to be safe, a percent-encoded `webhooks`).
 */
export function maskUrl(url: string): string {
  const parts = URL_PARTS.exec(url);
  if (!parts) return url;
  const [, origin = '', slashes, first, second, rest] = parts;
  if (safeDecode(first).toLowerCase() !== 'webhooks' || PUBLIC_WEBHOOKS.has(safeDecode(second).toLowerCase())) return url;
  return `${origin}${slashes}${first}/[Redacted]${rest}`;
}

/** The allow-listed request headers, for the log. */
export function loggedHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept: IncomingHttpHeaders = {};
  for (const name of LOGGED_HEADERS) if (headers[name] !== undefined) kept[name] = headers[name];
  return kept;
}

export function httpLogging(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: requestId,
    serializers: {
      req(req: IncomingMessage & { id?: string; raw?: IncomingMessage }) {
        return { id: req.id, method: req.method, url: maskUrl(req.url ?? ''), headers: loggedHeaders(req.headers) };
      },
      res(res: { statusCode: number }) {
        return { statusCode: res.statusCode };
      },
    },
    customLogLevel(_req, res, err) {
      if (err || res.statusCode >= 500) return 'error';
      return 'info';
    },
  });
}

function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/**
 * Logging for webhook deliveries, the hot path: every delivery is already recorded (inbox row and
 * execution), so a line per accepted request is only written at `debug`; refusals at `warn` and faults
 * at `error`, in the same shape as other requests. No child logger or serializer runs per request.
 */
export function webhookLogging(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    const id = requestId(req, res);
    (req as unknown as { id: string }).id = id;
    req.log = logger;
    res.on('finish', () => {
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug';
      if (!logger.isLevelEnabled(level)) return;
      const line = { req: { id, method: req.method, url: maskUrl(req.originalUrl), headers: loggedHeaders(req.headers) }, res: { statusCode: res.statusCode }, responseTime: Math.round(performance.now() - started) };
      logger[level](line, 'request completed');
    });
    next();
  };
}
