import type { Viewport } from '@xyflow/react';
import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import { fitViewport, isDetailed, type Placed } from '../lib/viewport';

export const ZOOM_LIMITS = { minZoom: 0.1, maxZoom: 1 };

/**
 * The viewport the canvas opens at, from the pane's size measured before React Flow first draws, and
 * whether cards show their detail at the current zoom. React Flow is drawn once `viewport` is known, so
 * a big flow seen from afar mounts its cheap cards first instead of 500 full ones at zoom 1. `refit`:
 * whether React Flow should fit the view again once the cards are measured (fixed at the opening).
 */
export function useOpeningView(positions: () => Array<Placed | undefined>) {
  const pane = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState<Viewport | null>(null);
  const [detailed, setDetailed] = useState(true);
  const [refit, setRefit] = useState(true);
  const positionsAtOpen = useRef(positions);
  useLayoutEffect(() => {
    const box = pane.current!.getBoundingClientRect();
    const opening = fitViewport(positionsAtOpen.current(), box, ZOOM_LIMITS);
    setViewport(opening);
    setDetailed(isDetailed(opening.zoom));
    // Compact cards have a known size (COMPACT_CARD), so the opening viewport is already the fit; full
    // cards' heights were estimated, and React Flow's fitView refines it once they are measured.
    setRefit(isDetailed(opening.zoom));
  }, []);
  // Every pan and zoom, by hand or by fitView and the zoom buttons; re-renders only when the answer flips.
  const onMove = useCallback((_: unknown, next: Viewport) => setDetailed(isDetailed(next.zoom)), []);
  return { pane, viewport, detailed, refit, onMove };
}
