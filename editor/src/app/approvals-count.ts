import { useEffect } from 'react';
import { create } from 'zustand';
import { api } from '../api/client';
import type { Approval, Page } from '../api/types';
import './approvals.css';

// How many approvals wait in the open sub-account, for the badge in the header. Polled (approvals appear
// when any execution reaches an approval node, which no per-flow socket room announces) and refreshed at
// once after a decision or when the window gets focus again.

const POLL_MS = 20_000;
const PAGE = 200;

interface ApprovalsCount {
  sid: string | null;
  /** Waiting approvals; `more` when there are over a page of them (shown as "200+"). */
  count: number;
  more: boolean;
  refresh(sid: string): Promise<void>;
}

export const useApprovalsCount = create<ApprovalsCount>((set) => ({
  sid: null,
  count: 0,
  more: false,
  async refresh(sid) {
    try {
      const page = await api<Page<Approval>>('GET', `/api/subaccounts/${sid}/approvals?status=pending&limit=${PAGE}`);
      set({ sid, count: page.items.length, more: !!page.nextCursor });
    } catch {
      // The badge is a hint: a failed poll keeps the last count (the inbox shows the error itself).
    }
  },
}));

/** Keeps the count of the sub-account `sid` fresh while the header is on screen. */
export function useWaitingApprovals(sid: string | undefined): string | null {
  // Two primitive selections: a selector returning a new object each time makes React re-render forever (#185).
  const count = useApprovalsCount((s) => (s.sid === sid ? s.count : 0));
  const more = useApprovalsCount((s) => s.sid === sid && s.more);
  useEffect(() => {
    if (!sid) return;
    const refresh = () => void useApprovalsCount.getState().refresh(sid);
    refresh();
    const timer = setInterval(refresh, POLL_MS);
    window.addEventListener('focus', refresh);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', refresh);
    };
  }, [sid]);
  return count ? `${count}${more ? '+' : ''}` : null;
}
