import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
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
    genReqId(req, res) {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
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
