import type { ReactNode } from 'react';

/**
 * The three states of a list read from the API: not loaded yet (null), loaded and empty (a sentence
 * saying so), loaded with items (rendered by the caller).
 */
export function Listing<T>({ items, empty, emptyClassName = 'empty', children }: { items: T[] | null; empty: ReactNode; emptyClassName?: string; children(items: T[]): ReactNode }) {
  if (!items) return <p>Loading…</p>;
  if (items.length === 0) return <p className={emptyClassName}>{empty}</p>;
  return <>{children(items)}</>;
}
