import type { FromSchema } from 'json-schema-to-ts';
import { Op } from 'sequelize';
import type { Principal } from '../auth/principal.js';
import type { AuditLog } from '../audit/log.js';
import type { Billing } from '../billing/billing.js';
import { dayOf } from '../billing/clock.js';
import { countsOf, overLimits } from '../billing/counted-limits.js';
import { INTERVALS, PLAN_IDS, PLANS, planOf } from '../billing/plans.js';
import type { Models } from '../db/models/index.js';
import { badRequest, forbidden, HttpError } from '../lib/errors.js';
import type { ApiRoutes } from './routes.js';

const checkoutBody = {
  type: 'object',
  additionalProperties: false,
  required: ['plan', 'interval'],
  properties: { plan: { type: 'string', enum: PLAN_IDS }, interval: { type: 'string', enum: INTERVALS } },
} as const;
type CheckoutBody = FromSchema<typeof checkoutBody>;

const settingsBody = {
  type: 'object',
  additionalProperties: false,
  required: ['adminsManageBilling'],
  properties: { adminsManageBilling: { type: 'boolean' } },
} as const;
type SettingsBody = FromSchema<typeof settingsBody>;

const DAY_MS = 86_400_000;
const MAX_USAGE_DAYS = 400;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const billingOff = () => new HttpError(404, 'billing_disabled', 'Billing is off on this installation (STRIPE_SECRET_KEY is not set): there are no plans or limits to manage.');
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A `YYYY-MM-DD` query value as the UTC midnight it names, or a 400 naming the parameter. */
function dayParam(value: unknown, name: string): Date | null {
  if (value === undefined) return null;
  const at = typeof value === 'string' && DATE.test(value) ? new Date(`${value}T00:00:00Z`) : null;
  if (!at || Number.isNaN(at.getTime()) || dayOf(at) !== value) throw badRequest(`${name} must be a date written YYYY-MM-DD.`, [{ path: `/query/${name}`, message: 'is not a YYYY-MM-DD date' }]);
  return at;
}

