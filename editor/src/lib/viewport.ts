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

/** The viewport that shows every node (estimated at CARD_ESTIMATE) in a pane of `pane` size, centred. */
export function fitViewport(positions: ReadonlyArray<{ x: number; y: number } | undefined>, pane: { width: number; height: number }, { minZoom, maxZoom, padding = 0.1 }: FitOptions): Viewport {
  if (!positions.length || pane.width <= 0 || pane.height <= 0) return { x: 0, y: 0, zoom: Math.min(1, maxZoom) };
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const p of positions) {
    const { x, y } = p ?? { x: 0, y: 0 };
    left = Math.min(left, x);
    top = Math.min(top, y);
    right = Math.max(right, x + CARD_ESTIMATE.width);
    bottom = Math.max(bottom, y + CARD_ESTIMATE.height);
  }
  const width = right - left;
  const height = bottom - top;
  const fit = Math.min(pane.width / (width * (1 + padding)), pane.height / (height * (1 + padding)));
  const zoom = Math.max(minZoom, Math.min(maxZoom, fit));
  return { x: pane.width / 2 - (left + width / 2) * zoom, y: pane.height / 2 - (top + height / 2) * zoom, zoom };
}
