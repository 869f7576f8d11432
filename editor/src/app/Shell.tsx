import type { ReactNode } from 'react';
import type { Route } from '../lib/route';
import { navigate } from './router';
import { useSession } from './session';
import { ThemeToggle } from '../components/ThemeToggle';

/** The header every signed-in screen shares: agency, sub-account switcher, sections, the user. */
export function Shell({ route, children }: { route: Route; children: ReactNode }) {
  const me = useSession((s) => s.me)!;
  const signOut = useSession((s) => s.signOut);
  const sid = 'sid' in route ? route.sid : undefined;
  return (
    <div className="shell">
      <header className="topbar">
        <strong className="brand">Switchboard</strong>
        <span className="agency" title="Agency">{me.agency?.name}</span>
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
          </nav>
        )}
        <span className="spacer" />
        <ThemeToggle />
        <span className="who" data-testid="who">
          {me.user?.email} · {me.user?.role}
        </span>
        <button type="button" onClick={() => void signOut().then(() => navigate({ screen: 'signin' }, { replace: true }))}>
          Sign out
        </button>
      </header>
      <div className="content">{children}</div>
    </div>
  );
}
