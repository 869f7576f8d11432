import type { Response } from 'undici';
import { NodeError, RetryableError } from '../contract.js';

export interface BodyLimits {
  /** Bytes past which reading stops. */
  maxBytes: number;
  /** Names the answer in the error, e.g. "The page https://example.com/list". */
  what: string;
}

/** A byte count as people read it in a message: "10 MiB", "64 KiB". */
export const formatBytes = (bytes: number): string => (bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(2)} MiB` : `${+(bytes / 1024).toFixed(1)} KiB`);

/**
 * Reads an answer's body, stopping (and closing the connection) as soon as it passes `maxBytes`,
 * announced or streamed, so a huge or endless answer costs at most that much memory. A connection that
 * breaks mid-body is retryable; an abort (cancel, timeout) is passed on as is for the caller to name.
 */
export async function readBodyCapped(response: Response, { maxBytes, what }: BodyLimits): Promise<Buffer> {
  const tooLarge = () => new NodeError(`${what} is larger than ${formatBytes(maxBytes)}; reading stopped there.`, 'response_too_large');
  if (!response.body) return Buffer.alloc(0);
  if (Number(response.headers.get('content-length')) > maxBytes) {
    await response.body.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body) {
      total += chunk.byteLength;
      if (total > maxBytes) {
        await response.body.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(chunk);
    }
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'NodeError' || name === 'AbortError' || name === 'TimeoutError') throw err;
    throw new RetryableError(`${what} broke off while it was being read: ${(err as Error).message}`, 'network_error');
  }
  return Buffer.concat(chunks, total);
}

/** Service answers read to judge a call (tokens, errors, a connection test): small JSON objects. */
export const SERVICE_ANSWER_BYTES = 1024 * 1024;

/** An answer's JSON object, read within `maxBytes` (default SERVICE_ANSWER_BYTES); `{}` when it is not a JSON object. */
export async function readJsonObjectCapped(response: Response, what: string, maxBytes = SERVICE_ANSWER_BYTES): Promise<Record<string, unknown>> {
  const raw = await readBodyCapped(response, { maxBytes, what });
  try {
    const parsed = JSON.parse(raw.toString('utf8')) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
