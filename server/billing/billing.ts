import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import type { Router } from 'express';
import type { Config } from '../config.js';
import type { Models } from '../db/models/index.js';
import type { Runtime } from '../runtime/runtime.js';
import { BillingAccounts } from './accounts.js';
import { Allowances } from './allowances.js';
import { ApiRateLimiter } from './api-rate.js';
import { StripeSessions } from './checkout.js';
import { BillingClock } from './clock.js';
import { CountedLimits } from './counted-limits.js';
import { BillingGate } from './gate.js';
import { HeldExecutions } from './held.js';
import { PlanRetention } from './retention.js';
import type { BillingSettings } from './settings.js';
import { createStripe } from './stripe-client.js';
import { StripeEvents } from './stripe-events.js';
import { stripeWebhookRoutes } from './stripe-webhook.js';
import { UsageMeter } from './usage-meter.js';

/** Plans, usage and Stripe for one process (web or worker), when billing is on. */
export interface Billing {
  settings: BillingSettings;
  clock: BillingClock;
  accounts: BillingAccounts;
  allowances: Allowances;
  meter: UsageMeter;
  held: HeldExecutions;
  gate: BillingGate;
  /** Prunes each agency's finished executions past its plan's retention. */
  retention: PlanRetention;
  limits: CountedLimits;
  rate: ApiRateLimiter;
  stripe: Stripe;
  sessions: StripeSessions;
  events: StripeEvents;
  webhookRoutes(): Router;
  /** After a plan change: re-read the agency's limits and start what they now allow. */
  changed(agencyId: string): void;
  start(): void;
  stop(): Promise<void>;
}

/** Billing for a process, or null when STRIPE_SECRET_KEY is unset (no limits anywhere, nothing counted). */
export function createBilling(config: Config, deps: { models: Models; runtime: Runtime; logger: Logger; redis?: Redis }): Billing | null {
  const settings = config.billing;
  if (!settings) return null;
  const { models, runtime, logger } = deps;
  const sequelize = models.Agency.sequelize!;
  const clock = new BillingClock();
  const accounts = new BillingAccounts(models, settings.trialDays);
  const meter = new UsageMeter(sequelize, logger, () => clock.now());
  const allowances = new Allowances(models, accounts, meter, clock, settings.graceDays);
  const held = new HeldExecutions({ models, accounts, allowances, meter, clock, graceDays: settings.graceDays, runtime, logger });
  const gate = new BillingGate({ models, allowances, meter, held, clock });
  const stripe = createStripe(settings);
  const events = new StripeEvents({ models, accounts, settings });
  const retention = new PlanRetention({
    models,
    clock,
    graceDays: settings.graceDays,
    serverMinutes: config.executionRetentionMinutes || config.executionRetentionDays * 1440,
    logger,
  });
  const changed = (agencyId: string) => {
    allowances.forget(agencyId);
    void held.release();
  };
  return {
    settings,
    clock,
    accounts,
    allowances,
    meter,
    held,
    gate,
    retention,
    limits: new CountedLimits(models, allowances, clock),
    rate: new ApiRateLimiter(sequelize, deps.redis, allowances),
    stripe,
    sessions: new StripeSessions({ stripe, models, accounts, settings, publicUrl: config.publicUrl, clock }),
    events,
    webhookRoutes: () => stripeWebhookRoutes({ stripe, secret: settings.webhookSecret, events, logger, applied: changed }),
    changed,
    start() {
      meter.start();
      held.start();
      retention.start();
    },
    async stop() {
      await retention.stop();
      await held.stop();
      await meter.stop();
    },
  };
}
