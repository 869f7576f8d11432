/**
 * A SaaS base URL: the environment variable when set (tests point it at a fake, a proxy or a regional
 * endpoint), else the service's own. Read at each call, as the GoHighLevel client reads GHL_API_URL.
 */
export function serviceUrl(variable: string, fallback: string): string {
  return (process.env[variable] || fallback).replace(/\/+$/, '');
}
