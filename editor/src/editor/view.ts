import type { ReactFlowInstance } from '@xyflow/react';
import { addNote, newNote } from '../lib/notes';
import type { EditorStore } from './store';

/** The flow position at the middle of the visible canvas, where things added without a place go. */
export function viewCentre(flow: Pick<ReactFlowInstance, 'screenToFlowPosition'>): { x: number; y: number } {
  const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
  return flow.screenToFlowPosition(pane ? { x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 } : { x: 400, y: 300 });
}

/** Pans (at the same zoom) so that a node placed at `at` is in the visible canvas, when it is not already. */
export function revealNode(flow: Pick<ReactFlowInstance, 'flowToScreenPosition' | 'screenToFlowPosition' | 'setCenter' | 'getZoom'>, at: { x: number; y: number } | undefined): void {
  const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
  if (!pane || !at) return;
  const topLeft = flow.flowToScreenPosition(at);
  const bottomRight = flow.flowToScreenPosition({ x: at.x + 260, y: at.y + 100 });
  const inside = topLeft.x >= pane.left && topLeft.y >= pane.top && bottomRight.x <= pane.right && bottomRight.y <= pane.bottom;
  if (!inside) void flow.setCenter(at.x + 110, at.y + 40, { zoom: flow.getZoom(), duration: 200 });
}

/** Adds a sticky note centred on `at`; false when the flow already has as many notes as it may keep. */
export function addStickyNote(store: EditorStore, at: { x: number; y: number }): boolean {
  let added = false;
  store.getState().edit('add note', (d) => {
    const note = newNote(d.notes, { x: at.x - 120, y: at.y - 70 });
    added = addNote(d, note);
  });
  return added;
}
