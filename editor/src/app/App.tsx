import { lazy, Suspense, useEffect, useState } from 'react';
import { messageOf, whenUnauthorized } from '../api/client';
import { canEdit } from '../lib/roles';
import { FlowsScreen } from '../screens/FlowsScreen';
import { ExecutionsScreen } from '../screens/ExecutionsScreen';
import { NoSubaccount } from '../screens/NoSubaccount';
import { SignInScreen } from '../screens/SignInScreen';
import { FlowScreen } from './FlowScreen';
import { navigate, useRoute } from './router';
import { useSession } from './session';
import { Shell } from './Shell';

// The canvas (React Flow, forms, dagre) loads only when a flow is opened (FlowScreen); a page load that
// opens on a flow starts it, the flow and the catalog right away (app/start.ts).
// Integrations (with @rjsf for the setup forms) and billing load when first opened.
const IntegrationsScreen = lazy(() => import('../screens/IntegrationsScreen'));
const BillingScreen = lazy(() => import('../screens/BillingScreen'));
const ApprovalsScreen = lazy(() => import('../screens/ApprovalsScreen'));

export function App() {
  const route = useRoute();
  const token = useSession((s) => s.token);
  const me = useSession((s) => s.me);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    whenUnauthorized(() => {
      useSession.getState().forget();
      navigate({ screen: 'signin' }, { replace: true });
    });
  }, []);

  useEffect(() => {
    if (token && !me) useSession.getState().load().catch((err) => setError(messageOf(err)));
  }, [token, me]);

  const firstSid = me?.subaccounts[0]?.id;
  const atEntry = route.screen === 'home' || route.screen === 'signin' || route.screen === 'register';
  useEffect(() => {
    if (me && atEntry && firstSid) navigate({ screen: 'flows', sid: firstSid }, { replace: true });
  }, [me, atEntry, firstSid]);

  if (!token) return <SignInScreen mode={route.screen === 'register' ? 'register' : 'signin'} />;
  if (!me) return <main className="centered">{error ? <p role="alert" className="error">{error}</p> : <p>Loading…</p>}</main>;
  const editable = canEdit(me.user?.role);
  let screen;
  switch (route.screen) {
    case 'flows':
      screen = <FlowsScreen sid={route.sid} editable={editable} />;
      break;
    case 'executions':
      screen = <ExecutionsScreen sid={route.sid} />;
      break;
    case 'integrations':
      screen = (
        <Suspense fallback={<p className="centered">Loading…</p>}>
          <IntegrationsScreen key={route.sid} sid={route.sid} editable={editable} role={me.user?.role} />
        </Suspense>
      );
      break;
    case 'approvals':
      screen = (
        <Suspense fallback={<p className="centered">Loading…</p>}>
          <ApprovalsScreen key={route.sid} sid={route.sid} editable={editable} />
        </Suspense>
      );
      break;
    case 'billing':
      screen = (
        <Suspense fallback={<p className="centered">Loading…</p>}>
          <BillingScreen />
        </Suspense>
      );
      break;
    case 'flow':
      screen = <FlowScreen key={route.fid} sid={route.sid} fid={route.fid} executionId={route.executionId} editable={editable} />;
      break;
    default:
      screen = firstSid ? <p className="centered">Loading…</p> : <NoSubaccount />;
  }
  return <Shell route={route}>{screen}</Shell>;
}
