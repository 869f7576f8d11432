import { useSyncExternalStore } from 'react';
import { formatRoute, parseRoute, type Route } from '../lib/route';

const listeners = new Set<() => void>();
let current = parseRoute(location.pathname, location.search);
let currentKey = location.pathname + location.search;
// Returns false to stop a navigation (the unsaved-changes guard).
let guard: (() => boolean) | null = null;

function refresh(): void {
  const key = location.pathname + location.search;
  if (key === currentKey) return;
  currentKey = key;
  current = parseRoute(location.pathname, location.search);
  for (const l of listeners) l();
}

window.addEventListener('popstate', refresh);

export function navigate(route: Route, { replace = false } = {}): void {
  if (guard && !guard()) return;
  const url = formatRoute(route);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  refresh();
}

export function setNavigationGuard(check: (() => boolean) | null): void {
  guard = check;
}

export function useRoute(): Route {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}
