import { pino, type DestinationStream, type Logger } from 'pino';

/** Paths pino blanks in every log line: credentials never reach the logs, whatever logs them. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-ghl-signature"]',
  'req.headers["x-wh-signature"]',
  'req.headers["stripe-signature"]',
  'res.headers["set-cookie"]',
  'password',
  'token',
  'key',
  'secret',
  '*.password',
  '*.token',
  '*.key',
  '*.apiKey',
  '*.secret',
  '*.accessToken',
  '*.refreshToken',
  '*.passwordHash',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[Redacted]' }, base: { service: 'switchboard' } }, destination);
}
