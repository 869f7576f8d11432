import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../../../server/lib/json-body.js';
import { NodeError } from '../../contract.js';
import { LOG_LIMITS, MAX_OUTPUT_CHARS } from './prelude.js';

export interface CodeOutcome {
  value: unknown;
  logs: string[];
}

/** The most the envelope can hold besides the value: every log line at its cap, escaped at worst. */
const MAX_ENVELOPE_CHARS = MAX_OUTPUT_CHARS + LOG_LIMITS.lines * (LOG_LIMITS.lineChars * 6 + 16) + 4096;

const CODES = new Set(['script_error', 'invalid_output', 'output_too_large']);

interface Envelope {
  ok?: unknown;
  value?: unknown;
  code?: unknown;
  message?: unknown;
  logs?: unknown;
  dropped?: unknown;
}

function logsOf(envelope: Envelope): string[] {
  const lines = Array.isArray(envelope.logs) ? envelope.logs.slice(0, LOG_LIMITS.lines).map((line) => String(line).slice(0, LOG_LIMITS.lineChars + 1)) : [];
  const dropped = Number(envelope.dropped);
  if (Number.isInteger(dropped) && dropped > 0) lines.push(`… ${dropped} more console lines were dropped (at most ${LOG_LIMITS.lines} are kept).`);
  return lines;
}

/**
 * Reads what the isolate sent back. Only a string crosses; it is checked here as hostile input (the user's
 * code can change the built-ins the prelude did not capture, so the envelope may be anything).
 */
export function readOutcome(result: unknown): CodeOutcome {
  if (typeof result !== 'string' || result.length > MAX_ENVELOPE_CHARS) throw new NodeError('The code sent back something that is not its result.', 'invalid_output');
  // Outputs feed expressions, stores and other nodes, all of which recurse: the same depth bound as any body
  // the server accepts (the envelope adds one level).
  if (jsonDepthExceeds(Buffer.from(result), MAX_JSON_DEPTH + 1)) {
    throw new NodeError(`The returned value is nested deeper than ${MAX_JSON_DEPTH} levels.`, 'invalid_output');
  }
  let envelope: Envelope;
  try {
    envelope = JSON.parse(result) as Envelope;
  } catch {
    throw new NodeError('The code sent back something that is not JSON (did it change JSON or Object.prototype.toJSON?).', 'invalid_output');
  }
  if (!envelope || typeof envelope !== 'object') throw new NodeError('The code sent back something that is not its result.', 'invalid_output');
  const logs = logsOf(envelope);
  if (envelope.ok === true) return { value: envelope.value ?? null, logs };
  const code = typeof envelope.code === 'string' && CODES.has(envelope.code) ? envelope.code : 'script_error';
  const message = typeof envelope.message === 'string' && envelope.message ? envelope.message : 'The code failed.';
  throw Object.assign(new NodeError(message, code), { logs });
}
