/** The editor's screens, as URLs a person can bookmark and share. */
export type Route =
  | { screen: 'signin' }
  | { screen: 'register' }
  | { screen: 'home' }
  | { screen: 'flows'; sid: string }
  | { screen: 'flow'; sid: string; fid: string; executionId?: string }
  | { screen: 'executions'; sid: string; executionId?: string }
  | { screen: 'integrations'; sid: string }
  | { screen: 'approvals'; sid: string }
  | { screen: 'billing' };

export function parseRoute(pathname: string, search = ''): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(search);
  if (parts[0] === 'signin') return { screen: 'signin' };
  if (parts[0] === 'register') return { screen: 'register' };
  // Stripe's checkout and portal send the browser back here.
  if (parts[0] === 'billing') return { screen: 'billing' };
  if (parts[0] === 's' && parts[1]) {
    const sid = parts[1];
    if (parts[2] === 'flows' && parts[3]) {
      const executionId = query.get('execution') ?? undefined;
      return { screen: 'flow', sid, fid: parts[3], ...(executionId ? { executionId } : {}) };
    }
    if (parts[2] === 'executions') {
      // The execution whose details the screen shows beside the list.
      const executionId = query.get('execution') ?? undefined;
      return { screen: 'executions', sid, ...(executionId ? { executionId } : {}) };
    }
    if (parts[2] === 'integrations') return { screen: 'integrations', sid };
    if (parts[2] === 'approvals') return { screen: 'approvals', sid };
    return { screen: 'flows', sid };
  }
  return { screen: 'home' };
}

export function formatRoute(route: Route): string {
  const e = encodeURIComponent;
  switch (route.screen) {
    case 'signin':
      return '/signin';
    case 'register':
      return '/register';
    case 'home':
      return '/';
    case 'flows':
      return `/s/${e(route.sid)}/flows`;
    case 'executions':
      return `/s/${e(route.sid)}/executions${route.executionId ? `?execution=${e(route.executionId)}` : ''}`;
    case 'integrations':
      return `/s/${e(route.sid)}/integrations`;
    case 'approvals':
      return `/s/${e(route.sid)}/approvals`;
    case 'billing':
      return '/billing';
    case 'flow':
      return `/s/${e(route.sid)}/flows/${e(route.fid)}${route.executionId ? `?execution=${e(route.executionId)}` : ''}`;
  }
}
