import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Sequelize } from 'sequelize';
import { apiKeyRoutes } from './api/api-keys.js';
import { authRoutes } from './api/auth.js';
import { errorMiddleware, requireDecodablePath, requireJson } from './api/errors.js';
import { buildOpenApi } from './api/openapi.js';
import { operationsRoutes, type HealthProbes } from './api/operations.js';
import { ApiRoutes, type RouteSpec } from './api/routes.js';
import { subaccountRoutes } from './api/subaccounts.js';
import { userRoutes } from './api/users.js';
import { approvalRoutes } from './api/approvals.js';
import { executionRoutes } from './api/executions.js';
import { flowRoutes } from './api/flows.js';
import { flowDebuggingRoutes } from './api/flow-debugging.js';
import { TestListening } from './runtime/listening.js';
import { nodeRoutes } from './api/nodes.js';
import { nodeRegistry, type NodeRegistry } from '../nodes/registry.js';
import { attachRealtime } from './realtime/socket.js';
import type { EventBus } from './runtime/events.js';
import type { Runtime } from './runtime/runtime.js';
import { startRuntime, type RuntimeTuning } from './runtime/services.js';
import { registerRuntimeMetrics, stepDurations } from './runtime/metrics.js';
import { WebhookInbox } from './webhooks/inbox.js';
import { integrationRoutes } from './api/integrations.js';
import { templateRoutes } from './api/integration-templates.js';
import { auditRoutes } from './api/audit.js';
import { billingRoutes } from './api/billing.js';
import { createBilling, type Billing } from './billing/billing.js';
import { AuditLog } from './audit/log.js';
import { TemplateCatalog } from './integrations/catalog.js';
import { webhookRoutes } from './webhooks/intake.js';
import { ghlWebhookRoutes } from './webhooks/gohighlevel/intake.js';
import { GhlEventProcessor } from './webhooks/gohighlevel/processor.js';
import { ghlOAuthRoutes } from './api/ghl-oauth.js';
import { createLoginLimiter } from './auth/login-limiter.js';
import { createPassport } from './auth/passport.js';
import { Tenancy } from './auth/tenancy.js';
import type { Config } from './config.js';
import { createSequelize } from './db/database.js';
import { migrate } from './db/migrate.js';
import { defineModels, type Models } from './db/models/index.js';
import { HttpError } from './lib/errors.js';
import { httpLogging, webhookLogging } from './lib/http-logging.js';
import { verifyJsonDepth } from './lib/json-body.js';
import { createLogger } from './lib/logger.js';
import { createMetrics, type Metrics } from './lib/metrics.js';
import { serveEditor } from './editor.js';
import { stopListening } from './lib/stop-listening.js';

export interface AppOptions {
  logger?: Logger;
  tuning?: RuntimeTuning;
}

export interface App {
  config: Config;
  logger: Logger;
  sequelize: Sequelize;
  models: Models;
  metrics: Metrics;
  runtime: Runtime;
  bus: EventBus;
  registry: NodeRegistry;
  express: Express;
  server: Server;
  /** Every API route, as declared (the OpenAPI document is built from these). */
  routes: RouteSpec[];
  /** Plans, usage and Stripe; null when billing is off (STRIPE_SECRET_KEY unset). */
  billing: Billing | null;
  /** Starts listening; resolves with the base URL. */
  listen(): Promise<string>;
  /** Stops accepting, lets in-flight requests finish, then closes the database. */
  close(): Promise<void>;
}

export const JSON_LIMIT = '1mb';
const WEBHOOK_PATH = /^\/+webhooks(\/|$)/i;

function noSniff(_req: express.Request, res: express.Response, next: express.NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
}

