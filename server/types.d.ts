import type { Logger } from 'pino';
import type { Principal } from './auth/principal.js';
import type { SubaccountRow } from './db/models/accounts.js';

declare global {
  namespace Express {
    interface Request {
      principal?: Principal;
      subaccount?: SubaccountRow;
      rawBody?: Buffer;
    }
  }
}
