import { createHash, randomBytes } from 'node:crypto';
import { Op } from 'sequelize';
import type { Models } from '../../db/models/index.js';
import type { OAuthStateRow } from '../../db/models/ghl.js';
import { badRequest } from '../../lib/errors.js';

/** Long enough to choose a location and approve; short enough that a leaked link soon stops working. */
export const STATE_TTL_MS = 10 * 60_000;

const hash = (state: string) => createHash('sha256').update(state).digest('hex');

export interface StateBinding {
  agencyId: string;
  subaccountId: string;
  userId: string;
  name: string | null;
  locationId: string | null;
}

/**
 * OAuth `state`s: random, bound to the person and sub-account that started the connection, stored only as
 * a hash, single use and short-lived. The callback is reached by a browser redirect from GoHighLevel with
 * no credentials of ours, so the state is what says whose connection it is.
 */
export class OAuthStates {
  constructor(private readonly models: Models) {}

  async issue(provider: string, binding: StateBinding): Promise<{ state: string; expiresAt: Date }> {
    const state = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + STATE_TTL_MS);
    // Lapsed states of nobody's are dropped as new ones are made: the table holds minutes of them.
    await this.models.OAuthState.destroy({ where: { expiresAt: { [Op.lt]: new Date() } } });
    await this.models.OAuthState.create({ stateHash: hash(state), provider, ...binding, expiresAt });
    return { state, expiresAt };
  }

  /** The binding of a state, used up by this call; a 400 a person can act on when it is unknown, used or expired. */
  async consume(provider: string, state: unknown): Promise<OAuthStateRow> {
    if (typeof state !== 'string' || !state || state.length > 200) {
      throw badRequest('The link has no valid "state": start the connection again from Switchboard.', [{ path: '/state', message: 'is missing' }], 'invalid_oauth_state');
    }
    const row = await this.models.OAuthState.findOne({ where: { stateHash: hash(state), provider } });
    // Deleting is what uses it: of two callbacks with one state, only the one whose delete counts goes on.
    const used = row ? await this.models.OAuthState.destroy({ where: { id: row.id } }) : 0;
    if (!row || !used) {
      throw badRequest('This connection link is unknown or was already used: start the connection again from Switchboard.', [{ path: '/state', message: 'is unknown or already used' }], 'invalid_oauth_state');
    }
    if (row.expiresAt.getTime() < Date.now()) {
      throw badRequest(`This connection link expired (they last ${STATE_TTL_MS / 60_000} minutes): start the connection again from Switchboard.`, [{ path: '/state', message: 'has expired' }], 'expired_oauth_state');
    }
    return row;
  }
}
