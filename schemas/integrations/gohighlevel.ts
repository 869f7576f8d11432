import { ghlClient } from '../../nodes/ghl/lib/client.js';
import { gohighlevelOptions } from './gohighlevel-options.js';
import type { IntegrationTemplate } from './template.js';

const setupInstructions = `**With a Private Integration Token** (one sub-account):
1. In GoHighLevel, open the sub-account, then **Settings → Private Integrations → Create new integration**.
2. Give it the scopes your flows need: contacts, opportunities, calendars/events, conversations/message,
   locations (read), custom fields (read), users, workflows, campaigns, tags (read).
3. Copy the token it shows once and paste it under **Private Integration Token**.
4. Copy the sub-account's **Location ID** (Settings → Business Profile) under **Location ID**.
5. Optionally pick the default **Calendar ID** appointments go to.

**With the marketplace app** (OAuth): use *Connect with GoHighLevel* instead; the tokens are stored and
refreshed for you.`;

export const gohighlevel: IntegrationTemplate = {
  id: 'gohighlevel',
  name: 'gohighlevel',
  displayName: 'GoHighLevel',
  category: 'CRM',
  icon: 'building-2',
  description: 'A GoHighLevel sub-account (location): contacts, opportunities, appointments and messages through the API v2.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['locationId'],
    properties: {
      authType: { type: 'string', enum: ['token', 'oauth'], default: 'token', title: 'Authentication', description: '`token`: a Private Integration Token; `oauth`: tokens from the marketplace app (written by the OAuth connection).' },
      token: { type: 'string', minLength: 10, maxLength: 2000, format: 'password', title: 'Private Integration Token' },
      locationId: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$', title: 'Location ID', description: 'The sub-account\'s id (Settings → Business Profile).' },
      calendarId: { type: 'string', maxLength: 100, title: 'Calendar ID', description: 'The calendar appointments go to when a node names none.' },
      accessToken: { type: 'string', maxLength: 5000, format: 'password', title: 'OAuth access token' },
      refreshToken: { type: 'string', maxLength: 5000, format: 'password', title: 'OAuth refresh token' },
      expiresAt: { type: 'string', format: 'date-time', title: 'Access token expires at' },
      userType: { type: 'string', enum: ['Location', 'Company'], title: 'OAuth token type' },
      companyId: { type: 'string', maxLength: 100, title: 'Company (agency) ID' },
      apiUrl: { type: 'string', format: 'uri', maxLength: 500, title: 'API base URL', description: 'Only to reach another API host; defaults to GHL_API_URL or https://services.leadconnectorhq.com.' },
    },
    // A token connection needs its token; an OAuth one its tokens (written by the OAuth callback).
    if: { properties: { authType: { const: 'oauth' } }, required: ['authType'] },
    then: { required: ['accessToken', 'refreshToken'] },
    else: { required: ['token'] },
  } as IntegrationTemplate['configSchema'],
  setupInstructions,
  async test(config, { signal, allowPrivateNetwork }) {
    const client = ghlClient({ credentials: config, signal, allowPrivateNetwork });
    const answer = await client.request<{ location?: { name?: string } }>({ method: 'GET', path: `/locations/${encodeURIComponent(client.locationId)}`, what: 'reading the location' });
    const name = answer.location?.name;
    return { ok: true, message: `Connected to GoHighLevel location ${name ? `"${name}" ` : ''}(${client.locationId}).` };
  },
  options: gohighlevelOptions,
};
