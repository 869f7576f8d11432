import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

const SAFE_REQUEST_ID = /^[\w.:-]{1,64}$/;

/** Webhook tokens in paths are credentials: mask them before the URL is logged. */
export const maskUrl = (url: string): string => url.replace(/^\/webhooks\/(?!gohighlevel\b|stripe\b)[^/?]+/, '/webhooks/[Redacted]');

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
        const headers = { ...req.headers };
        return { id: req.id, method: req.method, url: maskUrl(req.url ?? ''), headers };
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
