import type { Workspace } from './flows.js';
import { connectIntegration } from './integrations.js';

export { integrationOf } from './integrations.js';

/** Connects the sub-account to a (fake) GoHighLevel location through the API; returns the integration id. */
export const connectGhl = (ws: Workspace, config: Record<string, unknown>, name = 'GoHighLevel'): Promise<string> => connectIntegration(ws, 'gohighlevel', name, config);
