import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** A sealed value: AES-256-GCM with a random IV, and the id of the key that sealed it (for rotation). */
export interface Sealed {
  v: 1;
  kid: string;
  iv: string;
  tag: string;
  data: string;
}

export const keyId = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 12);

export function seal(value: unknown, key: Buffer): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return { v: 1, kid: keyId(key), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

export class SealError extends Error {}

export function unseal<T = unknown>(sealed: Sealed, key: Buffer): T {
  if (sealed.kid !== keyId(key)) throw new SealError(`sealed with key ${sealed.kid}, but ENCRYPTION_KEY is key ${keyId(key)}`);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  const text = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  return JSON.parse(text) as T;
}
