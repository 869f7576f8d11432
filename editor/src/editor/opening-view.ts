import type { Viewport } from '@xyflow/react';
import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import { fitViewport, isDetailed } from '../lib/viewport';

export const ZOOM_LIMITS = { minZoom: 0.1, maxZoom: 1 };

/**
 * The viewport the canvas opens at, from the pane's size measured before React Flow first draws, and
 * whether cards show their detail at the current zoom. React Flow is drawn once `viewport` is known, so
 * a big flow seen from afar mounts its cheap cards first instead of 500 full ones at zoom 1.
 */
export function useOpeningView(positions: () => Array<{ x: number; y: number } | undefined>) {
  const pane = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState<Viewport | null>(null);
  const [detailed, setDetailed] = useState(true);
  const positionsAtOpen = useRef(positions);
  useLayoutEffect(() => {
    const box = pane.current!.getBoundingClientRect();
    const opening = fitViewport(positionsAtOpen.current(), box, ZOOM_LIMITS);
    setViewport(opening);
    setDetailed(isDetailed(opening.zoom));
  }, []);
  // Every pan and zoom, by hand or by fitView and the zoom buttons; re-renders only when the answer flips.
  const onMove = useCallback((_: unknown, next: Viewport) => setDetailed(isDetailed(next.zoom)), []);
  return { pane, viewport, detailed, onMove };
}
