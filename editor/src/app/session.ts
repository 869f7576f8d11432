import { create } from 'zustand';
import { api, storedToken, storeToken } from '../api/client';
import type { Agency, Me, Subaccount, User } from '../api/types';

interface SessionState {
  token: string | null;
  me: Me | null;
  loading: boolean;
  load(): Promise<void>;
  signIn(email: string, password: string): Promise<void>;
  register(body: { email: string; password: string; agencyName: string; name?: string }): Promise<void>;
  signOut(): Promise<void>;
  forget(): void;
  addSubaccount(subaccount: Subaccount): void;
}

/** The session check on its way: a page load starts one (app/start.ts) that the app's own ask then shares. */
let checking: Promise<void> | null = null;

export const useSession = create<SessionState>((set, get) => ({
  token: storedToken(),
  me: null,
  loading: false,
  load() {
    if (!get().token) return Promise.resolve();
    checking ??= (async () => {
      set({ loading: true });
      try {
        set({ me: await api<Me>('GET', '/api/auth/me') });
      } finally {
        set({ loading: false });
        checking = null;
      }
    })();
    return checking;
  },
  async signIn(email, password) {
    const { token } = await api<{ token: string; user: User }>('POST', '/api/auth/login', { email, password });
    storeToken(token);
    set({ token, me: null });
    await get().load();
  },
  async register(body) {
    const { token } = await api<{ token: string; user: User; agency: Agency }>('POST', '/api/auth/register', body);
    storeToken(token);
    set({ token, me: null });
    await get().load();
  },
  async signOut() {
    try {
      await api('POST', '/api/auth/logout');
    } finally {
      get().forget();
    }
  },
  forget() {
    storeToken(null);
    set({ token: null, me: null });
  },
  addSubaccount(subaccount) {
    const me = get().me;
    if (me) set({ me: { ...me, subaccounts: [...me.subaccounts, subaccount] } });
  },
}));
