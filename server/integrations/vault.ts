import type { Models } from '../db/models/index.js';
import type { IntegrationRow } from '../db/models/runtime.js';
import { secretFields, type IntegrationTemplate } from '../../schemas/integrations/template.js';
import { seal, unseal, type Sealed } from './crypto.js';

export const MASK = '********';

/** Splits a config into what is stored in clear and what is sealed; `previous` supplies secrets sent back masked. */
export function splitConfig(template: IntegrationTemplate, config: Record<string, unknown>, key: Buffer, previous?: Record<string, unknown>) {
  const secretNames = secretFields(template);
  const clear: Record<string, unknown> = {};
  const secret: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(config)) {
    if (!secretNames.includes(name)) clear[name] = value;
    else secret[name] = value === MASK && previous && name in previous ? previous[name] : value;
  }
  return { config: clear, secrets: Object.keys(secret).length ? (seal(secret, key) as unknown as Record<string, unknown>) : null };
}

/** The full config with secrets decrypted, for a node or a connection test; never for an API answer. */
export function revealConfig(row: IntegrationRow, key: Buffer): Record<string, unknown> {
  return { ...row.config, ...(row.secrets ? unseal<Record<string, unknown>>(row.secrets as unknown as Sealed, key) : {}) };
}

/** The config as the API shows it: every stored secret as "********". */
export function maskedConfig(template: IntegrationTemplate | undefined, row: IntegrationRow, key: Buffer): Record<string, unknown> {
  const masked: Record<string, unknown> = { ...row.config };
  // Only secrets that hold a value are shown masked: a mask for one never set (an OAuth integration's
  // token field) would come back in a PATCH as a value to keep, and fail.
  const stored = row.secrets ? Object.keys(unseal<Record<string, unknown>>(row.secrets as unknown as Sealed, key)) : [];
  // A field a changed template now calls secret may still sit in clear in an older row: masked too.
  for (const name of template ? secretFields(template) : []) if (stored.includes(name) || name in masked) masked[name] = MASK;
  return masked;
}

/** The decrypted config of a sub-account's integration of one template, or null. */
export async function loadCredentials(models: Models, key: Buffer, subaccountId: string, integrationId: string, template: string) {
  const row = await models.Integration.findOne({ where: { id: integrationId, subaccountId, template } });
  return row ? revealConfig(row, key) : null;
}
