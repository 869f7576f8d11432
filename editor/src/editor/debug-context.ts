import { createContext, useContext } from 'react';
import type { Trigger } from '../api/types';

/** What the node panel's debugging tools need of the open flow (provided by the workbench). */
export interface Debugging {
  /** `/api/subaccounts/:sid` */
  base: string;
  flowId: string;
  triggers: Trigger[];
  editable: boolean;
  /** Saves unsaved changes first (node runs and listens use the saved flow); false when the save failed. */
  prepare(): Promise<boolean>;
}

export const DebugContext = createContext<Debugging | null>(null);

export const useDebugging = (): Debugging | null => useContext(DebugContext);
