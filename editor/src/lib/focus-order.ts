/**
 * Where Tab goes in a cycle of `count` stops when it would leave them: from the last to the first, from
 * the first back to the last (Shift+Tab), and into the cycle from outside it (`current` -1). Null when the
 * browser's own move stays inside.
 */
export function nextInCycle(current: number, count: number, back: boolean): number | null {
  if (count === 0) return null;
  if (current === -1) return back ? count - 1 : 0;
  if (back && current === 0) return count - 1;
  if (!back && current === count - 1) return 0;
  return null;
}

/**
 * The tab an arrow key moves to in a tab list of `count` tabs (wrapping, Home and End to the ends), as the
 * ARIA tabs pattern has it; null for any other key.
 */
export function tabAfterKey(current: number, count: number, key: string): number | null {
  if (count === 0) return null;
  switch (key) {
    case 'ArrowRight':
      return (current + 1) % count;
    case 'ArrowLeft':
      return (current - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
