// Shapes of the integrations, templates, audit and billing API (CONTRACT §4, §10) as the editor reads them.
import type { IntegrationTemplate as TemplateModule } from '../../../schemas/integrations/template.js';
import type { JsonSchema, Role } from './types.js';

export interface HttpAuthSpec {
  type: 'bearer' | 'basic' | 'header' | 'query';
  tokenField?: string;
  usernameField?: string;
  passwordField?: string;
  headerName?: string;
  paramName?: string;
  valueField?: string;
}

/** A template as GET /api/integration-templates lists it: the module's descriptive fields as they are, the rest as sent. */
export interface IntegrationTemplate extends Pick<TemplateModule, 'id' | 'name' | 'displayName' | 'category' | 'description' | 'setupInstructions' | 'custom'> {
  icon?: string;
  configSchema: JsonSchema & { properties?: Record<string, JsonSchema>; required?: string[] };
  auth?: HttpAuthSpec | null;
  baseUrlField?: string | null;
  testUrl?: string | null;
  /** Present when the service can be connected by OAuth here (GoHighLevel's marketplace app is configured). */
  oauth?: { startPath: string };
  /** Names of its option lists: GET …/integrations/:iid/options/:name. */
  options?: string[];
}

export type IntegrationStatus = 'pending' | 'active' | 'error';

export interface Integration {
  id: string;
  name: string;
  template: string;
  status: IntegrationStatus | string;
  lastError: string | null;
  lastTestedAt: string | null;
  lastUsedAt: string | null;
  /** Secret fields come back as "********". */
  config: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

// A connection test's verdict and an option loader's choice reach the editor exactly as the template returns them.
export type { OptionChoice, TestResult } from '../../../schemas/integrations/template.js';

export interface AuditEntry {
  id: string;
  at: string;
  action: string;
  actor: { userId: string | null; apiKeyId: string | null; email: string | null };
  target: { type: string; id: string | null; name: string | null };
  subaccountId: string | null;
  fields: string[] | null;
}

export type LimitName = 'executionsPerMonth' | 'activeFlows' | 'subaccounts' | 'users' | string;

export interface BillingOverview {
  enabled: boolean;
  plan: string | null;
  limitsPlan?: string;
  interval?: 'monthly' | 'annual' | null;
  status: string;
  periodStart: string | null;
  periodEnd: string | null;
  trialEndsAt?: string | null;
  graceEndsAt?: string | null;
  adminsManageBilling?: boolean;
  usage: { executions: number | null; activeFlows: number; subaccounts: number; users: number };
  limits: Record<LimitName, number | null> | null;
  overLimits: { limit: string; max: number; used: number; message: string }[];
  heldExecutions: number;
}

/** `GET /api/billing/usage`: executions started per UTC day, every day of the range listed. */
export interface UsagePerDay {
  from: string;
  to: string;
  total: number;
  days: { day: string; executions: number }[];
}

export interface Plan {
  id: string;
  name: string;
  prices?: Record<string, number>;
  limits: Record<string, number | null>;
  purchasable: { monthly: boolean; annual: boolean };
}

export type { Role };
