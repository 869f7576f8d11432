import { authorize, checkWithGet, resolveUnder, type HttpAuthSpec } from './http-auth.js';
import type { IntegrationTemplate } from './template.js';

const HEADER_NAME = "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$";

/** Which config fields carry the credentials for each kind of authentication. */
function specOf(config: Record<string, unknown>): HttpAuthSpec | undefined {
  switch (config.authType) {
    case 'bearer':
      return { type: 'bearer', tokenField: 'token' };
    case 'basic':
      return { type: 'basic', usernameField: 'username', passwordField: 'password' };
    case 'header':
      return { type: 'header', headerName: String(config.keyName), valueField: 'keyValue' };
    case 'query':
      return { type: 'query', paramName: String(config.keyName), valueField: 'keyValue' };
    default:
      return undefined;
  }
}

const requiredWhen = (authType: string, required: string[]) => ({ if: { properties: { authType: { const: authType } }, required: ['authType'] }, then: { required } });

export const http: IntegrationTemplate = {
  id: 'http',
  name: 'http',
  displayName: 'HTTP API',
  category: 'Developer',
  icon: 'globe',
  description: 'Any HTTP API: a base URL and how to authenticate (bearer token, basic auth, an API key header or query parameter). The HTTP request node sends the credentials only to URLs under the base URL.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['baseUrl', 'authType'],
    properties: {
      baseUrl: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2000, title: 'Base URL', description: 'e.g. https://api.example.com/v1: requests with this integration go to URLs under it.' },
      authType: { type: 'string', enum: ['none', 'bearer', 'basic', 'header', 'query'], title: 'Authentication' },
      token: { type: 'string', format: 'password', minLength: 1, maxLength: 4000, title: 'Bearer token' },
      username: { type: 'string', maxLength: 500, title: 'User name (basic)' },
      password: { type: 'string', format: 'password', maxLength: 1000, title: 'Password (basic)' },
      keyName: { type: 'string', pattern: HEADER_NAME, title: 'Header or query parameter name', description: 'e.g. X-Api-Key, or api_key for a query parameter.' },
      keyValue: { type: 'string', format: 'password', minLength: 1, maxLength: 4000, title: 'API key' },
      testPath: { type: 'string', maxLength: 2000, pattern: '^[^:]*$', title: 'Test path', description: 'A path under the base URL that answers a GET when the credentials work (e.g. /me); empty: the base URL itself.' },
    },
    allOf: [requiredWhen('bearer', ['token']), requiredWhen('basic', ['username', 'password']), requiredWhen('header', ['keyName', 'keyValue']), requiredWhen('query', ['keyName', 'keyValue'])],
  },
  setupInstructions: [
    '1. Enter the API’s **base URL**, e.g. `https://api.example.com/v1`. The HTTP request node then takes paths relative to it, and sends these credentials to no other address.',
    '2. Choose how the API authenticates and fill in the matching fields:',
    '   - **Bearer**: the token (sent as `Authorization: Bearer …`).',
    '   - **Basic**: user name and password.',
    '   - **Header**: the header name (e.g. `X-Api-Key`) and the key.',
    '   - **Query**: the parameter name (e.g. `api_key`) and the key.',
    '3. Optionally give a **test path** that answers a GET when the credentials work (such as `/me`), then press **Test**.',
  ].join('\n'),
  httpAuth: (config) => authorize(specOf(config), config, String(config.baseUrl)),
  async test(config, ctx) {
    const auth = authorize(specOf(config), config, String(config.baseUrl));
    return checkWithGet(resolveUnder(String(config.baseUrl), String(config.testPath ?? '')), auth, ctx);
  },
};
