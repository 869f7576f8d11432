import { createContext, useContext } from 'react';

/**
 * Whether the canvas is zoomed in enough for cards to show their text (lib/viewport.ts DETAIL_ZOOM).
 * One value for the whole canvas, changed only when the zoom crosses that line, so panning and zooming
 * re-render no card.
 */
export const CanvasDetailContext = createContext(true);

export const useCanvasDetailed = (): boolean => useContext(CanvasDetailContext);
