import type { Role } from '../api/types.js';

/** Who may change flows (CONTRACT §3): viewers read only, so the editor shows them no edit controls. */
export const canEdit = (role: Role | undefined): boolean => role === 'owner' || role === 'admin' || role === 'builder';
