import { create } from 'zustand';
import { api } from '../api/client';
import type { BillingOverview } from '../api/integrations';
import type { Role } from '../api/types';
import { mayManageBilling } from '../lib/billing';

/**
 * Whether to show the billing page: only when billing is on (the server has a Stripe key) and this person
 * may manage it. Asked once per sign-in: builders and viewers never ask (the API would say 403).
 */
export const useBillingAccess = create<{ checkedFor: string | null; visible: boolean; check(userId: string, role: Role | undefined): void }>((set, get) => ({
  checkedFor: null,
  visible: false,
  check(userId, role) {
    if (get().checkedFor === userId) return;
    set({ checkedFor: userId, visible: false });
    if (!mayManageBilling(role)) return;
    api<BillingOverview>('GET', '/api/billing').then(
      (b) => get().checkedFor === userId && set({ visible: b.enabled }),
      () => undefined,
    );
  },
}));
