import { readJsonObjectCapped } from '../../nodes/lib/capped-body.js';
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { fetchFollowingRedirects } from '../../nodes/lib/outbound.js';
import { serviceUrl } from './service-url.js';
import type { IntegrationTemplate, TestResult } from './template.js';

export const DEFAULT_GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
export const ANALYTICS_SCOPE = 'https://www.googleapis.com/auth/analytics.readonly';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** The fields of a service account's JSON key that signing needs. */
interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** The key file, or a message naming what is wrong with it (people paste the wrong file). */
export function readServiceAccountKey(text: unknown): ServiceAccountKey | string {
  let key: Record<string, unknown>;
  try {
    key = JSON.parse(String(text)) as Record<string, unknown>;
  } catch {
    return 'The service-account key is not JSON: paste the whole .json file Google gave you.';
  }
  if (typeof key !== 'object' || key === null || key.type !== 'service_account') return 'This JSON is not a service-account key ("type": "service_account"): create a key for a service account and paste that file.';
  if (typeof key.client_email !== 'string' || typeof key.private_key !== 'string') return 'The service-account key has no client_email or private_key: paste the whole file.';
  return { client_email: key.client_email, private_key: key.private_key, ...(typeof key.private_key_id === 'string' ? { private_key_id: key.private_key_id } : {}) };
}

/** An RS256-signed JWT assertion for Google's OAuth token endpoint (RFC 7523), valid for an hour. */
export function signAssertion(key: ServiceAccountKey, privateKey: KeyObject, audience: string, now = Math.floor(Date.now() / 1000)): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', ...(key.private_key_id ? { kid: key.private_key_id } : {}) }));
  const claims = base64url(JSON.stringify({ iss: key.client_email, scope: ANALYTICS_SCOPE, aud: audience, iat: now, exp: now + 3600 }));
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${claims}`), privateKey);
  return `${header}.${claims}.${base64url(signature)}`;
}

export const googleAnalytics: IntegrationTemplate = {
  id: 'google-analytics',
  name: 'google-analytics',
  displayName: 'Google Analytics',
  category: 'Analytics',
  icon: 'chart-line',
  description: 'A Google Cloud service account with read access to a Google Analytics 4 property, for reports in flows.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['serviceAccountKey', 'propertyId'],
    properties: {
      serviceAccountKey: { type: 'string', format: 'password', minLength: 100, maxLength: 20_000, title: 'Service-account key (JSON)', description: 'The whole JSON key file of the service account.', 'x-ui': { widget: 'textarea' } },
      propertyId: { type: 'string', pattern: '^[0-9]{1,20}$', title: 'Property id', description: 'The GA4 property’s numeric id (Admin → Property settings).' },
    },
  },
  setupInstructions: [
    '1. In the Google Cloud console, enable the **Google Analytics Data API** for a project, then open **IAM & Admin → Service accounts** and create a service account.',
    '2. On the service account, open **Keys → Add key → Create new key → JSON**. A .json file downloads: paste its whole content here.',
    '3. In Google Analytics, open **Admin → Property access management** and add the service account’s email (`…@….iam.gserviceaccount.com`) as a **Viewer**.',
    '4. Copy the **property id** from *Admin → Property settings* (digits only), then press **Test**: Switchboard signs a token request with the key and exchanges it at Google’s token endpoint.',
  ].join('\n'),
  async test(config, ctx): Promise<TestResult> {
    const key = readServiceAccountKey(config.serviceAccountKey);
    if (typeof key === 'string') return { ok: false, message: key };
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey(key.private_key);
    } catch {
      return { ok: false, message: 'The private_key in the service-account key cannot be read: paste the file again, unchanged.' };
    }
    const tokenUrl = serviceUrl('GOOGLE_TOKEN_URL', DEFAULT_GOOGLE_TOKEN_URL);
    const body = new URLSearchParams({ grant_type: JWT_BEARER, assertion: signAssertion(key, privateKey, tokenUrl) }).toString();
    const { response } = await fetchFollowingRedirects({
      url: new URL(tokenUrl),
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      signal: ctx.signal,
      allowPrivateNetwork: ctx.allowPrivateNetwork,
    });
    const answer = (await readJsonObjectCapped(response, "Google's token endpoint's answer")) as { access_token?: string; error?: string; error_description?: string };
    if (response.ok && answer.access_token) return { ok: true, message: `Google accepted the key of ${key.client_email}.` };
    const reason = answer.error_description ?? answer.error ?? `the token endpoint answered ${response.status}`;
    if (answer.error === 'invalid_grant') return { ok: false, message: `Google refused the service-account key: ${reason} Create a new key for the service account and paste it here.` };
    return { ok: false, message: `Google did not issue a token: ${reason}` };
  },
};
