import { readJsonObjectCapped } from '../../nodes/lib/capped-body.js';
import { fetchFollowingRedirects } from '../../nodes/lib/outbound.js';
import { serviceUrl } from './service-url.js';
import type { IntegrationTemplate } from './template.js';

export const DEFAULT_FACEBOOK_GRAPH_URL = 'https://graph.facebook.com/v19.0';

interface GraphError {
  error?: { message?: string; type?: string; code?: number };
}

export const facebookAds: IntegrationTemplate = {
  id: 'facebook-ads',
  name: 'facebook-ads',
  displayName: 'Facebook Ads',
  category: 'Advertising',
  icon: 'megaphone',
  description: 'A Meta (Facebook) access token with an ad account and a page, for lead forms, audiences and ad reporting.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['accessToken', 'adAccountId', 'pageId'],
    properties: {
      accessToken: { type: 'string', format: 'password', minLength: 20, maxLength: 1000, title: 'Access token', description: 'A System User token (or a long-lived user token) with ads_read, leads_retrieval and pages_show_list.' },
      adAccountId: { type: 'string', pattern: '^(act_)?[0-9]{1,30}$', title: 'Ad account id', description: 'The ad account, as act_1234567890 or just the digits.' },
      pageId: { type: 'string', pattern: '^[0-9]{1,30}$', title: 'Page id', description: 'The Facebook Page whose lead forms and posts the flows use.' },
    },
  },
  setupInstructions: [
    '1. In **Meta Business Settings → Users → System users**, add a system user (or pick one) and give it the ad account and the page as assets.',
    '2. Press **Generate new token**, choose your app and the permissions `ads_read`, `leads_retrieval`, `pages_show_list` and `pages_read_engagement`, and copy the token.',
    '3. The **ad account id** is in Ads Manager’s account menu (`act_…`); the **page id** is under the page’s *About → Page transparency*.',
    '4. Press **Test**: Switchboard asks the Graph API who the token belongs to.',
  ].join('\n'),
  async test(config, ctx) {
    const url = new URL(`${serviceUrl('FACEBOOK_GRAPH_URL', DEFAULT_FACEBOOK_GRAPH_URL)}/me`);
    url.searchParams.set('access_token', String(config.accessToken));
    url.searchParams.set('fields', 'id,name');
    const { response } = await fetchFollowingRedirects({ url, method: 'GET', headers: { accept: 'application/json' }, signal: ctx.signal, allowPrivateNetwork: ctx.allowPrivateNetwork });
    const body = (await readJsonObjectCapped(response, "The Graph API's answer")) as GraphError & { id?: string; name?: string };
    if (response.ok && body.id) return { ok: true, message: `Connected to Facebook as ${body.name ?? body.id}.` };
    const reason = body.error?.message ?? `The Graph API answered ${response.status}.`;
    // Code 190 is Meta's "access token expired, revoked or invalid".
    if (body.error?.code === 190) return { ok: false, message: `Facebook refused the access token: ${reason} Generate a new token and save it here.` };
    return { ok: false, message: `The Graph API answered ${response.status}: ${reason}` };
  },
};
