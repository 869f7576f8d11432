import { createContext, useContext } from 'react';
import type { FlowEdge } from '../api/types';

/** Where a "+" adds a node: in between on an edge, or after an output port. */
export type InsertTarget = { kind: 'edge'; edge: FlowEdge } | { kind: 'port'; source: string; port: string };

/** What nodes and edges on the canvas may do beyond React Flow's own props; one stable value per canvas. */
export interface CanvasActions {
  editable: boolean;
  /** Opens the node picker at a screen point for a "+". */
  openPicker(target: InsertTarget, at: { x: number; y: number }): void;
}

export const CanvasActionsContext = createContext<CanvasActions>({ editable: false, openPicker: () => undefined });

export const useCanvasActions = (): CanvasActions => useContext(CanvasActionsContext);
