import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SignatureRule {
  secret: string;
  header: string;
  prefix?: string;
  encoding?: 'hex' | 'base64';
}

/** HMAC-SHA256 over the raw body, compared in constant time; false for a missing or malformed header. */
export function verifySignature(rule: SignatureRule, raw: Buffer, headers: Record<string, string | string[] | undefined>): boolean {
  const value = headers[rule.header.toLowerCase()];
  if (typeof value !== 'string') return false;
  const prefix = rule.prefix ?? '';
  if (!value.startsWith(prefix)) return false;
  const expected = createHmac('sha256', rule.secret).update(raw).digest();
  const given = Buffer.from(value.slice(prefix.length).trim(), rule.encoding ?? 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
