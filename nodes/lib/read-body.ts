import type { Response } from 'undici';
import { NodeError, RetryableError } from '../contract.js';

/** Reads a whole answer, refusing it as soon as it grows past `maxBytes` (announced or streamed). */
export async function readCapped(response: Response, maxBytes: number, what: string): Promise<Buffer> {
  const tooLarge = () => new NodeError(`${what} is larger than ${formatBytes(maxBytes)}.`, 'response_too_large');
  if (!response.body) return Buffer.alloc(0);
  if (Number(response.headers.get('content-length')) > maxBytes) {
    await response.body.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        await response.body.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if ((err as Error).name === 'NodeError' || (err as Error).name === 'AbortError') throw err;
    throw new RetryableError(`${what} broke off: ${(err as Error).message}`, 'network_error');
  }
  return Buffer.concat(chunks);
}

export const formatBytes = (bytes: number): string => (bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MiB` : `${bytes / 1024} KiB`);

/** `Retry-After` in milliseconds: seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
