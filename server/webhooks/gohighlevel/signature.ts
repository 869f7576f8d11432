import { createPublicKey, verify, type KeyObject } from 'node:crypto';

export interface GhlWebhookKeys {
  /** PEM, Ed25519: verifies `x-ghl-signature`. */
  ed25519: string;
  /** PEM, RSA: verifies the legacy `x-wh-signature` (RSA-SHA256). */
  rsa: string;
}

type Headers = Record<string, string | string[] | undefined>;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const parsed = new Map<string, KeyObject>();

function keyOf(pem: string): KeyObject {
  let key = parsed.get(pem);
  if (!key) {
    key = createPublicKey(pem);
    parsed.set(pem, key);
  }
  return key;
}

function signature(headers: Headers, name: string): Buffer | null {
  const value = headers[name];
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed && trimmed.length <= 2048 && BASE64.test(trimmed) ? Buffer.from(trimmed, 'base64') : null;
}

/**
 * Whether GoHighLevel signed these exact bytes (CONTRACT §7): `x-ghl-signature` (Ed25519) when present,
 * else the legacy `x-wh-signature` (RSA-SHA256). A present but wrong Ed25519 signature is not rescued by a
 * legacy one: GoHighLevel sends both while it retires the old one, and both must come from it.
 */
export function verifyGhlSignature(raw: Buffer, headers: Headers, keys: GhlWebhookKeys): boolean {
  try {
    if (headers['x-ghl-signature'] !== undefined) {
      const sig = signature(headers, 'x-ghl-signature');
      return !!sig && sig.length === 64 && verify(null, raw, keyOf(keys.ed25519), sig);
    }
    const legacy = signature(headers, 'x-wh-signature');
    return !!legacy && verify('sha256', raw, keyOf(keys.rsa), legacy);
  } catch {
    return false;
  }
}
