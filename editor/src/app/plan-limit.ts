import { create } from 'zustand';
import { whenPlanLimit } from '../api/client';
import type { ErrorDetail } from '../api/types';
import { upgradeOf } from '../lib/billing';

/** The last action a plan limit refused (429 `plan_limit_reached`), shown with the way out until dismissed. */
export const usePlanLimit = create<{ message: string | null; upgradeTo: string | null; dismiss(): void }>((set) => ({
  message: null,
  upgradeTo: null,
  dismiss: () => set({ message: null, upgradeTo: null }),
}));

whenPlanLimit((message: string, details: ErrorDetail[]) => usePlanLimit.setState({ message, upgradeTo: upgradeOf(details) }));
