/** What a template's connection test is given: the same outbound rules as nodes. */
export interface TemplateTestContext {
  /** Aborted when the test runs past its time. */
  signal: AbortSignal;
  /** Whether calls may reach loopback and private addresses (ALLOW_PRIVATE_NETWORK). */
  allowPrivateNetwork: boolean;
}

/** A connection test's verdict; `message` is shown to the person who connected the service. */
export interface TestResult {
  ok: boolean;
  message: string;
}

/** One choice an editor form offers instead of an id (CONTRACT §4, option loaders). */
export interface OptionChoice {
  value: string;
  label: string;
  [extra: string]: unknown;
}

/** What an option loader is given: the integration's decrypted config and the outbound rules. */
export interface OptionContext extends TemplateTestContext {
  credentials: Record<string, unknown>;
  /** Query parameters of the request (e.g. `pipelineId` for the stages of one pipeline). */
  params: Record<string, string>;
}

/** An integration template (CONTRACT §4): the form a sub-account fills in to connect a service. */
export interface IntegrationTemplate {
  id: string;
  name: string;
  displayName: string;
  category: string;
  description: string;
  /** A name from the editor's icon set (lucide), e.g. `"key-round"`. */
  icon: string;
  /** JSON Schema of the config; fields with `format: "password"` or `x-secret: true` are secrets. */
  configSchema: { type: 'object'; properties: Record<string, Record<string, unknown>>; required?: string[]; additionalProperties?: boolean; [keyword: string]: unknown };
  /** Markdown: where to find each value in the service's own settings. */
  setupInstructions: string;
  /**
   * Makes one real call with the (decrypted, schema-valid) config to tell whether it works. A thrown
   * error counts as a failed test with its message.
   */
  test(config: Record<string, unknown>, ctx: TemplateTestContext): Promise<TestResult>;
  /**
   * Option loaders, served at `GET …/integrations/:iid/options/:name` and cached briefly: the choices
   * an editor offers for a field (pipelines, calendars, tags) read from the service with this integration.
   */
  options?: Record<string, (ctx: OptionContext) => Promise<OptionChoice[]>>;
  /** Made by an agency through the API (stored, agency-scoped, editable), not shipped with the build. */
  custom?: boolean;
  /**
   * How an HTTP request authenticates with an integration of this template (the `http` template, custom
   * templates that declare `auth`): `http.request` takes such integrations and applies what this returns.
   */
  httpAuth?(config: Record<string, unknown>): HttpAuthorization;
}

/** What an HTTP request sends to authenticate with an integration; `baseUrl` bounds where it may be sent. */
export interface HttpAuthorization {
  /** Relative URLs resolve against it, and credentials are only sent to URLs under it. */
  baseUrl?: string;
  headers: Record<string, string>;
  query: Record<string, string>;
}

/** Names of the config fields that are encrypted at rest and never returned. */
export const secretFields = (template: Pick<IntegrationTemplate, 'configSchema'>): string[] =>
  Object.entries(template.configSchema.properties)
    .filter(([, field]) => field.format === 'password' || field['x-secret'] === true)
    .map(([name]) => name);
