import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as a fake service received it. */
export interface SentRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type FakeHandler = (request: SentRequest) => FakeAnswer | Promise<FakeAnswer>;

/** A real HTTP server standing in for a SaaS API: a route table (`"GET /v1/balance"`) and a record of what was sent. */
export interface FakeHttpServer {
  url: string;
  /** Every request received, in order. */
  sent: SentRequest[];
  route(method: string, path: string, handler: FakeHandler): void;
  close(): Promise<void>;
}

/** Starts a fake; `unknown` answers requests no route takes, in the service's own error shape. */
export async function startFakeHttp(unknown: FakeHandler): Promise<FakeHttpServer> {
  const routes = new Map<string, FakeHandler>();
  const sent: SentRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const request: SentRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      sent.push(request);
      const handler = routes.get(`${request.method} ${request.path}`) ?? unknown;
      Promise.resolve()
        .then(() => handler(request))
        .then(
          (answer) => {
            const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
            res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(text);
          },
          (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    route: (method, path, handler) => void routes.set(`${method.toUpperCase()} ${path}`, handler),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
