import type { KeyboardEvent } from 'react';
import { tabAfterKey } from '../lib/focus-order';

/**
 * The keys of a role="tablist": ← / → (and Home / End) move to the next tab and show it. Put on the
 * tablist's onKeyDown; give the shown tab tabIndex 0 and the others -1, so Tab goes on to the panel.
 */
export function onTabListKey(e: KeyboardEvent<HTMLElement>): void {
  const tabs = [...e.currentTarget.querySelectorAll<HTMLElement>('[role="tab"]')];
  const next = tabAfterKey(tabs.indexOf(e.target as HTMLElement), tabs.length, e.key);
  if (next === null) return;
  e.preventDefault();
  tabs[next]!.focus();
  tabs[next]!.click();
}
