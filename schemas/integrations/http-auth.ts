import { fetchFollowingRedirects, redactUrl } from '../../nodes/lib/outbound.js';
import type { HttpAuthorization, TemplateTestContext, TestResult } from './template.js';

/**
 * How a request authenticates with a custom template's integration, naming the config fields that hold
 * the values (CONTRACT §4, custom templates' `auth`).
 */
export type HttpAuthSpec =
  | { type: 'bearer'; tokenField: string }
  | { type: 'basic'; usernameField: string; passwordField: string }
  | { type: 'header'; headerName: string; valueField: string }
  | { type: 'query'; paramName: string; valueField: string };

/** The config fields an auth spec reads, with the role each plays (for checks and messages). */
export function authFields(spec: HttpAuthSpec): { field: string; role: string; credential: boolean }[] {
  switch (spec.type) {
    case 'bearer':
      return [{ field: spec.tokenField, role: 'tokenField', credential: true }];
    case 'basic':
      return [
        { field: spec.usernameField, role: 'usernameField', credential: false },
        { field: spec.passwordField, role: 'passwordField', credential: true },
      ];
    case 'header':
    case 'query':
      return [{ field: spec.valueField, role: 'valueField', credential: true }];
  }
}

const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

/** The headers and query parameters a spec makes of a config. */
export function authorize(spec: HttpAuthSpec | undefined, config: Record<string, unknown>, baseUrl?: string): HttpAuthorization {
  const auth: HttpAuthorization = { headers: {}, query: {}, ...(baseUrl ? { baseUrl } : {}) };
  if (!spec) return auth;
  switch (spec.type) {
    case 'bearer':
      auth.headers.authorization = `Bearer ${text(config[spec.tokenField])}`;
      break;
    case 'basic':
      auth.headers.authorization = `Basic ${Buffer.from(`${text(config[spec.usernameField])}:${text(config[spec.passwordField])}`).toString('base64')}`;
      break;
    case 'header':
      auth.headers[spec.headerName.toLowerCase()] = text(config[spec.valueField]);
      break;
    case 'query':
      auth.query[spec.paramName] = text(config[spec.valueField]);
      break;
  }
  return auth;
}

/** Whether `url` lies under `base` (same origin, and inside its path), so credentials may go there. */
export function isUnder(url: URL, base: string): boolean {
  const root = new URL(base);
  if (url.origin !== root.origin) return false;
  const prefix = root.pathname.endsWith('/') ? root.pathname : `${root.pathname}/`;
  return url.pathname === root.pathname || url.pathname.startsWith(prefix) || root.pathname === '/';
}

/** `path` resolved under `base` (a path is appended to the base's path, as API clients do). */
export function resolveUnder(base: string, path: string): URL {
  if (!path) return new URL(base);
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return new URL(path);
  const root = new URL(base);
  const joined = `${root.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  return new URL(joined, root.origin);
}

/**
 * A connection test for a generic HTTP service: one GET with the credentials applied. 2xx and 3xx pass;
 * 401 and 403 are refused credentials; anything else fails with the status.
 */
export async function checkWithGet(url: URL, auth: HttpAuthorization, ctx: TemplateTestContext): Promise<TestResult> {
  for (const [name, value] of Object.entries(auth.query)) url.searchParams.set(name, value);
  const { response } = await fetchFollowingRedirects({ url, method: 'GET', headers: { accept: 'application/json, */*', ...auth.headers }, signal: ctx.signal, allowPrivateNetwork: ctx.allowPrivateNetwork });
  await response.body?.cancel().catch(() => undefined);
  const where = redactUrl(url);
  if (response.status === 401 || response.status === 403) return { ok: false, message: `${where} refused the credentials (${response.status}): check the key or token.` };
  if (response.status >= 400) return { ok: false, message: `${where} answered ${response.status}.` };
  return { ok: true, message: `${where} answered ${response.status} with these credentials.` };
}
