import { createContext, useContext, useSyncExternalStore } from 'react';
import type { FlowEdge } from '../api/types';
import { createEdgeHover, type EdgeHover } from '../lib/edge-hover';

/** Where a "+" adds a node: in between on an edge, or after an output port. */
export type InsertTarget = { kind: 'edge'; edge: FlowEdge } | { kind: 'port'; source: string; port: string };

/** What nodes and edges on the canvas may do beyond React Flow's own props; one stable value per canvas. */
export interface CanvasActions {
  editable: boolean;
  /** Opens the node picker at a screen point for a "+". */
  openPicker(target: InsertTarget, at: { x: number; y: number }): void;
  /** The edge pointed at, which shows its "+". */
  edgeHover: EdgeHover;
}

export const CanvasActionsContext = createContext<CanvasActions>({ editable: false, openPicker: () => undefined, edgeHover: createEdgeHover() });

export const useCanvasActions = (): CanvasActions => useContext(CanvasActionsContext);

/** Whether the pointer is on edge `id`: re-renders only when that answer changes. */
export const useEdgeHovered = (hover: EdgeHover, id: string): boolean => useSyncExternalStore(hover.subscribe, () => hover.get() === id);
