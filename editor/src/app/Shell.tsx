import { useEffect, type ReactNode } from 'react';
import type { Route } from '../lib/route';
import { navigate } from './router';
import { useSession } from './session';
import { ThemeToggle } from '../components/ThemeToggle';
import { PlanLimitBanner } from '../components/PlanLimitBanner';
import { useBillingAccess } from './billing-access';
import { useWaitingApprovals } from './approvals-count';

/** The header every signed-in screen shares: agency, sub-account switcher, sections, the user. */
export function Shell({ route, children }: { route: Route; children: ReactNode }) {
  const me = useSession((s) => s.me)!;
  const signOut = useSession((s) => s.signOut);
  // Agency-wide pages (billing) keep the sections of the first sub-account at hand.
  const sid = 'sid' in route ? route.sid : me.subaccounts[0]?.id;
  const billing = useBillingAccess((s) => s.visible);
  const waiting = useWaitingApprovals(sid);
  useEffect(() => useBillingAccess.getState().check(me.user?.id ?? '', me.user?.role), [me.user?.id, me.user?.role]);
  return (
    <div className="shell">
      <header className="topbar">
        <strong className="brand">Switchboard</strong>
        <span className="agency" title={`Agency: ${me.agency?.name ?? ''}`}>{me.agency?.name}</span>
        {me.subaccounts.length > 0 && (
          <label className="switcher">
            <span className="sr-only">Sub-account</span>
            <select aria-label="Sub-account" value={sid ?? ''} onChange={(e) => navigate({ screen: 'flows', sid: e.target.value })}>
              {me.subaccounts.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {sid && (
          <nav aria-label="Sections">
            <a href="#" className={route.screen === 'flows' || route.screen === 'flow' ? 'active' : ''} onClick={(e) => (e.preventDefault(), navigate({ screen: 'flows', sid }))}>
              Flows
            </a>
            <a href="#" className={route.screen === 'executions' ? 'active' : ''} onClick={(e) => (e.preventDefault(), navigate({ screen: 'executions', sid }))}>
              Executions
            </a>
            <a href="#" className={route.screen === 'integrations' ? 'active' : ''} onClick={(e) => (e.preventDefault(), navigate({ screen: 'integrations', sid }))}>
              Integrations
            </a>
            <a href="#" className={route.screen === 'approvals' ? 'active' : ''} onClick={(e) => (e.preventDefault(), navigate({ screen: 'approvals', sid }))}>
              Approvals
              {/* Its name reads "Approvals, 2 waiting"; the words around the count are for screen readers only. */}
              {waiting && (
                <>
                  <span className="sr-only">, </span>
                  <span className="nav-badge" data-testid="approvals-badge">
                    {waiting}
                  </span>
                  <span className="sr-only"> waiting</span>
                </>
              )}
            </a>
            {billing && (
              <a href="/billing" className={route.screen === 'billing' ? 'active' : ''} onClick={(e) => (e.preventDefault(), navigate({ screen: 'billing' }))}>
                Billing
              </a>
            )}
          </nav>
        )}
        <span className="spacer" />
        <ThemeToggle />
        <span className="who" data-testid="who">
          <span className="who-email" title={me.user?.email}>
            {me.user?.email}
          </span>
          &nbsp;· {me.user?.role}
        </span>
        <button type="button" onClick={() => void signOut().then(() => navigate({ screen: 'signin' }, { replace: true }))}>
          Sign out
        </button>
      </header>
      <PlanLimitBanner />
      <div className="content">{children}</div>
    </div>
  );
}
