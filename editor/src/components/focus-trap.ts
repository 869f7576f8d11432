import { useEffect, useState } from 'react';
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

/**
 * Gives the focus back, when the calling component goes away, to what had it when the component was
 * first rendered (the button that opened a dialog or a picker), if the focus went away with the component
 * rather than somewhere the person moved it.
 */
export function useReturnFocus(): void {
  // Read while rendering: autofocus inside the component moves the focus before any effect runs.
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  useEffect(
    () => () => {
      // After React has removed the component; the opener may be gone too (a deleted row), then nothing to do.
      requestAnimationFrame(() => {
        const lost = !document.activeElement || document.activeElement === document.body;
        if (lost && opener?.isConnected && !document.querySelector('dialog[open]')) opener.focus();
      });
    },
    [opener],
  );
}
