import { useEffect, useId, useState } from 'react';
import { api, messageOf } from '../api/client';
import type { BillingOverview, Plan, UsagePerDay } from '../api/integrations';
import { dailyChart, day, formatLimit, shortDay, usageBars } from '../lib/billing';
import '../styles/integrations.css';

const CHECKOUT_NOTICE: Record<string, string> = {
  success: 'Thank you: the payment went through. The new plan applies as soon as Stripe confirms it (usually within seconds).',
  cancelled: 'The checkout was cancelled; nothing changed.',
};

/** The agency's plan, status, period and usage against its limits; upgrade through Stripe Checkout, manage in Stripe's portal. */
export default function BillingScreen() {
  const [overview, setOverview] = useState<BillingOverview | null>(null);
  const [plans, setPlans] = useState<Plan[]>([]);
  const [perDay, setPerDay] = useState<UsagePerDay | null>(null);
  const [interval, setInterval] = useState<'monthly' | 'annual'>('monthly');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const notice = CHECKOUT_NOTICE[new URLSearchParams(location.search).get('checkout') ?? ''];

  useEffect(() => {
    Promise.all([api<BillingOverview>('GET', '/api/billing'), api<Plan[]>('GET', '/api/billing/plans')]).then(
      ([o, p]) => {
        setOverview(o);
        setPlans(p);
        if (o.interval) setInterval(o.interval);
      },
      (err) => setError(messageOf(err)),
    );
    // The current period's days (the endpoint's default); without billing it answers 404 and there is no chart.
    api<UsagePerDay>('GET', '/api/billing/usage').then(setPerDay, () => setPerDay(null));
  }, []);

  // Stripe's pages take over the tab; they send the browser back to /billing.
  const go = async (path: string, body?: unknown) => {
    setBusy(true);
    setError(null);
    try {
      const { url } = await api<{ url: string }>('POST', path, body);
      window.location.assign(url);
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };

  if (!overview) return <main className="page billing">{error ? <p role="alert" className="error">{error}</p> : <p>Loading…</p>}</main>;
  if (!overview.enabled) {
    return (
      <main className="page billing">
        <h1>Billing</h1>
        <p>Billing is off on this installation: there are no plans and no limits.</p>
      </main>
    );
  }
  const current = plans.find((p) => p.id === overview.plan);
  // A paid subscription on this plan and interval: choosing it again would start a second one.
  const subscribed = !!overview.interval && ['active', 'trialing', 'past_due'].includes(overview.status);
  return (
    <main className="page billing">
      <div className="page-head">
        <h1>Billing</h1>
        <button type="button" disabled={busy} onClick={() => void go('/api/billing/portal')}>
          Manage billing
        </button>
      </div>
      {notice && <p role="status">{notice}</p>}
      {error && <p role="alert" className="error">{error}</p>}
      <dl aria-label="Plan">
        <dt>Plan</dt>
        <dd data-testid="plan">
          {current?.name ?? overview.plan}
          {overview.interval ? ` (${overview.interval})` : ''}
          {overview.limitsPlan && overview.limitsPlan !== overview.plan ? ` — ${overview.limitsPlan}'s limits apply now` : ''}
        </dd>
        <dt>Status</dt>
        <dd data-testid="billing-status">{overview.status.replace(/_/g, ' ')}</dd>
        <dt>Period</dt>
        <dd>
          {day(overview.periodStart)} – {day(overview.periodEnd)}
        </dd>
        {overview.trialEndsAt && (
          <>
            <dt>Trial ends</dt>
            <dd>{day(overview.trialEndsAt)}</dd>
          </>
        )}
        {overview.graceEndsAt && (
          <>
            <dt>Payment grace ends</dt>
            <dd className="error">{day(overview.graceEndsAt)}: update the card under Manage billing to keep the plan.</dd>
          </>
        )}
      </dl>
      <h2>Usage</h2>
      <div className="bars">
        {usageBars(overview).map((bar) => (
          <div key={bar.key} className={`usage-bar ${bar.level}`} data-limit={bar.key}>
            <span>{bar.label}</span>
            <div className="track" role="meter" aria-label={bar.label} aria-valuemin={0} aria-valuemax={bar.max ?? undefined} aria-valuenow={bar.used}>
              <div className="fill" style={{ width: `${Math.round(bar.fill * 100)}%` }} />
            </div>
            <span>
              {bar.used.toLocaleString('en-US')} of {formatLimit(bar.max)}
            </span>
          </div>
        ))}
      </div>
      {perDay && <DailyUsage usage={perDay} />}
      {overview.heldExecutions > 0 && <p className="error">{overview.heldExecutions} execution(s) are held until the monthly limit allows: upgrade and they start at once.</p>}
      {overview.overLimits.map((o) => (
        <p key={o.limit} className="error">
          {o.message}
        </p>
      ))}
      <h2>Plans</h2>
      <label className="toggle">
        <input type="checkbox" checked={interval === 'annual'} onChange={(e) => setInterval(e.target.checked ? 'annual' : 'monthly')} />
        Pay annually
      </label>
      <div className="plan-cards">
        {plans.map((plan) => (
          <article key={plan.id} className="plan-card" aria-label={plan.name} aria-current={plan.id === overview.plan}>
            <h3>{plan.name}</h3>
            {plan.prices && (
              <p>
                ${plan.prices[interval]} / {interval === 'annual' ? 'year' : 'month'}
              </p>
            )}
            <p className="muted">
              {formatLimit(plan.limits.executionsPerMonth)} executions a month · {formatLimit(plan.limits.activeFlows)} active flows · {formatLimit(plan.limits.subaccounts)} sub-accounts · {formatLimit(plan.limits.users)} users
            </p>
            {plan.id === overview.plan && <span className="badge">current plan</span>}{' '}
            {plan.id === overview.plan && overview.interval === interval && subscribed ? null : plan.purchasable[interval] ? (
              <button type="button" className="primary" disabled={busy} onClick={() => void go('/api/billing/checkout', { plan: plan.id, interval })}>
                Choose {plan.name}
              </button>
            ) : (
              <span className="muted">not sold here</span>
            )}
          </article>
        ))}
      </div>
    </main>
  );
}

const CHART_HEIGHT = 100;
const BAR_WIDTH = 10;

/** Executions per day of the period as bars (plain SVG); the caption (the image's name for screen readers) sums it up, each bar's title says its day. */
function DailyUsage({ usage }: { usage: UsagePerDay }) {
  const chart = dailyChart(usage);
  const captionId = useId();
  return (
    <figure className="usage-chart" data-testid="usage-chart">
      <svg role="img" aria-labelledby={captionId} viewBox={`0 0 ${chart.bars.length * BAR_WIDTH} ${CHART_HEIGHT}`} preserveAspectRatio="none">
        {chart.bars.map((bar, i) => {
          // A day with any executions shows at least a sliver, so one run is visible beside a busy day.
          const height = bar.executions ? Math.max(2, bar.height * CHART_HEIGHT) : 0;
          return (
            <rect key={bar.day} data-day={bar.day} data-executions={bar.executions} x={i * BAR_WIDTH + 1} width={BAR_WIDTH - 2} y={CHART_HEIGHT - height} height={height}>
              <title>{bar.label}</title>
            </rect>
          );
        })}
      </svg>
      <div className="axis" aria-hidden="true">
        <span>{shortDay(usage.from)}</span>
        <span>most in a day: {chart.max.toLocaleString('en-US')}</span>
        <span>{shortDay(usage.to)}</span>
      </div>
      <figcaption id={captionId}>{chart.summary}</figcaption>
    </figure>
  );
}