/** Builds a whole Switchboard from a config: no globals, so tests build one per case. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const sequelize = createSequelize(config);
  await migrate(sequelize);
  const models = defineModels(sequelize);
  const metrics = createMetrics();
  const tenancy = new Tenancy(models);
  const passport = createPassport(models);
  const registry = await nodeRegistry();
  const services = await startRuntime(config, { models, registry, logger, observeStep: stepDurations(metrics) }, 'web', options.tuning);
  const { runtime, bus } = services;
  const probes: HealthProbes = services.redis ? { redis: () => services.redis!.ping(), queue: () => services.dispatcher.depth() } : {};
  registerRuntimeMetrics(metrics, models, services.dispatcher);
  const billing = createBilling(config, { models, runtime, logger, redis: services.redis });
  if (billing) runtime.gate = billing.gate;

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const inbox = new WebhookInbox(models, config.encryptionKey);
  // Webhook deliveries are the hot path and come from machines: their own short lane, without the
  // browser headers and the per-request log line every other route gets.
  const webhooks = express();
  // A 202 to a machine needs no ETag (Express would hash every answer's body for one).
  webhooks.set('etag', false);
  webhooks.set('trust proxy', 'loopback');
  webhooks.disable('x-powered-by');
  const listening = new TestListening(bus);
  const ghlEvents = new GhlEventProcessor({ models, runtime, registry, listening, logger, encryptionKey: config.encryptionKey, apiUrl: config.ghl.apiUrl, allowPrivateNetwork: config.allowPrivateNetwork });
  const ghlKeys = { ed25519: config.ghl.webhookPublicKey, rsa: config.ghl.webhookRsaPublicKey };
  // Before `/webhooks/:token`, which would take `gohighlevel` for a token.
  const ghlWebhooks = ghlWebhookRoutes({ models, keys: ghlKeys, logger, stored: () => ghlEvents.kick(), gate: billing?.gate });
  // `/webhooks/stripe` too comes before `/webhooks/:token`; without billing it is an unknown webhook (404).
  const stripeWebhooks = billing ? [billing.webhookRoutes()] : [];
  webhooks.use(webhookLogging(logger), metrics.middleware, requireDecodablePath, noSniff, ghlWebhooks, ...stripeWebhooks, webhookRoutes(inbox, runtime, listening));
  webhooks.use((req, _res, next) => next(new HttpError(404, 'route_not_found', `There is no ${req.method} ${req.path}.`)));
  app.use((req, res, next) => (WEBHOOK_PATH.test(req.path) ? webhooks(req, res, next) : next()));
  app.use(httpLogging(logger));
  app.use(metrics.middleware);
  app.use(helmet());
  app.use(cors({ origin: config.publicUrl, credentials: true }));
  app.use(requireDecodablePath);
  operationsRoutes(app, sequelize, metrics, () => probes, { metricsToken: config.metricsToken });

  // Billing on: every authenticated /api request counts against the agency's plan rate (429 past it).
  const authenticate = billing
    ? async (req: express.Request) => {
        await passport.authenticate(req);
        if (req.principal) await billing.rate.take(req.principal);
      }
    : passport.authenticate;
  const api = new ApiRoutes({ tenancy, authenticate });
  authRoutes(api, { models, sessionTtlMs: config.sessionTtlMs, limiter: createLoginLimiter(sequelize, services.redis), verifyLogin: passport.verifyLogin, bus });
  subaccountRoutes(api, models, billing?.limits);
  const audit = new AuditLog(models);
  const templates = new TemplateCatalog(models);
  userRoutes(api, models, bus, audit, billing?.limits);
  apiKeyRoutes(api, models, bus);
  nodeRoutes(api, registry);
  integrationRoutes(api, { models, encryptionKey: config.encryptionKey, allowPrivateNetwork: config.allowPrivateNetwork, templates, audit, ghlOAuth: !!config.ghl.oauth, onChanged: () => inbox.forget() });
  templateRoutes(api, { models, encryptionKey: config.encryptionKey, audit, onChanged: () => inbox.forget() });
  auditRoutes(api, models);
  ghlOAuthRoutes(api, { models, encryptionKey: config.encryptionKey, publicUrl: config.publicUrl, allowPrivateNetwork: config.allowPrivateNetwork, ghl: config.ghl, onChanged: () => inbox.forget() });
  flowRoutes(api, { models, registry, runtime, publicUrl: config.publicUrl, encryptionKey: config.encryptionKey, templates, audit, onFlowChanged: () => inbox.forget(), limits: billing?.limits });
  flowDebuggingRoutes(api, { models, registry, runtime, listening });
  executionRoutes(api, models, runtime);
  approvalRoutes(api, models, runtime);
  billingRoutes(api, { models, billing, audit });

  app.use('/api', requireJson, express.json({ limit: JSON_LIMIT, strict: false, verify: verifyJsonDepth }));
  app.get('/api/openapi.json', (_req, res) => {
    res.json(buildOpenApi(api.specs, config.publicUrl));
  });
  app.use(api.router);
  app.use('/api', (req, _res, next) => next(new HttpError(404, 'route_not_found', `There is no ${req.method} ${req.baseUrl}${req.path}.`)));
  serveEditor(app);
  app.use((req, _res, next) => next(new HttpError(404, 'route_not_found', `There is no ${req.method} ${req.path}.`)));
  app.use(errorMiddleware);

  ghlEvents.start();
  billing?.start();
  const server = createServer(app);
  server.keepAliveTimeout = 5_000;
  const io = attachRealtime(server, { models, tenancy, bus, publicUrl: config.publicUrl, logger });

  return {
    config,
    logger,
    sequelize,
    models,
    metrics,
    runtime,
    bus,
    registry,
    express: app,
    server,
    routes: api.specs,
    billing,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          const { port } = server.address() as AddressInfo;
          resolve(`http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`);
        });
      }),
    async close() {
      io.disconnectSockets(true);
      listening.close();
      await stopListening(server);
      await ghlEvents.stop();
      await billing?.stop();
      await services.close();
      await sequelize.close();
    },
  };
}
