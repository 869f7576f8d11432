/** GoHighLevel's consent page for marketplace apps (sub-account and agency installs). */
export const DEFAULT_GHL_OAUTH_URL = 'https://marketplace.gohighlevel.com/oauth/chooselocation';
export const DEFAULT_GHL_API_URL = 'https://services.leadconnectorhq.com';

/** What the `ghl.*` nodes need, asked for at consent (reference: gohighlevel.md, OAuth scopes). */
export const GHL_OAUTH_SCOPES = [
  'contacts.readonly',
  'contacts.write',
  'opportunities.readonly',
  'opportunities.write',
  'calendars.readonly',
  'calendars/events.write',
  'conversations/message.write',
  'locations.readonly',
  'locations/customFields.readonly',
  'locations/tags.readonly',
  'users.readonly',
  'workflows.readonly',
  'campaigns.readonly',
  'oauth.readonly',
  'oauth.write',
];

/** The marketplace app this installation is: where its tokens come from and how it proves who it is. */
export interface GhlOAuthApp {
  clientId: string;
  clientSecret: string;
  /** The consent page (GHL_OAUTH_URL). */
  authorizeUrl: string;
  /** The API base whose `/oauth/token` and `/oauth/locationToken` mint tokens (GHL_API_URL). */
  apiUrl: string;
  scopes: string[];
}

/**
 * The app from the environment (GHL_CLIENT_ID, GHL_CLIENT_SECRET, GHL_OAUTH_URL, GHL_API_URL), or null
 * when OAuth is off. Read here rather than passed down: a token source is built inside a node's step,
 * which sees no server config. `server/config.ts` validates the same variables at start.
 */
export function ghlOAuthApp(env: NodeJS.ProcessEnv = process.env): GhlOAuthApp | null {
  const clientId = env.GHL_CLIENT_ID;
  const clientSecret = env.GHL_CLIENT_SECRET;
  if (!clientId || !clientSecret) return null;
  return {
    clientId,
    clientSecret,
    authorizeUrl: env.GHL_OAUTH_URL || DEFAULT_GHL_OAUTH_URL,
    apiUrl: (env.GHL_API_URL || DEFAULT_GHL_API_URL).replace(/\/+$/, ''),
    scopes: GHL_OAUTH_SCOPES,
  };
}