/** `GET|PATCH /api/billing`, usage per day, plans, checkout and portal (CONTRACT §10). */
export function billingRoutes(api: ApiRoutes, deps: { models: Models; billing: Billing | null; audit: AuditLog }): void {
  const { models, billing, audit } = deps;

  /** Owners always; admins when an owner allowed it; every other role 403 (another agency never reaches this agency's billing). */
  async function assertManages(principal: Principal): Promise<void> {
    if (principal.kind === 'user' && principal.role === 'owner') return;
    if (principal.kind === 'user' && principal.role === 'admin') {
      const allowed = billing ? (await billing.accounts.get(principal.agencyId)).adminsManageBilling : true;
      if (allowed) return;
      throw forbidden('Only the agency’s owners manage billing here; an owner can let admins do it too.');
    }
    throw forbidden('Only the agency’s owners (and admins, if an owner allows it) see and change billing.');
  }

  async function overview(agencyId: string) {
    const counts = await countsOf(models, agencyId);
    if (!billing) {
      return { enabled: false, plan: null, status: 'disabled', periodStart: null, periodEnd: null, usage: { executions: null, ...counts }, limits: null, overLimits: [], heldExecutions: 0 };
    }
    const { standing, executions } = await billing.allowances.current(agencyId);
    const held = await billing.held.count(agencyId);
    return {
      enabled: true,
      plan: standing.plan,
      limitsPlan: standing.limitsPlan,
      interval: standing.interval,
      status: standing.status,
      periodStart: iso(standing.periodStart),
      periodEnd: iso(standing.periodEnd),
      trialEndsAt: iso(standing.trialEndsAt),
      graceEndsAt: iso(standing.graceEndsAt),
      adminsManageBilling: standing.adminsManageBilling,
      usage: { executions, ...counts },
      limits: standing.limits,
      // After a downgrade nothing is switched off: these say what is past the new plan and now blocks adding more.
      overLimits: overLimits(standing.limits, counts),
      heldExecutions: held,
    };
  }

  api.add({ method: 'get', path: '/api/billing', summary: 'The agency’s plan, status, period, usage and limits (owners; admins when allowed)', tag: 'billing', auth: 'agency' }, async (req) => {
    await assertManages(req.principal!);
    return overview(req.principal!.agencyId);
  });

  api.add(
    { method: 'patch', path: '/api/billing', summary: 'Let admins manage billing too, or not (owners only)', tag: 'billing', auth: 'agency', access: 'admin', body: settingsBody },
    async (req) => {
      const principal = req.principal!;
      if (principal.role !== 'owner') throw forbidden('Only an owner decides who manages billing.');
      if (!billing) throw billingOff();
      const body = req.body as SettingsBody;
      await billing.accounts.get(principal.agencyId);
      await models.BillingAccount.update({ adminsManageBilling: body.adminsManageBilling }, { where: { agencyId: principal.agencyId } });
      billing.allowances.forget(principal.agencyId);
      await audit.record(principal, { action: 'billing.updated', target: { type: 'billing', id: principal.agencyId }, fields: ['adminsManageBilling'] });
      return overview(principal.agencyId);
    },
  );

  api.add(
    {
      method: 'get', path: '/api/billing/usage', summary: 'Executions started per day (default: the current period)', tag: 'billing', auth: 'agency',
      query: { from: { type: 'string', description: 'First day, YYYY-MM-DD (UTC).' }, to: { type: 'string', description: 'Last day, YYYY-MM-DD (UTC), included.' } },
    },
    async (req) => {
      const principal = req.principal!;
      await assertManages(principal);
      if (!billing) throw billingOff();
      await billing.meter.flush();
      const standing = await billing.allowances.standing(principal.agencyId);
      const from = dayParam(req.query.from, 'from') ?? new Date(`${dayOf(standing.periodStart)}T00:00:00Z`);
      const to = dayParam(req.query.to, 'to') ?? new Date(`${dayOf(new Date(standing.periodEnd.getTime() - 1))}T00:00:00Z`);
      const days = Math.round((to.getTime() - from.getTime()) / DAY_MS) + 1;
      if (days < 1) throw badRequest('from must not be after to.', [{ path: '/query/from', message: 'is after to' }]);
      if (days > MAX_USAGE_DAYS) throw badRequest(`Ask for at most ${MAX_USAGE_DAYS} days at once.`, [{ path: '/query/to', message: `is more than ${MAX_USAGE_DAYS} days after from` }]);
      const rows = await models.UsageDay.findAll({ where: { agencyId: principal.agencyId, day: { [Op.gte]: dayOf(from), [Op.lte]: dayOf(to) } } });
      const byDay = new Map(rows.map((r) => [r.day, Number(r.executions)]));
      const series = Array.from({ length: days }, (_, i) => {
        const day = dayOf(new Date(from.getTime() + i * DAY_MS));
        return { day, executions: byDay.get(day) ?? 0 };
      });
      return { from: dayOf(from), to: dayOf(to), days: series, total: series.reduce((sum, d) => sum + d.executions, 0) };
    },
  );

  api.add({ method: 'get', path: '/api/billing/plans', summary: 'The plans, their prices and limits, and which can be bought here', tag: 'billing', auth: 'agency' }, () =>
    PLANS.map((plan) => ({
      ...plan,
      purchasable: Object.fromEntries(INTERVALS.map((interval) => [interval, !!billing?.settings.prices[`${plan.id}:${interval}`]])),
    })),
  );

  api.add(
    { method: 'post', path: '/api/billing/checkout', summary: 'A Stripe Checkout session for a plan and interval → {url}', tag: 'billing', auth: 'agency', body: checkoutBody },
    async (req) => {
      const principal = req.principal!;
      await assertManages(principal);
      if (!billing) throw billingOff();
      const body = req.body as CheckoutBody;
      const user = await models.User.findByPk(principal.actorUserId, { attributes: ['email'] });
      const url = await billing.sessions.checkout(principal.agencyId, user?.email ?? null, body.plan, body.interval);
      await audit.record(principal, { action: 'billing.checkout_started', target: { type: 'billing', id: principal.agencyId, name: `${planOf(body.plan).name} (${body.interval})` }, fields: ['plan', 'interval'] });
      return { url };
    },
  );

  api.add({ method: 'post', path: '/api/billing/portal', summary: 'A Stripe customer portal session → {url}', tag: 'billing', auth: 'agency' }, async (req) => {
    const principal = req.principal!;
    await assertManages(principal);
    if (!billing) throw billingOff();
    const user = await models.User.findByPk(principal.actorUserId, { attributes: ['email'] });
    return { url: await billing.sessions.portal(principal.agencyId, user?.email ?? null) };
  });
}
