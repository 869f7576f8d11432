import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors.js';

/**
 * How deep a JSON body may nest (arrays and objects). No real payload comes near it (a flow graph with
 * nested rule groups uses about 2 levels per group), while 10,000 levels would overflow the recursive
 * code that validates, stores and evaluates a value. Every JSON body parser refuses deeper input.
 */
export const MAX_JSON_DEPTH = 100;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Whether UTF-8 JSON text nests deeper than `max`: one pass over the bytes counting brackets outside
 * strings, so it cannot overflow the stack however deep the input is. Multi-byte UTF-8 sequences never
 * contain ASCII bytes, so scanning bytes is exact; for valid JSON the count is exact, and invalid JSON
 * fails to parse anyway.
 */
export function jsonDepthExceeds(bytes: Uint8Array, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      if (++depth > max) return true;
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) depth--;
  }
  return false;
}

export const jsonTooDeep = () =>
  new HttpError(400, 'json_too_deep', `The request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels.`, [
    { path: '/', message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` },
  ]);

/** Refuses (400 `json_too_deep`) UTF-8 JSON text nested past MAX_JSON_DEPTH, before anything parses it. */
export function assertJsonDepth(bytes: Uint8Array): void {
  if (jsonDepthExceeds(bytes)) throw jsonTooDeep();
}

/**
 * The `verify` hook of `express.json`: runs on the (decompressed) body before it is parsed. Bodies in
 * another Unicode charset are decoded first, so the scan sees the characters the parser will see.
 */
export function verifyJsonDepth(_req: IncomingMessage, _res: unknown, body: Buffer, encoding: string | null): void {
  const charset = (encoding ?? 'utf-8').toLowerCase();
  if (charset === 'utf-8' || charset === 'utf8') return assertJsonDepth(body);
  let text: string;
  try {
    text = new TextDecoder(charset).decode(body);
  } catch {
    throw new HttpError(415, 'unsupported_media_type', `The charset "${charset}" is not supported; send JSON as UTF-8.`);
  }
  assertJsonDepth(Buffer.from(text, 'utf8'));
}

/** Parses a raw JSON body: too deep is 400 `json_too_deep`, malformed is 400 `invalid_json`. */
export function parseJsonBody(raw: Buffer): unknown {
  assertJsonDepth(raw);
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, 'invalid_json', 'The request body is not valid JSON.', [{ path: '/', message: (err as Error).message }]);
  }
}
