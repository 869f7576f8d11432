import { Router, type Request, type Response } from 'express';
import type { Access, Tenancy } from '../auth/tenancy.js';
import { notFound, unauthorized } from '../lib/errors.js';

import { assertValid, type JsonSchema } from '../lib/validation.js';
import { isId } from '../db/columns.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A route as declared once: it mounts the handler and describes itself in the OpenAPI document. */
export interface RouteSpec {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  /** JSON Schema of the request body: validated before the handler runs and published in OpenAPI. */
  body?: JsonSchema;
  /** Query parameters, for the document (values are validated by the handler). */
  query?: Record<string, { type: string; description: string }>;
  /** Status of a successful answer. */
  status?: number;
  /** `public`: no credentials. `agency`: any signed-in principal. `subaccount`: `:sid` checked by the tenancy guard. */
  auth?: 'public' | 'agency' | 'subaccount';
  /** Access needed; defaults to read for GET and write for everything else. */
  access?: Access;
}

export type Handler = (req: Request, res: Response) => unknown | Promise<unknown>;

export interface ApiContext {
  tenancy: Tenancy;
  /** Resolves the caller from the request, or null. */
  authenticate(req: Request): Promise<void>;
}

/** Collects routes so one table drives both Express and `GET /api/openapi.json`. */
export class ApiRoutes {
  readonly router = Router();
  readonly specs: RouteSpec[] = [];

  constructor(private readonly ctx: ApiContext) {}

  get tenancy(): Tenancy {
    return this.ctx.tenancy;
  }

  add(spec: RouteSpec, handler: Handler): void {
    this.specs.push(spec);
    const auth = spec.auth ?? 'subaccount';
    const access: Access = spec.access ?? (spec.method === 'get' ? 'read' : 'write');
    this.router[spec.method](spec.path, async (req: Request, res: Response) => {
      if (auth !== 'public') {
        await this.ctx.authenticate(req);
        if (!req.principal) throw unauthorized();
        // Every path id (`:sid`, `:iid`…) is a UUID: anything else names nothing, and must not reach the
        // database as such. Other parameters (an option list's `:name`) are words the handler checks.
        for (const [param, value] of Object.entries(req.params)) if (param.endsWith('id') && !isId(String(value))) throw notFound();
        if (auth === 'subaccount') {
          req.subaccount = await this.ctx.tenancy.subaccount(req.principal, String(req.params.sid), access);
        } else {
          this.ctx.tenancy.assertAccess(req.principal, access);
        }
      }
      if (spec.body) req.body = assertValid(spec.body, req.body ?? {});
      const result = await handler(req, res);
      if (res.headersSent) return;
      const status = spec.status ?? 200;
      if (status === 204 || result === undefined) res.status(status === 200 ? 204 : status).end();
      else res.status(status).json(result);
    });
  }
}
