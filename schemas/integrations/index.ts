import { facebookAds } from './facebook-ads.js';
import { gohighlevel } from './gohighlevel.js';
import { googleAnalytics } from './google-analytics.js';
import { http } from './http.js';
import { openai } from './openai.js';
import { smtp } from './smtp.js';
import { stripe } from './stripe.js';
import type { IntegrationTemplate } from './template.js';
import { webhookSecret } from './webhook-secret.js';

/** The templates this build ships. Other services' templates arrive with their nodes. */
export const integrationTemplates: IntegrationTemplate[] = [
  webhookSecret,
  gohighlevel,
  smtp,
  openai,
  stripe,
  http,
  facebookAds,
  googleAnalytics,
];

export const findTemplate = (id: string): IntegrationTemplate | undefined => integrationTemplates.find((t) => t.id === id);
