/**
 * GoHighLevel versions its API per resource with a `Version` header: calendars and conversations are
 * still on 2021-04-15, everything else we call is on 2021-07-28 (reference: gohighlevel.md, Requests).
 */
export type GhlVersion = '2021-07-28' | '2021-04-15';

const OLDER: readonly string[] = ['/calendars', '/conversations'];

/** The `Version` header a path needs. */
export function versionFor(path: string): GhlVersion {
  return OLDER.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)) ? '2021-04-15' : '2021-07-28';
}

export const DEFAULT_GHL_API_URL = 'https://services.leadconnectorhq.com';

/** The API base: the integration's own `apiUrl`, else `GHL_API_URL`, else GoHighLevel's. */
export function ghlBaseUrl(configured?: unknown): string {
  const base = (typeof configured === 'string' && configured) || process.env.GHL_API_URL || DEFAULT_GHL_API_URL;
  return base.replace(/\/+$/, '');
}
