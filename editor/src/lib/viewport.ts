/**
 * Where the canvas opens, worked out before any node is drawn. React Flow's own fitView can only fit
 * once every node has been drawn and measured, at zoom 1; knowing the zoom from the first render lets a
 * big flow seen from afar mount cheap cards at once (see `isDetailed`). fitView still refines it once
 * the real sizes are known.
 */

/** Below this zoom a card's text is a few pixels high: cards show their outline, icon and status only. */
export const DETAIL_ZOOM = 0.4;

/** A card before it is measured: its CSS width and the height of a card with one port. */
export const CARD_ESTIMATE = { width: 220, height: 80 };

/** A compact card's size, fixed by its CSS (`.flow-node` width, `.flow-node.compact` height, border-box). */
export const COMPACT_CARD = { width: 220, height: 80 };

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

export interface FitOptions {
  minZoom: number;
  maxZoom: number;
  /** Margin around the nodes, as a share of their extent (React Flow's default is 0.1). */
  padding?: number;
}

export const isDetailed = (zoom: number): boolean => zoom >= DETAIL_ZOOM;

/** Where a node is, and its size when known (a sticky note's). */
export type Placed = { x: number; y: number; width?: number; height?: number };

/** The viewport that shows every node (of CARD_ESTIMATE size unless given) in a pane of `pane` size, centred. */
export function fitViewport(positions: ReadonlyArray<Placed | undefined>, pane: { width: number; height: number }, { minZoom, maxZoom, padding = 0.1 }: FitOptions): Viewport {
  if (!positions.length || pane.width <= 0 || pane.height <= 0) return { x: 0, y: 0, zoom: Math.min(1, maxZoom) };
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const p of positions) {
    const { x, y, width = CARD_ESTIMATE.width, height = CARD_ESTIMATE.height } = p ?? { x: 0, y: 0 };
    left = Math.min(left, x);
    top = Math.min(top, y);
    right = Math.max(right, x + width);
    bottom = Math.max(bottom, y + height);
  }
  const width = right - left;
  const height = bottom - top;
  // React Flow's fitView arithmetic (getViewportForBounds): a margin of padding / (1 + padding) of the
  // pane, in whole pixels, so that a flow whose sizes are known opens exactly as fitView would show it.
  const margin = (side: number) => 2 * Math.floor((side - side / (1 + padding)) / 2);
  const fit = Math.min((pane.width - margin(pane.width)) / width, (pane.height - margin(pane.height)) / height);
  const zoom = Math.max(minZoom, Math.min(maxZoom, fit));
  return { x: pane.width / 2 - (left + width / 2) * zoom, y: pane.height / 2 - (top + height / 2) * zoom, zoom };
}
