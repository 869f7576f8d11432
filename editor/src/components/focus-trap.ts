import { nextInCycle } from '../lib/focus-order';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"]), [contenteditable="true"]';

/** The elements of `container` that Tab stops at, in order (those not rendered left out). */
export function tabStops(container: HTMLElement): HTMLElement[] {
  return [...container.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
}

/**
 * Keeps Tab and Shift+Tab inside a modal: from its last control to its first and back. A modal <dialog>
 * makes the page behind it inert, but Tab would still leave it for the browser's own controls.
 */
export function trapTab(e: KeyboardEvent, container: HTMLElement): void {
  if (e.key !== 'Tab') return;
  const stops = tabStops(container);
  const next = nextInCycle(stops.indexOf(e.target as HTMLElement), stops.length, e.shiftKey);
  if (next === null) return;
  e.preventDefault();
  stops[next]!.focus();
}
