import type { IntegrationTemplate } from './template.js';
import { webhookSecret } from './webhook-secret.js';

/** The templates this build ships. Other services' templates arrive with their nodes. */
export const integrationTemplates: IntegrationTemplate[] = [webhookSecret];

export const findTemplate = (id: string): IntegrationTemplate | undefined => integrationTemplates.find((t) => t.id === id);
