/** An integration template (CONTRACT §4): the form a sub-account fills in to connect a service. */
export interface IntegrationTemplate {
  id: string;
  name: string;
  displayName: string;
  category: string;
  description: string;
  /** JSON Schema of the config; fields with `format: "password"` or `x-secret: true` are secrets. */
  configSchema: { type: 'object'; properties: Record<string, Record<string, unknown>>; required?: string[]; additionalProperties?: boolean };
  setupInstructions: string;
}

/** Names of the config fields that are encrypted at rest and never returned. */
export const secretFields = (template: IntegrationTemplate): string[] =>
  Object.entries(template.configSchema.properties)
    .filter(([, field]) => field.format === 'password' || field['x-secret'] === true)
    .map(([name]) => name);
